"""The 七个有 station standard (穗民案〔2020〕102号) and whether a station meets it.

A station meets the standard when all seven items hold, each backed by evidence, and none was
last checked more than twelve months ago. The rules live here so the page, the listing filters,
the JSON endpoints and the tests agree.
"""

import calendar
import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

VALID_MONTHS = 12


class StandardItem(models.TextChoices):
    SIGN = "sign", _("有统一标识")
    OFFICE = "office", _("有办公场所")
    TEAM = "team", _("有志愿者队伍")
    RULES = "rules", _("有管理制度")
    LEDGER = "ledger", _("有工作台账")
    SERVICES = "services", _("有服务内容")
    ACTIVITIES = "activities", _("有志愿服务活动")


ITEMS = list(StandardItem)


def months_after(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, clamped to the month's end (29 Feb + 12 months → 28 Feb)."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    month += 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def check_expires(checked_on: datetime.date) -> datetime.date:
    """The last day a check made on `checked_on` still counts."""
    return months_after(checked_on, VALID_MONTHS)


@dataclass
class Assessment:
    meets: bool
    # Why not, one short sentence per failing item, in the standard's order.
    reasons: list[str] = field(default_factory=list)
    # The last day the standard still holds when nothing changes (None when it does not hold).
    valid_until: datetime.date | None = None


def assess(checks: Iterable, *, today: datetime.date | None = None) -> Assessment:
    """Assess a station's checks (objects with item, holds and checked_on)."""
    today = today or timezone.localdate()
    by_item = {check.item: check for check in checks}
    reasons = []
    for item in ITEMS:
        check = by_item.get(item.value)
        if check is None or not check.holds:
            reasons.append(str(_("未具备“%(item)s”") % {"item": item.label}))
            continue
        if check.checked_on is None:
            reasons.append(str(_("“%(item)s”没有核查日期") % {"item": item.label}))
            continue
        if check_expires(check.checked_on) < today:
            reasons.append(
                str(
                    _("“%(item)s”上次核查于 %(date)s，已超过 %(months)s 个月")
                    % {"item": item.label, "date": check.checked_on, "months": VALID_MONTHS}
                )
            )
    if reasons:
        return Assessment(meets=False, reasons=reasons)
    return Assessment(meets=True, valid_until=valid_until(by_item.values()))


def valid_until(checks: Iterable) -> datetime.date | None:
    """The last day the checks meet the standard, whatever today is (None if they never do).

    Stored on the station so lists and maps can filter with `valid_until >= today` in SQL, and
    a station drops out on the day its oldest check goes stale without anyone saving it.
    """
    held = {c.item: c for c in checks if c.holds and c.checked_on is not None}
    if set(held) != {item.value for item in ITEMS}:
        return None
    return check_expires(min(c.checked_on for c in held.values()))
