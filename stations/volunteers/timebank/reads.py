"""What the volunteer's points pages and the admin read: each a fixed number of queries,
whatever the number of rows."""

from dataclasses import dataclass, field
from itertools import groupby

from django.db.models import IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from stations.models import ExchangeItem, PointAccount, PointEntry, PointExchange, PointTransfer

# A city's catalogue fits on one page; past this many items the rest wait for a search.
CATALOGUE_LIMIT = 300


def account_of(volunteer) -> PointAccount | None:
    """The volunteer's account if it exists (reading never makes one)."""
    return PointAccount.objects.filter(volunteer=volunteer).first()


def amount_for(account):
    """An annotation: what a transfer moved into (+) or out of (−) `account`."""
    moved = (
        PointEntry.objects.filter(transfer=OuterRef("pk"), account=account)
        .values("transfer")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return Coalesce(Subquery(moved, output_field=IntegerField()), Value(0))


def history(account, volunteer=None):
    """The transfers of the account, newest first, each with `amount` for the account; with the
    decisions about the volunteer's records that moved nothing (an earn the cap cut to 0)."""
    if account is None:
        return PointTransfer.objects.none()
    touched = Q(pk__in=PointEntry.objects.filter(account=account).values("transfer_id"))
    if volunteer is not None:
        touched |= Q(record__volunteer=volunteer)
    return (
        PointTransfer.objects.filter(touched)
        .annotate(amount=amount_for(account))
        .order_by("-at", "-pk")
    )


@dataclass
class StationItems:
    station: object
    items: list = field(default_factory=list)


def catalogue() -> list[StationItems]:
    """The active items of live stations, grouped by station (one query)."""
    items = (
        ExchangeItem.objects.filter(active=True, station__live=True)
        .select_related("station")
        .order_by("station__title", "station_id", "sort_order", "pk")[:CATALOGUE_LIMIT]
    )
    return [
        StationItems(station=group[0].station, items=group)
        for group in (list(g) for _key, g in groupby(items, key=lambda item: item.station_id))
    ]


def my_exchanges(volunteer, *, limit=50):
    return list(
        PointExchange.objects.filter(volunteer=volunteer)
        .select_related("item", "item__station")
        .order_by("-created_at", "-pk")[:limit]
    )


def pool_balances(pools):
    """Station pools with `points`, their balance, in the same query."""
    total = (
        PointEntry.objects.filter(account=OuterRef("pk"))
        .values("account")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return pools.annotate(points=Coalesce(Subquery(total, output_field=IntegerField()), Value(0)))
