"""时间银行's ledger: confirmed hours earn whole points, a correction reverses and re-earns, the
balance cap cuts an earn, a reversal after spending stops at zero, and settling is idempotent;
every transfer sums to zero and the issuer holds minus the points in circulation."""

import pytest
from django.test import override_settings

from stations import hours
from stations.models import (
    AccountKind,
    PointAccount,
    PointEntry,
    PointTransfer,
    RecordStatus,
    ServiceLevelSettings,
    TransferKind,
)
from stations.volunteers import timebank
from tests.factories.stations import make_activity_site
from tests.stations.volunteers.timebank_world import (
    assert_ledger_holds,
    balance_of,
    correct,
    earned,
    item,
    ledger_state,
    past_activity,
    volunteer,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def site():
    index, station, _areas = make_activity_site()
    return index, station


@pytest.fixture
def person():
    return volunteer()


def earn(site, person, hours_given, **extra):
    index, station = site
    return earned(index=index, station=station, person=person, hours_given=hours_given, **extra)


def transfers_of(record):
    return list(record.point_transfers.order_by("pk"))


def set_rules(**fields):
    rules = ServiceLevelSettings.load()
    for name, value in fields.items():
        setattr(rules, name, value)
    rules.save()


def test_confirmed_hours_earn_whole_points_from_the_issuer(site, person):
    record = earn(site, person, "3.5")

    assert balance_of(person) == 3  # floor(3.5 × 1)
    [transfer] = transfers_of(record)
    assert transfer.kind == TransferKind.EARN
    assert transfer.key == f"earn:{record.pk}:2"  # recorded, confirmed
    assert "3.5 小时，获得 3 积分" in transfer.memo
    assert timebank.balance(timebank.issuer()) == -3
    assert_ledger_holds()


@override_settings(TIMEBANK_POINTS_PER_HOUR=2)
def test_the_rate_is_a_setting(site, person):
    earn(site, person, "2.5")
    assert balance_of(person) == 5


def test_a_pending_or_rejected_record_earns_nothing(site, person):
    index, station = site
    activity = past_activity(index=index, station=station)
    record = hours.open_record(activity=activity, volunteer=person)
    assert timebank.settle_record(record=record) == []
    correct(record, "3", status=RecordStatus.REJECTED)
    assert timebank.settle_record(record=record) == []
    assert PointTransfer.objects.count() == 0


def test_settling_again_books_nothing(site, person):
    record = earn(site, person, "4")
    before = ledger_state()

    assert timebank.settle_record(record=record) == []
    assert timebank.settle_record(record=record) == []
    assert ledger_state() == before
    assert balance_of(person) == 4


def test_a_correction_reverses_and_re_earns(site, person):
    record = earn(site, person, "3")
    correct(record, "5")

    booked = timebank.settle_record(record=record)

    assert [t.kind for t in booked] == [TransferKind.REVERSE, TransferKind.EARN]
    assert [t.key for t in booked] == [f"reverse:{record.pk}:3", f"earn:{record.pk}:3"]
    assert "冲回原获得的 3 积分" in booked[0].memo
    assert balance_of(person) == 5
    # The history is complete: earned 3, reversed 3, earned 5.
    amounts = [
        sum(e.amount for e in t.entries.all() if e.account.kind == AccountKind.VOLUNTEER)
        for t in transfers_of(record)
    ]
    assert amounts == [3, -3, 5]
    assert timebank.settle_record(record=record) == []
    assert_ledger_holds()


def test_a_correction_that_keeps_the_points_books_nothing(site, person):
    record = earn(site, person, "3")
    correct(record, "3.5")  # still 3 points
    assert timebank.settle_record(record=record) == []
    assert balance_of(person) == 3


def test_a_rejection_after_confirmation_reverses_the_points(site, person):
    record = earn(site, person, "6")
    correct(record, "6", status=RecordStatus.REJECTED)

    [reversal] = timebank.settle_record(record=record)

    assert reversal.kind == TransferKind.REVERSE
    assert balance_of(person) == 0
    assert timebank.balance(timebank.issuer()) == 0
    assert_ledger_holds()


def test_the_balance_cap_cuts_an_earn_and_says_so(site, person):
    set_rules(balance_cap=10)
    earn(site, person, "8", days_ago=12)
    second = earn(site, person, "5", days_ago=11)

    assert balance_of(person) == 10
    [cut] = transfers_of(second)
    assert "应得 5 积分" in cut.memo and "上限为 10，只计入 2 积分" in cut.memo

    third = earn(site, person, "3", days_ago=10)
    [nothing] = transfers_of(third)
    assert nothing.entries.count() == 0  # a decision, remembered, that moved nothing
    assert "已达上限 10，本次未计入积分" in nothing.memo
    assert balance_of(person) == 10
    assert_ledger_holds()


def test_points_cut_by_the_cap_are_not_given_later(site, person):
    set_rules(balance_cap=10, exchange_level=0)
    earn(site, person, "10", days_ago=12)
    late = earn(site, person, "4", days_ago=11)  # cut to 0
    index, station = site
    timebank.exchange(volunteer=person, item=item(station, points=6))
    assert balance_of(person) == 4

    # Settling the cut record again, or a change that keeps its hours, adds nothing.
    assert timebank.settle_record(record=late) == []
    correct(late, "4")
    assert timebank.settle_record(record=late) == []
    assert balance_of(person) == 4
    # A change of its hours does earn, within the room there is now.
    correct(late, "5")
    timebank.settle_record(record=late)
    assert balance_of(person) == 9
    assert_ledger_holds()


def test_a_reversal_after_spending_stops_at_zero_and_says_so(site, person):
    set_rules(exchange_level=0)
    record = earn(site, person, "10")
    index, station = site
    timebank.exchange(volunteer=person, item=item(station, points=8))
    assert balance_of(person) == 2

    correct(record, "10", status=RecordStatus.REJECTED)
    [reversal] = timebank.settle_record(record=record)

    assert balance_of(person) == 0
    assert "应冲回原获得的 10 积分" in reversal.memo and "只冲回 2 积分，余额归零" in reversal.memo
    assert_ledger_holds()
    # What could not be taken back is not collected from later points.
    earn(site, person, "5", days_ago=3)
    assert timebank.settle_record(record=record) == []
    assert balance_of(person) == 5
    assert_ledger_holds()


def test_accounts_are_made_once(site, person):
    index, station = site
    first = timebank.account_for_volunteer(volunteer=person)
    assert timebank.account_for_volunteer(volunteer=person) == first
    assert timebank.issuer() == timebank.issuer()
    pool = timebank.pool_for_station(station=station)
    assert timebank.pool_for_station(station=station) == pool
    assert PointAccount.objects.count() == 3
    assert timebank.balance(pool) == 0
    assert timebank.balance(None) == 0


def test_the_balance_is_the_sum_of_the_entries(site, person):
    for hours_given, days_ago in (("2", 5), ("3", 6), ("4.5", 7)):
        earn(site, person, hours_given, days_ago=days_ago)
    account = PointAccount.objects.get(volunteer=person)
    entries = PointEntry.objects.filter(account=account).values_list("amount", flat=True)
    assert timebank.balance(account) == sum(entries) == 9
    assert_ledger_holds()
