"""calendar.ics feeds: one activity, every upcoming activity, one station's; parsed back as a
calendar app would, with the times, place and links a resident relies on."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from wagtail.models import PageViewRestriction

from stations.activities.calendars import calendar_url
from tests.factories.stations import (
    ActivityPageFactory,
    StationIndexPageFactory,
    StationPageFactory,
    make_activity_site,
    next_week_at,
)
from tests.queries import captured_queries
from tests.shared_data import shared_fixture

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


@shared_fixture
def activity_site():
    index, station, areas = make_activity_site()
    return {"index": index, "station": station, "areas": areas}


@pytest.fixture
def index(activity_site):
    return activity_site["index"]


@pytest.fixture
def station(activity_site):
    return activity_site["station"]


def activity(index, station, **fields):
    return ActivityPageFactory(parent=index, station=station, **fields)


def past(index, station, **fields):
    starts = next_week_at(hour=9, days=-7)
    return activity(
        index, station, starts_at=starts, ends_at=starts + datetime.timedelta(hours=2), **fields
    )


def draft(page):
    page.unpublish()
    return page


def make_private(page):
    PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)
    return page


def fetch(client, path) -> Calendar:
    response = client.get(path)
    assert response.status_code == 200, path
    return Calendar.from_ical(response.content)


def events_by_uid(calendar: Calendar) -> dict:
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


# --- one activity -------------------------------------------------------------------------------


def test_activity_feed_holds_the_activity_with_its_time_place_and_link(client, index, station):
    starts = next_week_at(hour=9)
    talk = activity(
        index,
        station,
        title="垃圾分类宣传活动",
        summary="在社区广场讲解垃圾分类",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2, minutes=30),
        contact_name="李老师",
        contact_phone="13900001111",
        last_published_at=datetime.datetime(2026, 3, 1, 8, 30, tzinfo=SHANGHAI),
    )

    response = client.get(f"/activities/{talk.slug}/calendar.ics")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == f'inline; filename="activity-{talk.pk}.ics"'
    assert "public" in response["Cache-Control"]
    assert "max-age=300" in response["Cache-Control"]

    calendar = Calendar.from_ical(response.content)
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["CALSCALE"]) == "GREGORIAN"
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert str(calendar["PRODID"])
    assert str(calendar["X-WR-CALNAME"]) == "垃圾分类宣传活动"
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Asia/Shanghai"]

    (event,) = calendar.walk("VEVENT")
    assert str(event["UID"]) == f"activity-{talk.pk}@localhost"
    assert str(event["SUMMARY"]) == "垃圾分类宣传活动"
    assert event["DTSTART"].params["TZID"] == "Asia/Shanghai"
    assert event["DTEND"].params["TZID"] == "Asia/Shanghai"
    # The same instant, and 9:00 on the wall clock in Guangzhou.
    assert event.start == starts
    assert event.end == starts + datetime.timedelta(hours=2, minutes=30)
    assert event.start.astimezone(SHANGHAI).hour == 9
    assert event.end.astimezone(SHANGHAI).time() == datetime.time(11, 30)
    assert event.start.astimezone(datetime.UTC).hour == 1
    assert event.decoded("DTSTAMP").tzinfo is not None
    assert event.decoded("DTSTAMP").utcoffset() == datetime.timedelta(0)
    # No place of its own: the station's name and address, and the station's coordinates.
    assert str(event["LOCATION"]) == f"{station.title}，{station.address}"
    assert (event["GEO"].latitude, event["GEO"].longitude) == (23.1345, 113.342)
    assert str(event["URL"]) == f"http://testserver/activities/{talk.slug}/"
    assert event.categories == ["社区治理"]
    assert str(event["STATUS"]) == "CONFIRMED"
    assert event.decoded("LAST-MODIFIED") == datetime.datetime(
        2026, 3, 1, 0, 30, tzinfo=datetime.UTC
    )
    description = str(event["DESCRIPTION"])
    assert "在社区广场讲解垃圾分类" in description
    assert station.title in description
    assert "李老师 13900001111" in description
    assert f"http://testserver/activities/{talk.slug}/" in description


def test_activity_held_elsewhere_gives_its_own_place_and_point(client, index, station):
    walk = activity(
        index,
        station,
        place_name="天河公园东门",
        address="广州市天河区员村二横路",
        latitude=23.125,
        longitude=113.372,
    )

    (event,) = fetch(client, f"/activities/{walk.slug}/calendar.ics").walk("VEVENT")

    assert str(event["LOCATION"]) == "天河公园东门，广州市天河区员村二横路"
    assert (event["GEO"].latitude, event["GEO"].longitude) == (23.125, 113.372)
    # Without a contact of its own, the station's phone.
    assert station.phone in str(event["DESCRIPTION"])


def test_ended_activity_is_still_served_on_its_own(client, index, station):
    done = past(index, station)

    (event,) = fetch(client, f"/activities/{done.slug}/calendar.ics").walk("VEVENT")

    assert event.start == done.starts_at


def test_uid_is_the_same_on_every_fetch_and_in_every_feed(client, index, station):
    talk = activity(index, station)
    paths = [
        f"/activities/{talk.slug}/calendar.ics",
        f"/activities/{talk.slug}/calendar.ics",
        "/activities/calendar.ics",
        f"{station.url}calendar.ics",
    ]

    uids = [list(events_by_uid(fetch(client, path))) for path in paths]

    assert uids == [[f"activity-{talk.pk}@localhost"]] * 4


def test_demo_activity_says_so_in_the_calendar(client, index, station):
    demo = activity(index, station, title="演示活动", is_demo=True)

    (event,) = fetch(client, f"/activities/{demo.slug}/calendar.ics").walk("VEVENT")

    assert str(event["SUMMARY"]) == "【演示】演示活动"
    assert "演示数据" in str(event["DESCRIPTION"])


def test_activity_with_a_chinese_slug_has_a_feed(client, index, station):
    talk = activity(index, station, slug="垃圾分类")

    response = client.get("/activities/垃圾分类/calendar.ics")

    assert response.status_code == 200
    assert response["Content-Disposition"] == f'inline; filename="activity-{talk.pk}.ics"'
    (event,) = Calendar.from_ical(response.content).walk("VEVENT")
    encoded = "/activities/%E5%9E%83%E5%9C%BE%E5%88%86%E7%B1%BB/"
    assert str(event["URL"]) == f"http://testserver{encoded}"
    assert calendar_url(talk) == f"{encoded}calendar.ics"


# --- all upcoming, one station's ----------------------------------------------------------------


def test_index_feed_lists_only_upcoming_public_published_activities(client, index, station):
    later = activity(index, station, starts_at=next_week_at(days=14))
    sooner = activity(index, station, starts_at=next_week_at(days=2))
    now = datetime.datetime.now(datetime.UTC)
    under_way = activity(
        index,
        station,
        starts_at=now - datetime.timedelta(hours=1),
        ends_at=now + datetime.timedelta(hours=1),
    )
    ended = past(index, station)
    unpublished = draft(activity(index, station))
    private = make_private(activity(index, station))

    calendar = fetch(client, "/activities/calendar.ics")

    uids = [str(event["UID"]) for event in calendar.walk("VEVENT")]
    assert uids == [f"activity-{page.pk}@localhost" for page in (under_way, sooner, later)]
    for hidden in (ended, unpublished, private):
        assert f"activity-{hidden.pk}@localhost" not in uids
    assert str(calendar["X-WR-CALNAME"]) == "志愿服务活动"
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Asia/Shanghai"]
    # Subscribed calendars are asked to poll hourly.
    assert calendar.decoded("REFRESH-INTERVAL") == datetime.timedelta(hours=1)
    assert b"X-PUBLISHED-TTL:PT1H" in calendar.to_ical()


def test_index_feed_with_nothing_coming_is_an_empty_calendar(client, index, station):
    past(index, station)

    response = client.get("/activities/calendar.ics")

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'inline; filename="activities.ics"'
    assert Calendar.from_ical(response.content).walk("VEVENT") == []


def test_station_feed_lists_only_that_stations_upcoming_activities(client, index, station):
    other = StationPageFactory(parent=station.get_parent(), title="猎德街社工站")
    ours = activity(index, station)
    activity(index, other)
    past(index, station)

    response = client.get(f"{station.url}calendar.ics")

    assert response.status_code == 200
    assert response["Content-Disposition"] == f'inline; filename="station-{station.pk}.ics"'
    calendar = Calendar.from_ical(response.content)
    assert list(events_by_uid(calendar)) == [f"activity-{ours.pk}@localhost"]
    assert str(calendar["X-WR-CALNAME"]) == f"{station.title}的志愿服务活动"


@pytest.mark.parametrize("path", ["/activities/calendar.ics", "station"])
def test_feed_queries_do_not_grow_with_its_events(client, index, station, path):
    path = f"{station.url}calendar.ics" if path == "station" else path
    activity(index, station)

    def count_queries():
        client.get(path)  # warms the site and restriction caches
        with captured_queries() as queries:
            response = client.get(path)
        return len(queries), len(Calendar.from_ical(response.content).walk("VEVENT"))

    few = count_queries()
    for days in range(2, 8):
        activity(
            index,
            station,
            starts_at=next_week_at(days=days),
            place_name=f"活动室{days}",
            latitude=23.1,
            longitude=113.3,
        )
    many = count_queries()

    assert (few[1], many[1]) == (1, 7)
    assert few[0] == many[0]


# --- not found ----------------------------------------------------------------------------------


def test_draft_activity_has_no_feed(client, index, station):
    unpublished = draft(activity(index, station))

    assert client.get(f"/activities/{unpublished.slug}/calendar.ics").status_code == 404


def test_private_activity_station_and_index_have_no_feed(client, index, station):
    hidden = make_private(activity(index, station))
    assert client.get(f"/activities/{hidden.slug}/calendar.ics").status_code == 404

    make_private(station)
    assert client.get(f"{station.url}calendar.ics").status_code == 404

    make_private(index)
    assert client.get("/activities/calendar.ics").status_code == 404


def test_activity_under_a_private_index_has_no_feed(client, index, station):
    talk = activity(index, station)
    make_private(index)

    assert client.get(f"/activities/{talk.slug}/calendar.ics").status_code == 404


def test_draft_station_has_no_feed(client, station):
    draft(station)

    assert client.get(f"/stations/{station.slug}/calendar.ics").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/calendar.ics",  # the home page
        "/policies/calendar.ics",
        "/stations/calendar.ics",  # the station directory
        "/no-such-page/calendar.ics",
        "/activities/no-such-activity/calendar.ics",
        "/activities/signups/abcdefghijklmnopqrstuvwxyz/calendar.ics",  # a routable sub-page
        "/activities/calendar.ics/calendar.ics",
        "/activities//calendar.ics",
    ],
)
def test_paths_without_a_feed_are_not_found(client, index, station, path):
    assert client.get(path).status_code == 404


def test_feed_refuses_post(client, index, station):
    assert client.post("/activities/calendar.ics").status_code == 405


# --- links for templates -------------------------------------------------------------------------


def test_calendar_url_for_activities_index_and_stations_only(index, station):
    talk = activity(index, station)
    directory = station.get_parent()

    assert calendar_url(talk) == f"/activities/{talk.slug}/calendar.ics"
    assert calendar_url(index) == "/activities/calendar.ics"
    assert calendar_url(station) == f"/stations/{station.slug}/calendar.ics"
    # A generic Page works too: the type comes from its content type.
    assert calendar_url(directory.get_children().first()) == calendar_url(station)
    assert calendar_url(directory) is None
    assert calendar_url(directory.get_parent()) is None


def test_calendar_url_reached_from_a_page_serves_the_feed(client, index, station):
    talk = activity(index, station)

    for page in (talk, index, station):
        assert client.get(calendar_url(page)).status_code == 200


def test_other_station_index_is_not_a_feed_either(client, activity_site):
    home = activity_site["index"].get_parent()
    StationIndexPageFactory(parent=home, slug="more-stations")

    assert client.get("/more-stations/calendar.ics").status_code == 404
