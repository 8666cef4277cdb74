"""The GeoJSON the station map draws, built once and cached until a station changes; the light
base the map falls back on when its tiles cannot load; and the tile settings the scripts read.

At 10,000 stations the body is about two megabytes, so it is cached gzipped under a key made of the
filters, the day (a station stops meeting the standard at midnight without anyone saving it) and a
version token. The token is replaced whenever a station is saved, published, unpublished, moved or
deleted, so the next request rebuilds the body with one query. With Redis every app process sees
the new token at once; with the per-process memory cache the others catch up within CACHE_SECONDS.
"""

import gzip
import hashlib
import json
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db.models import Avg
from django.db.models.signals import post_delete, post_save
from django.templatetags.static import static
from django.utils import timezone
from django.utils.translation import gettext
from wagtail.signals import page_published, page_unpublished, post_page_move

from home.base import cache_versions
from stations.coords import to_display
from stations.directory.nearby import Box, filter_stations, public_stations
from stations.models import Area, AreaLevel

VERSION_NAME = "stations:map"
# The districts and streets (reference data) the fallback base is drawn from.
BASEMAP_VERSION_NAME = "stations:basemap"
CACHE_SECONDS = 10 * 60
# Six decimals is about ten centimetres: more would only make the file bigger.
PRECISION = 6


@dataclass(frozen=True)
class MapQuery:
    """Which stations the map shows (ids, validated by the caller); bbox is in WGS-84."""

    station_type: int | None = None
    district: int | None = None
    street: int | None = None
    meets_standard: bool = False
    bbox: Box | None = None

    def cache_part(self) -> str:
        return f"t{self.station_type}:d{self.district}:s{self.street}:m{int(self.meets_standard)}"


def map_version() -> str:
    return cache_versions.current(VERSION_NAME)


def bump_map_version(**_kwargs) -> None:
    cache_versions.bump(VERSION_NAME)


def build_geojson(*, index_page, index_url: str, query: MapQuery, system: str) -> bytes:
    """A FeatureCollection of the stations, coordinates in `system`, as compact UTF-8 JSON."""
    stations = filter_stations(
        public_stations(index_page),
        station_type=query.station_type,
        district=query.district,
        street=query.street,
        meets_standard=query.meets_standard,
    )
    if query.bbox is not None:
        box = query.bbox
        stations = stations.filter(
            latitude__range=(box.min_lat, box.max_lat),
            longitude__range=(box.min_lng, box.max_lng),
        )
    rows = stations.order_by("pk").values_list(
        "pk",
        "title",
        "url_path",
        "latitude",
        "longitude",
        "station_type__name",
        "standard_valid_until",
    )
    today = timezone.localdate()
    # Station URLs are the directory's URL and the rest of their path: no per-station lookups.
    prefix_length = len(index_page.url_path)
    features = []
    for pk, title, url_path, lat, lng, type_name, valid_until in rows:
        point = to_display(lat, lng, system)
        features.append(
            {
                "type": "Feature",
                "id": pk,
                "geometry": {
                    "type": "Point",
                    "coordinates": [round(point.lng, PRECISION), round(point.lat, PRECISION)],
                },
                "properties": {
                    "title": title,
                    "url": index_url + url_path[prefix_length:],
                    "type": type_name,
                    "meets_standard": valid_until is not None and valid_until >= today,
                },
            }
        )
    collection = {"type": "FeatureCollection", "crs": system, "features": features}
    return json.dumps(collection, ensure_ascii=False, separators=(",", ":")).encode()


def bbox_part(box: Box | None) -> str:
    if box is None:
        return "all"
    return ",".join(f"{v:.6f}" for v in (box.min_lng, box.min_lat, box.max_lng, box.max_lat))


def geojson_etag(*, index_page, index_url: str, query: MapQuery, system: str) -> str:
    """Changes with the stations, the filters and the day; cheap, so a 304 costs no query."""
    parts = [
        map_version(),
        timezone.localdate().isoformat(),
        str(index_page.pk),
        index_url,
        system,
        query.cache_part(),
        bbox_part(query.bbox),
    ]
    return hashlib.sha1(":".join(parts).encode(), usedforsecurity=False).hexdigest()[:20]


def gzipped_geojson(*, index_page, index_url: str, query: MapQuery, system: str, etag: str):
    """The gzipped GeoJSON, from the cache when it holds this version.

    Only whole-map bodies are cached: a bounding box can be any of millions, and caching each would
    let one client push everything else out of the cache. Those read the index instead.
    """
    key = f"stations:map:geojson:{etag}"
    if query.bbox is None:
        body = cache.get(key)
        if body is not None:
            return body
    raw = build_geojson(index_page=index_page, index_url=index_url, query=query, system=system)
    body = gzip.compress(raw, compresslevel=6, mtime=0)
    if query.bbox is None:
        cache.set(key, body, CACHE_SECONDS)
    return body


def tile_config() -> dict:
    """The tile settings as station-map.js and station-place.js read them (map-base.js)."""
    tiles = settings.MAP_TILES
    return {
        "url": tiles["url"],
        # High-density screens: the provider's own sharper tiles where it has them (a URL with
        # {r}, or retina_url), else Leaflet's detectRetina (the next zoom level's tiles at half
        # size), so a 2× phone never shows a 256-pixel tile stretched over 512 pixels.
        "retinaUrl": tiles.get("retina_url") or "",
        "detectRetina": bool(tiles.get("detect_retina")),
        "attribution": tiles["attribution"],
        "subdomains": tiles["subdomains"],
        "maxZoom": tiles["max_zoom"],
    }


def marker_icons() -> dict:
    """Leaflet's marker images, served by the site (the 2× one for high-density screens)."""
    return {
        "marker": static("stations/vendor/leaflet/images/marker-icon.png"),
        "marker2x": static("stations/vendor/leaflet/images/marker-icon-2x.png"),
        "shadow": static("stations/vendor/leaflet/images/marker-shadow.png"),
    }


def notice_text(*, tiles_failed: str, basemap_failed: str) -> dict:
    """The notices map-base.js shows in the map when its tiles fail: with the simplified base
    drawn, and when even that could not load."""
    return {
        "tilesFailed": tiles_failed,
        "basemapFailed": basemap_failed,
        "closeNotice": gettext("关闭这条提示"),
    }


def basemap_version() -> str:
    return cache_versions.current(BASEMAP_VERSION_NAME)


def bump_basemap_version(**_kwargs) -> None:
    cache_versions.bump(BASEMAP_VERSION_NAME)


def basemap_etag(*, system: str) -> str:
    parts = ["basemap", basemap_version(), system]
    return hashlib.sha1(":".join(parts).encode(), usedforsecurity=False).hexdigest()[:20]


def build_basemap(*, system: str) -> bytes:
    """Districts (named at their centre) and streets (a point and a name each), in `system`.

    What the map shows instead of tiles that cannot load: enough to tell where the stations
    are. The reference data holds centres, not outlines, and drawing made-up boundaries would
    mislead, so there are none. A district without a centre of its own is named at the mean of
    its streets' centres. Communities are left out: a city has thousands, and this must stay
    small for the weak connections it is for. Two queries.
    """
    street_means = dict(
        (row["parent_id"], (row["lat"], row["lng"]))
        for row in Area.objects.streets()
        .with_centre()
        .values("parent_id")
        .annotate(lat=Avg("latitude"), lng=Avg("longitude"))
        .order_by()
    )
    rows = (
        Area.objects.filter(level__in=(AreaLevel.DISTRICT, AreaLevel.STREET))
        .order_by("level", "sort_order", "name", "pk")
        .values_list("pk", "level", "name", "parent_id", "latitude", "longitude")
    )
    features = []
    for pk, level, name, parent_id, lat, lng in rows:
        if lat is None or lng is None:
            if level != AreaLevel.DISTRICT or pk not in street_means:
                continue
            lat, lng = street_means[pk]
        point = to_display(lat, lng, system)
        properties = {"level": level, "name": name}
        if parent_id:
            properties["district"] = parent_id
        features.append(
            {
                "type": "Feature",
                "id": pk,
                "geometry": {
                    "type": "Point",
                    "coordinates": [round(point.lng, PRECISION), round(point.lat, PRECISION)],
                },
                "properties": properties,
            }
        )
    collection = {"type": "FeatureCollection", "crs": system, "features": features}
    return json.dumps(collection, ensure_ascii=False, separators=(",", ":")).encode()


def gzipped_basemap(*, system: str, etag: str) -> bytes:
    """The gzipped base, from the cache while the areas are unchanged (one body per system)."""
    key = f"stations:basemap:{etag}"
    body = cache.get(key)
    if body is None:
        body = gzip.compress(build_basemap(system=system), compresslevel=6, mtime=0)
        cache.set(key, body, CACHE_SECONDS)
    return body


def _station_changed(sender, instance=None, **kwargs):
    from stations.models import StationIndexPage, StationPage

    if isinstance(instance, StationPage | StationIndexPage):
        bump_map_version()


def connect_signals() -> None:
    from stations.models import StationIndexPage, StationPage, StationType

    uid = "stations.directory.mapdata"
    page_published.connect(_station_changed, dispatch_uid=f"{uid}.published")
    page_unpublished.connect(_station_changed, dispatch_uid=f"{uid}.unpublished")
    # A move can change a station's URL (its directory moved) or take it out of the directory.
    post_page_move.connect(bump_map_version, dispatch_uid=f"{uid}.moved")
    for model in (StationPage, StationIndexPage):
        # Saves cover edits made outside the publishing workflow (imports, the shell, factories).
        post_save.connect(bump_map_version, sender=model, dispatch_uid=f"{uid}.saved.{model}")
        post_delete.connect(bump_map_version, sender=model, dispatch_uid=f"{uid}.deleted.{model}")
    # The map shows each station's type by name.
    post_save.connect(bump_map_version, sender=StationType, dispatch_uid=f"{uid}.type_saved")
    # The fallback base is drawn from the districts' and streets' names and centres.
    post_save.connect(bump_basemap_version, sender=Area, dispatch_uid=f"{uid}.area_saved")
    post_delete.connect(bump_basemap_version, sender=Area, dispatch_uid=f"{uid}.area_deleted")
