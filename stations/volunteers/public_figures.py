"""What the public sees of service records: aggregates only, read from the totals that
stations/hours.py keeps in step (a few rows, never a scan of the records), and the names of
volunteers who chose to appear on a station's honour list (opt-in, withdrawable)."""

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import BooleanField, Case, OuterRef, Q, Subquery, Sum, When, Window
from django.utils import timezone

from stations.models import StationPage, StationVolunteer, StationYearHours

HONOUR_LIST_LENGTH = 20


@dataclass(frozen=True)
class StationService:
    hours_this_year: Decimal
    hours_in_all: Decimal
    volunteers: int
    honour_list: list  # [(name, hours)], those who opted in, most hours first

    @property
    def any(self) -> bool:
        return bool(self.hours_in_all or self.volunteers)


def station_service(station, *, year=None) -> StationService:
    """One query whatever the number of records or names: the station's row joined to each of
    its volunteers' totals, with the sums over them all (window functions), this year's row and,
    first in the order, up to HONOUR_LIST_LENGTH of those who chose the honour list."""
    year = year or timezone.localdate().year
    hours = "station_volunteers__confirmed_hours"
    counted = Q(**{f"{hours}__gt": 0})
    # Named: a volunteer without a name has nothing to show (a blank name sorts below any other).
    on_list = counted & Q(station_volunteers__honour_list=True)
    on_list &= Q(station_volunteers__volunteer__name__gt="")
    rows = list(
        StationPage.objects.filter(pk=station.pk)
        .annotate(
            in_all=Window(Sum(hours)),
            volunteers=Window(Sum(Case(When(counted, then=1), default=0))),
            this_year=Subquery(
                StationYearHours.objects.filter(station=OuterRef("pk"), year=year).values(
                    "confirmed_hours"
                )[:1]
            ),
            shown=Case(When(on_list, then=True), default=False, output_field=BooleanField()),
        )
        .order_by("-shown", f"-{hours}", "station_volunteers__pk")
        .values_list(
            "station_volunteers__volunteer__name",
            hours,
            "in_all",
            "volunteers",
            "this_year",
            "shown",
        )[:HONOUR_LIST_LENGTH]
    )
    _name, _hours, in_all, volunteers, this_year, _shown = (
        rows[0] if rows else (None, None, None, 0, None, False)
    )
    return StationService(
        hours_this_year=this_year or Decimal("0"),
        hours_in_all=in_all or Decimal("0"),
        volunteers=volunteers or 0,
        honour_list=[(name, given) for name, given, *_totals, shown in rows if shown],
    )


def honour_choices(volunteer):
    """The stations where the volunteer has confirmed hours, with their honour-list choice."""
    return list(
        StationVolunteer.objects.filter(volunteer=volunteer, confirmed_hours__gt=0)
        .select_related("station")
        .order_by("-confirmed_hours", "pk")
    )


def set_honour_list(*, volunteer, station_ids: set[int], now=None) -> int:
    """Appear on exactly these stations' honour lists (among those with hours); the rest are
    withdrawn. Returns how many rows changed."""
    now = now or timezone.now()
    changed = 0
    with transaction.atomic():
        for row in StationVolunteer.objects.select_for_update().filter(volunteer=volunteer):
            wanted = row.station_id in station_ids and row.confirmed_hours > 0
            if row.honour_list != wanted:
                row.honour_list = wanted
                row.honour_list_changed_at = now
                row.save(update_fields=["honour_list", "honour_list_changed_at"])
                changed += 1
    return changed
