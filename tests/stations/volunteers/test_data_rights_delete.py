"""Deleting my account (个人信息保护法 art. 47): upcoming sign-ups cancelled by the sign-up rules,
every name, mobile and answer erased, the 志愿者编号 kept on the rows, signed out everywhere,
and nothing erased kept in the log."""

import logging
from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.test import Client

from stations.models import (
    ActivitySignup,
    ActivityTally,
    LoginCode,
    SignupStatus,
    Volunteer,
    VolunteerRegistration,
    VolunteerSession,
)
from stations.signup import availability_of, sign_up
from stations.volunteers import rights, session
from stations.volunteers.models import DataRightsLog
from tests.shared_data import shared_fixture
from tests.stations.volunteers.data_rights import (
    DATA,
    DELETE,
    DELETED,
    HEALTH,
    NAME,
    OTHER_MOBILE,
    OTHER_NAME,
    SKILLS,
    build_place,
    clear_limits,
    signed_in_with_rows,
)
from tests.stations.volunteers.signing_in import HOME, MOBILE, sign_in

pytestmark = pytest.mark.django_db

ERASED_TABLES = (
    Volunteer,
    ActivitySignup,
    VolunteerRegistration,
    LoginCode,
    VolunteerSession,
    DataRightsLog,
)


@shared_fixture
def place():
    return build_place()


@pytest.fixture(autouse=True)
def no_limits_held():
    clear_limits()
    yield


def everything_stored() -> str:
    """Every column of every row of the tables that held the volunteer's data, as text."""
    return "\n".join(str(list(model.objects.order_by("pk").values())) for model in ERASED_TABLES)


def test_the_confirmation_page_says_exactly_what_will_happen(client, place):
    volunteer, rows = signed_in_with_rows(client, place)
    response = client.get(DELETE)
    assert response.status_code == 200
    page = response.content.decode()
    assert volunteer.number in page
    for words in (
        "还没开始的活动报名 1 个会被取消",
        "您的 2 个活动报名（包括以往的）删除姓名和手机号码",
        "2 条志愿者注册删除姓名、手机号码和全部填写内容",
        "1 条登录记录",
        "所有设备上的登录（现在 1 个）立即退出",
        "不会再发给别人",
        "注销后不能恢复",
    ):
        assert words in page, words
    assert 'name="confirm"' in page and "csrfmiddlewaretoken" in page


def test_without_the_confirmation_nothing_happens(client, place):
    volunteer, rows = signed_in_with_rows(client, place)
    before = everything_stored()
    for data in ({}, {"confirm": ""}):
        response = client.post(DELETE, data)
        assert response.status_code == 400
        assert "请勾选确认后再注销" in response.content.decode()
    assert client.get(DELETE, {"confirm": "on"}).status_code == 200  # a GET never deletes
    assert everything_stored() == before
    assert client.get(HOME).status_code == 200


def test_deleting_my_account_erases_me_everywhere_and_keeps_only_my_number(client, place, caplog):
    volunteer, rows = signed_in_with_rows(client, place)
    other_device = Client()
    clear_limits()
    sign_in(other_device)  # a second session, on another phone
    assert VolunteerSession.objects.filter(volunteer=volunteer).count() == 2
    activity = place["activity"]
    confirmed_before = availability_of(activity).confirmed
    before = rows["upcoming"].status

    caplog.set_level(logging.DEBUG)
    response = client.post(DELETE, {"confirm": "on"})
    assert response.status_code == 303 and response["Location"] == DELETED
    assert response.cookies[session.COOKIE_NAME].value == ""  # signed out here
    assert "账号已注销" in client.get(DELETED).content.decode()

    # Signed out everywhere: no session is left, and neither device reaches my pages.
    assert not VolunteerSession.objects.filter(volunteer=volunteer).exists()
    for browser in (client, other_device):
        assert browser.get(HOME).status_code == 302
        assert browser.get(DATA).status_code == 302

    # The volunteer keeps the number only.
    kept = Volunteer.objects.get(pk=volunteer.pk)
    assert kept.number == volunteer.number
    assert kept.mobile is None and kept.name == ""

    # The upcoming sign-up was cancelled by the rules: its place is free again.
    upcoming = ActivitySignup.objects.get(pk=rows["upcoming"].pk)
    assert before == SignupStatus.CONFIRMED and upcoming.status == SignupStatus.CANCELLED
    assert upcoming.cancelled_at is not None
    assert availability_of(activity).confirmed == confirmed_before - 1
    # The past one stays as the station recorded it, with my number and nothing else of me.
    past = ActivitySignup.objects.get(pk=rows["past"].pk)
    assert past.status == SignupStatus.CONFIRMED and past.attended is True
    assert past.volunteer.number == volunteer.number
    for signup in (upcoming, past):
        assert signup.name == "" and signup.mobile == ""
    for key in ("registration", "registration_b"):
        registration = VolunteerRegistration.objects.get(pk=rows[key].pk)
        assert registration.volunteer.number == volunteer.number
        assert registration.name == "" and registration.mobile == ""
        assert registration.form_data == {} and not registration.sensitive_consent

    # Nothing of mine is stored anywhere in these tables, the log included.
    stored = everything_stored()
    for erased in (MOBILE, NAME, HEALTH, SKILLS, "护理", "138****5678"):
        assert erased not in stored, erased
    assert not LoginCode.objects.filter(mobile=MOBILE).exists()
    # And nobody else's was touched.
    assert ActivitySignup.objects.get(pk=rows["other_signup"].pk).name == OTHER_NAME
    theirs = VolunteerRegistration.objects.get(pk=rows["other_registration"].pk)
    assert theirs.name == OTHER_NAME and theirs.mobile == OTHER_MOBILE

    # The log says what was done, in counts and ids, and never a value.
    entry = DataRightsLog.objects.get(action="account_deleted")
    assert entry.volunteer_id == volunteer.pk
    assert entry.details["signups_cancelled"] == [rows["upcoming"].pk]
    assert sorted(entry.details["signups_erased"]) == sorted([rows["upcoming"].pk, rows["past"].pk])
    assert len(entry.details["registrations_erased"]) == 2
    assert entry.details["sign_in_records_deleted"] == 2
    assert entry.details["sessions_ended"] == 2
    logged = " ".join(record.getMessage() for record in caplog.records)
    assert "account_deleted" in logged
    for erased in (MOBILE, NAME, HEALTH, "138****5678"):
        assert erased not in logged, erased


def test_a_cancelled_place_goes_to_the_first_on_the_waitlist(client, place):
    activity = place["activity"]
    type(activity).objects.filter(pk=activity.pk).update(capacity=1)
    mine = sign_up(activity=activity, name=NAME, mobile=MOBILE).signup
    waiting = sign_up(activity=activity, name=OTHER_NAME, mobile=OTHER_MOBILE).signup
    assert mine.status == SignupStatus.CONFIRMED and waiting.status == SignupStatus.WAITLISTED
    sign_in(client)
    volunteer = Volunteer.objects.get(mobile=MOBILE)

    assert client.post(DELETE, {"confirm": "on"}).status_code == 303
    promoted = ActivitySignup.objects.get(pk=waiting.pk)
    assert promoted.status == SignupStatus.CONFIRMED and promoted.promoted_at is not None
    assert promoted.name == OTHER_NAME
    tally = ActivityTally.objects.get(activity=activity)
    assert (tally.confirmed, tally.waitlisted) == (1, 0)
    entry = DataRightsLog.objects.get(volunteer=volunteer)
    assert entry.details["waitlist_promoted"] == [waiting.pk]


def test_a_signup_that_stopped_being_upcoming_meanwhile_is_erased_as_a_past_one(place):
    activity = place["activity"]
    mine = sign_up(activity=activity, name=NAME, mobile=MOBILE).signup
    browser = Client()
    sign_in(browser)
    volunteer = Volunteer.objects.get(mobile=MOBILE)
    # Cancelled by its link in the moment before: the cancellation finds nothing to cancel.
    from stations.signup import cancel_signup

    cancel_signup(signup_id=mine.pk)
    entry = rights.delete_account(volunteer=volunteer)
    assert entry.details["signups_cancelled"] == []
    assert entry.details["signups_erased"] == [mine.pk]
    assert ActivitySignup.objects.get(pk=mine.pk).mobile == ""


def test_erased_signups_of_two_volunteers_never_collide(client, place):
    """Both keep their status with mobile "": the one-live-sign-up rule must not count them."""
    past = place["past"]
    for mobile in (MOBILE, OTHER_MOBILE):
        sign_up(activity=past, name=NAME, mobile=mobile, now=past.starts_at - timedelta(days=1))
        browser = Client()
        clear_limits()
        sign_in(browser, mobile)
        assert browser.post(DELETE, {"confirm": "on"}).status_code == 303
    erased = ActivitySignup.objects.filter(activity=past, mobile="")
    assert erased.count() == 2 and all(s.status == SignupStatus.CONFIRMED for s in erased)
    # The rule still holds for live numbers.
    sign_up(activity=place["activity"], name=NAME, mobile="13700000000")
    with pytest.raises(IntegrityError), transaction.atomic():
        ActivitySignup.objects.create(
            activity=place["activity"],
            name=NAME,
            mobile="13700000000",
            status=SignupStatus.CONFIRMED,
            token_hash="x" * 64,
        )


def test_the_same_mobile_signing_in_again_is_a_new_volunteer_with_a_new_number(client, place):
    volunteer, rows = signed_in_with_rows(client, place)
    assert client.post(DELETE, {"confirm": "on"}).status_code == 303
    clear_limits()
    sign_in(client)
    again = Volunteer.objects.get(mobile=MOBILE)
    assert again.pk != volunteer.pk and again.number != volunteer.number
    # The erased rows stay with the old number: nothing comes back.
    page = client.get(DATA).content.decode()
    assert "上月义诊" not in page and place["station_b"].title not in page
    assert not ActivitySignup.objects.filter(volunteer=again).exists()


def test_a_deleted_account_cannot_be_deleted_twice(place):
    browser = Client()
    sign_in(browser)
    volunteer = Volunteer.objects.get(mobile=MOBILE)
    rights.delete_account(volunteer=volunteer)
    with pytest.raises(rights.RightsRefused):
        rights.delete_account(volunteer=Volunteer.objects.get(pk=volunteer.pk))
    assert DataRightsLog.objects.filter(action="account_deleted").count() == 1


def test_deletion_is_all_or_nothing(client, place, monkeypatch):
    volunteer, rows = signed_in_with_rows(client, place)
    before = everything_stored()

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(rights.VolunteerSession.objects, "filter", broken)
    with pytest.raises(RuntimeError):
        rights.delete_account(volunteer=volunteer)
    assert everything_stored() == before
    assert ActivitySignup.objects.get(pk=rows["upcoming"].pk).status == SignupStatus.CONFIRMED
