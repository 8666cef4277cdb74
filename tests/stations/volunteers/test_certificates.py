"""志愿服务记录证明's rules: who may issue, what a certificate holds, its number, revocation,
and every bad input refused in Chinese with nothing stored."""

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from stations import hours
from stations.models import (
    CertificateRequest,
    CertificateRequestStatus,
    EntryKind,
    RecordStatus,
    ServiceCertificate,
)
from stations.volunteers.certificates import (
    CODE_ALPHABET,
    CODE_LENGTH,
    CertificateRefused,
    decline_request,
    masked_name,
    normalise_code,
    request_certificate,
    revoke_certificate,
    station_code,
)
from stations.volunteers.models import CertificateChanged, CertificateSerial
from tests.factories.records import volunteer
from tests.shared_data import shared_fixture
from tests.stations.volunteers.certificate_world import NAME, OTHER_MOBILE, build_world, issue

pytestmark = pytest.mark.django_db

CHINESE = re.compile(r"[\u4e00-\u9fff]")


@shared_fixture
def world():
    return build_world()


def nothing_stored():
    return (
        ServiceCertificate.objects.count() == 0
        and CertificateSerial.objects.count() == 0
        and CertificateRequest.objects.count() == 0
    )


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("张三明", "张*明"),
        ("张三", "张*"),
        ("张", "*"),
        ("欧阳小明", "欧**明"),
        ("John Smith", "J* S*"),
        ("Anna", "A*"),
        ("José  García", "J* G*"),
        ("", ""),
    ],
)
def test_masked_names(name, masked):
    assert masked_name(name) == masked


def test_a_certificate_holds_the_confirmed_records_at_the_station(world):
    certificate = issue(world)
    records = world["records"]
    assert certificate.name == NAME
    assert certificate.volunteer_number == world["person"].number
    assert certificate.total_hours == Decimal("9.5")  # 3 + 2.5 + 4; the pending one and B's not
    assert [row["title"] for row in certificate.activities] == ["社区清洁日", "长者探访", "义诊"]
    first = certificate.activities[0]
    assert first == {
        "date": timezone.localdate(records[0].starts_at).isoformat(),
        "title": "社区清洁日",
        "content": records[0].content,
        "hours": "3.0",
    }
    # No period asked for: from the first record to the last.
    assert certificate.period_start == timezone.localdate(records[0].starts_at)
    assert certificate.period_end == timezone.localdate(records[-1].starts_at)
    assert certificate.station_name == world["a"].title
    assert (certificate.person_in_charge, certificate.handled_by) == ("李主任", "王经办")
    assert certificate.issued_on == timezone.localdate()
    assert certificate.issued_by == world["manager_a"]


def test_a_period_narrows_the_records(world):
    second = timezone.localdate(world["records"][1].starts_at)
    certificate = issue(world, period_start=second.isoformat(), period_end="")
    assert [row["title"] for row in certificate.activities] == ["长者探访", "义诊"]
    assert certificate.total_hours == Decimal("6.5")
    assert certificate.period_start == second
    only = issue(world, period_start=second, period_end=second)
    assert only.total_hours == Decimal("2.5")


def test_a_certificate_keeps_what_was_issued_when_a_record_is_corrected(world):
    certificate = issue(world)
    record = world["records"][0]
    hours.append(
        record=record,
        kind=EntryKind.CORRECTED,
        hours=Decimal("1.0"),
        content="改过的内容",
        status=RecordStatus.CONFIRMED,
        basis=record.basis,
        reason="更正",
    )
    certificate.refresh_from_db()
    assert certificate.total_hours == Decimal("9.5")
    assert certificate.activities[0]["hours"] == "3.0"
    with pytest.raises(CertificateChanged):
        certificate.save()
    with pytest.raises(CertificateChanged):
        certificate.delete()


def test_numbers_are_the_station_the_year_and_a_serial_in_order(world):
    a, b = world["a"], world["b"]
    year = timezone.localdate().year
    numbers = [issue(world).number for _i in range(3)]
    assert numbers == [f"ZD{a.pk:04d}-{year}-{n:04d}" for n in (1, 2, 3)]
    assert station_code(a.pk) == f"ZD{a.pk:04d}"
    # Each station counts for itself; a new year starts again at 0001.
    assert issue(world, station="b", by="manager_b").number == f"ZD{b.pk:04d}-{year}-0001"
    next_year = timezone.now() + datetime.timedelta(days=366)
    assert issue(world, now=next_year).number.endswith(f"-{next_year.year}-0001")
    assert issue(world).number == f"ZD{a.pk:04d}-{year}-0004"


def test_a_revoked_number_is_never_used_again(world):
    first = issue(world)
    revoke_certificate(certificate=first, by=world["manager_a"], reason="信息有误")
    second = issue(world)
    assert second.number.endswith("-0002")
    first.refresh_from_db()
    assert first.number.endswith("-0001") and first.is_revoked


def test_verification_codes_are_random_and_unambiguous(world):
    codes = {issue(world).verify_code for _i in range(5)}
    assert len(codes) == 5
    for code in codes:
        assert len(code) == CODE_LENGTH and set(code) <= set(CODE_ALPHABET)
        assert not set(code) & set("01OIL")
        assert normalise_code(code.lower()) == code
        assert normalise_code(f" {code[:5]} {code[5:]} ") == code
    assert normalise_code("0" * CODE_LENGTH) is None
    assert normalise_code("A" * 11) is None


# --- who may ------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["manager_b", "editor", "viewer"])
def test_only_the_stations_managers_issue(world, who):
    with pytest.raises(CertificateRefused) as refused:
        issue(world, by=who)
    assert refused.value.reason == "forbidden" and CHINESE.search(refused.value.message)
    assert nothing_stored()


def test_a_superuser_issues_for_any_station(world):
    assert issue(world, by="admin").number
    assert issue(world, station="b", by="admin").number


def test_revoking_and_declining_are_the_stations_too(world):
    certificate = issue(world)
    with pytest.raises(CertificateRefused):
        revoke_certificate(certificate=certificate, by=world["manager_b"], reason="不对")
    asked = request_certificate(volunteer=world["person"], station=world["a"])
    with pytest.raises(CertificateRefused):
        decline_request(request=asked, by=world["manager_b"], reply="不行")
    certificate.refresh_from_db()
    asked.refresh_from_db()
    assert not certificate.is_revoked and asked.status == CertificateRequestStatus.OPEN


# --- bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"person_in_charge": ""}, "person_in_charge"),
        ({"person_in_charge": "   "}, "person_in_charge"),
        ({"handled_by": "王\x00经办"}, "handled_by"),
        ({"handled_by": "王\u202e经办"}, "handled_by"),
        ({"person_in_charge": "李" * 41}, "person_in_charge"),
        ({"contact": ""}, "contact"),
        ({"contact": "请打电话"}, "contact"),
        ({"period_start": "2026-03-05", "period_end": "2026-03-01"}, "period_end"),
        ({"period_start": "not a date"}, "period_start"),
        ({"period_start": "٢٠٢٦-٠١-٠١"}, "period_start"),
        ({"period_end": "2026-02-30"}, "period_end"),
        ({"period_start": "1999-12-31"}, "period_start"),
        ({"period_start": (timezone.localdate() + datetime.timedelta(days=2)).isoformat()}, None),
    ],
)
def test_bad_input_is_refused_in_chinese_and_nothing_is_stored(world, fields, field):
    with pytest.raises(CertificateRefused) as refused:
        issue(world, **fields)
    assert CHINESE.search(refused.value.message)
    assert field is None or refused.value.field == field
    assert nothing_stored()


def test_a_full_width_date_is_read(world):
    second = timezone.localdate(world["records"][1].starts_at)
    typed = f"{second.year}年{second.month}月{second.day}日".translate(
        str.maketrans("0123456789", "０１２３４５６７８９")
    )
    assert issue(world, period_start=typed).total_hours == Decimal("6.5")


def test_no_confirmed_hours_in_the_period_issues_nothing(world):
    day = timezone.localdate(world["records"][0].starts_at) - datetime.timedelta(days=3)
    with pytest.raises(CertificateRefused) as refused:
        issue(world, period_start=day - datetime.timedelta(days=5), period_end=day)
    assert "没有已确认的服务时长" in refused.value.message
    assert nothing_stored()


def test_a_volunteer_without_a_name_gets_no_certificate(world):
    nameless = volunteer(mobile=OTHER_MOBILE, name="")
    for ask in (
        lambda: request_certificate(volunteer=nameless, station=world["a"]),
        lambda: issue({**world, "person": nameless}),
    ):
        with pytest.raises(CertificateRefused) as refused:
            ask()
        assert "姓名" in refused.value.message
    assert nothing_stored()


# --- requests -----------------------------------------------------------------------------------


def test_one_open_request_per_station_until_it_is_answered(world):
    person, a = world["person"], world["a"]
    asked = request_certificate(volunteer=person, station=a, purpose="评优")
    assert asked.status == CertificateRequestStatus.OPEN
    with pytest.raises(CertificateRefused) as refused:
        request_certificate(volunteer=person, station=a)
    assert "已向这个站点申请过" in refused.value.message
    # Another station is another request.
    request_certificate(volunteer=person, station=world["b"])
    certificate = issue(world, request=asked)
    asked.refresh_from_db()
    assert asked.status == CertificateRequestStatus.ISSUED
    assert asked.certificate == certificate and asked.decided_by == world["manager_a"]
    with pytest.raises(CertificateRefused) as refused:
        issue(world, request=asked)
    assert "已经处理过" in refused.value.message
    assert ServiceCertificate.objects.count() == 1
    assert request_certificate(volunteer=person, station=a).status == "open"


def test_a_request_takes_its_period_and_purpose(world):
    second = timezone.localdate(world["records"][1].starts_at)
    asked = request_certificate(
        volunteer=world["person"], station=world["a"], period_start=second, purpose="升学"
    )
    assert (asked.period_start, asked.period_end, asked.purpose) == (second, None, "升学")


@pytest.mark.parametrize(
    "fields",
    [
        {"purpose": "评\x07优"},
        {"purpose": "很" * 101},
        {"period_start": "2026-03-05", "period_end": "2026-01-01"},
        {"period_start": "2026-13-01"},
        # Hours there, but none in this period.
        {"period_start": "2001-01-01", "period_end": "2001-12-31"},
    ],
)
def test_a_bad_request_is_refused_and_not_stored(world, fields):
    with pytest.raises(CertificateRefused) as refused:
        request_certificate(volunteer=world["person"], station=world["a"], **fields)
    assert CHINESE.search(refused.value.message)
    assert nothing_stored()


def test_no_request_where_there_are_no_confirmed_hours(world):
    newcomer = volunteer(mobile=OTHER_MOBILE, name="李新")
    with pytest.raises(CertificateRefused) as refused:
        request_certificate(volunteer=newcomer, station=world["a"])
    assert "还没有已确认的服务时长" in refused.value.message
    assert nothing_stored()


def test_declining_needs_a_reply_and_closes_the_request(world):
    asked = request_certificate(volunteer=world["person"], station=world["a"])
    with pytest.raises(CertificateRefused) as refused:
        decline_request(request=asked, by=world["manager_a"], reply=" ")
    assert refused.value.field == "reply"
    decline_request(request=asked, by=world["manager_a"], reply="记录尚待核对")
    asked.refresh_from_db()
    assert (asked.status, asked.reply) == (CertificateRequestStatus.DECLINED, "记录尚待核对")
    with pytest.raises(CertificateRefused):
        decline_request(request=asked, by=world["manager_a"], reply="再答复一次")


# --- revocation ---------------------------------------------------------------------------------


def test_revoking_needs_a_reason_and_happens_once(world):
    certificate = issue(world)
    for reason in ("", "原因\u200b"):
        with pytest.raises(CertificateRefused) as refused:
            revoke_certificate(certificate=certificate, by=world["manager_a"], reason=reason)
        assert refused.value.field == "reason"
    certificate.refresh_from_db()
    assert not certificate.is_revoked
    when = timezone.now()
    revoke_certificate(certificate=certificate, by=world["manager_a"], reason="重复出具", now=when)
    stored = ServiceCertificate.objects.get(pk=certificate.pk)
    assert (stored.revoked_at, stored.revoked_reason, stored.revoked_by) == (
        when,
        "重复出具",
        world["manager_a"],
    )
    assert (stored.number, stored.total_hours, stored.name) == (
        certificate.number,
        certificate.total_hours,
        certificate.name,
    )
    with pytest.raises(CertificateRefused) as refused:
        revoke_certificate(certificate=stored, by=world["manager_a"], reason="再撤销")
    assert "已经撤销" in refused.value.message
    stored.refresh_from_db()
    assert stored.revoked_reason == "重复出具"
