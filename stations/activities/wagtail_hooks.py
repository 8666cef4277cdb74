"""Activities in the admin (the managers' sign-ups) and on the station page."""

from wagtail import hooks
from wagtail_modeladmin.options import modeladmin_register

from stations.activities.access import without_other_stations_activities
from stations.activities.admin import SignupAdmin
from stations.activities.calendars import calendar_url
from stations.activities.checkin_admin import admin_urls, page_button
from stations.activities.listing import activities_index_url, next_activities
from stations.models.stations import STATION_PAGE_CONTEXT

# How many upcoming activities a station page lists before linking to the rest.
UPCOMING_SHOWN = 5

modeladmin_register(SignupAdmin)


@hooks.register(STATION_PAGE_CONTEXT)
def station_activities_context(*, page, request) -> dict:
    index_url = activities_index_url()
    return {
        "upcoming_activities": next_activities(limit=UPCOMING_SHOWN, station=page),
        "activities_url": f"{index_url}?station={page.pk}" if index_url else None,
        "calendar_url": calendar_url(page),
    }


# --- station managers' activities (access.py) ----------------------------------------------------


@hooks.register("construct_page_chooser_queryset")
def chooser_without_other_stations_activities(pages, request):
    return without_other_stations_activities(request.user, pages)


# --- check-in (checkin_admin.py) ----------------------------------------------------------------


@hooks.register("register_admin_urls")
def checkin_admin_urls():
    return admin_urls()


@hooks.register("register_page_listing_more_buttons")
def checkin_listing_button(page, user, next_url=None):
    button = page_button(page, user, priority=25)
    if button is not None:
        yield button


@hooks.register("register_page_header_buttons")
def checkin_header_button(page, user, view_name, next_url=None):
    button = page_button(page, user, priority=45)
    if button is not None:
        yield button
