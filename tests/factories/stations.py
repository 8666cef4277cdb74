"""Factories for stations, their areas and types, registrations and activities."""

import datetime

import factory
import wagtail_factories
from django.utils import timezone
from factory.django import DjangoModelFactory

from stations import standard
from stations.models import (
    ActivityCategory,
    ActivityIndexPage,
    ActivityPage,
    Area,
    AreaLevel,
    StandardCheck,
    StationIndexPage,
    StationPage,
    StationType,
    TeamLevel,
    VolunteerRegistration,
    VolunteerTeam,
)
from tests.factories.home import make_site_tree


class StationTypeFactory(DjangoModelFactory):
    name = factory.Sequence(lambda n: f"站点类型{n}")

    class Meta:
        model = StationType
        django_get_or_create = ("name",)


class AreaFactory(DjangoModelFactory):
    name = factory.Sequence(lambda n: f"区域{n}")
    level = AreaLevel.DISTRICT
    parent = None

    class Meta:
        model = Area
        django_get_or_create = ("parent", "name")


def make_areas():
    """Two districts of Guangzhou with streets and a community, centres in WGS-84."""
    tianhe = AreaFactory(
        name="天河区", level=AreaLevel.DISTRICT, latitude=23.1247, longitude=113.3612
    )
    yuexiu = AreaFactory(
        name="越秀区", level=AreaLevel.DISTRICT, latitude=23.1290, longitude=113.2668
    )
    shipai = AreaFactory(
        name="石牌街", level=AreaLevel.STREET, parent=tianhe, latitude=23.1345, longitude=113.3420
    )
    liede = AreaFactory(
        name="猎德街", level=AreaLevel.STREET, parent=tianhe, latitude=23.1198, longitude=113.3330
    )
    beijing = AreaFactory(
        name="北京街", level=AreaLevel.STREET, parent=yuexiu, latitude=23.1250, longitude=113.2700
    )
    longkou = AreaFactory(
        name="龙口西社区",
        level=AreaLevel.COMMUNITY,
        parent=shipai,
        latitude=23.1380,
        longitude=113.3400,
    )
    return {
        "tianhe": tianhe,
        "yuexiu": yuexiu,
        "shipai": shipai,
        "liede": liede,
        "beijing": beijing,
        "longkou": longkou,
    }


class StationIndexPageFactory(wagtail_factories.PageFactory):
    title = "志愿服务站点"
    slug = "stations"

    class Meta:
        model = StationIndexPage


class StationPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"石牌街学雷锋志愿服务站{n}")
    slug = factory.Sequence(lambda n: f"station-{n}")
    station_type = factory.SubFactory(StationTypeFactory, name="学雷锋志愿服务站")
    street = factory.LazyFunction(lambda: make_areas()["shipai"])
    address = "广州市天河区石牌街龙口西路1号"
    latitude = 23.1345
    longitude = 113.3420
    opening_hours = "周一至周五 9:00–17:30"
    phone = "020-12345678"
    summary = "为社区居民提供便民志愿服务"

    class Meta:
        model = StationPage


def set_checks(station, *, checked_on=None, holds=True, items=None, note="见台账"):
    """Give a station a check for each item (all seven by default) and save it."""
    checked_on = checked_on or timezone.localdate()
    station.standard_checks.clear()
    for item in items or standard.ITEMS:
        station.standard_checks.add(
            StandardCheck(item=item, holds=holds, checked_on=checked_on, evidence_note=note)
        )
    station.save()
    return station


def make_station_index(home):
    return StationIndexPageFactory(parent=home, show_in_menus=True)


# --- registration and station managers ------------------------------------------------------

MANAGER_PASSWORD = "pw-manager-123"


class VolunteerTeamFactory(DjangoModelFactory):
    """Pass station=…; teams belong to one station."""

    name = factory.Sequence(lambda n: f"志愿服务队{n}")
    level = TeamLevel.SQUAD

    class Meta:
        model = VolunteerTeam


class VolunteerRegistrationFactory(DjangoModelFactory):
    """Pass page=… (the form) and station=…; answers go in form_data."""

    name = factory.Sequence(lambda n: f"志愿者{n}")
    mobile = factory.Sequence(lambda n: f"139{n:08d}")
    form_data = factory.LazyFunction(dict)

    class Meta:
        model = VolunteerRegistration


def make_registration_form(home, **fields):
    """The registration form with the default fields, published under `home`."""
    from stations.volunteers.defaults import create_registration_form

    return create_registration_form(parent=home, title="志愿者注册", slug="register", **fields)


# --- station directory, nearby search and map ----------------------------------------------


def make_station_site():
    """The default site, a station directory under its home page, and the Guangzhou areas."""
    home, _policies = make_site_tree()
    return make_station_index(home), make_areas()


def station_at(index, *, lat, lng, street, meets_standard=False, **fields):
    """A published station at (lat, lng) in WGS-84, meeting the 七个有 when asked."""
    station = StationPageFactory(parent=index, latitude=lat, longitude=lng, street=street, **fields)
    if meets_standard:
        set_checks(station)
    return station


def three_stations(site, *, shipai, liede, beijing):
    """The directory tests' trio, each at the (lat, lng) given: 石牌街学雷锋志愿服务站 (meets the
    standard), 猎德街社工站 (does not) and 北京街社工站 in 越秀区 (meets it)."""
    index, areas = site
    social = StationTypeFactory(name="社工站")
    specs = [
        ("shipai", shipai, "石牌街学雷锋志愿服务站", {"meets_standard": True}),
        ("liede", liede, "猎德街社工站", {"station_type": social}),
        ("beijing", beijing, "北京街社工站", {"station_type": social, "meets_standard": True}),
    ]
    return tuple(
        station_at(index, lat=lat, lng=lng, street=areas[street], title=title, **extra)
        for street, (lat, lng), title, extra in specs
    )


# --- activities -------------------------------------------------------------------------------


class ActivityCategoryFactory(DjangoModelFactory):
    name = "社区治理"

    class Meta:
        model = ActivityCategory
        django_get_or_create = ("name",)


class ActivityIndexPageFactory(wagtail_factories.PageFactory):
    title = "志愿服务活动"
    slug = "activities"

    class Meta:
        model = ActivityIndexPage


def next_week_at(hour=9, days=7):
    """An aware datetime `days` from today at `hour`:00, Asia/Shanghai."""
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime(day.year, day.month, day.day, hour))


class ActivityPageFactory(wagtail_factories.PageFactory):
    """Pass parent=<ActivityIndexPage> and station=<StationPage>."""

    title = factory.Sequence(lambda n: f"社区清洁志愿活动{n}")
    slug = factory.Sequence(lambda n: f"activity-{n}")
    category = factory.SubFactory(ActivityCategoryFactory)
    starts_at = factory.LazyFunction(next_week_at)
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(hours=3))
    capacity = 20
    waitlist_enabled = True
    summary = "清理社区公共区域，倡导垃圾分类"

    class Meta:
        model = ActivityPage


def make_activity_site():
    """The default site with a station directory, one station and an activity index:
    (activity_index, station, areas)."""
    home, _policies = make_site_tree()
    stations_index, areas = make_station_index(home), make_areas()
    station = station_at(stations_index, lat=23.1345, lng=113.3420, street=areas["shipai"])
    return ActivityIndexPageFactory(parent=home, show_in_menus=True), station, areas
