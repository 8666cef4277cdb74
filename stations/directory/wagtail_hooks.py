"""The directory's part of the station page: the station's own profile."""

from wagtail import hooks

from home.base import memo
from home.base.renditions import prefetch_renditions
from stations.directory.station_map import navigation_links, place_map_config
from stations.directory.station_page import station_profile
from stations.models.stations import SHOWN_IMAGES, STATION_PAGE_CONTEXT


@hooks.register(STATION_PAGE_CONTEXT)
def station_profile_context(*, page, request) -> dict:
    # Content only (checks, teams, photos), kept until it changes; the verdict depends on the
    # date (a check goes stale after 12 months).
    profile = memo.remember(
        "station-profile", page.pk, lambda: _profile(page), request=request, daily=True
    )
    page.photos_in_order = profile.photos  # the sharing image reads them (a kept copy or not)
    parent = page.get_parent()  # attached by the page's get_context: no query
    return {
        "profile": profile,
        SHOWN_IMAGES: profile.images,
        # The small map and the 导航 menu: from the page's own fields, no query.
        "place_map": place_map_config(station=page, index_url=parent.url if parent else None),
        "navigation_links": navigation_links(
            name=page.title, address=page.address, lat=page.latitude, lng=page.longitude
        ),
    }


def _profile(page):
    # Kept with the images' renditions, so a kept copy costs no rendition query either.
    profile = station_profile(station=page)
    prefetch_renditions(profile.images)
    return profile
