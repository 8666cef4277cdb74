"""The stations nearest a point, exactly, without a spatial database.

SQLite and PostgreSQL without PostGIS have no distance index, but both can range-scan the
(latitude, longitude) index. So: grow a box around the point until it holds `limit` candidates,
rank them by great-circle distance, then look once more in the box that bounds the circle through
the k-th candidate, since a station just outside the first box's edge can be nearer than one in
its corner. In a city a search reads a few hundred index rows, however many stations there are.
"""

import math
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Page

from home.base.restrictions import exclude_private
from stations.coords import lat_band
from stations.directory import summaries
from stations.directory.summaries import StationSummary
from stations.models import StationPage

# The mean Earth radius the haversine package measures with; the boxes must use the same sphere.
EARTH_RADIUS_M = 6_371_008.8
# Half the side of the first box, in degrees (a square about 670 m across): in a busy district it
# already holds a page of stations; elsewhere the box grows by the density it finds.
INITIAL_HALF_SIZE_DEG = 0.003
# After this many larger boxes, read every candidate: a search far from any station, or for more
# stations than there are, costs a fixed handful of queries however sparse the data.
MAX_GROWTH_STEPS = 6
MAX_GROWTH = 4.0
# A square this large (half-side in degrees) reaches every longitude from anywhere.
WHOLE_WORLD_DEG = 360.0
# Slack for rounding when the box around a circle is computed, in metres.
_BOX_MARGIN_M = 1.0


@dataclass(frozen=True)
class StationHit:
    station: StationSummary
    distance_m: float


@dataclass(frozen=True)
class Box:
    min_lat: float
    max_lat: float
    min_lng: float
    max_lng: float

    def contains(self, other: "Box") -> bool:
        return (
            self.min_lat <= other.min_lat
            and self.max_lat >= other.max_lat
            and self.min_lng <= other.min_lng
            and self.max_lng >= other.max_lng
        )

    @property
    def is_whole_world(self) -> bool:
        return self.contains(Box(-90.0, 90.0, -180.0, 180.0))


def public_stations(index_page=None) -> QuerySet:
    """Published stations anyone may see (no view restriction above them), under `index_page`.

    The same rule as Wagtail's PageQuerySet.public(), read differently: public() joins the
    restrictions to the page table, and SQLite with fresh statistics plans that as a scan of every
    page (some 20 ms at 100,000 stations) although there are rarely any restrictions at all.
    """
    stations = exclude_private(StationPage.objects.live())
    if index_page is not None:
        stations = stations.filter(_below(index_page))
    return stations


def _below(page) -> Q:
    """Pages below `page`, as a range of tree paths rather than the LIKE of descendant_of().

    Every descendant's path starts with the page's and is made of the same digits and capitals,
    so it sorts between the page's path and that path padded out with the last letter (Wagtail
    keeps paths in the binary "C" collation); a range costs much less per row than a pattern.
    """
    ceiling = page.path.ljust(Page._meta.get_field("path").max_length, Page.alphabet[-1])
    return Q(path__gt=page.path, path__lte=ceiling)


def filter_stations(
    stations: QuerySet,
    *,
    station_type=None,
    district=None,
    street=None,
    meets_standard: bool = False,
) -> QuerySet:
    """Narrow stations by type, district, street (instances or ids) and the 七个有 standard."""
    if station_type is not None:
        stations = stations.filter(station_type=station_type)
    if district is not None:
        stations = stations.filter(district=district)
    if street is not None:
        stations = stations.filter(street=street)
    if meets_standard:
        # The same rule as StationPage.meets_standard, in SQL.
        stations = stations.filter(standard_valid_until__gte=timezone.localdate())
    return stations


def box_around(lat: float, lng: float, radius_m: float) -> Box:
    """The smallest latitude/longitude box holding every point within `radius_m` of the point."""
    angle = (radius_m + _BOX_MARGIN_M) / EARTH_RADIUS_M
    d_lat = math.degrees(angle)
    min_lat, max_lat = lat - d_lat, lat + d_lat
    if min_lat <= -90.0 or max_lat >= 90.0:
        # The circle holds a pole: every longitude is in reach.
        return Box(max(min_lat, -90.0), min(max_lat, 90.0), -180.0, 180.0)
    # Where the circle touches its widest meridians (not simply radius / cos(lat)).
    ratio = math.sin(angle) / math.cos(math.radians(lat))
    if ratio >= 1.0:
        return Box(min_lat, max_lat, -180.0, 180.0)
    d_lng = math.degrees(math.asin(ratio))
    return Box(min_lat, max_lat, lng - d_lng, lng + d_lng)


def _square(lat: float, lng: float, half_deg: float) -> Box:
    return Box(lat - half_deg, lat + half_deg, lng - half_deg, lng + half_deg)


# Up to this many latitude bands are listed one by one (a short index range scan each); a taller
# box reads one range over all of them, which is then about as cheap.
MAX_LISTED_BANDS = 64


def _in_box(stations: QuerySet, box: Box) -> list[tuple[int, float, float]]:
    """(pk, latitude, longitude) of the stations in `box`, from the band/longitude index.

    Only these three: the query stays a two-table join that PostgreSQL plans quickly, and the
    few winners' details are read afterwards in one query.
    """
    found = stations.order_by().values_list("pk", "latitude", "longitude")
    if box.is_whole_world:
        return list(found)
    low, high = lat_band(box.min_lat), lat_band(box.max_lat)
    if high - low < MAX_LISTED_BANDS:
        bands = {"lat_band__in": list(range(low, high + 1))}
    else:
        bands = {"lat_band__range": (low, high)}
    # Stations never straddle the antimeridian (they are in China), so plain ranges will do.
    return list(
        found.filter(
            **bands,
            longitude__range=(box.min_lng, box.max_lng),
            latitude__range=(box.min_lat, box.max_lat),
        )
    )


def _ranked(lat: float, lng: float, rows) -> list[tuple[float, int]]:
    """(distance in metres, pk), nearest first; ties go to the older station.

    The haversine formula of stations.coords.distance_m, inlined with the origin's terms
    computed once: a large box can hold a few hundred candidates.
    """
    lat0, lng0 = math.radians(lat), math.radians(lng)
    cos_lat0 = math.cos(lat0)
    sin, cos, radians = math.sin, math.cos, math.radians
    scored = []
    for pk, s_lat, s_lng in rows:
        phi = radians(s_lat)
        h = (
            sin((phi - lat0) * 0.5) ** 2
            + cos_lat0 * cos(phi) * sin((radians(s_lng) - lng0) * 0.5) ** 2
        )
        scored.append((2 * EARTH_RADIUS_M * math.asin(math.sqrt(min(h, 1.0))), pk))
    scored.sort()
    return scored


def stations_near(**search) -> list[StationHit]:
    """The `limit` live, public stations nearest (lat, lng) in WGS-84, nearest first.

    Takes nearest_ranked's keyword arguments. `base` narrows the stations searched (say, to one
    directory); it defaults to every public station. The answer is exact for the haversine
    distance, not an approximation of it.
    """
    return hits_for(nearest_ranked(**search))


def nearest_ranked(
    *,
    lat: float,
    lng: float,
    limit: int,
    station_type=None,
    district=None,
    meets_standard: bool = False,
    base: QuerySet | None = None,
) -> list[tuple[float, int]]:
    """What stations_near finds, as (distance in metres, pk), for a caller that shows a page of
    a longer list and reads only that page's stations."""
    if limit < 1:
        return []
    stations = filter_stations(
        base if base is not None else public_stations(),
        station_type=station_type,
        district=district,
        meets_standard=meets_standard,
    )

    half = INITIAL_HALF_SIZE_DEG
    box = _square(lat, lng, half)
    rows = _in_box(stations, box)
    for step in range(MAX_GROWTH_STEPS + 1):
        if len(rows) >= limit or box.is_whole_world:
            break
        if step == MAX_GROWTH_STEPS:
            half = WHOLE_WORLD_DEG
        else:
            # Grow to where, at the density seen so far, about twice the stations needed would
            # be; at least 1.5 times, and at most 4 so that a dense city next to an empty
            # square does not flood the next box.
            factor = math.sqrt(2 * limit / max(len(rows), 0.5))
            half *= min(max(factor, 1.5), MAX_GROWTH)
        box = _square(lat, lng, half)
        rows = _in_box(stations, box)

    ranked = _ranked(lat, lng, rows)
    if len(ranked) >= limit and not box.is_whole_world:
        reach = box_around(lat, lng, ranked[limit - 1][0])
        if not box.contains(reach):
            ranked = _ranked(lat, lng, _in_box(stations, reach))
    return ranked[:limit]


def ranked_all(*, lat: float, lng: float, stations: QuerySet) -> list[tuple[float, int]]:
    """Every one of `stations` as (distance in metres, pk), nearest first, in one query: for a
    list known to be short, where searching outwards would only cost more queries."""
    return _ranked(lat, lng, stations.order_by().values_list("pk", "latitude", "longitude"))


def hits_for(ranked: list[tuple[float, int]]) -> list[StationHit]:
    """The stations behind (distance, pk) pairs, in their order, summarised in one query."""
    found = summaries.rows(StationPage.objects.filter(pk__in=[pk for _d, pk in ranked]))
    by_pk = {row[0]: summaries.summary(row) for row in found.order_by()}
    # A station unpublished between the two queries is simply left out.
    return [StationHit(by_pk[pk], distance) for distance, pk in ranked if pk in by_pk]


def format_distance(metres: float) -> str:
    """850 米, 3.2 公里, 12 公里: what a resident reads, to a sensible precision."""
    if metres < 10:
        return _("10 米内")
    if metres < 995:
        return _("%(n)s 米") % {"n": int(round(metres, -1))}
    kilometres = metres / 1000
    if kilometres < 9.95:
        return _("%(n).1f 公里") % {"n": kilometres}
    return _("%(n)s 公里") % {"n": int(round(kilometres))}
