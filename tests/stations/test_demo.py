"""The demo stations: Guangzhou's 11 districts, a mix of types and compliance, marked as demo."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import timezone

from stations import signup
from stations.access import managed_stations
from stations.coords import distance_m
from stations.models import (
    ActivityPage,
    ActivitySignup,
    Area,
    RegistrationFormPage,
    StationIndexPage,
    StationPage,
)

pytestmark = pytest.mark.django_db

GUANGZHOU_DISTRICTS = {
    "越秀区", "海珠区", "荔湾区", "天河区", "白云区", "黄埔区",
    "番禺区", "花都区", "南沙区", "从化区", "增城区",
}  # fmt: skip


def run(*args):
    out = io.StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def test_demo_covers_guangzhou_with_a_realistic_mix_of_stations_and_activities(client):
    run()
    districts = Area.objects.districts()
    assert set(districts.values_list("name", flat=True)) == GUANGZHOU_DISTRICTS
    assert Area.objects.streets().count() >= 100
    stations = list(StationPage.objects.live().select_related("district", "street"))
    assert {s.district.name for s in stations} == GUANGZHOU_DISTRICTS
    for district in districts:
        in_district = [s for s in stations if s.district_id == district.pk]
        assert len(in_district) >= 3
        for station in in_district:
            # Plausibly inside its district: near its street's centre and the district's.
            assert station.street.parent_id == district.pk
            street_gap = distance_m(
                station.latitude,
                station.longitude,
                station.street.latitude,
                station.street.longitude,
            )
            assert street_gap < 1_000
            assert (
                distance_m(
                    station.latitude, station.longitude, district.latitude, district.longitude
                )
                < 40_000
            )
    assert len({s.station_type_id for s in stations}) >= 5
    meeting = [s for s in stations if s.meets_standard]
    assert 0 < len(meeting) < len(stations)
    stale = [s for s in stations if any(c.is_stale for c in s.standard_checks.all())]
    missing = [s for s in stations if s.standard_checks.filter(holds=False).exists()]
    assert stale and missing
    assert all(s.is_demo for s in stations)
    assert not Area.objects.filter(is_demo=False).exists()
    assert all(s.teams.exists() for s in stations)
    corps = [t for s in stations for t in s.teams.all() if t.level == 1]
    assert len(corps) == 11
    assert all(t.parent is not None for s in stations for t in s.teams.all() if t.level != 1)

    form_page = RegistrationFormPage.objects.live().get()
    assert form_page.is_demo
    assert StationIndexPage.objects.get().registration_page == form_page
    html = client.get(stations[0].url).content.decode()
    assert f"{form_page.url}?station={stations[0].pk}" in html
    assert "这是演示数据" in html
    assert get_user_model().objects.count() == 0

    # Activities across the demo stations: past ones with attendance, upcoming ones in every
    # state a resident meets.
    now = timezone.now()
    activities = list(ActivityPage.objects.live().select_related("tally"))
    assert all(a.is_demo for a in activities)
    assert len({a.station_id for a in activities}) >= 10
    past = [a for a in activities if a.ends_at <= now]
    upcoming = [a for a in activities if a.ends_at > now]
    assert past and upcoming
    assert ActivitySignup.objects.filter(activity__in=past, attended=True).exists()
    states = {signup.availability_of(a).state for a in upcoming}
    assert {"open", "waitlist", "full", "not_open"} <= states
    nearly_full = [a for a in upcoming if 0 < signup.availability_of(a).places_left <= 1]
    assert nearly_full
    assert all(
        a.tally.confirmed == a.signups.filter(status="confirmed").count() for a in activities
    )

    # Manager accounts only when asked, one per station, and asking again changes nothing.
    run("--manager-password", "Station-demo-2026")
    output = run("--manager-password", "Station-demo-2026")
    users = get_user_model().objects.all()
    assert users.count() == StationPage.objects.count()
    station = StationPage.objects.get(slug="tianhe-shipai-1")
    manager = users.get(username="manager-tianhe-shipai-1")
    assert list(managed_stations(manager)) == [station]
    assert manager.check_password("Station-demo-2026")
    assert "manager-" in output and "/admin/" in output


def test_weak_manager_password_is_refused_before_loading():
    with pytest.raises(CommandError, match="Manager password refused"):
        run("--manager-password", "123")
    assert not StationPage.objects.exists()
