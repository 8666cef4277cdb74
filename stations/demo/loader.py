"""Demo stations in Guangzhou's 11 districts, with teams, 七个有 evidence, a registration form and
activities.

Called from `manage.py load_demo`. Everything created here is marked as demo content (`is_demo`,
titles saying 演示); each station's evidence files go into that station's own collection, as a
manager's uploads would. Every step looks for what it would create first, so a second run creates
nothing new.
"""

import datetime

from django.db import transaction
from django.utils import timezone
from wagtail.models import ReferenceIndex
from wagtail.signal_handlers import disable_reference_index_auto_update

from stations import standard
from stations.demo.activities import load_activities
from stations.demo.content import (
    COMPLIANCE_MIX,
    EVIDENCE_NOTES,
    PRIVACY_NOTICE,
    STATION_INTRO,
    THANK_YOU,
    TYPE_PROFILES,
    Compliance,
)
from stations.demo.files import ensure_station_evidence
from stations.demo.places import ensure_areas, plan_stations
from stations.demo.service import load_service
from stations.demo.volunteers import load_volunteers
from stations.models import (
    RegistrationFormPage,
    StandardCheck,
    StationIndexPage,
    StationPage,
    StationPhoto,
    StationType,
    TeamLevel,
    VolunteerTeam,
)

# --- stations ---------------------------------------------------------------------------------


def _checks(compliance: Compliance, *, order: int, today: datetime.date):
    checks = []
    for item in standard.ITEMS:
        if item.value in compliance.missing:
            checks.append(StandardCheck(item=item.value, holds=False, sort_order=len(checks)))
            continue
        # Checked one to six months ago, or fourteen months ago for a stale item.
        months = 14 if item.value in compliance.stale else 1 + (order + len(checks)) % 6
        checks.append(
            StandardCheck(
                item=item.value,
                holds=True,
                checked_on=standard.months_after(today, -months),
                evidence_note=EVIDENCE_NOTES[item.value],
                sort_order=len(checks),
            )
        )
    return checks


def _attach_evidence(checks, files: dict):
    for check in checks:
        if check.holds and check.item == "sign":
            check.evidence_image = files["plaque"]
        if check.holds and check.item == "rules":
            check.evidence_document = files["rules"]


def _service_html(services: list[str]) -> str:
    items = "".join(f"<li>{service}</li>" for service in services)
    return f"<ul>{items}</ul>"


def _phone(order: int) -> str:
    # 020-0000xxxx: right format, but no Guangzhou number starts with 0, so it reaches nobody.
    return f"020-0000{order:04d}"


def ensure_station_index(home, report) -> StationIndexPage:
    from home.base.demo import ensure_child

    return ensure_child(
        home,
        StationIndexPage,
        slug="stations",
        report=report,
        title="志愿服务站点",
        intro=STATION_INTRO,
        show_in_menus=True,
        search_description="找到离您最近的志愿服务站点，查看“七个有”达标情况，就近报名",
    )


def ensure_stations(index: StationIndexPage, areas: dict, report) -> list:
    today = timezone.localdate()
    types = {t.name: t for t in StationType.objects.all()}
    corps_by_district: dict[str, VolunteerTeam] = {}
    stations = []
    for order, plan in enumerate(plan_stations(), start=1):
        station = StationPage.objects.child_of(index).filter(slug=plan.slug).first()
        if station:
            report.record(False, plan.title)
        else:
            station = _create_station(
                index,
                plan,
                order=order,
                corps=corps_by_district.get(plan.district),
                areas=areas,
                types=types,
                today=today,
                report=report,
            )
            report.record(True, plan.title)
        corps = station.teams.filter(level=TeamLevel.CORPS).first()
        if corps:
            corps_by_district[plan.district] = corps
        stations.append(station)
    return stations


def _create_station(index, plan, *, order, corps, areas, types, today, report) -> StationPage:
    """Create and publish one station; the first in a district also holds the district's 总队.

    The station's collection is named after its id, so the page is saved first, then its files
    are made in that collection and attached, then it is published."""
    profile = TYPE_PROFILES[plan.type_name]
    compliance = COMPLIANCE_MIX[order % len(COMPLIANCE_MIX)]
    team_name = profile["team"].format(street=plan.street, district=plan.district)
    if corps is None:
        teams = [
            VolunteerTeam(name=f"{plan.district}志愿服务总队", level=TeamLevel.CORPS),
            VolunteerTeam(name=team_name, level=TeamLevel.DIVISION),
        ]
    else:
        teams = [VolunteerTeam(name=team_name, level=TeamLevel.SQUAD, parent=corps)]
    checks = _checks(compliance, order=order, today=today)
    station = StationPage(
        title=plan.title,
        slug=plan.slug,
        station_type=types[plan.type_name],
        street=areas[f"{plan.district}/{plan.street}"],
        community=areas.get(f"{plan.district}/{plan.street}/{plan.community}"),
        address=f"广州市{plan.district}{plan.street}综合服务中心{1 + order % 3}楼（演示地址）",
        latitude=plan.lat,
        longitude=plan.lng,
        opening_hours=profile["hours"],
        phone=_phone(order),
        summary=profile["summary"],
        service_content=_service_html(profile["services"]),
        is_demo=True,
        search_description=profile["summary"],
        standard_checks=checks,
        teams=teams,
    )
    with transaction.atomic():
        # Indexing references once per station (in _publish), not once per child row saved,
        # halves the load time. The files are indexed as they are saved, as uploads are.
        with disable_reference_index_auto_update():
            index.add_child(instance=station)
        files = ensure_station_evidence(station, report)
        _attach_evidence(checks, files)
        station.standard_checks = checks
        station.photos = [
            StationPhoto(
                image=files["front"],
                alt_text=f"{plan.title}门前（演示图片）",
                caption="站点门前（演示图片）",
            )
        ]
        with disable_reference_index_auto_update():
            _publish(station, first_in_district=corps is None)
    return StationPage.objects.get(pk=station.pk)


def _publish(station: StationPage, *, first_in_district: bool):
    station.save_revision().publish()
    if first_in_district:
        # The division can only point at the 总队 once both have ids: a second revision.
        draft = station.get_latest_revision_as_object()
        corps_team, division = sorted(draft.teams.all(), key=lambda team: team.level)
        division.parent = corps_team
        draft.save_revision().publish()
    ReferenceIndex.create_or_update_for_object(StationPage.objects.get(pk=station.pk))


# --- registration -----------------------------------------------------------------------------


def ensure_registration_form(home, index: StationIndexPage, report) -> RegistrationFormPage:
    from stations.volunteers.defaults import create_registration_form

    form_page = RegistrationFormPage.objects.child_of(home).filter(slug="register").first()
    if form_page is None:
        form_page = create_registration_form(
            parent=home,
            title="志愿者注册",
            slug="register",
            intro="<p>选择离您最近的站点，留下联系方式，站点会联系您安排志愿服务。</p>",
            privacy_notice=PRIVACY_NOTICE,
            thank_you_text=THANK_YOU,
            is_demo=True,
        )
        report.record(True, form_page.title)
    else:
        report.record(False, form_page.title)
    if index.registration_page_id != form_page.pk:
        index.registration_page = form_page
        index.save_revision().publish()
    return form_page


def ensure_managers(stations, *, password: str, report) -> list[str]:
    """One manager account per demo station, in that station's manager group."""
    from stations.access import ensure_manager_user

    usernames = []
    for station in stations:
        username = f"manager-{station.slug}"
        created = ensure_manager_user(station=station, username=username, password=password)
        report.record(created, f"站点管理员 {username}")
        usernames.append(username)
    return usernames


def load_stations(home, report, *, manager_password: str = "") -> list[str]:
    """Reference data, evidence files, stations, the registration form and (when asked) managers.

    Returns the usernames of the manager accounts (empty unless a password was given).
    """
    areas = ensure_areas(report)
    index = ensure_station_index(home, report)
    stations = ensure_stations(index, areas, report)
    ensure_registration_form(home, index, report)
    load_activities(home, stations, report)
    load_volunteers(stations, report)
    load_service(stations, report)
    if manager_password:
        return ensure_managers(stations, password=manager_password, report=report)
    return []
