"""Sign-ups and cancellations racing each other through real, parallel database connections.

Every thread opens its own connection, so these tests see what the site sees under a rush: the
tally row's lock (SELECT … FOR UPDATE on PostgreSQL, the IMMEDIATE write lock on SQLite) must
hand out exactly `capacity` places, queue the rest in order of arrival, and keep the counters
equal to the rows. The data must be committed for other connections to see it, hence
transactional tests.
"""

from collections import Counter
from collections.abc import Callable

import pytest

from stations.models import ActivitySignup, ActivityTally, SignupStatus
from stations.signup import SignupRefused, cancel, sign_up
from tests.concurrency import Outcome, postgresql_only, sqlite_only
from tests.concurrency import race as race_calls
from tests.factories.home import ensure_wagtail_root
from tests.factories.stations import ActivityPageFactory, make_activity_site

pytestmark = pytest.mark.django_db(transaction=True)


def race(calls: list[Callable[[], object]]) -> list[Outcome]:
    return race_calls(calls, refusal=SignupRefused)


def mobile(number: int) -> str:
    return f"139{number:08d}"


def signup_calls(activity, count: int, mobiles=None) -> list[Callable[[], object]]:
    mobiles = mobiles or [mobile(n) for n in range(count)]
    return [
        lambda n=n, m=m: sign_up(activity=activity, name=f"志愿者{n}", mobile=m)
        for n, m in enumerate(mobiles)
    ]


def counts(activity) -> Counter:
    return Counter(
        ActivitySignup.objects.filter(activity=activity).values_list("status", flat=True)
    )


def assert_tally_matches_rows(activity):
    tally = ActivityTally.objects.get(activity=activity)
    rows = counts(activity)
    assert (tally.confirmed, tally.waitlisted) == (
        rows[SignupStatus.CONFIRMED],
        rows[SignupStatus.WAITLISTED],
    )


@pytest.fixture
def new_activity():
    """Makes published activities under a fresh site; the flush after each transactional test
    removes the root page and locale too, so put those back first."""
    ensure_wagtail_root()
    index, station, _areas = make_activity_site()

    def make(**fields):
        return ActivityPageFactory(parent=index, station=station, **fields)

    return make


def assert_signups_race(activity, *, threads: int, capacity: int):
    """`threads` residents sign up at once for `capacity` places with the waitlist on."""
    outcomes = race(signup_calls(activity, threads))

    assert [o.refused for o in outcomes if o.refused] == []
    answered = Counter(o.result.signup.status for o in outcomes)
    assert answered == {
        SignupStatus.CONFIRMED: capacity,
        SignupStatus.WAITLISTED: threads - capacity,
    }
    assert counts(activity) == answered
    assert_tally_matches_rows(activity)

    # Arrival order is the order the lock was granted in: the primary key's order, the
    # sign-up time's order, and the first `capacity` of them hold the places.
    rows = list(ActivitySignup.objects.filter(activity=activity).order_by("pk"))
    times = [row.created_at for row in rows]
    assert times == sorted(times), "sign-up times are not in the order the places were given"
    assert {row.status for row in rows[:capacity]} == {SignupStatus.CONFIRMED}
    assert {row.status for row in rows[capacity:]} == {SignupStatus.WAITLISTED}


def assert_duplicates_race(activity, *, threads: int):
    """`threads` submissions of the same mobile at once: one sign-up, the rest refused."""
    outcomes = race(signup_calls(activity, threads, mobiles=[mobile(7)] * threads))

    assert sum(1 for o in outcomes if o.result) == 1
    assert Counter(o.refused for o in outcomes if o.refused) == {"duplicate": threads - 1}
    assert ActivitySignup.objects.filter(activity=activity).count() == 1
    assert counts(activity) == {SignupStatus.CONFIRMED: 1}
    assert_tally_matches_rows(activity)


@postgresql_only
def test_200_signups_for_20_places_fill_them_and_queue_the_rest_in_order(new_activity):
    activity = new_activity(capacity=20, waitlist_enabled=True)
    assert_signups_race(activity, threads=200, capacity=20)


@postgresql_only
def test_200_signups_for_20_places_without_waitlist_refuse_180_as_full(new_activity):
    activity = new_activity(capacity=20, waitlist_enabled=False)

    outcomes = race(signup_calls(activity, 200))

    assert sum(1 for o in outcomes if o.result) == 20
    assert {o.result.signup.status for o in outcomes if o.result} == {SignupStatus.CONFIRMED}
    assert Counter(o.refused for o in outcomes if o.refused) == {"full": 180}
    # Nothing is stored for a refusal.
    assert ActivitySignup.objects.filter(activity=activity).count() == 20
    assert counts(activity) == {SignupStatus.CONFIRMED: 20}
    assert_tally_matches_rows(activity)


@postgresql_only
def test_concurrent_cancellations_promote_as_many_first_come_first_served(new_activity):
    activity = new_activity(capacity=20, waitlist_enabled=True)
    # 20 confirmed and 20 on the waitlist, in a known order.
    results = [sign_up(activity=activity, name=f"志愿者{n}", mobile=mobile(n)) for n in range(40)]
    confirmed, waiting = results[:20], results[20:]
    assert {r.signup.status for r in confirmed} == {SignupStatus.CONFIRMED}
    # Ten places are given back while the last three in the queue give up theirs, all at once.
    leaving = confirmed[::2] + waiting[-3:]

    outcomes = race([lambda token=r.token: cancel(token=token) for r in leaving])

    assert [o.refused for o in outcomes if o.refused] == []
    promoted = [s.pk for o in outcomes for s in o.result.promoted]
    assert len(promoted) == len(set(promoted)) == 10
    # The ten freed places go to the first ten in the queue, nobody else.
    assert set(promoted) == {r.signup.pk for r in waiting[:10]}
    rows = {row.pk: row for row in ActivitySignup.objects.filter(activity=activity)}
    assert all(rows[pk].status == SignupStatus.CONFIRMED for pk in promoted)
    assert all(rows[pk].promoted_at for pk in promoted)
    assert counts(activity) == {
        SignupStatus.CONFIRMED: 20,
        SignupStatus.WAITLISTED: 7,
        SignupStatus.CANCELLED: 13,
    }
    assert_tally_matches_rows(activity)


@postgresql_only
def test_50_simultaneous_signups_with_one_mobile_store_one(new_activity):
    assert_duplicates_race(new_activity(capacity=20), threads=50)


@sqlite_only
def test_sqlite_40_signups_for_5_places_fill_them_and_queue_the_rest_in_order(new_activity):
    activity = new_activity(capacity=5, waitlist_enabled=True)
    assert_signups_race(activity, threads=40, capacity=5)


@sqlite_only
def test_sqlite_20_simultaneous_signups_with_one_mobile_store_one(new_activity):
    assert_duplicates_race(new_activity(capacity=5), threads=20)
