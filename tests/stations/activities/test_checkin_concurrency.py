"""Check-ins racing each other through real, parallel database connections: none lost, none
doubled, capacity never exceeded (the CheckIn unique constraint, and the tally lock a walk-in
takes). Transactional tests: other connections must see the committed data."""

from collections import Counter

import pytest
from django.db.models import Count

from stations.activities import checkin
from stations.activities.checkin import Action, CheckInRefused
from stations.models import ActivitySignup, ActivityTally, CheckIn, SignupStatus
from tests.concurrency import Outcome, postgresql_only, sqlite_only
from tests.concurrency import race as race_calls
from tests.factories.home import ensure_wagtail_root
from tests.factories.stations import ActivityPageFactory, make_activity_site
from tests.stations.activities.checkin_helpers import signed_up, volunteer

pytestmark = pytest.mark.django_db(transaction=True)

PG_MAX_CONNECTIONS = 40  # shared with other test runs; see test_signup_concurrency.py
RACE_TIMEOUT = 120


def race(activity, people) -> list[Outcome]:
    """Every volunteer in `people` taps 签到 in their own thread, all released at once."""

    def tap(person):
        return checkin.check_in_or_out(
            activity=activity, volunteer=person, now=activity.starts_at, intent="in"
        ).action

    outcomes = race_calls(
        [lambda person=person: tap(person) for person in people],
        refusal=CheckInRefused,
        max_connections=PG_MAX_CONNECTIONS,
        timeout=RACE_TIMEOUT,
    )
    for outcome, person in zip(outcomes, people, strict=True):
        outcome.person, outcome.action = person, outcome.result
    return outcomes


@pytest.fixture
def new_activity():
    ensure_wagtail_root()
    index, station, _areas = make_activity_site()

    def make(**fields):
        return ActivityPageFactory(parent=index, station=station, **fields)

    return make


def assert_race(activity, *, signed: int, walk_ins: int, double: int, capacity: int):
    """`signed` signed-up volunteers and `walk_ins` others tap at once, the first `double` of
    each group twice."""
    booked = [signed_up(activity, n) for n in range(signed)]
    walking = [volunteer(n) for n in range(signed, signed + walk_ins)]
    people = booked + walking + booked[:double] + walking[:double]

    outcomes = race(activity, people)

    by_person = {}
    for outcome in outcomes:
        by_person.setdefault(outcome.person.pk, []).append(outcome.action or outcome.refused)
    # Each volunteer got in once (the other tap saw it), or was refused for want of a place.
    ins = {pk for pk, seen in by_person.items() if Action.IN in seen}
    for pk, seen in by_person.items():
        if pk in ins:
            assert Counter(seen)[Action.IN] == 1, seen
            assert set(seen) <= {Action.IN, Action.ALREADY_IN}, seen
        else:
            assert set(seen) <= {"full"}, seen
    # Everyone signed up got in; the walk-ins took exactly the places left.
    assert {p.pk for p in booked} <= ins
    assert len(ins) == min(capacity, signed + walk_ins)
    # None lost: every IN has its row; none doubled: one row per volunteer.
    rows = CheckIn.objects.filter(activity=activity)
    assert set(rows.values_list("volunteer_id", flat=True)) == ins
    assert rows.count() == len(ins)
    assert not rows.values("volunteer").annotate(n=Count("pk")).filter(n__gt=1).exists()
    # Capacity held, and the tally says what the rows say.
    confirmed = ActivitySignup.objects.filter(activity=activity, status=SignupStatus.CONFIRMED)
    tally = ActivityTally.objects.get(activity=activity)
    assert confirmed.count() == tally.confirmed == min(capacity, signed + walk_ins)
    assert rows.filter(walk_in=True).count() == len(ins) - signed


@postgresql_only
def test_60_volunteers_tap_at_once_for_10_places_walk_ins_take_only_what_is_left(new_activity):
    activity = new_activity(capacity=10, waitlist_enabled=False)
    assert_race(activity, signed=4, walk_ins=56, double=10, capacity=10)


@postgresql_only
def test_250_parallel_check_ins_on_one_activity_lose_none_and_double_none(new_activity):
    # 1,000 at once pass the same way (tried with 800 + 200 and 100 + 900), but take most of a
    # minute to set up here; the benchmark fires that many.
    activity = new_activity(capacity=150, waitlist_enabled=False)
    assert_race(activity, signed=100, walk_ins=100, double=25, capacity=150)


@sqlite_only
def test_sqlite_30_volunteers_tap_at_once_for_8_places(new_activity):
    activity = new_activity(capacity=8, waitlist_enabled=False)
    assert_race(activity, signed=3, walk_ins=27, double=5, capacity=8)
