"""Editors create activities in the Wagtail admin: bad values are refused with a message naming
the field and nothing is saved."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from stations.models import ActivityPage
from tests.admin_forms import publish
from tests.factories.stations import (
    ActivityCategoryFactory,
    ActivityPageFactory,
    VolunteerTeamFactory,
    make_activity_site,
    next_week_at,
    station_at,
)
from tests.shared_data import shared_fixture

pytestmark = pytest.mark.django_db


@shared_fixture
def site():
    return make_activity_site()


def local(value: datetime.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def fields(site, **overrides):
    _index, station, _areas = site
    starts = next_week_at()
    return {
        "title": "社区清洁日",
        "slug": "clean-up",
        "station": station.pk,
        "category": ActivityCategoryFactory(name="环境卫生").pk,
        "starts_at": local(starts),
        "ends_at": local(starts + datetime.timedelta(hours=2)),
        "capacity": "20",
        "waitlist_enabled": "on",
        "summary": "清理公共区域",
        "description": "{}",
        "images-TOTAL_FORMS": "0",
        "images-INITIAL_FORMS": "0",
        "images-MIN_NUM_FORMS": "0",
        "images-MAX_NUM_FORMS": "1000",
        **overrides,
    }


def test_an_editor_publishes_an_activity(editor_client, site):
    response = publish(editor_client, ActivityPage, site[0], **fields(site))
    assert response.status_code == 302, response.content.decode()[:2000]
    activity = ActivityPage.objects.get()
    assert activity.live and activity.tally.confirmed == 0
    assert timezone.localtime(activity.starts_at).hour == 9


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"ends_at": "2026-01-01 08:00"}, "结束时间必须晚于开始时间"),
        ({"latitude": "23.1"}, "经纬度须同时填写或同时留空"),
        ({"latitude": "91", "longitude": "113.3"}, "不在中国境内"),
        ({"capacity": "0"}, "名额至少为 1"),
        ({"capacity": "-3"}, ""),
        ({"signup_closes_at": "2099-01-01 00:00"}, "报名截止时间不能晚于活动结束时间"),
        ({"contact_phone": "abc"}, "不是有效的电话号码"),
    ],
)
def test_bad_values_are_refused_and_nothing_is_saved(editor_client, site, overrides, message):
    response = publish(editor_client, ActivityPage, site[0], **fields(site, **overrides))
    assert response.status_code == 200
    if message:
        assert message in response.content.decode()
    assert not ActivityPage.objects.exists()


def test_the_team_must_belong_to_the_station(editor_client, site):
    _index, station, areas = site
    other = station_at(station.get_parent(), lat=23.12, lng=113.33, street=areas["liede"])
    team = VolunteerTeamFactory(station=other, name="猎德街志愿服务队")
    response = publish(editor_client, ActivityPage, site[0], **fields(site, team=team.pk))
    assert response.status_code == 200
    assert "不属于站点" in response.content.decode()
    assert not ActivityPage.objects.exists()


def test_deleting_a_station_with_activities_is_explained_not_an_error(admin_client, site):
    index, station, _areas = site
    ActivityPageFactory(parent=index, station=station)
    response = admin_client.post(reverse("wagtailadmin_pages:delete", args=(station.pk,)))
    assert response.status_code in (200, 302)
    assert type(station).objects.filter(pk=station.pk).exists()
