"""星级: a volunteer's level by confirmed hours, against the thresholds editors keep
(ServiceLevelSettings; defaults 100/300/600/1000/1500 hours, the national and Guangdong
figures), with the date each level was first reached and the hours still to the next."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from stations.models import (
    RecordStatus,
    ServiceLevelSettings,
    ServiceRecordEntry,
    VolunteerHoursTotal,
)

NAMES = (
    _("一星志愿者"),
    _("二星志愿者"),
    _("三星志愿者"),
    _("四星志愿者"),
    _("五星志愿者"),
)


def thresholds() -> list[int]:
    return ServiceLevelSettings.load().thresholds()


def level_for(hours: Decimal, limits: list[int]) -> int:
    """0 (none yet) to 5: the highest level whose threshold the hours reach."""
    return sum(1 for limit in limits if hours >= limit)


def level_name(level: int) -> str:
    return str(NAMES[level - 1]) if level else ""


@dataclass(frozen=True)
class Step:
    level: int
    name: str
    hours: int
    reached_on: datetime | None


@dataclass(frozen=True)
class LevelProgress:
    hours: Decimal
    level: int
    name: str
    steps: list[Step]
    next_name: str
    to_next: Decimal | None  # None at the top level

    @property
    def percent_to_next(self) -> int:
        if self.to_next is None:
            return 100
        below = self.steps[self.level - 1].hours if self.level else 0
        span = self.steps[self.level].hours - below
        return int(100 * (self.hours - below) / span) if span else 100


def confirmed_hours(volunteer) -> Decimal:
    total = VolunteerHoursTotal.objects.filter(volunteer=volunteer).values_list(
        "confirmed_hours", flat=True
    )
    return total.first() or Decimal("0")


def reached_dates(volunteer, limits: list[int]) -> list[datetime | None]:
    """When the running total of confirmed hours first reached each threshold, replaying the
    records' entries in order (one query): a record counts its latest confirmed hours."""
    entries = (
        ServiceRecordEntry.objects.filter(record__volunteer=volunteer)
        .order_by("at", "pk")
        .values_list("record_id", "status", "hours", "at")
    )
    current: dict[int, Decimal] = {}
    total = Decimal("0")
    dates: list[datetime | None] = [None] * len(limits)
    for record_id, status, hours, at in entries:
        now_counts = hours if status == RecordStatus.CONFIRMED else Decimal("0")
        total += now_counts - current.get(record_id, Decimal("0"))
        current[record_id] = now_counts
        for index, limit in enumerate(limits):
            if dates[index] is None and total >= limit:
                dates[index] = at
    return dates


def progress(volunteer, *, hours: Decimal | None = None, with_dates=True) -> LevelProgress:
    """The volunteer's level; `hours` when the caller has read them already, and the dates
    each level was reached only `with_dates` (one more query)."""
    limits = thresholds()
    hours = confirmed_hours(volunteer) if hours is None else hours
    level = level_for(hours, limits)
    dates = reached_dates(volunteer, limits) if level and with_dates else [None] * len(limits)
    steps = [
        Step(index + 1, level_name(index + 1), limit, dates[index] if index < level else None)
        for index, limit in enumerate(limits)
    ]
    if level < len(limits):
        return LevelProgress(
            hours, level, level_name(level), steps, level_name(level + 1), limits[level] - hours
        )
    return LevelProgress(hours, level, level_name(level), steps, "", None)
