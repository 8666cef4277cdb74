"""/activities/, an activity's page and sign-up form, a sign-up's own page, and the activities
shown on station pages and the home page."""

import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone

from home.figures import site_figures
from stations import signup
from stations.models import ActivitySignup, SignupStatus
from tests.factories.stations import (
    ActivityCategoryFactory,
    ActivityPageFactory,
    make_activity_site,
    next_week_at,
    station_at,
)
from tests.queries import captured_queries
from tests.shared_data import shared_fixture

pytestmark = pytest.mark.django_db

GOOD = {"name": "陈小明", "mobile": "139 1234 5678", "consent": "on", "homepage": ""}


@shared_fixture
def site():
    return make_activity_site()


@pytest.fixture
def index(site):
    return site[0]


@pytest.fixture
def station(site):
    return site[1]


@pytest.fixture
def other_station(site, station):
    _index, _station, areas = site
    return station_at(
        station.get_parent(), lat=23.125, lng=113.27, street=areas["beijing"], title="北京街社工站"
    )


@shared_fixture
def activity(site):
    index, station, _areas = site
    return ActivityPageFactory(parent=index, station=station, capacity=2, title="社区清洁日")


def titles(response):
    return [a.title for a in response.context["listing"].page.object_list]


# --- the list ---------------------------------------------------------------------------------


def test_upcoming_first_in_time_order_and_past_on_their_own_tab(client, index, station):
    now = timezone.now()
    ActivityPageFactory(parent=index, station=station, title="下周", starts_at=next_week_at())
    ActivityPageFactory(parent=index, station=station, title="明天", starts_at=next_week_at(days=1))
    ActivityPageFactory(
        parent=index,
        station=station,
        title="上周",
        starts_at=now - datetime.timedelta(days=7),
        ends_at=now - datetime.timedelta(days=7) + datetime.timedelta(hours=2),
    )
    draft = ActivityPageFactory(parent=index, station=station, title="草稿")
    draft.unpublish()
    assert titles(client.get(index.url)) == ["明天", "下周"]
    past = client.get(index.url, {"when": "past"})
    assert titles(past) == ["上周"]
    assert "往期活动共 1 个" in past.content.decode()


def test_filters_by_district_station_category_dates_and_places_left(
    client, index, station, other_station
):
    training = ActivityCategoryFactory(name="培训")
    a = ActivityPageFactory(parent=index, station=station, title="石牌清洁", capacity=1)
    ActivityPageFactory(
        parent=index,
        station=other_station,
        title="北京街培训",
        category=training,
        starts_at=next_week_at(days=10),
    )
    signup.sign_up(activity=a, name="张三", mobile="13800000001")
    district = other_station.district_id
    assert titles(client.get(index.url, {"district": district})) == ["北京街培训"]
    assert titles(client.get(index.url, {"station": station.pk})) == ["石牌清洁"]
    assert titles(client.get(index.url, {"category": training.pk})) == ["北京街培训"]
    day = (timezone.localdate() + datetime.timedelta(days=10)).isoformat()
    assert titles(client.get(index.url, {"date_from": day, "date_to": day})) == ["北京街培训"]
    assert titles(client.get(index.url, {"places_left": "1"})) == ["北京街培训"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"district": "abc"}, "没有这个区"),
        ({"station": "999999"}, "这个站点没有活动"),
        ({"date_from": "2026-13-01"}, "开始日期请写成"),
        ({"date_from": "2026-05-02", "date_to": "2026-05-01"}, "结束日期不能早于开始日期"),
        ({"places_left": "yes"}, "只看还有名额"),
        ({"when": "tomorrow"}, "只能查看即将开展或往期的活动"),
    ],
)
def test_bad_filters_get_a_message_not_an_error(client, index, activity, params, message):
    response = client.get(index.url, params)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert titles(response) == []


def test_pagination_keeps_filters_and_survives_bad_page_numbers(client, index, station):
    for n in range(23):
        ActivityPageFactory(parent=index, station=station, starts_at=next_week_at(days=1 + n))
    second = client.get(index.url, {"station": station.pk, "page": "2"})
    assert len(titles(second)) == 3
    assert f"station={station.pk}" in second.content.decode()
    for bad in ("0", "-1", "x", "99999"):
        assert client.get(index.url, {"page": bad}).status_code == 200


def test_list_query_count_does_not_grow(client, index, station):
    ActivityPageFactory(parent=index, station=station)
    client.get(index.url)
    with captured_queries() as few:
        client.get(index.url)
    for n in range(12):
        activity = ActivityPageFactory(parent=index, station=station, capacity=3)
        signup.sign_up(activity=activity, name="张三", mobile=f"1380000{n:04d}")
    client.get(index.url)  # new pages drop the cached menu: warm it again
    with captured_queries() as many:
        client.get(index.url)
    assert len(few) > 0
    assert len(many) == len(few)


def test_places_left_are_shown(client, index, activity):
    signup.sign_up(activity=activity, name="张三", mobile="13800000001")
    assert "余 1 个名额" in client.get(index.url).content.decode()
    signup.sign_up(activity=activity, name="李四", mobile="13800000002")
    assert "已满，可候补" in client.get(index.url).content.decode()


# --- the activity page and its form ----------------------------------------------------------


def test_activity_page_shows_time_place_capacity_and_the_form(client, activity, station):
    html = client.get(activity.url).content.decode()
    assert activity.title in html and station.address in html
    assert "共 2 人，已报名 0 人" in html
    assert 'name="mobile"' in html and 'name="homepage"' in html
    assert f"{activity.url}calendar.ics" in html


def test_activity_in_its_own_place(client, index, station):
    activity = ActivityPageFactory(
        parent=index,
        station=station,
        place_name="龙口西公园",
        address="天河区龙口西路公园内",
        latitude=23.14,
        longitude=113.34,
    )
    html = client.get(activity.url).content.decode()
    assert "龙口西公园" in html and "天河区龙口西路公园内" in html
    assert activity.point == (23.14, 113.34)


def test_signing_up_redirects_to_the_signups_own_page(client, activity, station):
    response = client.post(activity.url, GOOD)
    assert response.status_code == 303
    assert response["Location"].startswith("/activities/signups/")
    row = ActivitySignup.objects.get()
    assert (row.name, row.mobile, row.status) == ("陈小明", "13912345678", SignupStatus.CONFIRMED)
    page = client.get(response["Location"])
    html = page.content.decode()
    assert "报名成功，名额已确认" in html and station.title in html and station.phone in html
    assert "139****5678" in html and "13912345678" not in html
    assert page["Cache-Control"] == "private, no-store"
    assert "noindex" in page["X-Robots-Tag"]


def test_sign_up_answers_are_never_stored_by_caches(client, activity):
    # The redirect's Location holds the secret link; the refused form repeats what was typed.
    redirect = client.post(activity.url, GOOD)
    refused = client.post(activity.url, GOOD | {"mobile": "12345"})
    assert refused.status_code == 400 and "陈小明" in refused.content.decode()
    for response in (redirect, refused):
        assert "no-store" in response["Cache-Control"]
        assert "private" in response["Cache-Control"]


def test_a_waitlisted_signup_sees_its_place_in_line(client, activity):
    for n in range(2):
        signup.sign_up(activity=activity, name="张三", mobile=f"1380000000{n}")
    assert "名额已满。现在报名将进入候补名单" in client.get(activity.url).content.decode()
    response = client.post(activity.url, GOOD)
    assert "已进入候补名单，目前排第 1 位" in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": ""}, "请填写姓名"),
        ({"mobile": "12345"}, "不是有效的手机号码"),
        ({"mobile": ""}, "请填写手机号码"),
        ({"consent": ""}, "请勾选同意"),
        ({"homepage": "http://spam.example"}, "应当留空的隐藏项被填写了"),
    ],
)
def test_bad_input_is_explained_and_stores_nothing(client, activity, changes, message):
    response = client.post(activity.url, GOOD | changes)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ActivitySignup.objects.exists()


def test_refusals_by_the_rules_are_409_with_the_reason(client, index, station, activity):
    client.post(activity.url, GOOD)
    duplicate = client.post(activity.url, GOOD)
    assert duplicate.status_code == 409 and "已经报名了本活动" in duplicate.content.decode()
    full = ActivityPageFactory(parent=index, station=station, capacity=1, waitlist_enabled=False)
    signup.sign_up(activity=full, name="张三", mobile="13800000001")
    response = client.post(full.url, GOOD)
    assert response.status_code == 409 and "名额已满，本活动不设候补" in response.content.decode()
    assert full.signups.count() == 1


def test_a_past_activity_shows_no_form_and_refuses_posts(client, index, station):
    now = timezone.now()
    past = ActivityPageFactory(
        parent=index,
        station=station,
        starts_at=now - datetime.timedelta(days=1),
        ends_at=now - datetime.timedelta(hours=20),
    )
    html = client.get(past.url).content.decode()
    assert "不再接受报名" in html and 'name="mobile"' not in html
    response = client.post(past.url, GOOD)
    assert response.status_code == 409 and "活动已经开始或已经结束" in response.content.decode()
    assert not ActivitySignup.objects.exists()


def test_rate_limit_per_ip(client, settings, index, station):
    settings.ACTIVITY_SIGNUP_RATE_LIMIT = "2/h"
    cache.clear()
    activity = ActivityPageFactory(parent=index, station=station, capacity=10)
    for n in range(2):
        assert client.post(activity.url, GOOD | {"mobile": f"1380000000{n}"}).status_code == 303
    limited = client.post(activity.url, GOOD | {"mobile": "13800000009"})
    assert limited.status_code == 429 and "提交次数过多" in limited.content.decode()
    assert activity.signups.count() == 2


def test_csrf_is_enforced(activity):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert strict.post(activity.url, GOOD).status_code == 403
    assert not ActivitySignup.objects.exists()


# --- a sign-up's own page ---------------------------------------------------------------------


def signup_page(activity, token):
    index = activity.get_parent().specific
    return index.url + index.reverse_subpage("signup", kwargs={"token": token})


def test_cancelling_by_the_link_takes_a_confirmation(client, activity):
    first = signup.sign_up(activity=activity, name="张三", mobile="13800000001")
    signup.sign_up(activity=activity, name="李四", mobile="13800000002")
    waiting = signup.sign_up(activity=activity, name="王五", mobile="13800000003")
    url = signup_page(activity, first.token)
    page = client.get(url).content.decode()
    assert "取消这次报名…" in page and 'name="confirm"' not in page
    asked = client.get(url + "?cancel=1").content.decode()
    assert 'name="confirm" value="yes"' in asked and "确认取消报名" in asked
    assert f'action="{url}"' in asked  # not action="" (an HTML error)
    # Opening either page, or a POST without the confirmation (a stray tap, a replayed old
    # form), cancels nothing: the confirmation is asked for again.
    unconfirmed = client.post(url)
    assert unconfirmed.status_code == 400 and "确认取消报名" in unconfirmed.content.decode()
    assert ActivitySignup.objects.get(pk=first.signup.pk).status == SignupStatus.CONFIRMED
    response = client.post(url, {"confirm": "yes"})
    assert response.status_code == 200 and "已取消报名" in response.content.decode()
    assert ActivitySignup.objects.get(pk=first.signup.pk).status == SignupStatus.CANCELLED
    assert ActivitySignup.objects.get(pk=waiting.signup.pk).status == SignupStatus.CONFIRMED
    again = client.post(url, {"confirm": "yes"})
    assert again.status_code == 409 and "已经取消过了" in again.content.decode()


def test_unknown_tokens_are_404_with_a_message(client, index, activity):
    signup.sign_up(activity=activity, name="张三", mobile="13800000001")
    response = client.get(signup_page(activity, "x" * 32))
    assert response.status_code == 404 and "这个链接无效" in response.content.decode()
    assert client.post(signup_page(activity, "x" * 32)).status_code == 404
    assert client.get(f"{index.url}signups/short/").status_code == 404


# --- elsewhere ----------------------------------------------------------------------------------


def test_station_page_lists_its_upcoming_activities(client, index, station, other_station):
    ActivityPageFactory(parent=index, station=station, title="石牌的活动")
    ActivityPageFactory(parent=index, station=other_station, title="北京街的活动")
    html = client.get(station.url).content.decode()
    assert "石牌的活动" in html and "北京街的活动" not in html
    assert f"{index.url}?station={station.pk}" in html
    assert f"{station.url}calendar.ics" in html


def test_home_page_shows_the_next_few_and_counts_them(client, index, station):
    for n in range(4):
        ActivityPageFactory(
            parent=index, station=station, title=f"活动{n}", starts_at=next_week_at(days=1 + n)
        )
    home = index.get_parent()
    html = client.get(home.url).content.decode()
    assert "活动0" in html and "活动2" in html and "活动3" not in html
    assert {f.label: f.count for f in site_figures()}["志愿服务活动"] == 4


def test_private_activities_are_not_listed_and_take_no_signups(client, index, station):
    from wagtail.models import PageViewRestriction

    private = ActivityPageFactory(parent=index, station=station, title="内部培训")
    ActivityPageFactory(parent=index, station=station, title="公开活动")
    PageViewRestriction.objects.create(page=private, restriction_type="login")
    assert titles(client.get(index.url)) == ["公开活动"]
    with pytest.raises(signup.SignupRefused) as refused:
        signup.sign_up(activity=private, name="张三", mobile="13800000001")
    assert refused.value.code == "gone"
