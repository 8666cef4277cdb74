"""Certificates issued at the same moment through real, parallel database connections: the
serial row's lock (SELECT … FOR UPDATE) hands every certificate its own number, in order, with
none skipped or repeated, even on a station's first certificate of the year, when the serial
row does not exist yet and every thread tries to make it. The data must be committed for other
connections to see it, hence transactional tests; PostgreSQL only (set DATABASE_URL)."""

from collections.abc import Callable

import pytest
from django.db import connection
from django.utils import timezone
from wagtail.models import Collection

from stations.models import CertificateRequest, ServiceCertificate
from stations.volunteers.certificates import CertificateRefused, request_certificate
from stations.volunteers.models import CertificateSerial
from tests.concurrency import Outcome
from tests.concurrency import race as race_calls
from tests.factories.home import ensure_wagtail_root
from tests.stations.volunteers.certificate_world import build_world, issue

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL (set DATABASE_URL)"
    ),
]

THREADS = 20
RACE_TIMEOUT = 60


def race(calls: list[Callable[[], object]]) -> list[Outcome]:
    return race_calls(
        calls,
        refusal=CertificateRefused,
        reason=lambda refused: refused.message,
        timeout=RACE_TIMEOUT,
    )


@pytest.fixture
def world():
    # The flush after each transactional test removes the root page, locale and collection too.
    ensure_wagtail_root()
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    return build_world(staff=False)


def test_twenty_parallel_issues_get_twenty_numbers_in_order(world):
    station = world["a"]
    assert not CertificateSerial.objects.exists()  # the year's first: the row is made in the race
    outcomes = race([lambda: issue(world) for _i in range(THREADS)])
    assert [o.refused for o in outcomes if o.refused] == []
    numbers = sorted(o.result.number for o in outcomes)
    year = timezone.localdate().year
    assert numbers == [f"ZD{station.pk:04d}-{year}-{n:04d}" for n in range(1, THREADS + 1)]
    assert ServiceCertificate.objects.filter(station=station).count() == THREADS
    serial = CertificateSerial.objects.get(station=station, year=year)
    assert serial.last == THREADS
    assert len({o.result.verify_code for o in outcomes}) == THREADS
    # In the order the lock was granted: the numbers follow the rows' order.
    stored = list(ServiceCertificate.objects.filter(station=station).order_by("pk"))
    assert [c.number for c in stored] == numbers


def test_two_stations_racing_keep_their_own_serials(world):
    calls = [lambda: issue(world) for _i in range(10)]
    calls += [lambda: issue(world, station="b", by="manager_b") for _i in range(10)]
    race(calls)
    for key in ("a", "b"):
        numbers = sorted(
            ServiceCertificate.objects.filter(station=world[key]).values_list("number", flat=True)
        )
        assert [n.rsplit("-", 1)[1] for n in numbers] == [f"{n:04d}" for n in range(1, 11)]


def test_parallel_requests_leave_one_open_request(world):
    outcomes = race(
        [
            lambda: request_certificate(volunteer=world["person"], station=world["a"])
            for _i in range(10)
        ]
    )
    assert sum(1 for o in outcomes if o.result is not None) == 1
    assert all("已向这个站点申请过" in o.refused for o in outcomes if o.result is None)
    assert CertificateRequest.objects.filter(station=world["a"]).count() == 1
