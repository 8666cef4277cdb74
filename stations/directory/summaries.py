"""What a list of stations shows of each one, read as plain rows rather than page objects.

A list, the map's neighbours and nearby.json need a station's name, link, place, type and
standing, not the whole Wagtail page with its related objects: building ten pages costs more
than finding them. Each row is read in the same query that finds the stations.
"""

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone
from wagtail.models import Site

# The columns of a summary row; the first three are what distances are computed from.
COLUMNS = (
    "pk",
    "latitude",
    "longitude",
    "title",
    "url_path",
    "address",
    "station_type__name",
    "district__name",
    "street__name",
    "standard_valid_until",
    "is_demo",
)


@dataclass(frozen=True)
class StationSummary:
    pk: int
    latitude: float
    longitude: float
    title: str
    url: str | None
    address: str
    type_name: str
    district_name: str
    street_name: str
    standard_valid_until: datetime.date | None
    is_demo: bool

    @property
    def meets_standard(self) -> bool:
        # The same rule as StationPage.meets_standard.
        valid_until = self.standard_valid_until
        return valid_until is not None and valid_until >= timezone.localdate()


def rows(stations: QuerySet) -> QuerySet:
    """The summary rows of `stations`, in the queryset's own order."""
    return stations.values_list(*COLUMNS)


def summary(row: tuple) -> StationSummary:
    pk, lat, lng, title, url_path, address, type_name, district, street, valid, demo = row
    return StationSummary(
        pk=pk,
        latitude=lat,
        longitude=lng,
        title=title,
        url=page_url(url_path),
        address=address,
        type_name=type_name,
        district_name=district,
        street_name=street,
        standard_valid_until=valid,
        is_demo=demo,
    )


def page_url(url_path: str) -> str | None:
    """A page's URL from its url_path, as Wagtail's pageurl gives it for the default site.

    Relative on a single-site install; with several sites, absolute (the page's own site).
    Wagtail caches the site roots, so this costs no query.
    """
    roots = Site.get_site_root_paths()
    for root in sorted(roots, key=lambda root: len(root.root_path), reverse=True):
        if url_path.startswith(root.root_path):
            path = "/" + url_path[len(root.root_path) :]
            return path if len(roots) == 1 else root.root_url.rstrip("/") + path
    return None
