"""iCalendar (RFC 5545) feeds of volunteer activities, for residents' calendar apps.

Three feeds, each at its page's URL + "calendar.ics" (see stations.activities.calendar_views):
one activity (served even after it has ended, people add it afterwards), every upcoming activity
under the activity index, and one station's upcoming activities. Times are written in
Asia/Shanghai with a VTIMEZONE, so a phone set to another zone still shows the right instant.
"""

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.encoding import iri_to_uri
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vDuration

from home.base.restrictions import exclude_private
from stations.models import ActivityIndexPage, ActivityPage, StationPage

FILENAME = "calendar.ics"
CONTENT_TYPE = "text/calendar; charset=utf-8"
PRODID = "-//volunteer-portal//activities//ZH-CN"
# Calendar apps poll subscriptions on their own schedule; this asks for about once an hour.
REFRESH_INTERVAL = datetime.timedelta(hours=1)
# A subscription is re-read in full on every poll: the furthest-off activities can wait.
MAX_EVENTS = 500

FEED_PAGE_TYPES = (ActivityPage, ActivityIndexPage, StationPage)


@dataclass(frozen=True)
class Feed:
    calendar: Calendar
    filename: str  # ASCII: page slugs may be Chinese, and header filenames are kept plain

    def to_ical(self) -> bytes:
        return self.calendar.to_ical()


def calendar_url(page, *, request=None) -> str | None:
    """The feed of an activity, the activity index or a station, relative to its site; else None.

    Works on a generic Page too (its specific class is read from the content type, no query).
    """
    page_class = getattr(page, "specific_class", None)
    if page_class is None or not issubclass(page_class, FEED_PAGE_TYPES):
        return None
    url = page.get_url(request=request)
    if not url:
        return None
    return url + FILENAME if url.endswith("/") else f"{url}/{FILENAME}"


def public_activities() -> QuerySet:
    """Published activities nobody needs to log in to see, with what an event shows joined in."""
    return exclude_private(ActivityPage.objects.live().select_related("station", "category"))


def upcoming_activities(*, index_page=None, station=None, now=None) -> QuerySet:
    """Public activities that have not yet ended, soonest first, optionally of one index/station."""
    activities = public_activities().filter(ends_at__gt=now or timezone.now())
    if index_page is not None:
        activities = activities.child_of(index_page)
    if station is not None:
        activities = activities.filter(station_id=station.pk)
    return activities.order_by("starts_at", "pk")[:MAX_EVENTS]


def feed_for_page(*, page, request, host: str) -> Feed | None:
    """The feed a page offers, or None when it offers none. `host` names the site in UIDs.

    `page` may be generic: an activity is read again with its station and category.
    """
    page_class = page.specific_class
    if page_class is None:
        return None
    if issubclass(page_class, ActivityPage):
        activity = public_activities().filter(pk=page.pk).first()
        if activity is None:
            return None
        return Feed(
            calendar=build_calendar(
                activities=[activity],
                name=activity.title,
                uid=f"activity-{activity.pk}-calendar@{host}",
                request=request,
                host=host,
            ),
            filename=f"activity-{activity.pk}.ics",
        )
    if issubclass(page_class, ActivityIndexPage):
        return Feed(
            calendar=build_calendar(
                activities=upcoming_activities(index_page=page),
                name=_("志愿服务活动"),
                uid=f"activities-{page.pk}@{host}",
                request=request,
                host=host,
            ),
            filename="activities.ics",
        )
    if issubclass(page_class, StationPage):
        return Feed(
            calendar=build_calendar(
                activities=upcoming_activities(station=page),
                name=_("%(station)s的志愿服务活动") % {"station": page.title},
                uid=f"station-{page.pk}-activities@{host}",
                request=request,
                host=host,
            ),
            filename=f"station-{page.pk}.ics",
        )
    return None


def build_calendar(*, activities, name: str, uid: str, request, host: str) -> Calendar:
    """A VCALENDAR of `activities` (with station and category already joined in)."""
    zone = timezone.get_default_timezone()
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("uid", uid)
    calendar.add("name", name)
    # The X-WR-* names are what Google Calendar and Apple Calendar read for a subscription.
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", str(zone))
    calendar.add("refresh-interval", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH_INTERVAL))

    stamp = timezone.now().astimezone(datetime.UTC)
    for activity in activities:
        calendar.add_component(
            activity_event(activity, request=request, host=host, stamp=stamp, zone=zone)
        )
    # The zone's whole history (1970–2038, Shanghai's 1986–91 summer time included), so the
    # text does not depend on which activities are listed.
    calendar.add_missing_timezones()
    return calendar


def activity_event(activity, *, request, host: str, stamp, zone) -> Event:
    """One VEVENT. Reads only the activity, its station and its category: no queries."""
    # Slugs may be Chinese: the URL property is a URI, so they go percent-encoded.
    url = iri_to_uri(request.build_absolute_uri(activity.get_url(request=request) or "/"))
    event = Event()
    event.add("uid", f"activity-{activity.pk}@{host}")
    event.add("dtstamp", stamp)
    event.add("dtstart", timezone.localtime(activity.starts_at, zone))
    event.add("dtend", timezone.localtime(activity.ends_at, zone))
    title = activity.title
    if activity.is_demo:
        title = _("【演示】%(title)s") % {"title": title}
    event.add("summary", title)
    location = "，".join(part for part in (activity.venue, activity.venue_address) if part)
    if location:
        event.add("location", location)
    lat, lng = activity.point
    if lat is not None and lng is not None:
        event.add("geo", (round(lat, 6), round(lng, 6)))
    event.add("description", _description(activity, url=url))
    event.add("url", url)
    event.add("categories", [activity.category.name])
    modified = activity.last_published_at or activity.first_published_at
    if modified is not None:
        event.add("last-modified", modified.astimezone(datetime.UTC))
    event.add("status", "CONFIRMED")
    return event


def _description(activity, *, url: str) -> str:
    lines = []
    if activity.is_demo:
        lines.append(_("这是演示数据：活动并不真实存在，请不要据此前往。"))
    if activity.summary:
        lines.append(activity.summary)
    lines.append(_("主办站点：%(station)s") % {"station": activity.station.title})
    contact = activity.contact_line
    if contact:
        lines.append(_("联系方式：%(contact)s") % {"contact": contact})
    # Many calendar apps hide the URL property; the link in the text is the one people tap.
    lines.append(_("详情与报名：%(url)s") % {"url": url})
    return "\n".join(lines)
