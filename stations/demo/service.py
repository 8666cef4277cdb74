"""Demo service records: check-ins and confirmed hours at the past demo activities, earlier
service brought in from the paper 台账 so two volunteers reach 一星 and 二星, the 时间银行 points
those hours earn, a station's exchange catalogue, a donation to a station's 公益积分池, and one
issued 志愿服务记录证明 (its verification URL printed by load_demo).

A second run adds nothing: everything is keyed on what it made (records by activity or title,
items by name, the donation and the certificate by the demo's own markers).
"""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from stations import hours
from stations.demo.volunteers import demo_volunteers
from stations.models import (
    ActivitySignup,
    CheckIn,
    EntryKind,
    ExchangeItem,
    HoursBasis,
    PointTransfer,
    RecordStatus,
    ServiceCertificate,
    ServiceRecord,
    SignupStatus,
)
from stations.volunteers import certificates, timebank

# (demo mobile, months of earlier service, hours a month): 陈晓红 reaches 一星, 张伟明 二星.
EARLIER_SERVICE = (("13900000001", 14, 8), ("13900000004", 40, 8))
EARLIER_TITLE = "社区志愿服务站日常值守（{month}，台账补录）"
CATALOGUE = (
    ("义剪服务一次", "站点理发志愿者为您理发一次", 20, 30),
    ("生活用品礼包", "洗衣液、毛巾等日用品", 50, 10),
    ("亲子手工课名额", "周末亲子手工课一个名额", 80, 5),
)
DONATION_POINTS = 10
DONATION_TOKEN = "de" * 16  # a fixed form token: a second run books nothing


def _confirm(record, now) -> None:
    if record.status == RecordStatus.CONFIRMED:
        return
    hours.append(
        record=record,
        kind=EntryKind.CONFIRMED,
        hours=record.hours,
        content=record.content,
        status=RecordStatus.CONFIRMED,
        basis=record.basis,
        now=now,
    )
    timebank.settle_record(record=record, now=now)


def _attended_activities(person) -> list:
    now = timezone.now()
    return [
        signup
        for signup in ActivitySignup.objects.filter(
            volunteer=person,
            status=SignupStatus.CONFIRMED,
            attended=True,
            activity__ends_at__lt=now,
        ).select_related("activity", "activity__station")
    ]


def _check_in_and_record(signup, report) -> None:
    activity = signup.activity
    visit, created = CheckIn.objects.get_or_create(
        activity=activity,
        volunteer=signup.volunteer,
        defaults={
            "signup": signup,
            "checked_in_at": activity.starts_at - datetime.timedelta(minutes=10),
            "checked_out_at": activity.ends_at - datetime.timedelta(minutes=20),
        },
    )
    record = hours.open_record(activity=activity, volunteer=signup.volunteer, check_in=visit)
    _confirm(record, activity.ends_at + datetime.timedelta(days=1))
    report.record(created, f"签到与服务记录 {activity.title}")


def _earlier_service(person, station, months: int, per_month: int, report) -> None:
    today = timezone.localdate()
    made = 0
    for back in range(months, 0, -1):
        first = (today.replace(day=1) - datetime.timedelta(days=30 * back)).replace(day=6)
        title = EARLIER_TITLE.format(month=f"{first:%Y年%m月}")
        if ServiceRecord.objects.filter(volunteer=person, activity_title=title).exists():
            continue
        starts = timezone.make_aware(datetime.datetime(first.year, first.month, first.day, 9))
        record = ServiceRecord.objects.create(
            volunteer=person,
            station=station,
            activity_title=title,
            station_title=station.title,
            starts_at=starts,
            ends_at=starts + datetime.timedelta(hours=per_month),
            year=starts.year,
            hours=Decimal(per_month),
            content="站点值守、接待来访居民",
            basis=HoursBasis.MANUAL,
            created_at=starts,
            updated_at=starts,
        )
        hours.append(
            record=record,
            kind=EntryKind.RECORDED,
            hours=record.hours,
            content=record.content,
            status=RecordStatus.PENDING,
            basis=HoursBasis.MANUAL,
            now=starts,
        )
        _confirm(record, starts + datetime.timedelta(days=2))
        made += 1
    report.record(bool(made), f"台账补录的服务记录 {person.name}（{months} 个月）")


def _catalogue(stations, report) -> None:
    for station in stations[:2]:
        for order, (name, description, points, stock) in enumerate(CATALOGUE):
            _item, created = ExchangeItem.objects.get_or_create(
                station=station,
                name=name,
                defaults={
                    "description": description,
                    "points": points,
                    "stock": stock,
                    "sort_order": order,
                },
            )
            report.record(created, f"兑换项目 {station.title} · {name}")


def _donation(person, station, report) -> None:
    # The ledger's own key for a form token (timebank/donations.py): booked on an earlier run.
    if PointTransfer.objects.filter(key=f"donate:{person.pk}:{DONATION_TOKEN}").exists():
        report.record(False, f"捐赠积分 {person.name} → {station.title}")
        return
    try:
        timebank.donate(
            volunteer=person, to_station=station, points=str(DONATION_POINTS), token=DONATION_TOKEN
        )
        report.record(True, f"捐赠积分 {person.name} → {station.title}")
    except timebank.PointsRefused:
        # Not enough points (the demo's hours were changed): the rest of the demo stands.
        report.record(False, f"捐赠积分 {person.name} → {station.title}")


def _certificate(person, station, report) -> ServiceCertificate | None:
    issued = ServiceCertificate.objects.filter(volunteer=person, station=station).first()
    if issued is not None:
        report.record(False, f"志愿服务记录证明 {issued.number}")
        return issued
    # No account behind it: load_demo makes none unless asked (--manager-password).
    certificate = certificates.issue_certificate(
        volunteer=person,
        station=station,
        by=None,
        for_station_without_user=True,
        person_in_charge="王建国",
        handled_by="李敏",
        contact=station.phone or "020-12345678",
    )
    report.record(True, f"志愿服务记录证明 {certificate.number}")
    return certificate


def load_service(stations, report) -> ServiceCertificate | None:
    """Everything above; returns the demo certificate (for load_demo to print its URL)."""
    people = {person.mobile: person for person in demo_volunteers()}
    if not people or not stations:
        return None
    with transaction.atomic():
        for person in people.values():
            for signup in _attended_activities(person):
                _check_in_and_record(signup, report)
        for mobile, months, per_month in EARLIER_SERVICE:
            person = people.get(mobile)
            registration = (
                person.registrations.select_related("station").first() if person else None
            )
            if registration is not None:
                _earlier_service(person, registration.station, months, per_month, report)
        _catalogue(stations, report)
        top = people.get(EARLIER_SERVICE[-1][0])
        if top is None:
            return None
        station = top.registrations.select_related("station").first().station
        _donation(top, stations[0], report)
        return _certificate(top, station, report)


def certificate_note() -> str:
    """The line load_demo prints: where to see the demo certificate verified."""
    certificate = (
        ServiceCertificate.objects.filter(volunteer__in=demo_volunteers()).order_by("pk").first()
    )
    if certificate is None:
        return "Demo certificate: none (no demo volunteer has confirmed hours)."
    return (
        f"Demo 志愿服务记录证明 {certificate.number} ({certificate.total_hours} hours): "
        f"verify at {certificates.verification_url(certificate.verify_code)}"
    )
