"""服务时长: the hours a service record starts with, and the one way a record ever changes.

Used by check-in (stations/activities/checkin.py: a volunteer's check-out opens their record)
and by the records' rules and admin (stations/volunteers/records.py: confirm, decline, correct).

- Hours come in steps of 0.5, to the nearest half hour (a quarter rounds up): by default the
  checked-in time clipped to the activity's start and end, so travel and waiting never count;
  without a complete check-in, the activity's length. Never more than the activity's length.
- A record is never edited in place: `append` adds an entry (what the record says after the
  step, who took it, when, why) and copies it onto the record, and keeps the public totals
  (VolunteerHoursTotal, StationYearHours, StationVolunteer) in step, all in one transaction,
  with the record's row locked, so concurrent steps on one record are taken one after another.
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from home.base.inputs import ascii_number, text_problem
from stations.models import (
    CheckIn,
    EntryKind,
    HoursBasis,
    RecordStatus,
    ServiceRecord,
    ServiceRecordEntry,
    StationVolunteer,
    StationYearHours,
    VolunteerHoursTotal,
)

HALF = Decimal("0.5")
CONTENT_MAX_LENGTH = 200
REASON_MAX_LENGTH = 200


class HoursRefused(ValueError):
    """Bad hours, content or reason: the message is for the person who typed them."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def to_half_hours(seconds: float) -> Decimal:
    """Seconds as hours in steps of 0.5, to the nearest half hour (exactly a quarter rounds up)."""
    if seconds <= 0:
        return Decimal("0")
    halves = (Decimal(int(seconds)) / 1800).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    return halves * HALF


def clipped_seconds(
    *, starts_at: datetime, ends_at: datetime, checked_in_at: datetime, checked_out_at: datetime
) -> float:
    """The time between check-in and check-out that fell within the activity."""
    start = max(starts_at, checked_in_at)
    end = min(ends_at, checked_out_at)
    return max(0.0, (end - start).total_seconds())


def activity_hours(activity) -> Decimal:
    """The activity's length in half hours; at least 0.5, so a short activity still counts."""
    return max(HALF, to_half_hours((activity.ends_at - activity.starts_at).total_seconds()))


@dataclass(frozen=True)
class Suggestion:
    hours: Decimal
    basis: str


def suggested_hours(*, activity, check_in: CheckIn | None = None) -> Suggestion:
    if check_in is not None and check_in.checked_out_at is not None:
        seconds = clipped_seconds(
            starts_at=activity.starts_at,
            ends_at=activity.ends_at,
            checked_in_at=check_in.checked_in_at,
            checked_out_at=check_in.checked_out_at,
        )
        return Suggestion(
            min(to_half_hours(seconds), activity_hours(activity)), HoursBasis.CHECK_IN
        )
    return Suggestion(activity_hours(activity), HoursBasis.ACTIVITY)


def parse_hours(raw, *, most: Decimal) -> Decimal:
    """Hours as a manager or volunteer typed them ("3.5", full-width "３.５"): a multiple of 0.5
    from 0.5 to `most` (the activity's length), or HoursRefused with a Chinese message."""
    text = ascii_number(raw)
    if text is None:
        raise HoursRefused(_("请填写服务时长，如 2 或 3.5（小时）。"))
    try:
        hours = Decimal(text)
    except InvalidOperation:
        raise HoursRefused(_("请填写服务时长，如 2 或 3.5（小时）。")) from None
    if hours % HALF != 0:
        raise HoursRefused(_("服务时长以 0.5 小时为单位，如 2 或 2.5。"))
    if hours < HALF:
        raise HoursRefused(_("服务时长至少为 0.5 小时；没有服务请驳回这条记录。"))
    if hours > most:
        raise HoursRefused(
            _("服务时长不能超过活动本身的时长（%(most)s 小时），往返路途时间不计入。")
            % {"most": most}
        )
    return hours.quantize(Decimal("0.1"))


def clean_text(raw, *, label: str, required: bool, max_length: int) -> str:
    """Content or a reason, by the input policy; HoursRefused naming the field else."""
    text = str(raw or "").strip()
    if required and not text:
        raise HoursRefused(_("请填写%(label)s。") % {"label": label})
    if len(text) > max_length:
        raise HoursRefused(_("%(label)s最多 %(n)s 个字。") % {"label": label, "n": max_length})
    problem = text_problem(text)
    if problem:
        raise HoursRefused(f"{label}：{problem}")
    return text


def most_hours(record: ServiceRecord) -> Decimal:
    """The most a record may say: the length of the activity it was made for."""
    return max(HALF, to_half_hours((record.ends_at - record.starts_at).total_seconds()))


def year_of(moment: datetime) -> int:
    return timezone.localtime(moment).year


# --- opening a record ----------------------------------------------------------------------------


def default_content(activity) -> str:
    summary = (activity.summary or "").strip()
    return (summary or activity.title)[:CONTENT_MAX_LENGTH]


def open_record(*, activity, volunteer, check_in: CheckIn | None = None, by=None, now=None):
    """The volunteer's record at the activity, opened (待确认, with the suggested hours) if there
    is none. A record still waiting for the station's decision is brought up to date when a
    check-out gives better hours; one already decided is left to the station."""
    now = now or timezone.now()
    suggestion = suggested_hours(activity=activity, check_in=check_in)
    with transaction.atomic():
        record = (
            ServiceRecord.objects.select_for_update()
            .filter(activity=activity, volunteer=volunteer)
            .first()
        )
        if record is None:
            try:
                with transaction.atomic():
                    record = ServiceRecord.objects.create(
                        volunteer=volunteer,
                        activity=activity,
                        station_id=activity.station_id,
                        activity_title=activity.title[:255],
                        station_title=activity.station.title[:255],
                        starts_at=activity.starts_at,
                        ends_at=activity.ends_at,
                        year=year_of(activity.starts_at),
                        hours=suggestion.hours,
                        content=default_content(activity),
                        status=RecordStatus.PENDING,
                        basis=suggestion.basis,
                        created_at=now,
                        updated_at=now,
                    )
            except IntegrityError:
                # Opened meanwhile by a concurrent check-out: take that one.
                record = ServiceRecord.objects.select_for_update().get(
                    activity=activity, volunteer=volunteer
                )
            else:
                _write_entry(record, kind=EntryKind.RECORDED, by=by, now=now)
                return record
        if (
            record.status == RecordStatus.PENDING
            and suggestion.basis == HoursBasis.CHECK_IN
            and (record.basis != HoursBasis.CHECK_IN or record.hours != suggestion.hours)
            and not record.entries.exclude(kind=EntryKind.RECORDED).exists()
        ):
            append(
                record=record,
                kind=EntryKind.RECORDED,
                hours=suggestion.hours,
                content=record.content,
                status=RecordStatus.PENDING,
                basis=HoursBasis.CHECK_IN,
                by=by,
                now=now,
            )
        return record


# --- the one way a record changes ----------------------------------------------------------------


def _by_name(user) -> str:
    if user is None:
        return ""
    return (user.get_full_name() or user.get_username())[:150]


def _write_entry(record, *, kind, by, now, reason=""):
    return ServiceRecordEntry.objects.create(
        record=record,
        kind=kind,
        hours=record.hours,
        content=record.content,
        status=record.status,
        basis=record.basis,
        reason=reason,
        by_user=by,
        by_name=_by_name(by),
        at=now,
    )


def append(
    *,
    record: ServiceRecord,
    kind: str,
    hours: Decimal,
    content: str,
    status: str,
    basis: str,
    reason: str = "",
    by=None,
    now=None,
) -> ServiceRecordEntry:
    """Add one step to the record's history and make the record say it; totals follow.

    The caller has checked who may take the step (stations/volunteers/records.py); this takes
    the record's lock, so it must run inside the caller's transaction or opens its own."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = ServiceRecord.objects.select_for_update().get(pk=record.pk)
        before = locked.confirmed_hours
        locked.hours = hours
        locked.content = content
        locked.status = status
        locked.basis = basis
        locked.updated_at = now
        if kind in (EntryKind.CONFIRMED, EntryKind.REJECTED, EntryKind.CORRECTED):
            locked.decided_by_name = _by_name(by)
            locked.decided_at = now
        locked.save()
        entry = _write_entry(locked, kind=kind, by=by, now=now, reason=reason)
        _move_totals(locked, locked.confirmed_hours - before)
    # The caller's object now says what the row says.
    for field in ("hours", "content", "status", "basis", "updated_at", "decided_by_name"):
        setattr(record, field, getattr(locked, field))
    record.decided_at = locked.decided_at
    return entry


def _move_totals(record: ServiceRecord, delta: Decimal) -> None:
    """Add `delta` confirmed hours to the totals the public figures and levels read."""
    if not delta:
        return
    _add(VolunteerHoursTotal, {"volunteer_id": record.volunteer_id}, delta)
    if record.station_id is not None:
        _add(StationYearHours, {"station_id": record.station_id, "year": record.year}, delta)
        _add(
            StationVolunteer,
            {"station_id": record.station_id, "volunteer_id": record.volunteer_id},
            delta,
        )


def _add(model, key: dict, delta: Decimal) -> None:
    # An UPDATE with F() first: concurrent confirmations add up instead of overwriting.
    if model.objects.filter(**key).update(confirmed_hours=F("confirmed_hours") + delta):
        return
    try:
        with transaction.atomic():
            model.objects.create(**key, confirmed_hours=delta)
    except IntegrityError:
        model.objects.filter(**key).update(confirmed_hours=F("confirmed_hours") + delta)
