"""The station directory at /stations/: the list (nearest first when a location is given) and
what the map needs to show the same stations.

The form (forms.py) works without JavaScript; the map's geolocation and map clicks only fill in
its lat/lng and submit it, so there is one code path. Bad input never fails the page: it is
reported in Chinese and the list is emptied (a bad filter) or left unsorted (a bad location).
Every list costs a fixed number of SQL queries, however long it is.
"""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from home.base.inputs import parse_int
from stations.coords import WGS84, from_display, to_display
from stations.directory import summaries
from stations.directory.forms import (
    FILTER_FIELDS,
    LOCATION_FIELDS,
    AreaTree,
    StationDirectoryForm,
    near_area_id,
)
from stations.directory.mapdata import (
    CACHE_SECONDS,
    map_version,
    marker_icons,
    notice_text,
    tile_config,
)
from stations.directory.nearby import (
    filter_stations,
    format_distance,
    hits_for,
    nearest_ranked,
    public_stations,
    ranked_all,
)
from stations.directory.summaries import StationSummary
from stations.models import StationType

PER_PAGE = 20
# With a location the list holds this many stations, nearest first (five pages).
NEAREST_MAX = 100
GEOJSON_NAME = "map.geojson"
BASEMAP_NAME = "basemap.geojson"


@dataclass(frozen=True)
class Origin:
    """Where distances are measured from, in WGS-84."""

    lat: float
    lng: float
    label: str
    # "area" when chosen from the list of 街道/社区, "point" when from GPS or the map.
    source: str


@dataclass(frozen=True)
class DirectoryItem:
    station: StationSummary
    distance_m: float | None = None

    @property
    def distance(self) -> str:
        return format_distance(self.distance_m) if self.distance_m is not None else ""


@dataclass
class Directory:
    form: StationDirectoryForm
    page: PaginatorPage  # object_list holds DirectoryItem
    total: int  # stations matching the filters
    messages: list[str] = field(default_factory=list)
    filtered: bool = False
    origin: Origin | None = None
    # The filters as a query string (no location, no page), for the map and "clear location".
    filter_query: str = ""
    map_config: dict = field(default_factory=dict)


def _filters(form: StationDirectoryForm) -> dict:
    """The filters that were given and valid, as keyword arguments for filter_stations."""
    data = form.cleaned_data if form.is_bound else {}
    return {
        "station_type": data.get("type"),
        "district": data.get("district"),
        "street": data.get("street"),
        "meets_standard": bool(data.get("meets_standard")),
    }


def _origin(form: StationDirectoryForm) -> Origin | None:
    """The chosen 街道/社区 when there is one (it wins over lat/lng), else the point given."""
    if not form.is_bound or form.has_error("near"):
        return None
    data = form.cleaned_data
    if data.get("near"):
        area = form.area_tree.areas[data["near"]]
        if not area.has_centre:
            # A street is offered for its communities even without a centre of its own.
            form.add_error(
                "near",
                _("“%(name)s”还没有登记中心位置，暂时无法按距离排序，请改选附近的街道或社区。")
                % {"name": form.area_tree.name_of(area)},
            )
            return None
        return Origin(area.latitude, area.longitude, form.area_tree.name_of(area), "area")
    if any(form.has_error(name) for name in ("lat", "lng", "crs")):
        return None
    if data.get("lat") is not None and data.get("lng") is not None:
        point = from_display(data["lat"], data["lng"], data.get("crs") or WGS84)
        return Origin(point.lat, point.lng, gettext("您选择的位置"), "point")
    return None


def _filter_query(form: StationDirectoryForm) -> str:
    if not form.is_bound:
        return ""
    pairs = []
    for name in FILTER_FIELDS:
        value = form.cleaned_data.get(name)
        if value is True:
            pairs.append((name, "1"))
        elif value:
            pairs.append((name, str(value)))
    return urlencode(pairs)


def _messages(form: StationDirectoryForm) -> list[str]:
    if not form.is_bound:
        return []
    messages = []
    for name in (*FILTER_FIELDS, *LOCATION_FIELDS):
        messages.extend(str(error) for error in form.errors.get(name, []))
    messages.extend(str(error) for error in form.non_field_errors())
    return messages


def _count(stations, key: str) -> int:
    """How many stations match: counting 100,000 rows takes tens of milliseconds on every visit,
    and the answer only changes when a station does (or the day, for the standard)."""
    cache_key = f"stations:directory:count:{map_version()}:{timezone.localdate()}:{key}"
    total = cache.get(cache_key)
    if total is None:
        total = stations.count()
        cache.set(cache_key, total, CACHE_SECONDS)
    return total


def station_directory(*, index_page, params) -> Directory:
    """Everything /stations/ shows for the GET parameters `params` (a QueryDict or a dict)."""
    areas = AreaTree(near_id=near_area_id(params))
    types = list(StationType.objects.all())
    bound = any(params.get(name) not in (None, "") for name in (*FILTER_FIELDS, *LOCATION_FIELDS))
    form = StationDirectoryForm(params if bound else None, areas=areas, types=types)
    if form.is_bound:
        form.is_valid()  # errors become messages below; valid fields still apply
    filter_error = form.is_bound and any(form.has_error(name) for name in FILTER_FIELDS)
    filters = _filters(form)
    filtered = form.is_bound and (filter_error or any(filters.values()))

    stations = filter_stations(public_stations(index_page), **filters)
    if filter_error:
        stations = stations.none()
    origin = _origin(form)

    filter_query = _filter_query(form)
    count_key = f"{getattr(index_page, 'pk', '')}?{filter_query}"
    total = 0 if filter_error else _count(stations, count_key)
    if origin is not None and not filter_error:
        if total <= NEAREST_MAX:
            # They all make the list anyway: rank them, no need to search outwards.
            ranked = ranked_all(lat=origin.lat, lng=origin.lng, stations=stations)
        else:
            ranked = nearest_ranked(
                lat=origin.lat, lng=origin.lng, limit=NEAREST_MAX, base=stations
            )
        paginator = Paginator(ranked, PER_PAGE)
        page = paginator.get_page(parse_int(params.get("page")))
        hits = hits_for(page.object_list)
        page.object_list = [DirectoryItem(hit.station, hit.distance_m) for hit in hits]
    else:
        paginator = Paginator(summaries.rows(stations.order_by("path")), PER_PAGE)
        paginator.count = total  # counted (or remembered) above: no second COUNT(*)
        page = paginator.get_page(parse_int(params.get("page")))
        page.object_list = [DirectoryItem(summaries.summary(row)) for row in page.object_list]

    return Directory(
        form=form,
        page=page,
        total=total,
        messages=_messages(form),
        filtered=bool(filtered),
        origin=origin,
        filter_query=filter_query,
        map_config=map_config(
            index_page=index_page, filter_query=filter_query, origin=origin, items=page.object_list
        ),
    )


def _display(lat: float, lng: float, system: str) -> dict:
    point = to_display(lat, lng, system)
    return {"lat": round(point.lat, 6), "lng": round(point.lng, 6)}


def map_config(*, index_page, filter_query: str, origin: Origin | None, items) -> dict:
    """What station-map.js reads: tiles, where to look, the GeoJSON URL, icons and its words.

    Every coordinate is in the tiles' system, so the script never converts anything itself.
    """
    system = settings.MAP_TILES["coordinates"]
    lat, lng, zoom = settings.MAP_DEFAULT_VIEW
    index_url = index_page.url if index_page is not None else None
    geojson_url = None
    if index_url:
        geojson_url = index_url + GEOJSON_NAME + (f"?{filter_query}" if filter_query else "")
    return {
        "tiles": tile_config(),
        # Drawn instead of the tiles when they cannot load (map-base.js).
        "basemapUrl": index_url + BASEMAP_NAME if index_url else None,
        "crs": system,
        "defaultView": {**_display(lat, lng, system), "zoom": int(zoom)},
        "geojsonUrl": geojson_url,
        "origin": (
            {**_display(origin.lat, origin.lng, system), "label": origin.label} if origin else None
        ),
        # The stations listed on this page, so the map can frame them with the origin.
        "listed": [
            _display(item.station.latitude, item.station.longitude, system)
            for item in items
            if item.distance_m is not None
        ],
        "icons": marker_icons(),
        "text": {
            "meets": gettext("达标"),
            "notMeets": gettext("未达标"),
            "origin": origin.label if origin else "",
            "searchHere": gettext("查找这里附近的站点"),
            "locating": gettext("正在获取您的位置……"),
            "locateDenied": gettext(
                "没有获得定位权限。您可以在地图上点选位置，或从列表中选择所在的街道、社区。"
            ),
            "locateFailed": gettext(
                "暂时无法获取您的位置。您可以在地图上点选位置，或从列表中选择所在的街道、社区。"
            ),
            "loadFailed": gettext("地图上的站点暂时无法加载，请使用下面的列表。"),
            "stationCount": gettext("地图上显示 %(count)s 个站点"),
            **notice_text(
                tiles_failed=gettext(
                    "地图底图暂时无法加载，已改为显示简化底图（区和街道的位置）。"
                    "站点列表仍可正常使用。"
                ),
                basemap_failed=gettext("地图底图暂时无法加载。站点列表仍可正常使用。"),
            ),
        },
    }
