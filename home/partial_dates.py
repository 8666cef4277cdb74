"""Dates known only to the year or month (2021, 2021-03) as well as to the day (2021-03-07)."""

import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_PATTERN = re.compile(r"^(?P<year>\d{4})(?:-(?P<month>\d{1,2})(?:-(?P<day>\d{1,2}))?)?$")
EXPECTED = _("请写作 2021、2021-03 或 2021-03-07（年、年-月 或 年-月-日）。")


@dataclass(frozen=True)
class PartialDate:
    text: str  # normalised, e.g. "2021-03"; shown as written
    start: datetime.date  # first day of the period, for sorting and filtering

    @property
    def year(self) -> int:
        return self.start.year


def parse_partial_date(value: str) -> PartialDate:
    text = (value or "").strip().replace("/", "-").replace(".", "-")
    match = _PATTERN.match(text)
    if not match:
        raise ValidationError(
            _("日期“%(value)s”格式不正确。%(expected)s") % {"value": value, "expected": EXPECTED}
        )
    year = int(match["year"])
    month = int(match["month"]) if match["month"] else None
    day = int(match["day"]) if match["day"] else None
    try:
        start = datetime.date(year, month or 1, day or 1)
    except ValueError:
        raise ValidationError(
            _("日期“%(value)s”不存在。%(expected)s") % {"value": value, "expected": EXPECTED}
        ) from None
    if not 1949 <= year <= 2100:
        raise ValidationError(_("日期“%(value)s”的年份不合理。") % {"value": value})
    parts = [f"{year:04d}"] + ([f"{month:02d}"] if month else []) + ([f"{day:02d}"] if day else [])
    return PartialDate(text="-".join(parts), start=start)
