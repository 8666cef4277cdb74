"""Correcting my name and withdrawing the separate consent to sensitive answers (个人信息保护法
arts. 46, 29): what changes, what does not, what the station sees, and what the log keeps."""

import csv
import io
import logging

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from stations.models import ActivitySignup, Volunteer, VolunteerRegistration
from stations.volunteers.models import DataRightsLog
from tests.shared_data import shared_fixture
from tests.stations.volunteers.data_rights import (
    DATA,
    HEALTH,
    NAME,
    NAME_PAGE,
    OTHER_HEALTH,
    OTHER_NAME,
    WITHDRAW,
    build_place,
    clear_limits,
    signed_in_with_rows,
)
from tests.stations.volunteers.signing_in import MOBILE

pytestmark = pytest.mark.django_db

REGISTRATIONS_ADMIN = "/admin/stations/volunteerregistration/"
NEW_NAME = "陈晓明"


@shared_fixture
def place():
    return build_place()


@pytest.fixture(autouse=True)
def no_limits_held():
    clear_limits()
    yield


def snapshot():
    """Every name, answer and consent the tests' rows hold."""
    return (
        list(Volunteer.objects.order_by("pk").values_list("name", "mobile")),
        list(ActivitySignup.objects.order_by("pk").values_list("name", "mobile", "status")),
        list(
            VolunteerRegistration.objects.order_by("pk").values_list(
                "name", "form_data", "sensitive_consent", "sensitive_withdrawn_at"
            )
        ),
        DataRightsLog.objects.count(),
    )


def reread(row):
    return type(row).objects.get(pk=row.pk)


# --- the name ---------------------------------------------------------------------------------


def test_correcting_my_name_renames_me_my_upcoming_signups_and_my_registrations(
    client, place, caplog
):
    volunteer, rows = signed_in_with_rows(client, place)
    page = client.get(NAME_PAGE).content.decode()
    assert (
        f'value="{NAME}"' in page
        and "已经开始、已经结束或已取消的活动报名保留当时填写的姓名" in page
    )
    caplog.set_level(logging.DEBUG)
    response = client.post(NAME_PAGE, {"name": f"  {NEW_NAME} "})
    assert response.status_code == 303 and response["Location"] == DATA + "?done=name"
    assert "姓名已更正" in client.get(response["Location"]).content.decode()

    assert reread(volunteer).name == NEW_NAME
    assert reread(rows["upcoming"]).name == NEW_NAME
    assert reread(rows["past"]).name == NAME  # the record of that day stays as it was
    name_key = place["labels"]["姓名"]
    for key in ("registration", "registration_b"):
        registration = reread(rows[key])
        assert registration.name == NEW_NAME and registration.form_data[name_key] == NEW_NAME
        assert registration.form_data[place["labels"]["健康状况"]] == HEALTH
    # Nobody else's.
    assert reread(rows["other_signup"]).name == OTHER_NAME
    assert reread(rows["other_registration"]).name == OTHER_NAME

    entry = DataRightsLog.objects.get()
    assert entry.action == "name_corrected" and entry.volunteer == volunteer
    assert entry.details["signups"] == [rows["upcoming"].pk]
    assert sorted(entry.details["registrations"]) == sorted(
        [rows["registration"].pk, rows["registration_b"].pk]
    )
    logged = " ".join(record.getMessage() for record in caplog.records)
    for value in (NAME, NEW_NAME):
        assert value not in str(entry.details) and value not in logged
    assert "name_corrected" in logged


INVALID_UTF8 = b"name=%ED%A0%80"  # a lone surrogate, as a browser would send it: not UTF-8


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"name": ""}, "请填写姓名"),
        ({"name": "   "}, "请填写姓名"),
        ({"name": "陈" * 41}, "最多 40 个字"),
        ({"name": "陈\x07小明"}, "看不见的控制字符"),
        ({"name": "陈\u202e小明"}, "看不见的控制字符"),
        ({"name": "陈\u200b小明"}, "看不见的控制字符"),
        ({"name": "陈\x00小明"}, ""),
        ({"name": "\ufffd"}, "无法识别的字符"),
        (INVALID_UTF8, "无法识别的字符"),
        ({"name": NAME}, "和现在的一样"),
        ({}, "请填写姓名"),
    ],
)
def test_a_bad_name_is_refused_in_chinese_and_changes_nothing(client, place, body, expected):
    signed_in_with_rows(client, place)
    before = snapshot()
    if isinstance(body, bytes):
        response = client.post(NAME_PAGE, body, content_type="application/x-www-form-urlencoded")
    else:
        response = client.post(NAME_PAGE, body)
    assert response.status_code == 400
    page = response.content.decode()
    assert '<div class="error-summary"' in page and "姓名没有更正" in page
    assert expected in page
    assert snapshot() == before


def test_a_name_in_a_get_changes_nothing(client, place):
    signed_in_with_rows(client, place)
    before = snapshot()
    assert client.get(NAME_PAGE, {"name": NEW_NAME}).status_code == 200
    assert snapshot() == before


# --- withdrawing the consent ------------------------------------------------------------------


def admin_browser():
    admin = get_user_model().objects.create_superuser("admin", password="pw-admin-123")
    browser = Client()
    browser.force_login(admin)
    return browser


def test_withdrawing_erases_the_sensitive_answer_from_the_database_and_the_station_sees_it(
    client, place, caplog
):
    volunteer, rows = signed_in_with_rows(client, place)
    registration = rows["registration"]
    health_key = place["labels"]["健康状况"]
    page = client.get(WITHDRAW).content.decode()
    assert f'name="registration" value="{registration.pk}"' in page
    assert "健康状况" in page and 'value="all"' in page  # two to withdraw

    caplog.set_level(logging.DEBUG)
    response = client.post(WITHDRAW, {"registration": str(registration.pk)})
    assert response.status_code == 303 and response["Location"] == DATA + "?done=withdrawn"

    stored = reread(registration)
    assert health_key not in stored.form_data  # gone from the row, not just hidden
    assert HEALTH not in str(stored.form_data)
    assert not stored.sensitive_consent and stored.sensitive_withdrawn_at is not None
    assert stored.form_data[place["labels"]["专业技能"]] == "护理\n驾驶"  # the rest stays
    assert stored.name == NAME and stored.mobile == MOBILE
    # The other registration keeps its consent until that one is withdrawn too.
    other = reread(rows["registration_b"])
    assert other.sensitive_consent and other.form_data[health_key] == HEALTH
    assert reread(rows["other_registration"]).form_data[health_key] == OTHER_HEALTH

    entry = DataRightsLog.objects.get()
    assert entry.action == "consent_withdrawn"
    assert entry.details == {"registrations": [registration.pk], "answers_erased": 1}
    logged = " ".join(record.getMessage() for record in caplog.records)
    assert HEALTH not in logged and HEALTH not in str(entry.details)

    # The station's admin: the inspect view, the list and the export say it was withdrawn.
    date = timezone.localtime(stored.sensitive_withdrawn_at).strftime("%Y-%m-%d")
    withdrawn = f"已撤回（{date}）：敏感信息已删除"
    browser = admin_browser()
    inspect = browser.get(f"{REGISTRATIONS_ADMIN}inspect/{registration.pk}/").content.decode()
    assert withdrawn in inspect and HEALTH not in inspect
    listing = browser.get(REGISTRATIONS_ADMIN).content.decode()
    assert withdrawn in listing
    export = browser.get(REGISTRATIONS_ADMIN, {"export": "csv"})
    body = b"".join(export.streaming_content).decode("utf-8").lstrip("\ufeff")
    exported = {row["提交时间"] + row["站点"]: row for row in csv.DictReader(io.StringIO(body))}
    consents = [row["已单独同意处理敏感信息"] for row in exported.values()]
    assert withdrawn in consents and "是" in consents

    # And my own page says so.
    page = client.get(response["Location"]).content.decode()
    assert withdrawn in page and "已撤回同意，敏感个人信息已从注册中删除" in page


def test_withdrawing_all_at_once(client, place):
    volunteer, rows = signed_in_with_rows(client, place)
    health_key = place["labels"]["健康状况"]
    assert client.post(WITHDRAW, {"registration": "all"}).status_code == 303
    for key in ("registration", "registration_b"):
        stored = reread(rows[key])
        assert health_key not in stored.form_data and stored.sensitive_withdrawn_at
    assert reread(rows["other_registration"]).form_data[health_key] == OTHER_HEALTH
    entry = DataRightsLog.objects.get()
    assert sorted(entry.details["registrations"]) == sorted(
        [rows["registration"].pk, rows["registration_b"].pk]
    )
    assert entry.details["answers_erased"] == 2
    # Nothing is left to withdraw: said in Chinese, and nothing more is logged.
    again = client.post(WITHDRAW, {"registration": "all"})
    assert again.status_code == 400 and "没有需要撤回的敏感个人信息同意" in again.content.decode()
    assert DataRightsLog.objects.count() == 1
    assert "没有需要撤回" in client.get(WITHDRAW).content.decode()


def test_a_consent_given_with_nothing_filled_in_can_still_be_withdrawn(client, place):
    volunteer, rows = signed_in_with_rows(client, place)
    registration = rows["registration"]
    data = dict(registration.form_data, **{place["labels"]["健康状况"]: ""})
    VolunteerRegistration.objects.filter(pk=registration.pk).update(form_data=data)
    assert client.post(WITHDRAW, {"registration": registration.pk}).status_code == 303
    stored = reread(registration)
    assert not stored.sensitive_consent and stored.sensitive_withdrawn_at
    assert DataRightsLog.objects.get().details["answers_erased"] == 0


def test_another_volunteers_registration_is_a_404_and_nothing_changes(client, place):
    volunteer, rows = signed_in_with_rows(client, place)
    before = snapshot()
    theirs = rows["other_registration"]
    response = client.post(WITHDRAW, {"registration": str(theirs.pk)})
    assert response.status_code == 404
    assert client.post(WITHDRAW, {"registration": "999999999"}).status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize("raw", ["", "abc", "-1", "0", "１", "1 OR 1=1", "9" * 40, "\x00"])
def test_an_odd_registration_id_is_refused_in_chinese_and_changes_nothing(client, place, raw):
    signed_in_with_rows(client, place)
    before = snapshot()
    response = client.post(WITHDRAW, {"registration": raw})
    assert response.status_code == 400
    assert "请选择要撤回同意的注册" in response.content.decode()
    assert snapshot() == before


def test_a_withdrawal_in_a_get_changes_nothing(client, place):
    volunteer, rows = signed_in_with_rows(client, place)
    before = snapshot()
    for query in ({"registration": "all"}, {"registration": rows["registration"].pk}):
        assert client.get(WITHDRAW, query).status_code == 200
    assert snapshot() == before
