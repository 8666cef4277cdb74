"""Registering at a station: the form, its consent rules, the spam checks and what is stored."""

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import ValidationError

from stations import antispam
from stations.models import RegistrationFormField, RegistrationFormPage, VolunteerRegistration
from stations.volunteers import notifications
from stations.volunteers import registration as registration_module
from stations.volunteers.defaults import default_registration_fields
from tests.factories.stations import (
    StationPageFactory,
    VolunteerTeamFactory,
    make_registration_form,
    make_station_index,
)
from tests.shared_data import shared_fixture

pytestmark = pytest.mark.django_db

MOBILE = "13812345678"


@pytest.fixture(autouse=True)
def clear_cache():
    # The rate limit counts on the cache; every test starts with a clean count.
    cache.clear()
    yield
    cache.clear()


@shared_fixture
def index(site_tree):
    home_page, _policies = site_tree
    return make_station_index(home_page)


@shared_fixture
def station(index):
    station = StationPageFactory(
        parent=index,
        title="石牌街学雷锋志愿服务站",
        phone="020-8765 4321",
        opening_hours="周一至周五 9:00–17:30",
        address="广州市天河区石牌街龙口西路1号",
    )
    VolunteerTeamFactory(station=station, name="石牌助老小队")
    VolunteerTeamFactory(station=station, name="石牌环保小队")
    return station


@shared_fixture
def other_station(index):
    other = StationPageFactory(parent=index, title="猎德街社工站")
    VolunteerTeamFactory(station=other, name="猎德助学小队")
    return other


@shared_fixture
def form_page(site_tree, index):
    home_page, _policies = site_tree
    page = make_registration_form(
        home_page,
        intro="<p>留下联系方式，站点会联系您。</p>",
        thank_you_text="<p>站点会在三个工作日内给您打电话。</p>",
    )
    index.registration_page = page
    index.save()
    return page


def names(page):
    """Field label → the name it is posted under."""
    return {field.label: field.clean_name for field in page.form_fields.all()}


def post_data(page, station, **overrides):
    """A complete, valid submission; overrides by label, or by field name for fixed fields."""
    by_label = {
        "姓名": "  李小梅 ",
        "手机号码": MOBILE,
        "年龄": "35",
        "政治面貌": "群众",
        "联系地址": "石牌街龙口西社区",
        "可服务时间": ["周末"],
        "健康状况": "",
        "兴趣爱好": "阅读",
        "专业技能": "护理",
        "加入的队伍": None,
    }
    team = station.teams.order_by("pk").first()
    if team is not None:
        by_label["加入的队伍"] = str(team.pk)
    fixed = {"station": str(station.pk), "consent_privacy": "on", "homepage": ""}
    field_names = names(page)
    for key, value in overrides.items():
        if key in by_label:
            by_label[key] = value
        else:
            fixed[key] = value
    data = {
        field_names[label]: value
        for label, value in by_label.items()
        if value is not None and label in field_names
    }
    data.update({key: value for key, value in fixed.items() if value is not None})
    return data


def submit(client, page, station, **overrides):
    return client.post(page.url, post_data(page, station, **overrides))


def text(response):
    return response.content.decode()


# --- the form --------------------------------------------------------------------------------


def test_station_page_links_to_the_form_with_the_station_chosen(form_page, station):
    assert (
        registration_module.registration_url(station=station)
        == f"{form_page.url}?station={station.pk}"
    )


def test_form_renders_with_the_station_chosen(client, form_page, station, other_station):
    response = client.get(f"{form_page.url}?station={station.pk}")
    assert response.status_code == 200
    html = text(response)
    assert "石牌街学雷锋志愿服务站" in html
    assert f'name="station" value="{station.pk}"' in html
    for label in ("姓名", "手机号码", "政治面貌", "可服务时间", "健康状况", "加入的队伍"):
        assert label in html
    # The chosen station's teams and no other's.
    assert "石牌助老小队" in html and "猎德助学小队" not in html
    # Both consent boxes: the general one and the separate one for sensitive information.
    assert form_page.sensitive_consent_label in html
    assert 'name="consent_privacy"' in html and 'name="consent_sensitive"' in html
    # The honeypot: out of sight, out of the tab order and the accessibility tree, no autofill.
    assert 'aria-hidden="true"' in html
    assert 'name="homepage"' in html
    assert 'tabindex="-1"' in html and 'autocomplete="off"' in html


def test_dropdowns_start_unchosen(client, form_page, station):
    form = form_page.get_form(page=form_page, user=None, initial={"station": str(station.pk)})
    political = form.fields[names(form_page)["政治面貌"]]
    assert political.choices[0][0] == ""
    assert not form[names(form_page)["健康状况"]].value()


def test_without_a_station_the_resident_is_sent_to_the_directory(client, form_page, index):
    response = client.get(form_page.url)
    html = text(response)
    assert response.status_code == 200
    assert "请先选择要加入的站点" in html
    assert f'href="{index.url}"' in html
    assert 'method="post"' not in html


@pytest.mark.parametrize("raw", ["abc", "12abc", "-1", "1e3", "9" * 30, "99999", " "])
def test_an_unusable_station_id_gets_a_message_not_an_error(client, form_page, station, raw):
    response = client.get(form_page.url, {"station": raw})
    assert response.status_code == 200
    html = text(response)
    assert "请从站点目录中选择站点" in html or "请先选择要加入的站点" in html
    assert 'method="post"' not in html


def test_an_unpublished_station_is_not_open_for_registration(client, form_page, station):
    station.unpublish()
    response = client.get(form_page.url, {"station": station.pk})
    assert f"找不到编号为 {station.pk} 的站点" in text(response)
    response = submit(client, form_page, station)
    assert "找不到编号为" in text(response)
    assert not VolunteerRegistration.objects.exists()


# --- storing ---------------------------------------------------------------------------------


def test_a_registration_stores_the_station_team_and_answers(client, form_page, station):
    response = submit(client, form_page, station, 手机号码="+86 138 1234 5678")
    assert response.status_code == 200
    registration = VolunteerRegistration.objects.get()
    assert registration.station_id == station.pk
    assert registration.page_id == form_page.pk
    assert registration.team.name == "石牌助老小队"
    assert registration.name == "李小梅"
    assert registration.mobile == MOBILE
    assert registration.sensitive_consent is False
    field_names = names(form_page)
    assert set(registration.form_data) == set(field_names.values())
    assert registration.form_data[field_names["手机号码"]] == MOBILE
    assert registration.form_data[field_names["可服务时间"]] == ["周末"]
    assert registration.form_data[field_names["加入的队伍"]] == "石牌助老小队"
    for fixed in ("station", "consent_privacy", "consent_sensitive", "homepage"):
        assert fixed not in registration.form_data


@pytest.mark.parametrize(
    "typed", ["13812345678", "+86 138 1234 5678", "0086-138-1234-5678", "138 1234 5678"]
)
def test_mobile_numbers_are_stored_normalised(client, form_page, station, typed):
    submit(client, form_page, station, 手机号码=typed)
    assert VolunteerRegistration.objects.get().mobile == MOBILE


@pytest.mark.parametrize("typed", ["12345", "23812345678", "1381234567", "+1 202 555 0123", "电话"])
def test_an_invalid_mobile_is_refused_next_to_the_field(client, form_page, station, typed):
    response = submit(client, form_page, station, 手机号码=typed)
    html = text(response)
    assert "不是有效的手机号码" in html
    assert "field--error" in html and "error-summary" in html
    assert not VolunteerRegistration.objects.exists()


def test_a_missing_name_is_refused(client, form_page, station):
    response = submit(client, form_page, station, 姓名="   ")
    assert "姓名" in text(response) and "error-summary" in text(response)
    assert not VolunteerRegistration.objects.exists()


def test_the_same_mobile_registers_once_per_station(client, form_page, station, other_station):
    submit(client, form_page, station)
    response = submit(client, form_page, station, 手机号码="138-1234-5678", 姓名="李小梅")
    html = text(response)
    assert "已经在站点“石牌街学雷锋志愿服务站”报名过了" in html
    assert "020-8765 4321" in html  # whom to contact
    assert VolunteerRegistration.objects.count() == 1

    # Another station is another registration.
    submit(client, form_page, other_station)
    assert VolunteerRegistration.objects.filter(station=other_station).count() == 1


@pytest.mark.parametrize("team", ["other", "abc", "999999"])
def test_a_team_of_another_station_is_refused(client, form_page, station, other_station, team):
    value = str(other_station.teams.get().pk) if team == "other" else team
    response = submit(client, form_page, station, 加入的队伍=value)
    assert "所选队伍不属于站点“石牌街学雷锋志愿服务站”" in text(response)
    assert not VolunteerRegistration.objects.exists()


def test_a_station_without_teams_takes_registrations_without_one(client, form_page, index):
    lone = StationPageFactory(parent=index, title="冼村社区志愿服务站")
    data = post_data(form_page, lone)
    response = client.get(form_page.url, {"station": lone.pk})
    assert "加入的队伍" not in text(response)
    client.post(form_page.url, data)
    registration = VolunteerRegistration.objects.get()
    assert registration.station == lone and registration.team is None


def test_a_tampered_station_id_in_the_post_stores_nothing(client, form_page, station):
    data = post_data(form_page, station)
    response = client.post(form_page.url, {**data, "station": "abc"})
    assert "站点编号“abc”无效" in text(response)
    response = client.post(form_page.url, {**data, "station": ""})
    assert "请先选择要加入的站点" in text(response)
    assert not VolunteerRegistration.objects.exists()


# --- consent ---------------------------------------------------------------------------------


def test_without_the_privacy_consent_nothing_is_stored(client, form_page, station):
    response = submit(client, form_page, station, consent_privacy=None)
    assert "请阅读个人信息处理说明并勾选同意" in text(response)
    assert not VolunteerRegistration.objects.exists()


def test_sensitive_answers_without_the_separate_consent_store_nothing(client, form_page, station):
    response = submit(client, form_page, station, 健康状况="身体健康")
    html = text(response)
    assert "您填写了敏感个人信息（健康状况），但没有勾选单独同意" in html
    assert "清空这些项目" in html  # and how to register without it
    assert not VolunteerRegistration.objects.exists()


def test_sensitive_answers_with_the_separate_consent_are_stored(client, form_page, station):
    submit(client, form_page, station, 健康状况="身体健康", consent_sensitive="on")
    registration = VolunteerRegistration.objects.get()
    assert registration.sensitive_consent is True
    assert registration.form_data[names(form_page)["健康状况"]] == "身体健康"


def test_leaving_sensitive_fields_empty_needs_no_separate_consent(client, form_page, station):
    # PIPL art. 16: declining consent to processing that is not needed must not block service.
    submit(client, form_page, station, 健康状况="")
    registration = VolunteerRegistration.objects.get()
    assert registration.sensitive_consent is False
    assert registration.form_data[names(form_page)["健康状况"]] == ""


def test_a_sensitive_field_cannot_be_made_required(form_page):
    field = RegistrationFormField(page=form_page, label="病史", field_type="multiline")
    field.sensitive, field.required = True, True
    with pytest.raises(ValidationError) as error:
        field.clean()
    assert "不能设为必填" in str(error.value)


def test_the_separate_consent_box_appears_only_with_sensitive_fields(client, form_page, station):
    form_page.form_fields.filter(sensitive=True).delete()
    response = client.get(form_page.url, {"station": station.pk})
    assert 'name="consent_sensitive"' not in text(response)
    submit(client, form_page, station, 健康状况=None)
    assert VolunteerRegistration.objects.get().sensitive_consent is False


# --- spam ------------------------------------------------------------------------------------


def test_a_filled_honeypot_is_refused(client, form_page, station):
    response = submit(client, form_page, station, homepage="http://spam.example")
    assert "一个应当留空的隐藏项被填写了" in text(response)
    assert not VolunteerRegistration.objects.exists()


def test_too_many_posts_from_one_address_are_refused(client, form_page, station, settings):
    settings.REGISTRATION_RATE_LIMIT = "2/m"
    first = submit(client, form_page, station, 手机号码="13800000001")
    second = submit(client, form_page, station, 手机号码="13800000002")
    assert first.status_code == second.status_code == 200
    third = submit(client, form_page, station, 手机号码="13800000003")
    assert third.status_code == 429
    assert "短时间内提交次数过多" in text(third)
    assert "13800000003" in text(third)  # the form comes back as typed
    assert VolunteerRegistration.objects.count() == 2

    # Counted per address: another network is not held back.
    other = client.post(
        form_page.url,
        post_data(form_page, station, 手机号码="13800000004"),
        REMOTE_ADDR="10.1.2.3",
    )
    assert other.status_code == 200
    assert VolunteerRegistration.objects.count() == 3


def test_the_limit_reads_the_proxy_header_when_configured(client, form_page, station, settings):
    settings.REGISTRATION_RATE_LIMIT = "1/m"
    settings.RATELIMIT_IP_META_KEY = "HTTP_X_REAL_IP"
    data = post_data(form_page, station, 手机号码="13800000001")
    assert client.post(form_page.url, data, HTTP_X_REAL_IP="203.0.113.5").status_code == 200
    data = post_data(form_page, station, 手机号码="13800000002")
    assert client.post(form_page.url, data, HTTP_X_REAL_IP="203.0.113.6").status_code == 200
    data = post_data(form_page, station, 手机号码="13800000003")
    assert client.post(form_page.url, data, HTTP_X_REAL_IP="203.0.113.6").status_code == 429
    # A missing header falls back to the socket address instead of failing.
    data = post_data(form_page, station, 手机号码="13800000004")
    assert client.post(form_page.url, data).status_code == 200


def test_a_cache_outage_falls_back_to_a_per_process_limit(
    client, form_page, station, monkeypatch, settings
):
    def broken(*args, **kwargs):
        raise ConnectionError("redis is down")

    settings.REGISTRATION_RATE_LIMIT = "1/m"
    antispam.clear_local_counts()
    monkeypatch.setattr("stations.antispam.get_usage", broken)
    assert submit(client, form_page, station).status_code == 200
    refused = submit(client, form_page, station, 手机号码="13800000002")
    assert refused.status_code == 429
    assert "短时间内提交次数过多" in text(refused)
    assert VolunteerRegistration.objects.count() == 1
    antispam.clear_local_counts()


# --- after submitting ------------------------------------------------------------------------


def test_the_landing_page_says_what_happens_next_and_how_to_reach_the_station(
    client, form_page, station
):
    html = text(submit(client, form_page, station))
    assert "报名已提交" in html
    assert "站点会在三个工作日内给您打电话。" in html
    assert f'href="{station.url}"' in html and "石牌街学雷锋志愿服务站" in html
    assert "广州市天河区石牌街龙口西路1号" in html
    assert 'href="tel:02087654321"' in html
    assert "周一至周五 9:00–17:30" in html


def test_answers_to_a_submission_are_never_stored_by_caches(client, form_page, station):
    # The thank-you page and a refused form both show what the resident typed.
    landing = submit(client, form_page, station)
    refused = submit(client, form_page, station, 姓名="")
    assert "报名已提交" in text(landing) and "石牌街龙口西社区" in text(refused)
    for response in (landing, refused):
        assert "no-store" in response["Cache-Control"]
        assert "private" in response["Cache-Control"]


def test_the_landing_page_has_default_next_steps(client, form_page, station):
    form_page.thank_you_text = ""
    form_page.save()
    html = text(submit(client, form_page, station))
    assert "站点工作人员会通过您留下的手机号码联系您" in html


def test_the_notification_email_names_the_station_but_not_the_resident(client, form_page, station):
    form_page.to_address = "shipai@example.org"
    form_page.save()
    submit(
        client, form_page, station, 健康状况="有慢性病，可参加轻体力服务", consent_sensitive="on"
    )
    registration = VolunteerRegistration.objects.get()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["shipai@example.org"]
    assert "石牌街学雷锋志愿服务站" in message.subject + message.body
    assert f"/admin/stations/volunteerregistration/inspect/{registration.pk}/" in message.body
    for private in ("李小梅", MOBILE, "慢性病", "石牌街龙口西社区", "护理"):
        assert private not in message.subject + message.body


def test_a_mail_failure_does_not_lose_the_registration(client, form_page, station, monkeypatch):
    form_page.to_address = "shipai@example.org"
    form_page.save()

    def broken(*args, **kwargs):
        raise OSError("smtp down")

    monkeypatch.setattr(notifications, "send_mail", broken)
    response = submit(client, form_page, station)
    assert "报名已提交" in text(response)
    assert VolunteerRegistration.objects.count() == 1


# --- the form the demo loader creates ----------------------------------------------------------


def test_create_registration_form_publishes_the_default_fields(form_page):
    page = RegistrationFormPage.objects.get(pk=form_page.pk)
    assert page.live
    fields = list(page.form_fields.order_by("sort_order"))
    assert [f.label for f in fields] == [d["label"] for d in default_registration_fields()]
    by_label = {f.label: f for f in fields}
    assert by_label["姓名"].field_type == "name"
    assert by_label["手机号码"].field_type == "mobile"
    assert by_label["加入的队伍"].field_type == "team"
    assert by_label["健康状况"].sensitive and not by_label["健康状况"].required
    assert by_label["政治面貌"].choices.split("\n") == [
        "中共党员",
        "中共预备党员",
        "共青团员",
        "民主党派",
        "群众",
    ]
    assert [f.label for f in fields if f.sensitive] == ["健康状况"]


def test_the_admin_previews_render(form_page, station):
    # There is no ?station= in a preview: it shows the form with the first station.
    for mode in ("form", "landing"):
        response = form_page.make_preview_request(preview_mode=mode)
        assert response.status_code == 200, mode
        response.render()
        assert "石牌街学雷锋志愿服务站" in text(response), mode
