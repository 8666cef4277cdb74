"""stations/signup.py: capacity, waitlist, window, duplicates, cancellation and promotion."""

import datetime

import pytest
from django.utils import timezone

from stations import signup
from stations.models import ActivitySignup, ActivityTally, SignupStatus
from tests.factories.stations import ActivityPageFactory, make_activity_site
from tests.shared_data import shared_fixture

pytestmark = pytest.mark.django_db


@shared_fixture
def site():
    return make_activity_site()


@pytest.fixture
def make_activity(site):
    index, station, _areas = site

    def make(**fields):
        return ActivityPageFactory(parent=index, station=station, **fields)

    return make


def join(activity, n, **kwargs):
    return signup.sign_up(activity=activity, name=f"志愿者{n}", mobile=f"1380000{n:04d}", **kwargs)


def tally(activity):
    return ActivityTally.objects.get(activity=activity)


def statuses(activity):
    return list(activity.signups.order_by("pk").values_list("status", flat=True))


def test_places_then_waitlist_in_order_of_arrival(make_activity):
    activity = make_activity(capacity=2)
    results = [join(activity, n) for n in range(4)]
    assert [r.signup.status for r in results] == ["confirmed", "confirmed"] + ["waitlisted"] * 2
    assert (tally(activity).confirmed, tally(activity).waitlisted) == (2, 2)
    assert [signup.waitlist_position(r.signup) for r in results] == [None, None, 1, 2]


def test_full_without_waitlist_is_refused_and_stores_nothing(make_activity):
    activity = make_activity(capacity=1, waitlist_enabled=False)
    join(activity, 1)
    with pytest.raises(signup.SignupRefused) as refused:
        join(activity, 2)
    assert refused.value.code == "full" and "名额已满" in refused.value.message
    assert activity.signups.count() == 1 and tally(activity).confirmed == 1


def test_one_mobile_signs_up_once_however_it_is_written(make_activity):
    activity = make_activity()
    signup.sign_up(activity=activity, name="张三", mobile="13812345678")
    for written in ("138 1234 5678", "+86 138-1234-5678", "8613812345678"):
        with pytest.raises(signup.SignupRefused) as refused:
            signup.sign_up(activity=activity, name="张三", mobile=written)
        assert refused.value.code == "duplicate"
    assert activity.signups.count() == 1


def test_the_same_mobile_may_join_another_activity_and_again_after_cancelling(make_activity):
    first, second = make_activity(), make_activity()
    result = signup.sign_up(activity=first, name="张三", mobile="13812345678")
    signup.sign_up(activity=second, name="张三", mobile="13812345678")
    signup.cancel(token=result.token)
    again = signup.sign_up(activity=first, name="张三", mobile="13812345678")
    assert again.signup.status == SignupStatus.CONFIRMED
    assert statuses(first) == ["cancelled", "confirmed"]


@pytest.mark.parametrize(
    ("name", "mobile", "code"),
    [
        ("", "13812345678", "name"),
        ("   ", "13812345678", "name"),
        ("张" * 41, "13812345678", "name"),
        ("张三\x00", "13812345678", "name"),
        ("张三", "", "mobile"),
        ("张三", "12345678901", "mobile"),
        ("张三", "1381234567", "mobile"),
        ("张三", "phone", "mobile"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_stores_nothing(make_activity, name, mobile, code):
    activity = make_activity()
    with pytest.raises(signup.SignupRefused) as refused:
        signup.sign_up(activity=activity, name=name, mobile=mobile)
    assert refused.value.code == code and refused.value.message
    assert not ActivitySignup.objects.exists()
    assert tally(activity).confirmed == 0


def test_window_rules(make_activity):
    now = timezone.now()
    not_open = make_activity(
        starts_at=now + datetime.timedelta(days=5),
        ends_at=now + datetime.timedelta(days=5, hours=2),
        signup_opens_at=now + datetime.timedelta(days=1),
    )
    closed = make_activity(
        starts_at=now + datetime.timedelta(days=5),
        ends_at=now + datetime.timedelta(days=5, hours=2),
        signup_closes_at=now - datetime.timedelta(hours=1),
    )
    under_way = make_activity(
        starts_at=now - datetime.timedelta(hours=1), ends_at=now + datetime.timedelta(hours=1)
    )
    past = make_activity(
        starts_at=now - datetime.timedelta(days=2),
        ends_at=now - datetime.timedelta(days=2) + datetime.timedelta(hours=2),
    )
    expected = {not_open: "not_open", closed: "closed", under_way: "started", past: "started"}
    for activity, code in expected.items():
        with pytest.raises(signup.SignupRefused) as refused:
            join(activity, 1)
        assert refused.value.code == code
        assert signup.availability_of(activity).state == code
        assert not activity.signups.exists()
    assert "报名尚未开始" in str(pytest.raises(signup.SignupRefused, join, not_open, 2).value)


def test_an_unpublished_activity_takes_no_signups(make_activity):
    activity = make_activity()
    activity.unpublish()
    with pytest.raises(signup.SignupRefused) as refused:
        join(activity, 1)
    assert refused.value.code == "gone"


def test_cancelling_a_place_promotes_the_first_on_the_waitlist(make_activity):
    activity = make_activity(capacity=2)
    a, _b, c, d = (join(activity, n) for n in range(4))
    result = signup.cancel(token=a.token)
    assert result.signup.status == SignupStatus.CANCELLED and result.signup.cancelled_at
    assert [p.pk for p in result.promoted] == [c.signup.pk]
    c.signup.refresh_from_db()
    assert c.signup.status == SignupStatus.CONFIRMED and c.signup.promoted_at
    assert signup.waitlist_position(ActivitySignup.objects.get(pk=d.signup.pk)) == 1
    assert (tally(activity).confirmed, tally(activity).waitlisted) == (2, 1)


def test_cancelling_a_waitlisted_signup_promotes_nobody(make_activity):
    activity = make_activity(capacity=1)
    join(activity, 1)
    waiting = join(activity, 2)
    assert signup.cancel(token=waiting.token).promoted == []
    assert (tally(activity).confirmed, tally(activity).waitlisted) == (1, 0)


def test_cancel_refusals(make_activity):
    activity = make_activity()
    result = join(activity, 1)
    for token in ("", "nonsense", result.token[:-1]):
        with pytest.raises(signup.SignupRefused) as refused:
            signup.cancel(token=token)
        assert refused.value.code == "token"
    signup.cancel(token=result.token)
    with pytest.raises(signup.SignupRefused) as twice:
        signup.cancel(token=result.token)
    assert twice.value.code == "cancelled"
    assert tally(activity).confirmed == 0


def test_no_online_cancelling_once_the_activity_has_started(make_activity):
    activity = make_activity()
    result = join(activity, 1)
    with pytest.raises(signup.SignupRefused) as refused:
        signup.cancel(token=result.token, now=activity.starts_at + datetime.timedelta(minutes=1))
    assert refused.value.code == "started"
    assert statuses(activity) == ["confirmed"]


def test_only_the_hash_of_the_token_is_stored(make_activity):
    result = join(make_activity(), 1)
    row = ActivitySignup.objects.get()
    assert result.token not in row.token_hash and row.token_hash == signup.token_hash(result.token)
    assert signup.signup_for_token(result.token) == row


def test_raising_the_capacity_on_publish_promotes_the_waitlist(make_activity):
    activity = make_activity(capacity=1)
    join(activity, 1)
    waiting = [join(activity, n) for n in (2, 3, 4)]
    activity.capacity = 3
    activity.save_revision().publish()
    assert statuses(activity) == ["confirmed", "confirmed", "confirmed", "waitlisted"]
    assert signup.waitlist_position(ActivitySignup.objects.get(pk=waiting[2].signup.pk)) == 1
    assert (tally(activity).confirmed, tally(activity).waitlisted) == (3, 1)


def test_lowering_the_capacity_keeps_confirmed_places(make_activity):
    activity = make_activity(capacity=3)
    for n in range(3):
        join(activity, n)
    activity.capacity = 1
    activity.save_revision().publish()
    assert statuses(activity) == ["confirmed"] * 3
    assert join(activity, 9).signup.status == SignupStatus.WAITLISTED
    assert signup.availability_of(activity).places_left == 0


def test_attendance_only_for_confirmed(make_activity):
    activity = make_activity(capacity=1)
    came, waiting = join(activity, 1), join(activity, 2)
    signup.mark_attendance(came.signup, True)
    assert ActivitySignup.objects.get(pk=came.signup.pk).attended is True
    with pytest.raises(signup.SignupRefused):
        signup.mark_attendance(waiting.signup, True)
    assert ActivitySignup.objects.get(pk=waiting.signup.pk).attended is None


def test_availability_states(make_activity):
    open_one = make_activity(capacity=2)
    join(open_one, 1)
    availability = signup.availability_of(open_one)
    assert (availability.state, availability.places_left, availability.confirmed) == ("open", 1, 1)
    join(open_one, 2)
    assert signup.availability_of(open_one).state == "waitlist"
    no_waitlist = make_activity(capacity=1, waitlist_enabled=False)
    join(no_waitlist, 1)
    assert signup.availability_of(no_waitlist).state == "full"
    assert not signup.availability_of(no_waitlist).accepts_signups
