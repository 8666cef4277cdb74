"""The rules: a volunteer asks, a station's manager issues or declines, and revokes."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from stations.access import can_see_station_row
from stations.models import (
    CertificateRequest,
    CertificateRequestStatus,
    RecordStatus,
    ServiceCertificate,
    ServiceRecord,
    StationVolunteer,
)
from stations.volunteers.certificates.identity import certificate_number, new_verify_code
from stations.volunteers.certificates.inputs import (
    NAME_MAX_LENGTH,
    PURPOSE_MAX_LENGTH,
    REASON_MAX_LENGTH,
    REPLY_MAX_LENGTH,
    CertificateRefused,
    clean_contact,
    clean_period,
    clean_text,
)
from stations.volunteers.models import CertificateSerial

ISSUE_PERMISSION = "stations.add_servicecertificate"
REVOKE_PERMISSION = "stations.change_servicecertificate"
DECIDE_PERMISSION = "stations.change_certificaterequest"


# --- what a certificate covers ------------------------------------------------------------------


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def confirmed_records(*, volunteer, station, period_start=None, period_end=None):
    """The volunteer's confirmed records at the station whose activity began in the period."""
    records = ServiceRecord.objects.filter(
        volunteer=volunteer, station=station, status=RecordStatus.CONFIRMED
    )
    if period_start is not None:
        records = records.filter(starts_at__gte=_day_start(period_start))
    if period_end is not None:
        records = records.filter(starts_at__lt=_day_start(period_end + timedelta(days=1)))
    return records.order_by("starts_at", "pk")


def snapshot(records) -> tuple[list[dict], Decimal]:
    """The records as the certificate keeps them, and their total."""
    rows, total = [], Decimal("0")
    for record in records:
        rows.append(
            {
                "date": timezone.localdate(record.starts_at).isoformat(),
                "title": record.activity_title,
                "content": record.content,
                "hours": str(record.hours),
            }
        )
        total += record.hours
    return rows, total.quantize(Decimal("0.1"))


# --- who may ------------------------------------------------------------------------------------


def _manages(user, station_id: int, permission: str) -> bool:
    """The admin's rule (stations/volunteers/admin.py): the model permission, and the station's
    rows visible to the user (its managers; editors who see every station)."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.has_perm(permission)
        and can_see_station_row(user, station_id)
    )


def may_issue(user, station_id: int) -> bool:
    return _manages(user, station_id, ISSUE_PERMISSION)


def may_decide(user, station_id: int) -> bool:
    return _manages(user, station_id, DECIDE_PERMISSION)


def may_revoke(user, station_id: int) -> bool:
    return _manages(user, station_id, REVOKE_PERMISSION)


def _forbidden():
    return CertificateRefused(_("只有本站点的管理员可以处理本站点的证明。"), reason="forbidden")


# --- the volunteer asks -------------------------------------------------------------------------


def request_certificate(
    *, volunteer, station, period_start=None, period_end=None, purpose="", now=None
) -> CertificateRequest:
    """The volunteer's open request to the station, if they have confirmed hours there in the
    period and no open request there already."""
    now = now or timezone.now()
    start, end = clean_period(period_start, period_end, today=timezone.localdate(now))
    purpose = clean_text(
        purpose, label=_("用途"), field="purpose", max_length=PURPOSE_MAX_LENGTH, required=False
    )
    if not volunteer.name:
        raise CertificateRefused(
            _("证明上要写您的姓名：请先在“我的志愿服务”填写姓名，再申请。"), reason="state"
        )
    if not confirmed_records(
        volunteer=volunteer, station=station, period_start=start, period_end=end
    ).exists():
        raise CertificateRefused(
            _("您在这个站点、这段时间内还没有已确认的服务时长，暂时不能申请证明。"),
            field="station",
            reason="state",
        )
    already = _("您已向这个站点申请过证明，站点处理后才能再次申请。")
    open_requests = CertificateRequest.objects.filter(
        volunteer=volunteer, station=station, status=CertificateRequestStatus.OPEN
    )
    if open_requests.exists():
        raise CertificateRefused(already, field="station", reason="state")
    try:
        with transaction.atomic():
            return CertificateRequest.objects.create(
                volunteer=volunteer,
                station=station,
                period_start=start,
                period_end=end,
                purpose=purpose,
                created_at=now,
            )
    except IntegrityError:
        # Sent twice at once: the one open request per station is the constraint's to keep.
        raise CertificateRefused(already, field="station", reason="state") from None


# --- the station decides ------------------------------------------------------------------------


def _locked_open_request(request) -> CertificateRequest:
    locked = CertificateRequest.objects.select_for_update().get(pk=request.pk)
    if locked.status != CertificateRequestStatus.OPEN:
        raise CertificateRefused(_("这份申请已经处理过了。"), reason="state")
    return locked


def decline_request(*, request, by, reply, now=None) -> CertificateRequest:
    """Close an open request without a certificate, telling the volunteer why."""
    if not may_decide(by, request.station_id):
        raise _forbidden()
    reply = clean_text(reply, label=_("答复"), field="reply", max_length=REPLY_MAX_LENGTH)
    with transaction.atomic():
        locked = _locked_open_request(request)
        locked.status = CertificateRequestStatus.DECLINED
        locked.reply, locked.decided_by, locked.decided_at = reply, by, now or timezone.now()
        locked.save(update_fields=["status", "reply", "decided_by", "decided_at"])
    return locked


def _next_serial(station_id: int, year: int) -> int:
    """The station's next serial in the year, under the serial row's lock: concurrent issues
    take their numbers one after another. The row is made on the year's first issue; two
    first issues at once both try, one insert wins and the other waits for its lock."""
    rows = CertificateSerial.objects.select_for_update()
    serial = rows.filter(station_id=station_id, year=year).first()
    if serial is None:
        try:
            with transaction.atomic():
                CertificateSerial.objects.create(station_id=station_id, year=year, last=0)
        except IntegrityError:
            pass
        serial = rows.get(station_id=station_id, year=year)
    serial.last += 1
    serial.save(update_fields=["last"])
    return serial.last


def issue_certificate(
    *,
    request=None,
    volunteer,
    station,
    by,
    person_in_charge,
    handled_by,
    contact,
    period_start=None,
    period_end=None,
    now=None,
    for_station_without_user: bool = False,
) -> ServiceCertificate:
    """Issue the certificate of the volunteer's confirmed hours at the station in the period
    (by default all of them), answering `request` when given.

    `for_station_without_user` issues with no admin user behind it (issued_by empty): only the
    demo loader, which must create no accounts, does so; every view passes request.user."""
    if for_station_without_user:
        by = None
    elif not may_issue(by, station.pk):
        raise _forbidden()
    if request is not None and (
        request.volunteer_id != volunteer.pk or request.station_id != station.pk
    ):
        raise CertificateRefused(_("申请与志愿者或站点不符。"), reason="state")
    now = now or timezone.now()
    today = timezone.localdate(now)
    start, end = clean_period(period_start, period_end, today=today)
    person_in_charge = clean_text(
        person_in_charge, label=_("负责人"), field="person_in_charge", max_length=NAME_MAX_LENGTH
    )
    handled_by = clean_text(
        handled_by, label=_("经办人"), field="handled_by", max_length=NAME_MAX_LENGTH
    )
    contact = clean_contact(contact)
    if not volunteer.name:
        raise CertificateRefused(
            _("这位志愿者还没有填写姓名，不能出具证明；请志愿者先在“我的志愿服务”填写姓名。"),
            reason="state",
        )
    with transaction.atomic():
        locked_request = _locked_open_request(request) if request is not None else None
        rows, total = snapshot(
            confirmed_records(
                volunteer=volunteer, station=station, period_start=start, period_end=end
            )
        )
        if not rows:
            raise CertificateRefused(
                _("这位志愿者在本站点、这段时间内没有已确认的服务时长，不能出具证明。"),
                reason="state",
            )
        serial = _next_serial(station.pk, today.year)
        certificate = _create(
            number=certificate_number(station_id=station.pk, year=today.year, serial=serial),
            station=station,
            volunteer=volunteer,
            name=volunteer.name,
            volunteer_number=volunteer.number,
            period_start=start or date.fromisoformat(rows[0]["date"]),
            period_end=end or date.fromisoformat(rows[-1]["date"]),
            total_hours=total,
            activities=rows,
            station_name=station.title[:255],
            person_in_charge=person_in_charge,
            handled_by=handled_by,
            contact=contact,
            issued_on=today,
            issued_at=now,
            issued_by=by,
        )
        if locked_request is not None:
            locked_request.status = CertificateRequestStatus.ISSUED
            locked_request.certificate = certificate
            locked_request.decided_by, locked_request.decided_at = by, now
            locked_request.save(update_fields=["status", "certificate", "decided_by", "decided_at"])
    return certificate


def _create(**fields) -> ServiceCertificate:
    # A clash of two random codes is all but impossible; should one happen, draw again.
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return ServiceCertificate.objects.create(verify_code=new_verify_code(), **fields)
        except IntegrityError:
            if ServiceCertificate.objects.filter(number=fields["number"]).exists():
                raise
    raise IntegrityError("no free verification code")


def revoke_certificate(*, certificate, by, reason, now=None) -> ServiceCertificate:
    """Revoke an issued certificate, once, with its reason; nothing else of it changes."""
    if not may_revoke(by, certificate.station_id):
        raise _forbidden()
    reason = clean_text(reason, label=_("撤销原因"), field="reason", max_length=REASON_MAX_LENGTH)
    with transaction.atomic():
        locked = ServiceCertificate.objects.select_for_update().get(pk=certificate.pk)
        if locked.is_revoked:
            raise CertificateRefused(_("这份证明已经撤销过了。"), reason="state")
        locked.revoked_at, locked.revoked_reason, locked.revoked_by = (
            now or timezone.now(),
            reason,
            by,
        )
        locked.save(update_fields=["revoked_at", "revoked_reason", "revoked_by"])
    for field in ("revoked_at", "revoked_reason", "revoked_by_id"):
        setattr(certificate, field, getattr(locked, field))
    return locked


# --- what the forms offer -----------------------------------------------------------------------


def stations_with_hours(volunteer) -> list:
    """The stations where the volunteer has confirmed hours, with them (the maintained totals,
    one query): where a request can go."""
    return list(
        StationVolunteer.objects.filter(volunteer=volunteer, confirmed_hours__gt=0)
        .select_related("station")
        .order_by("station__title", "station_id")
    )


def last_person_in_charge(station_id: int) -> str:
    """The 负责人 the station named on its latest certificate, to suggest it again."""
    latest = ServiceCertificate.objects.filter(station_id=station_id).order_by("-issued_at", "-pk")
    return latest.values_list("person_in_charge", flat=True).first() or ""
