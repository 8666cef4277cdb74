"""Exchanges and donations racing each other through real, parallel database connections (the
pattern of tests/stations/activities/test_signup_concurrency.py): the item's and the accounts'
row locks must hand out exactly the stock and the balance, never a point twice, never a balance
or a stock below zero. On PostgreSQL the calls run in threads released together; on SQLite,
whose IMMEDIATE transactions take them one at a time anyway, the same calls run one after
another, so the same counts are checked there too. The data must be committed for the other
connections to see it, hence transactional tests."""

from collections import Counter
from collections.abc import Callable

import pytest

from stations.models import (
    ExchangeItem,
    ExchangeStatus,
    PointExchange,
    PointTransfer,
    TransferKind,
)
from stations.volunteers import timebank
from tests.concurrency import Outcome
from tests.concurrency import race as race_calls
from tests.factories.home import ensure_wagtail_root
from tests.factories.records import confirmed_record, past_activity, volunteer
from tests.factories.stations import make_activity_site
from tests.stations.volunteers.timebank_world import assert_ledger_holds, balance_of, item

pytestmark = pytest.mark.django_db(transaction=True)


def race(calls: list[Callable[[], object]]) -> list[Outcome]:
    """Every call at once in its own thread and connection on PostgreSQL; in turn on SQLite."""
    return race_calls(calls, refusal=timebank.PointsRefused, in_turn_on_sqlite=True)


@pytest.fixture
def world():
    """A station, an activity, and a way to make volunteers with points (each hour one)."""
    ensure_wagtail_root()
    index, station, _areas = make_activity_site()
    activity = past_activity(index=index, station=station)
    made = []

    def person_with(points: int):
        person = volunteer(mobile=f"139{len(made):08d}", name=f"志愿者{len(made)}")
        made.append(person)
        record = confirmed_record(activity=activity, volunteer=person, hours_given=points)
        timebank.settle_record(record=record)
        assert balance_of(person) == points
        return person

    return {"station": station, "person_with": person_with}


def test_20_exchanges_for_a_stock_of_5_give_exactly_5(world):
    people = [world["person_with"](100) for _ in range(20)]  # 一星 each
    prize = item(world["station"], points=30, stock=5)

    outcomes = race([lambda p=p: timebank.exchange(volunteer=p, item=prize) for p in people])

    assert sum(1 for o in outcomes if o.result) == 5
    assert Counter(o.refused for o in outcomes if o.refused) == {"stock": 15}
    prize.refresh_from_db()
    assert prize.stock == 0
    assert PointExchange.objects.filter(item=prize, status=ExchangeStatus.PENDING).count() == 5
    assert sorted(balance_of(p) for p in people) == [70] * 5 + [100] * 15
    assert_ledger_holds()


def test_20_donations_from_a_balance_for_7_give_exactly_7(world):
    giver = world["person_with"](100)
    giver_takes = 100 - 70  # spend 30 first, leaving enough for seven donations of 10
    timebank.donate(volunteer=giver, to_station=world["station"], points=giver_takes)
    friends = [world["person_with"](1) for _ in range(20)]

    outcomes = race(
        [
            lambda f=f: timebank.donate(volunteer=giver, to_volunteer_number=f.number, points=10)
            for f in friends
        ]
    )

    assert sum(1 for o in outcomes if o.result) == 7
    assert Counter(o.refused for o in outcomes if o.refused) == {"balance": 13}
    assert balance_of(giver) == 0
    assert sorted(balance_of(f) for f in friends) == [1] * 13 + [11] * 7
    assert_ledger_holds()


def test_exchanges_and_donations_racing_for_one_balance_never_overspend_it(world):
    person = world["person_with"](100)
    prize = item(world["station"], points=30, stock=10)
    friend = world["person_with"](1)
    calls = [lambda: timebank.exchange(volunteer=person, item=prize) for _ in range(10)]
    calls += [
        lambda: timebank.donate(volunteer=person, to_volunteer_number=friend.number, points=30)
        for _ in range(10)
    ]

    outcomes = race(calls)

    assert sum(1 for o in outcomes if o.result) == 3  # 3 × 30 of 100
    assert balance_of(person) == 10
    prize.refresh_from_db()
    exchanged = PointExchange.objects.filter(item=prize).count()
    assert prize.stock == 10 - exchanged
    assert balance_of(friend) == 1 + 30 * (3 - exchanged)
    assert_ledger_holds()


def test_cancelling_and_handing_over_at_once_do_one_of_them(world):
    person = world["person_with"](100)
    prize = item(world["station"], points=30, stock=1)
    made = timebank.exchange(volunteer=person, item=prize)

    outcomes = race(
        [
            lambda: timebank.cancel_exchange(exchange=made, volunteer=person),
            lambda: timebank.hand_over(exchange=made, by=None),
        ]
        * 5
    )

    assert sum(1 for o in outcomes if o.result) == 1
    made.refresh_from_db()
    refunds = PointTransfer.objects.filter(kind=TransferKind.EXCHANGE_REFUND)
    if made.status == ExchangeStatus.CANCELLED:
        assert balance_of(person) == 100 and refunds.count() == 1
        assert ExchangeItem.objects.get(pk=prize.pk).stock == 1
    else:
        assert made.status == ExchangeStatus.HANDED_OVER
        assert balance_of(person) == 70 and not refunds.exists()
    assert_ledger_holds()


def test_parallel_settling_of_one_record_books_it_once(world):
    person = world["person_with"](5)
    record = person.service_records.get()

    outcomes = race([lambda: timebank.settle_record(record=record) for _ in range(10)])

    assert all(o.result == [] for o in outcomes)  # settled already, when it was made
    assert record.point_transfers.count() == 1
    assert balance_of(person) == 5
    assert_ledger_holds()
