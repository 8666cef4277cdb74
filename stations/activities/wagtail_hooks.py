"""Activities in the admin (the managers' sign-ups) and on the station page."""

from wagtail import hooks
from wagtail_modeladmin.options import modeladmin_register

from stations.activities.admin import SignupAdmin
from stations.activities.calendars import calendar_url
from stations.activities.listing import activities_index, next_activities
from stations.models.stations import STATION_PAGE_CONTEXT

# How many upcoming activities a station page lists before linking to the rest.
UPCOMING_SHOWN = 5

modeladmin_register(SignupAdmin)


@hooks.register(STATION_PAGE_CONTEXT)
def station_activities_context(*, page, request) -> dict:
    index = activities_index()
    return {
        "upcoming_activities": next_activities(limit=UPCOMING_SHOWN, station=page),
        "activities_url": f"{index.url}?station={page.pk}" if index else None,
        "calendar_url": calendar_url(page),
    }
