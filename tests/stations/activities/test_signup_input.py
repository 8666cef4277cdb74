"""Odd input on the activity sign-up form: every refusal has a message and stores nothing."""

import pytest

from stations.models import ActivitySignup
from tests.factories.stations import ActivityPageFactory, make_activity_site
from tests.shared_data import shared_fixture

pytestmark = pytest.mark.django_db

GOOD = {"name": "陈小明", "mobile": "13912345678", "consent": "on", "homepage": ""}
URLENCODED = "application/x-www-form-urlencoded"


@shared_fixture
def activity():
    index, station, _areas = make_activity_site()
    return ActivityPageFactory(parent=index, station=station, capacity=5, title="社区清洁日")


def test_a_full_width_mobile_is_the_same_number_and_holds_one_place_only(client, activity):
    assert client.post(activity.url, GOOD).status_code == 303
    for same in ("１３９１２３４５６７８", "139１2345678", "＋８６ １３９ １２３４ ５６７８"):
        response = client.post(activity.url, GOOD | {"mobile": same})
        assert response.status_code == 409
        assert "已经报名了本活动" in response.content.decode()
    assert list(ActivitySignup.objects.values_list("mobile", flat=True)) == ["13912345678"]


def test_a_full_width_mobile_is_stored_in_ascii_digits(client, activity):
    assert client.post(activity.url, GOOD | {"mobile": "１３９１２３４５６７８"}).status_code == 303
    assert ActivitySignup.objects.get().mobile == "13912345678"


@pytest.mark.parametrize("mobile", ["١٣٩١٢٣٤٥٦٧٨", "139١2345678", "۱۳۹۱۲۳۴۵۶۷۸"])
def test_other_scripts_digits_are_refused(client, activity, mobile):
    response = client.post(activity.url, GOOD | {"mobile": mobile})
    assert response.status_code == 400
    assert "不是有效的手机号码" in response.content.decode()
    assert not ActivitySignup.objects.exists()


@pytest.mark.parametrize("name", ["陈\u202e明小", "陈\u200b小明", "陈\x07小明", "\ufeff陈小明"])
def test_invisible_characters_in_the_name_are_refused(client, activity, name):
    response = client.post(activity.url, GOOD | {"name": name})
    assert response.status_code == 400
    assert "姓名中有无法显示的字符" in response.content.decode()
    assert not ActivitySignup.objects.exists()


def test_invalid_utf8_is_refused_not_stored_as_replacement_characters(client, activity):
    body = b"name=%E9%99%88%FF%FE&mobile=13912345678&consent=on&homepage="
    response = client.post(activity.url, body, content_type=URLENCODED)
    assert response.status_code == 400
    assert "无法识别的字符" in response.content.decode()
    assert not ActivitySignup.objects.exists()
