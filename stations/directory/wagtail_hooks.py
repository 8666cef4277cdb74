"""The directory's part of the station page: the station's own profile."""

from wagtail import hooks

from stations.directory.station_page import station_profile
from stations.models.stations import SHOWN_IMAGES, STATION_PAGE_CONTEXT


@hooks.register(STATION_PAGE_CONTEXT)
def station_profile_context(*, page, request) -> dict:
    profile = station_profile(station=page)
    return {"profile": profile, SHOWN_IMAGES: profile.images}
