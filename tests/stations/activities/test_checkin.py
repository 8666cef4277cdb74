"""stations/activities/checkin.py: the signed link and its window, in / out / done, the location
and its flag, walk-ins, the service record a check-out opens, and a burst of check-ins."""

import datetime
from decimal import Decimal

import pytest
from django.core import signing
from django.db.models import Count

from stations import signup
from stations.activities import checkin
from stations.activities.checkin import Action, CheckInRefused, check_in_or_out
from stations.models import (
    ActivitySignup,
    ActivityTally,
    CheckIn,
    HoursBasis,
    RecordStatus,
    ServiceRecord,
    SignupStatus,
)
from tests.factories.stations import ActivityPageFactory, make_activity_site
from tests.shared_data import shared_fixture
from tests.stations.activities.checkin_helpers import (
    FAR,
    MINUTE,
    NEAR,
    SECOND,
    signed_up,
    volunteer,
)

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)


@shared_fixture
def site():
    return make_activity_site()


@pytest.fixture
def make_activity(site):
    index, station, _areas = site

    def make(**fields):
        return ActivityPageFactory(parent=index, station=station, **fields)

    return make


@pytest.fixture
def activity(make_activity):
    return make_activity(capacity=5)


def refusal(call) -> CheckInRefused:
    with pytest.raises(CheckInRefused) as refused:
        call()
    return refused.value


def has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


# --- the link and its window --------------------------------------------------------------------


def test_the_link_names_its_activity_and_works_from_an_hour_before_to_an_hour_after(activity):
    token = checkin.checkin_token(activity)
    assert len(token) < 60 and "/" not in token
    opens = activity.starts_at - 60 * MINUTE
    closes = activity.ends_at + 60 * MINUTE
    for moment in (opens, activity.starts_at, activity.ends_at, closes):
        assert checkin.activity_for_token(token, now=moment) == activity

    early = refusal(lambda: checkin.activity_for_token(token, now=opens - SECOND))
    assert (early.code, early.status) == ("not_open", 403)
    assert "签到尚未开始" in early.message
    late = refusal(lambda: checkin.activity_for_token(token, now=closes + SECOND))
    assert (late.code, late.status) == ("closed", 410)
    assert "签到已于" in late.message


def test_the_window_follows_the_settings(activity, settings):
    settings.CHECKIN_OPENS_BEFORE = 15
    settings.CHECKIN_CLOSES_AFTER = 0
    token = checkin.checkin_token(activity)
    assert checkin.activity_for_token(token, now=activity.starts_at - 15 * MINUTE)
    assert checkin.activity_for_token(token, now=activity.ends_at)
    assert refusal(
        lambda: checkin.activity_for_token(token, now=activity.starts_at - 16 * MINUTE)
    ).code == ("not_open")
    assert refusal(
        lambda: checkin.activity_for_token(token, now=activity.ends_at + SECOND)
    ).code == ("closed")


@pytest.mark.parametrize(
    "forge",
    [
        lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),  # signature altered
        lambda token: "9" + token,  # another activity's id, same signature
        lambda token: token.split(":")[0],  # no signature
        lambda token: signing.Signer(salt="other").sign(token.split(":")[0]),  # another salt
        lambda token: signing.Signer(salt="checkin").sign("x.y"),  # full-length signature
        lambda token: "",
        lambda token: "签到:签到",
        lambda token: token + "A" * 100,
        lambda token: "%00" + token,
    ],
)
def test_a_forged_link_is_refused_as_not_found(activity, forge):
    refused = refusal(
        lambda: checkin.activity_for_token(
            forge(checkin.checkin_token(activity)), now=activity.starts_at
        )
    )
    assert (refused.code, refused.status) == ("forged", 404)
    assert has_chinese(refused.message)


def test_a_moved_activity_s_old_link_stops_working_and_the_new_one_works(activity):
    old = checkin.checkin_token(activity)
    activity.starts_at += datetime.timedelta(days=1)
    activity.ends_at += datetime.timedelta(days=1)
    activity.save()
    refused = refusal(lambda: checkin.activity_for_token(old, now=activity.starts_at))
    assert (refused.code, refused.status) == ("rescheduled", 410)
    assert "二维码已经失效" in refused.message
    new = checkin.checkin_token(activity)
    assert new != old
    assert checkin.activity_for_token(new, now=activity.starts_at) == activity


def test_an_unpublished_or_deleted_activity_s_link_is_gone(make_activity):
    activity = make_activity()
    token = checkin.checkin_token(activity)
    activity.unpublish()
    refused = refusal(lambda: checkin.activity_for_token(token, now=activity.starts_at))
    assert (refused.code, refused.status) == ("gone", 404)
    other = make_activity()
    token = checkin.checkin_token(other)
    other.delete()
    assert refusal(lambda: checkin.activity_for_token(token, now=other.starts_at)).code == "gone"


# --- in, out, done ------------------------------------------------------------------------------


def test_first_scan_checks_in_second_checks_out_third_changes_nothing(activity):
    person = signed_up(activity, 1)
    start = activity.starts_at

    first = check_in_or_out(activity=activity, volunteer=person, now=start - 5 * MINUTE)
    assert first.action == Action.IN and not first.walk_in
    row = CheckIn.objects.get(activity=activity, volunteer=person)
    assert row.checked_in_at == start - 5 * MINUTE and row.checked_out_at is None
    assert row.signup.mobile == person.mobile
    # The check-in is the attendance record until the manager says otherwise.
    assert ActivitySignup.objects.get(pk=row.signup_id).attended is True
    assert not ServiceRecord.objects.exists()

    second = check_in_or_out(activity=activity, volunteer=person, now=start + 2 * HOUR)
    assert second.action == Action.OUT
    row.refresh_from_db()
    assert row.checked_out_at == start + 2 * HOUR

    third = check_in_or_out(activity=activity, volunteer=person, now=start + 3 * HOUR)
    assert third.action == Action.DONE and not third.changed
    row.refresh_from_db()
    assert row.checked_out_at == start + 2 * HOUR
    assert CheckIn.objects.count() == 1 and ServiceRecord.objects.count() == 1


def test_a_second_tap_of_the_check_in_button_does_not_check_out(activity):
    person = signed_up(activity, 1)
    now = activity.starts_at
    assert check_in_or_out(activity=activity, volunteer=person, now=now, intent="in").action == (
        Action.IN
    )
    again = check_in_or_out(activity=activity, volunteer=person, now=now + SECOND, intent="in")
    assert again.action == Action.ALREADY_IN
    assert CheckIn.objects.get().checked_out_at is None


def test_outside_the_window_nothing_is_stored(activity):
    person = signed_up(activity, 1)
    refused = refusal(
        lambda: check_in_or_out(
            activity=activity, volunteer=person, now=activity.starts_at - 2 * HOUR
        )
    )
    assert refused.code == "not_open"
    assert not CheckIn.objects.exists()


def test_checking_out_opens_the_record_with_hours_clipped_to_the_activity(activity):
    """In 30 minutes before a 3-hour activity, out 40 minutes after it: 3 hours, not 4 h 10."""
    person = signed_up(activity, 1)
    start, end = activity.starts_at, activity.ends_at
    check_in_or_out(activity=activity, volunteer=person, now=start - 30 * MINUTE)
    check_in_or_out(activity=activity, volunteer=person, now=end + 40 * MINUTE)
    record = ServiceRecord.objects.get(activity=activity, volunteer=person)
    assert record.hours == Decimal("3.0")
    assert record.basis == HoursBasis.CHECK_IN
    assert record.status == RecordStatus.PENDING
    assert record.station_id == activity.station_id


def test_a_late_arrival_counts_from_the_check_in_in_half_hours(activity):
    person = signed_up(activity, 1)
    start = activity.starts_at
    check_in_or_out(activity=activity, volunteer=person, now=start + 70 * MINUTE)
    check_in_or_out(activity=activity, volunteer=person, now=start + 170 * MINUTE)
    assert ServiceRecord.objects.get(volunteer=person).hours == Decimal("1.5")


# --- where the phone was ------------------------------------------------------------------------


def test_a_check_in_far_from_the_place_is_flagged_not_refused(activity):
    person = signed_up(activity, 1)
    result = check_in_or_out(
        activity=activity, volunteer=person, lat=FAR[0], lng=FAR[1], accuracy=30,
        now=activity.starts_at,
    )  # fmt: skip
    assert result.action == Action.IN
    row = CheckIn.objects.get()
    assert row.flagged
    assert 950 < row.in_distance_m < 1050
    assert (row.in_latitude, row.in_longitude, row.in_accuracy_m) == (FAR[0], FAR[1], 30.0)


def test_near_the_place_is_not_flagged_and_a_far_check_out_flags_it(activity):
    person = signed_up(activity, 1)
    check_in_or_out(
        activity=activity, volunteer=person, lat=str(NEAR[0]), lng=str(NEAR[1]), accuracy="12.5",
        now=activity.starts_at,
    )  # fmt: skip
    row = CheckIn.objects.get()
    assert not row.flagged and 90 < row.in_distance_m < 110 and row.in_accuracy_m == 12.5
    check_in_or_out(
        activity=activity, volunteer=person, lat=FAR[0], lng=FAR[1], now=activity.ends_at
    )
    row.refresh_from_db()
    assert row.flagged and row.out_distance_m > 950


def test_the_activity_s_own_place_wins_over_the_station_s(make_activity):
    activity = make_activity(latitude=FAR[0], longitude=FAR[1])
    person = signed_up(activity, 1)
    check_in_or_out(
        activity=activity, volunteer=person, lat=FAR[0], lng=FAR[1], now=activity.starts_at
    )
    row = CheckIn.objects.get()
    assert row.in_distance_m == 0 and not row.flagged


def test_the_distance_limit_is_a_setting(activity, settings):
    settings.CHECKIN_MAX_DISTANCE_M = 50
    person = signed_up(activity, 1)
    check_in_or_out(
        activity=activity, volunteer=person, lat=NEAR[0], lng=NEAR[1], now=activity.starts_at
    )
    assert CheckIn.objects.get().flagged


@pytest.mark.parametrize(
    "lat, lng, accuracy",
    [
        ("abc", "113.3", "10"),
        ("1e999", "113.3", None),
        ("NaN", "NaN", None),
        ("Infinity", "-Infinity", None),
        ("95", "113.3", None),
        ("23.1", "200", None),
        ("", "", ""),
        ("23.1", None, None),
        ("٢٣.١", "113.3", None),
        ("23.1\x00", "113.3", None),
        ("1" * 400, "113.3", None),
        (float("nan"), 113.3, None),
        (True, 113.3, None),
        (["23.1"], "113.3", None),
    ],
)
def test_location_garbage_is_ignored_as_no_location(activity, lat, lng, accuracy):
    person = signed_up(activity, 1)
    result = check_in_or_out(
        activity=activity, volunteer=person, lat=lat, lng=lng, accuracy=accuracy,
        now=activity.starts_at,
    )  # fmt: skip
    assert result.action == Action.IN
    row = CheckIn.objects.get()
    assert (row.in_latitude, row.in_longitude, row.in_distance_m, row.flagged) == (
        None,
        None,
        None,
        False,
    )


def test_a_bad_accuracy_alone_is_dropped_and_full_width_digits_are_read():
    assert checkin.clean_location("２３.１", "１１３.３", "-5") == checkin.Location(
        23.1, 113.3, None
    )
    assert checkin.clean_location(23.1, 113.3, "1e400").accuracy is None


# --- walk-ins and the waitlist ------------------------------------------------------------------


def test_a_volunteer_who_did_not_sign_up_joins_on_the_spot_when_there_is_room(activity):
    signed_up(activity, 1)
    person = volunteer(2, name="王现场")
    result = check_in_or_out(activity=activity, volunteer=person, now=activity.starts_at)
    assert result.action == Action.IN and result.walk_in
    row = CheckIn.objects.get(volunteer=person)
    assert row.walk_in
    place = row.signup
    assert (place.status, place.name, place.mobile, place.volunteer_id, place.attended) == (
        SignupStatus.CONFIRMED,
        "王现场",
        person.mobile,
        person.pk,
        True,
    )
    assert ActivityTally.objects.get(activity=activity).confirmed == 2


def test_a_walk_in_without_a_name_is_listed_by_number(activity):
    person = volunteer(3)
    check_in_or_out(activity=activity, volunteer=person, now=activity.starts_at)
    assert CheckIn.objects.get().signup.name == f"志愿者{person.number}"


def test_a_walk_in_is_refused_when_the_activity_is_full_and_nothing_is_stored(make_activity):
    activity = make_activity(capacity=1, waitlist_enabled=False)
    signed_up(activity, 1)
    person = volunteer(2)
    refused = refusal(
        lambda: check_in_or_out(activity=activity, volunteer=person, now=activity.starts_at)
    )
    assert refused.code == "full" and "名额已满" in refused.message
    assert not CheckIn.objects.exists()
    assert ActivitySignup.objects.filter(activity=activity).count() == 1
    assert ActivityTally.objects.get(activity=activity).confirmed == 1


def test_a_walk_in_is_refused_while_others_wait_on_the_waitlist(make_activity):
    activity = make_activity(capacity=1, waitlist_enabled=True)
    signed_up(activity, 1)
    signed_up(activity, 2)  # waitlisted
    refused = refusal(
        lambda: check_in_or_out(activity=activity, volunteer=volunteer(3), now=activity.starts_at)
    )
    assert refused.code == "waitlist" and "候补" in refused.message
    assert not CheckIn.objects.exists()


def test_a_waitlisted_volunteer_is_refused_check_in(make_activity):
    activity = make_activity(capacity=1)
    signed_up(activity, 1)
    waiting = signed_up(activity, 2)
    refused = refusal(
        lambda: check_in_or_out(activity=activity, volunteer=waiting, now=activity.starts_at)
    )
    assert refused.code == "waitlisted" and "候补名单" in refused.message
    assert not CheckIn.objects.exists()


def test_a_volunteer_who_cancelled_may_still_walk_in(activity):
    person = volunteer(1)
    made = signup.sign_up(activity=activity, name="李", mobile=person.mobile)
    signup.cancel(token=made.token)
    result = check_in_or_out(activity=activity, volunteer=person, now=activity.starts_at)
    assert result.walk_in
    assert ActivitySignup.objects.filter(activity=activity, status="confirmed").count() == 1


def test_walk_in_ignores_the_sign_up_window_but_not_the_capacity(make_activity):
    activity = make_activity(capacity=1)
    first = signup.walk_in(activity=activity, volunteer=volunteer(1), now=activity.starts_at)
    assert first.status == SignupStatus.CONFIRMED
    # Again for the same volunteer: their place, not another.
    assert signup.walk_in(activity=activity, volunteer=volunteer(1)).pk == first.pk
    with pytest.raises(signup.SignupRefused) as refused:
        signup.walk_in(activity=activity, volunteer=volunteer(2))
    assert refused.value.code == "full"


# --- marking attendance by hand -----------------------------------------------------------------


def test_marking_attended_by_hand_opens_a_record_of_the_activity_s_length(activity):
    person = signed_up(activity, 1)
    place = ActivitySignup.objects.get(mobile=person.mobile)
    checkin.record_attendance(signup=place, attended=True)
    record = ServiceRecord.objects.get(activity=activity, volunteer=person)
    assert record.hours == Decimal("3.0") and record.basis == HoursBasis.ACTIVITY


def test_marking_a_sign_up_without_a_volunteer_opens_no_record(activity):
    made = signup.sign_up(activity=activity, name="张三", mobile="13900000009")
    checkin.record_attendance(signup=made.signup, attended=True)
    assert ActivitySignup.objects.get(pk=made.signup.pk).attended is True
    assert not ServiceRecord.objects.exists()


def test_marking_absent_opens_no_record(activity):
    person = signed_up(activity, 1)
    place = ActivitySignup.objects.get(mobile=person.mobile)
    checkin.record_attendance(signup=place, attended=False)
    assert not ServiceRecord.objects.exists()


# --- a burst --------------------------------------------------------------------------------------


def test_a_burst_of_check_ins_loses_none_doubles_none_and_keeps_the_capacity(make_activity):
    """One after another here (the parallel version is in test_checkin_concurrency.py): 30
    signed up, 90 more turn up for the 20 places left, and everyone taps twice."""
    activity = make_activity(capacity=50, waitlist_enabled=False)
    people = [signed_up(activity, n) for n in range(30)] + [volunteer(n) for n in range(30, 120)]
    now = activity.starts_at
    actions = {}
    for person in people:
        for _tap in range(2):
            try:
                result = check_in_or_out(activity=activity, volunteer=person, now=now, intent="in")
            except CheckInRefused as refused:
                actions.setdefault(person.pk, []).append(refused.code)
            else:
                actions.setdefault(person.pk, []).append(result.action)
    checked = [pk for pk, seen in actions.items() if seen == [Action.IN, Action.ALREADY_IN]]
    refused = [pk for pk, seen in actions.items() if seen == ["full", "full"]]
    assert len(checked) == 50 and len(refused) == 70
    assert CheckIn.objects.filter(activity=activity).count() == 50
    assert set(CheckIn.objects.values_list("volunteer_id", flat=True)) == set(checked)
    assert not CheckIn.objects.values("volunteer").annotate(n=Count("pk")).filter(n__gt=1)
    confirmed = ActivitySignup.objects.filter(activity=activity, status="confirmed").count()
    assert confirmed == ActivityTally.objects.get(activity=activity).confirmed == 50
