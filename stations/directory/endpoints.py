"""The station directory's data: nearby.json (nearest stations), map.geojson (the map's markers)
and basemap.geojson (districts and streets, the base the map draws when its tiles cannot load).

Every parameter is checked before any station is read; a bad one gets HTTP 400 and a JSON body
{"error": "…"} naming it in Chinese, never a server error. Coordinates come back in the map tiles'
system (settings.MAP_TILES["coordinates"]), which the response states as "crs".
"""

import gzip
import math
import re

from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponseNotModified, JsonResponse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext_lazy as _

from home.base.inputs import parse_id, parse_int
from home.base.routing import live_page_at
from stations.coords import COORDINATE_SYSTEMS, WGS84, from_display, to_display
from stations.directory.mapdata import (
    MapQuery,
    basemap_etag,
    geojson_etag,
    gzipped_basemap,
    gzipped_geojson,
)
from stations.directory.nearby import (
    Box,
    filter_stations,
    format_distance,
    public_stations,
    stations_near,
)
from stations.models import Area, StationIndexPage, StationType

DEFAULT_LIMIT = 10
MAX_LIMIT = 100
# Plain decimal numbers in ASCII digits only: float() would also take "nan", "inf", "1_0" and
# other scripts' digits ("٣").
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]{1,3})?")
_ECHO_LENGTH = 40


class BadParameter(Exception):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = str(message)


def _echo(raw: str) -> str:
    return raw if len(raw) <= _ECHO_LENGTH else raw[:_ECHO_LENGTH] + "…"


def _number(params, name: str, label, low: float, high: float, *, required: bool):
    raw = params.get(name, "").strip()
    if not raw:
        if required:
            raise BadParameter(
                _("缺少参数 %(name)s（%(label)s）。") % {"name": name, "label": label}
            )
        return None
    value = float(raw) if _NUMBER.fullmatch(raw) else math.nan
    if math.isnan(value):
        raise BadParameter(
            _("参数 %(name)s（%(label)s）必须是数字，收到的是“%(value)s”。")
            % {"name": name, "label": label, "value": _echo(raw)}
        )
    if not math.isfinite(value) or not low <= value <= high:
        raise BadParameter(
            _("参数 %(name)s（%(label)s）必须在 %(low)s 到 %(high)s 之间，收到的是 %(value)s。")
            % {"name": name, "label": label, "low": low, "high": high, "value": _echo(raw)}
        )
    return value


def _limit(params) -> int:
    raw = params.get("limit", "").strip()
    if not raw:
        return DEFAULT_LIMIT
    limit = parse_int(raw, low=1, high=MAX_LIMIT, max_digits=4)
    if limit is None:
        raise BadParameter(
            _("参数 limit（数量）必须是 1 到 %(max)s 之间的整数，收到的是“%(value)s”。")
            % {"max": MAX_LIMIT, "value": _echo(raw)}
        )
    return limit


def _existing_id(params, name: str, label, queryset) -> int | None:
    raw = params.get(name, "").strip()
    if not raw:
        return None
    pk = parse_id(raw)
    if pk is None:
        raise BadParameter(
            _("参数 %(name)s 必须是%(label)s的编号（整数），收到的是“%(value)s”。")
            % {"name": name, "label": label, "value": _echo(raw)}
        )
    if not queryset.filter(pk=pk).exists():
        raise BadParameter(
            _("没有编号为 %(value)s 的%(label)s（参数 %(name)s）。")
            % {"name": name, "label": label, "value": raw}
        )
    return pk


def _zero_one(params, name: str) -> bool:
    raw = params.get(name, "").strip()
    if raw not in ("", "0", "1"):
        raise BadParameter(
            _("参数 %(name)s 只能是 0 或 1，收到的是“%(value)s”。")
            % {"name": name, "value": _echo(raw)}
        )
    return raw == "1"


def _crs(params) -> str:
    raw = params.get("crs", "").strip().lower()
    if not raw:
        return WGS84
    if raw not in COORDINATE_SYSTEMS:
        raise BadParameter(
            _("参数 crs（坐标系）只能是 wgs84 或 gcj02，收到的是“%(value)s”。")
            % {"value": _echo(raw)}
        )
    return raw


def _bbox(params, system: str) -> Box | None:
    raw = params.get("bbox", "").strip()
    if not raw:
        return None
    parts = [part.strip() for part in raw.split(",")]
    if len(parts) != 4 or not all(_NUMBER.fullmatch(part) for part in parts):
        raise BadParameter(
            _(
                "参数 bbox（范围）必须是用英文逗号分隔的四个数字："
                "最小经度,最小纬度,最大经度,最大纬度，收到的是“%(value)s”。"
            )
            % {"value": _echo(raw)}
        )
    min_lng, min_lat, max_lng, max_lat = (float(part) for part in parts)
    in_range = all(-180 <= v <= 180 for v in (min_lng, max_lng)) and all(
        -90 <= v <= 90 for v in (min_lat, max_lat)
    )
    if not in_range:
        raise BadParameter(
            _("参数 bbox（范围）的经度应在 -180 到 180 之间，纬度应在 -90 到 90 之间。")
        )
    if not (min_lng < max_lng and min_lat < max_lat):
        raise BadParameter(
            _("参数 bbox（范围）的最小经度、最小纬度必须分别小于最大经度、最大纬度。")
        )
    # A box drawn on GCJ-02 tiles: shift its corners back (the shift varies slowly, so the
    # corners stay a box to within a metre or so).
    low = from_display(min_lat, min_lng, system)
    high = from_display(max_lat, max_lng, system)
    return Box(low.lat, high.lat, low.lng, high.lng)


def _filters(params) -> dict:
    return {
        "station_type": _existing_id(params, "type", _("站点类型"), StationType.objects.all()),
        "district": _existing_id(params, "district", _("区"), Area.objects.districts()),
        "street": _existing_id(params, "street", _("街道（镇）"), Area.objects.streets()),
        "meets_standard": _zero_one(params, "meets_standard"),
    }


def _bad_request(error: BadParameter) -> JsonResponse:
    response = JsonResponse(
        {"error": error.message}, status=400, json_dumps_params={"ensure_ascii": False}
    )
    patch_cache_control(response, no_store=True)
    return response


def _rounded(lat: float, lng: float, system: str) -> dict:
    point = to_display(lat, lng, system)
    return {"lat": round(point.lat, 6), "lng": round(point.lng, 6)}


def nearby_json(request, *, index_page):
    """GET lat, lng (required), limit, type, district, meets_standard, crs of lat/lng."""
    params = request.GET
    try:
        crs = _crs(params)
        lat = _number(params, "lat", _("纬度"), -90, 90, required=True)
        lng = _number(params, "lng", _("经度"), -180, 180, required=True)
        limit = _limit(params)
        filters = _filters(params)
    except BadParameter as error:
        return _bad_request(error)

    origin = from_display(lat, lng, crs)
    hits = stations_near(
        lat=origin.lat,
        lng=origin.lng,
        limit=limit,
        station_type=filters["station_type"],
        district=filters["district"],
        meets_standard=filters["meets_standard"],
        base=filter_stations(public_stations(index_page), street=filters["street"]),
    )
    system = settings.MAP_TILES["coordinates"]
    results = []
    for hit in hits:
        station = hit.station
        results.append(
            {
                "id": station.pk,
                "title": station.title,
                "url": request.build_absolute_uri(station.url),
                **_rounded(station.latitude, station.longitude, system),
                "distance_m": round(hit.distance_m),
                "distance": format_distance(hit.distance_m),
                "type": station.type_name,
                "meets_standard": station.meets_standard,
                "district": station.district_name,
                "street": station.street_name,
                "address": station.address,
            }
        )
    response = JsonResponse(
        {
            "crs": system,
            "origin": _rounded(origin.lat, origin.lng, system),
            "count": len(results),
            "results": results,
        },
        json_dumps_params={"ensure_ascii": False},
    )
    # The answer depends on where someone is: no shared cache should keep it.
    patch_cache_control(response, private=True, max_age=60)
    return response


def map_geojson(request, *, index_page):
    """GET type, district, street, meets_standard, bbox (minLng,minLat,maxLng,maxLat), crs."""
    params = request.GET
    try:
        crs = _crs(params)
        filters = _filters(params)
        bbox = _bbox(params, crs)
    except BadParameter as error:
        return _bad_request(error)

    query = MapQuery(bbox=bbox, **filters)
    system = settings.MAP_TILES["coordinates"]
    index_url = index_page.get_url(request=request) or ""
    etag = geojson_etag(index_page=index_page, index_url=index_url, query=query, system=system)
    # Browsers and proxies may keep it a minute, then ask again with the ETag (a 304 is cheap).
    return _gzipped_response(
        request,
        etag=etag,
        body=lambda: gzipped_geojson(
            index_page=index_page, index_url=index_url, query=query, system=system, etag=etag
        ),
        max_age=60,
    )


def basemap_geojson(request, *, index_page):
    """The districts and streets (mapdata.build_basemap), in the tiles' system; no parameters.

    Asked for only when the tiles fail, and changed only when an editor changes the areas: a
    browser keeps it ten minutes, then asks again with its ETag.
    """
    system = settings.MAP_TILES["coordinates"]
    etag = basemap_etag(system=system)
    return _gzipped_response(
        request, etag=etag, body=lambda: gzipped_basemap(system=system, etag=etag), max_age=600
    )


def _gzipped_response(request, *, etag: str, body, max_age: int) -> HttpResponse:
    """A 304 when the client holds `etag`, else the gzipped GeoJSON `body()` (unpacked for a
    client that does not take gzip), public for `max_age` seconds."""
    quoted = f'W/"{etag}"'
    if quoted in _if_none_match(request):
        response = HttpResponseNotModified()
    else:
        packed = body()
        if "gzip" in request.headers.get("Accept-Encoding", ""):
            response = HttpResponse(packed, content_type="application/geo+json")
            response["Content-Encoding"] = "gzip"
        else:
            response = HttpResponse(gzip.decompress(packed), content_type="application/geo+json")
    response["ETag"] = quoted
    patch_cache_control(response, public=True, max_age=max_age)
    patch_vary_headers(response, ["Accept-Encoding"])
    return response


def _if_none_match(request) -> set[str]:
    header = request.headers.get("If-None-Match", "")
    tags = {tag.strip() for tag in header.split(",") if tag.strip()}
    # Weak comparison: a tag matches with or without its W/ prefix.
    return tags | {f"W/{tag}" for tag in tags if not tag.startswith("W/")}


def directory_data(request, page_path: str, filename: str):
    """/<directory path>/nearby.json, /map.geojson and /basemap.geojson.

    Wagtail's page URLs cannot hold a dot, so these files get their own URL pattern; the directory
    is found from the path in front of the file name within the request's site.
    """
    # A directory in a private section is found, but public_stations() then lists none of it.
    index_page = live_page_at(request, page_path, StationIndexPage.objects.all())
    if index_page is None:
        raise Http404
    if filename == "nearby.json":
        return nearby_json(request, index_page=index_page)
    if filename == "basemap.geojson":
        return basemap_geojson(request, index_page=index_page)
    return map_geojson(request, index_page=index_page)
