"""Odd input on the registration form: the builder's fields each have a length limit, refuse
invisible characters and invalid UTF-8, and take numbers in ASCII digits within a range."""

from urllib.parse import urlencode

import pytest

from stations.models import VolunteerRegistration
from stations.volunteers.forms import DEFAULT_NUMBER_RANGE, NUMBER_RANGES
from tests.factories.stations import (
    StationPageFactory,
    VolunteerTeamFactory,
    make_registration_form,
    make_station_index,
)
from tests.shared_data import shared_fixture

pytestmark = pytest.mark.django_db

URLENCODED = "application/x-www-form-urlencoded"
MOBILE = "13812345678"
GOOD = {
    "姓名": "李小梅",
    "手机号码": MOBILE,
    "年龄": "35",
    "政治面貌": "群众",
    "联系地址": "石牌街龙口西社区",
    "可服务时间": ["周末"],
    "兴趣爱好": "阅读",
    "专业技能": "护理",
}


def names(page):
    """Field label → the name it is posted under."""
    return {field.label: field.clean_name for field in page.form_fields.all()}


def post_data(page, station, **by_label):
    field_names = names(page)
    data = {field_names[label]: value for label, value in (GOOD | by_label).items()}
    return data | {"station": str(station.pk), "consent_privacy": "on", "homepage": ""}


def submit(client, page, station, **by_label):
    return client.post(page.url, post_data(page, station, **by_label))


def text(response):
    return response.content.decode()


@shared_fixture
def world(site_tree):
    home_page, _policies = site_tree
    index = make_station_index(home_page)
    station = StationPageFactory(parent=index, title="石牌街学雷锋志愿服务站", phone="020-87654321")
    VolunteerTeamFactory(station=station, name="石牌助老小队")
    form_page = make_registration_form(home_page)
    index.registration_page = form_page
    index.save()
    return {"station": station, "form_page": form_page}


@pytest.fixture
def station(world):
    return world["station"]


@pytest.fixture
def form_page(world):
    return world["form_page"]


def refused(response, message):
    html = text(response)
    assert message in html, html
    assert "error-summary" in html
    assert not VolunteerRegistration.objects.exists()


@pytest.mark.parametrize("label", ["姓名", "联系地址", "兴趣爱好", "专业技能"])
@pytest.mark.parametrize(
    "bad", ["\u202e", "\u200b", "\u200d", "\x00", "\x1b", "\ufeff", "\u2028", "\ue000"]
)
def test_invisible_characters_are_refused_in_every_text_field(
    client, form_page, station, label, bad
):
    response = submit(client, form_page, station, **{label: f"石牌{bad}街"})
    refused(response, "看不见的控制字符")


def test_line_breaks_are_fine_in_multiline_text_not_in_one_line(client, form_page, station):
    refused(submit(client, form_page, station, 联系地址="石牌街\n龙口西"), "看不见的控制字符")
    submit(client, form_page, station, 专业技能="护理\r\n驾驶")
    stored = VolunteerRegistration.objects.get().form_data[names(form_page)["专业技能"]]
    assert stored.splitlines() == ["护理", "驾驶"]


def test_invalid_utf8_is_refused_with_a_message(client, form_page, station):
    field = names(form_page)["联系地址"]
    data = post_data(form_page, station)
    data.pop(field)
    body = urlencode(data, doseq=True).encode() + f"&{field}=".encode() + b"%E7%9F%B3%FF%FE"
    response = client.post(form_page.url, body, content_type=URLENCODED)
    refused(response, "无法识别的字符")


@pytest.mark.parametrize(
    ("label", "length"),
    [("专业技能", 2001), ("联系地址", 256), ("兴趣爱好", 256), ("姓名", 61)],
)
def test_every_text_has_a_length_limit(client, form_page, station, label, length):
    response = submit(client, form_page, station, **{label: "护" * length})
    refused(response, f"{label}最多")


def test_two_megabytes_of_text_are_refused(client, form_page, station):
    response = submit(client, form_page, station, 专业技能="a" * (2 * 1024 * 1024))
    refused(response, "专业技能最多 2000 个字，现在是 2097152 个")


def test_text_within_the_limits_is_stored(client, form_page, station):
    submit(client, form_page, station, 专业技能="护" * 2000, 联系地址="石" * 255)
    assert VolunteerRegistration.objects.count() == 1


@pytest.mark.parametrize(
    ("age", "message"),
    [
        ("-5", "年龄应在 6 到 120 之间"),
        ("200", "年龄应在 6 到 120 之间"),
        ("5", "年龄应在 6 到 120 之间"),
        ("1E+999999", "年龄请填写数字"),
        ("Infinity", "年龄请填写数字"),
        ("NaN", "年龄请填写数字"),
        ("٣٥", "年龄请填写数字"),
        ("35.555", "年龄最多保留两位小数"),
    ],
)
def test_the_age_is_a_number_in_range(client, form_page, station, age, message):
    refused(submit(client, form_page, station, 年龄=age), message)


@pytest.mark.parametrize(("typed", "stored"), [("35", "35"), ("３５", "35"), ("6", "6")])
def test_an_age_in_range_is_stored(client, form_page, station, typed, stored):
    submit(client, form_page, station, 年龄=typed)
    assert VolunteerRegistration.objects.get().form_data[names(form_page)["年龄"]] == stored


def test_every_number_field_has_a_range():
    assert NUMBER_RANGES["年龄"] == (6, 120)
    low, high = DEFAULT_NUMBER_RANGE
    assert low <= 0 < high < 10**12


def test_a_full_width_mobile_is_caught_as_the_same_number(client, form_page, station):
    submit(client, form_page, station)
    response = submit(client, form_page, station, 手机号码="１３８１２３４５６７８")
    assert "已经在站点“石牌街学雷锋志愿服务站”报名过了" in text(response)
    assert list(VolunteerRegistration.objects.values_list("mobile", flat=True)) == ["13812345678"]


def test_other_scripts_digits_in_the_mobile_are_refused(client, form_page, station):
    refused(submit(client, form_page, station, 手机号码="١٣٨١٢٣٤٥٦٧٨"), "不是有效的手机号码")
