"""What managers and volunteers type for a certificate, by the input policy (home/base/inputs.py):
a refusal names the field and says why in Chinese."""

import re
import unicodedata
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from home.base.inputs import text_problem
from stations.validators import validate_phone

NAME_MAX_LENGTH = 40
PURPOSE_MAX_LENGTH = 100
REPLY_MAX_LENGTH = 300
REASON_MAX_LENGTH = 200
EARLIEST_YEAR = 2000
_DAY = re.compile(r"([0-9]{4})[-/.年]([0-9]{1,2})[-/.月]([0-9]{1,2})日?")


class CertificateRefused(ValueError):
    """A request, issue, decline or revocation that cannot be done: `message` is for the person
    who asked, `field` the form field it is about (None: the whole form), `reason` one of
    "input", "forbidden", "state"."""

    def __init__(self, message, *, field=None, reason="input"):
        super().__init__(message)
        self.message, self.field, self.reason = str(message), field, reason


def clean_text(raw, *, label: str, field: str, max_length: int, required: bool = True) -> str:
    text = str(raw or "").strip()
    if required and not text:
        raise CertificateRefused(_("请填写%(label)s。") % {"label": label}, field=field)
    if len(text) > max_length:
        raise CertificateRefused(
            _("%(label)s最多 %(n)s 个字。") % {"label": label, "n": max_length}, field=field
        )
    problem = text_problem(text)
    if problem:
        raise CertificateRefused(f"{label}：{problem}", field=field)
    return text


def parse_day(raw, *, label: str, field: str) -> date | None:
    """A date as typed: 2026-03-05, 2026/3/5, 2026年3月5日, full-width digits; None when empty.
    Other scripts' digits are refused (home/base/inputs.py), never read as a date."""
    if raw is None or isinstance(raw, date):
        return raw
    text = unicodedata.normalize("NFKC", str(raw)).strip()
    if not text:
        return None
    found = _DAY.fullmatch(text) if len(text) <= 20 else None
    try:
        day = date(*(int(part) for part in found.groups())) if found else None
    except ValueError:
        day = None
    if day is None:
        raise CertificateRefused(
            _("%(label)s不是有效的日期，请写作 2026-03-05。") % {"label": label}, field=field
        )
    if day.year < EARLIEST_YEAR:
        raise CertificateRefused(
            _("%(label)s不能早于 %(year)s 年。") % {"label": label, "year": EARLIEST_YEAR},
            field=field,
        )
    return day


def clean_period(start, end, *, today: date) -> tuple[date | None, date | None]:
    start = parse_day(start, label=_("起始日期"), field="period_start")
    end = parse_day(end, label=_("截止日期"), field="period_end")
    if start is not None and start > today:
        raise CertificateRefused(_("起始日期不能晚于今天。"), field="period_start")
    if start is not None and end is not None and end < start:
        raise CertificateRefused(_("截止日期不能早于起始日期。"), field="period_end")
    return start, end


def clean_contact(raw) -> str:
    contact = clean_text(raw, label=_("联系电话"), field="contact", max_length=NAME_MAX_LENGTH)
    try:
        validate_phone(contact)
    except ValidationError as error:
        raise CertificateRefused(error.messages[0], field="contact") from None
    return contact
