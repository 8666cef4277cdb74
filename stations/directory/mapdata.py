"""The GeoJSON the station map draws, built once and cached until a station changes.

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

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from wagtail.signals import page_published, page_unpublished, post_page_move

from home.base import cache_versions
from stations.coords import to_display
from stations.directory.nearby import Box, filter_stations, public_stations

VERSION_NAME = "stations:map"
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
