"""Who may decide a service record, and the decisions: confirm, decline, correct, and the
volunteer's request for a correction with the station's answer.

谁组织谁记录: only managers of the activity's own station (and superusers, who stand in for any
station) record and decide; editors of the whole site see every record but decide none. Each
decision is one entry added through stations/hours.py (the record is never edited in place)
and, in the same transaction, the 时间银行 is brought in line with the confirmed hours
(timebank.settle_record), so points never drift from hours.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from stations import hours
from stations.access import managed_stations
from stations.hours import HoursRefused, clean_text, most_hours, parse_hours
from stations.models import (
    CorrectionRequest,
    CorrectionStatus,
    EntryKind,
    RecordStatus,
    ServiceRecord,
)

DECIDE = "stations.change_servicerecord"


class RecordRefused(HoursRefused):
    """A decision that may not be taken (another station's record, already decided …)."""


def may_decide(user, station_id) -> bool:
    """Whether the user may record and decide this station's service records."""
    if user is None or not user.is_authenticated or not user.is_active or station_id is None:
        return False
    if user.is_superuser:
        return True
    if not user.has_perm(DECIDE):
        return False
    ids = getattr(user, "_deciding_station_ids", None)
    if ids is None:
        ids = set(managed_stations(user).values_list("pk", flat=True))
        user._deciding_station_ids = ids  # the user object lives for one request
    return station_id in ids


def _require(user, record):
    if not may_decide(user, record.station_id):
        raise RecordRefused(_("只有组织这项活动的站点可以记录和确认它的服务时长。"))


def _settle(record, by, now):
    from stations.volunteers import timebank  # the ledger follows the hours, never leads

    timebank.settle_record(record=record, by=by, now=now)


def _locked(record) -> ServiceRecord:
    return ServiceRecord.objects.select_for_update().get(pk=record.pk)


def _locked_pending(record) -> ServiceRecord:
    current = _locked(record)
    if current.status != RecordStatus.PENDING:
        raise RecordRefused(
            _("这条记录已%(status)s；如需修改请填写更正说明进行更正。")
            % {"status": current.get_status_display()}
        )
    return current


def confirm(*, record: ServiceRecord, by, now=None) -> ServiceRecord:
    """确认: a pending record's hours become confirmed hours."""
    _require(by, record)
    now = now or timezone.now()
    with transaction.atomic():
        current = _locked_pending(record)
        hours.append(
            record=current,
            kind=EntryKind.CONFIRMED,
            hours=current.hours,
            content=current.content,
            status=RecordStatus.CONFIRMED,
            basis=current.basis,
            by=by,
            now=now,
        )
        _settle(current, by, now)
    return current


def reject(*, record: ServiceRecord, by, reason, now=None) -> ServiceRecord:
    """驳回: a pending record counts for nothing, with the station's reason."""
    _require(by, record)
    reason = clean_text(reason, label=_("驳回理由"), required=True, max_length=200)
    now = now or timezone.now()
    with transaction.atomic():
        current = _locked_pending(record)
        hours.append(
            record=current,
            kind=EntryKind.REJECTED,
            hours=current.hours,
            content=current.content,
            status=RecordStatus.REJECTED,
            basis=current.basis,
            reason=reason,
            by=by,
            now=now,
        )
        _settle(current, by, now)
    return current


def correct(*, record: ServiceRecord, by, hours_raw, content, reason, now=None) -> ServiceRecord:
    """更正: new hours and content, confirmed, with the reason; the old entries stay."""
    _require(by, record)
    new_hours = parse_hours(hours_raw, most=most_hours(record))
    content = clean_text(content, label=_("服务内容"), required=True, max_length=200)
    reason = clean_text(reason, label=_("更正说明"), required=True, max_length=200)
    now = now or timezone.now()
    with transaction.atomic():
        current = _locked(record)
        hours.append(
            record=current,
            kind=EntryKind.CORRECTED,
            hours=new_hours,
            content=content,
            status=RecordStatus.CONFIRMED,
            basis=current.basis,
            reason=reason,
            by=by,
            now=now,
        )
        _settle(current, by, now)
    return current


def decide_many(*, records, by, accept: bool, reason="", now=None) -> tuple[int, list[str]]:
    """Bulk confirm or decline: each record on its own (one refused does not undo the others);
    the count done and the messages of those refused."""
    done, refused = 0, []
    for record in records:
        try:
            if accept:
                confirm(record=record, by=by, now=now)
            else:
                reject(record=record, by=by, reason=reason, now=now)
        except HoursRefused as error:
            refused.append(f"{record.activity_title}：{error.message}")
        else:
            done += 1
    return done, refused


# --- the volunteer's request for a correction ------------------------------------------------


def request_correction(*, record, volunteer, hours_raw, reason, now=None) -> CorrectionRequest:
    if record.volunteer_id != volunteer.pk:
        raise RecordRefused(_("只能为自己的服务记录申请更正。"))
    wanted = None
    if str(hours_raw or "").strip():
        wanted = parse_hours(hours_raw, most=most_hours(record))
    reason = clean_text(reason, label=_("申请理由"), required=True, max_length=300)
    try:
        with transaction.atomic():
            return CorrectionRequest.objects.create(
                record=record, hours=wanted, reason=reason, created_at=now or timezone.now()
            )
    except IntegrityError:
        raise RecordRefused(_("这条记录已有一份待处理的更正申请，请等待站点答复。")) from None


def answer_correction(
    *,
    request: CorrectionRequest,
    by,
    accept: bool,
    hours_raw=None,
    content=None,
    reply="",
    now=None,
) -> CorrectionRequest:
    """The station accepts (the record is corrected, the request's reason as the 更正说明) or
    declines (with a reply the volunteer reads)."""
    record = request.record
    _require(by, record)
    now = now or timezone.now()
    reply = clean_text(reply, label=_("答复"), required=not accept, max_length=300)
    with transaction.atomic():
        current = CorrectionRequest.objects.select_for_update().get(pk=request.pk)
        if current.status != CorrectionStatus.OPEN:
            raise RecordRefused(_("这份更正申请已经处理过了。"))
        if accept:
            raw = hours_raw if str(hours_raw or "").strip() else current.hours
            if raw is None:
                raw = record.hours
            correct(
                record=record,
                by=by,
                hours_raw=raw,
                content=content or record.content,
                reason=_("应志愿者申请更正：%(reason)s") % {"reason": current.reason[:180]},
                now=now,
            )
        current.status = CorrectionStatus.ACCEPTED if accept else CorrectionStatus.DECLINED
        current.reply = reply
        current.decided_by = by
        current.decided_at = now
        current.save(update_fields=["status", "reply", "decided_by", "decided_at"])
    return current
