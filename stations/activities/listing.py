"""/activities/: upcoming activities first, the filters, and the short lists on other pages."""

import datetime
from dataclasses import dataclass

from django import forms
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from home.base.filters import (
    AsciiDateField,
    FilteredListing,
    ZeroOneField,
    filtered_listing,
    pick_one,
)
from home.base.page_links import first_live_url
from home.base.restrictions import exclude_private
from stations import signup
from stations.models import (
    ActivityCategory,
    ActivityIndexPage,
    ActivityPage,
    Area,
    AreaLevel,
    StationPage,
)

PER_PAGE = 20
UPCOMING, PAST = "upcoming", "past"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self):
        super().__init__(format="%Y-%m-%d")


class ActivityFilterForm(forms.Form):
    when = forms.ChoiceField(
        required=False,
        choices=[(UPCOMING, _("即将开展")), (PAST, _("往期活动"))],
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("只能查看即将开展或往期的活动。")},
    )
    district = pick_one(_("区"), _("没有这个区，请从列表中选择。"))
    station = pick_one(_("主办站点"), _("这个站点没有活动，请从列表中选择。"))
    category = pick_one(_("活动类别"), _("没有这个活动类别，请从列表中选择。"))
    date_from = AsciiDateField(
        label=_("日期从"),
        required=False,
        widget=DateInput(),
        error_messages={"invalid": _("开始日期请写成 2026-05-01 这样的格式。")},
    )
    date_to = AsciiDateField(
        label=_("日期到"),
        required=False,
        widget=DateInput(),
        error_messages={"invalid": _("结束日期请写成 2026-05-31 这样的格式。")},
    )
    places_left = ZeroOneField(label=_("只看还有名额的活动"))

    def __init__(self, *args, stations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].choices = [("", _("全部区"))] + list(
            Area.objects.filter(level=AreaLevel.DISTRICT).values_list("pk", "name")
        )
        self.fields["station"].choices = [("", _("全部站点"))] + list(stations)
        self.fields["category"].choices = [("", _("全部类别"))] + list(
            ActivityCategory.objects.values_list("pk", "name")
        )
        self.fields["places_left"].error_messages["invalid"] = _("“只看还有名额”只能是 0 或 1。")

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            raise forms.ValidationError(_("结束日期不能早于开始日期。"))
        return data


@dataclass
class ActivityListing(FilteredListing):
    @property
    def when(self) -> str:
        return self.data.get("when") or UPCOMING


# What an activity in a list shows (stations/activities/activity_item.html) and what its
# sign-up state is worked out from, and its place in the tree for a link to its index: not the
# whole page with its station's.
LISTED_FIELDS = (
    "title",
    "url_path",
    "path",
    "depth",
    "starts_at",
    "ends_at",
    "summary",
    "is_demo",
    "capacity",
    "signup_opens_at",
    "signup_closes_at",
    "waitlist_enabled",
    "category__name",
    "station__title",
    "tally__confirmed",
    "tally__waitlisted",
)


def live_activities() -> QuerySet:
    return (
        exclude_private(ActivityPage.objects.live())
        .select_related("station", "category", "tally")
        .only(*LISTED_FIELDS)
    )


def upcoming(activities: QuerySet, now=None) -> QuerySet:
    return activities.filter(ends_at__gt=now or timezone.now()).order_by("starts_at", "pk")


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _station_choices(activities: QuerySet) -> list[tuple[int, str]]:
    # Only stations that have activities: the full directory may hold thousands.
    ids = activities.order_by().values("station_id").distinct()
    return list(StationPage.objects.filter(pk__in=ids).order_by("title").values_list("pk", "title"))


FILTERS = ("district", "station", "category", "date_from", "date_to", "places_left")


def _narrow(activities: QuerySet, data: dict, messages: list[str]) -> QuerySet:
    if data["district"]:
        activities = activities.filter(station__district_id=data["district"])
    if data["station"]:
        activities = activities.filter(station_id=data["station"])
    if data["category"]:
        activities = activities.filter(category_id=data["category"])
    if data["date_from"]:
        activities = activities.filter(ends_at__gte=_day_start(data["date_from"]))
    if data["date_to"]:
        day_after = data["date_to"] + datetime.timedelta(days=1)
        activities = activities.filter(starts_at__lt=_day_start(day_after))
    if data["places_left"]:
        activities = activities.filter(
            Q(tally__isnull=True) | Q(tally__confirmed__lt=F("capacity"))
        )
    return activities


def activity_listing(*, params) -> ActivityListing:
    now = timezone.now()
    activities = live_activities()

    def order(activities: QuerySet, data: dict) -> QuerySet:
        if data.get("when") == PAST:
            return activities.filter(ends_at__lte=now).order_by("-starts_at", "-pk")
        return upcoming(activities, now)

    listing = filtered_listing(
        form=ActivityFilterForm(params or None, stations=_station_choices(activities)),
        items=activities,
        narrow=_narrow,
        filters=FILTERS,
        order=order,
        per_page=PER_PAGE,
        params=params,
        listing_class=ActivityListing,
    )
    for activity in listing.page.object_list:
        activity.availability = availability_from_tally(activity, now)
    return listing


def availability_from_tally(activity, now=None) -> signup.Availability:
    """From a tally already joined in (select_related), so a list costs no extra queries."""
    try:
        tally = activity.tally
    except ActivityPage.tally.RelatedObjectDoesNotExist:
        tally = None
    return signup.availability(
        activity,
        confirmed=tally.confirmed if tally else 0,
        waitlisted=tally.waitlisted if tally else 0,
        now=now,
    )


def next_activities(*, limit: int, station=None) -> list[ActivityPage]:
    """The next few activities (of one station, if given), each with its availability."""
    activities = live_activities()
    if station is not None:
        activities = activities.filter(station=station)
    found = list(upcoming(activities)[:limit])
    now = timezone.now()
    for activity in found:
        activity.availability = availability_from_tally(activity, now)
    return found


def activities_index_url() -> str | None:
    """The URL of the live activity list (there is at most one), for links from other pages;
    cached until the page tree changes."""
    return first_live_url(ActivityIndexPage)
