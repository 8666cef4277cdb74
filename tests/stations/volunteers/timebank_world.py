"""What the 时间银行 tests share: volunteers with confirmed hours, items, and the ledger's
invariants, checked over every row."""

from collections import Counter
from decimal import Decimal

from django.db.models import Sum

from stations import hours
from stations.models import (
    AccountKind,
    EntryKind,
    ExchangeItem,
    ExchangeStatus,
    PointAccount,
    PointEntry,
    PointExchange,
    PointTransfer,
    RecordStatus,
)
from stations.volunteers import timebank
from tests.factories.records import confirmed_record, past_activity, volunteer

__all__ = ["confirmed_record", "past_activity", "volunteer"]


def earned(*, index, station, person, hours_given, days_ago=10) -> object:
    """A confirmed record of `hours_given` hours and its points settled: the record."""
    activity = past_activity(index=index, station=station, days_ago=days_ago)
    record = confirmed_record(activity=activity, volunteer=person, hours_given=hours_given)
    timebank.settle_record(record=record)
    return record


def correct(record, hours_given, *, status=RecordStatus.CONFIRMED):
    """A new entry for the record (the one way it changes), as the records' rules add it."""
    kind = EntryKind.CORRECTED if status == RecordStatus.CONFIRMED else EntryKind.REJECTED
    hours.append(
        record=record,
        kind=kind,
        hours=Decimal(str(hours_given)),
        content=record.content,
        status=status,
        basis=record.basis,
        reason="测试更正",
    )
    return record


def balance_of(person) -> int:
    return timebank.balance(PointAccount.objects.filter(volunteer=person).first())


def item(station, *, points=10, stock=5, name="理发服务一次", **fields) -> ExchangeItem:
    return ExchangeItem.objects.create(
        station=station, name=name, points=points, stock=stock, **fields
    )


def ledger_state() -> tuple:
    """Everything the ledger holds, to show a refusal changed nothing."""
    return (
        PointTransfer.objects.count(),
        PointEntry.objects.count(),
        PointAccount.objects.count(),
        tuple(ExchangeItem.objects.order_by("pk").values_list("stock", flat=True)),
        PointExchange.objects.count(),
    )


def assert_ledger_holds():
    """Each transfer sums to zero; no account but the issuer is below zero; the issuer's
    balance is minus the points in circulation; the pending and handed-over exchanges hold
    exactly the points spent and not refunded."""
    unbalanced = (
        PointEntry.objects.values("transfer").annotate(total=Sum("amount")).exclude(total=0)
    )
    assert not unbalanced.exists(), list(unbalanced)
    balances = {
        account.pk: (account.kind, timebank.balance(account))
        for account in PointAccount.objects.all()
    }
    held = [b for kind, b in balances.values() if kind != AccountKind.ISSUER]
    assert all(b >= 0 for b in held), balances
    bank = [b for kind, b in balances.values() if kind == AccountKind.ISSUER]
    assert sum(bank) == -sum(held)
    assert len(bank) <= 1
    statuses = Counter(PointExchange.objects.values_list("status", flat=True))
    refunds = PointTransfer.objects.filter(kind="exchange_refund").count()
    assert refunds == statuses[ExchangeStatus.CANCELLED]
