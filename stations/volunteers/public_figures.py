"""What the public sees of service records: aggregates only, read from the totals that
stations/hours.py keeps in step (a few rows, never a scan of the records), and the names of
volunteers who chose to appear on a station's honour list (opt-in, withdrawable)."""

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from stations.models import StationVolunteer, StationYearHours

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
    """Two small queries whatever the number of records (a third only when someone chose the
    honour list): the station's volunteers' totals, and this year's row."""
    year = year or timezone.localdate().year
    counted = Q(confirmed_hours__gt=0)
    per_volunteer = StationVolunteer.objects.filter(station=station).aggregate(
        in_all=Sum("confirmed_hours"),
        volunteers=Count("pk", filter=counted),
        honoured=Count("pk", filter=counted & Q(honour_list=True)),
    )
    this_year = (
        StationYearHours.objects.filter(station=station, year=year)
        .values_list("confirmed_hours", flat=True)
        .first()
    )
    honour = []
    if per_volunteer["honoured"]:
        honour = list(
            StationVolunteer.objects.filter(station=station, honour_list=True)
            .filter(counted)
            .exclude(volunteer__name="")
            .order_by("-confirmed_hours", "pk")
            .values_list("volunteer__name", "confirmed_hours")[:HONOUR_LIST_LENGTH]
        )
    return StationService(
        hours_this_year=this_year or Decimal("0"),
        hours_in_all=per_volunteer["in_all"] or Decimal("0"),
        volunteers=per_volunteer["volunteers"],
        honour_list=honour,
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
