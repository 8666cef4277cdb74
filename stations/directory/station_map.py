"""The station page's small map and its 导航 menu.

The menu opens the place in 高德, 百度 or 腾讯 maps (their web URI APIs, which hand over to the
app when it is installed) or in the phone's own map app (a geo: URI), each given the coordinates
in the system it reads: GCJ-02 for 高德 and 腾讯, BD-09 for 百度, WGS-84 (as stored) for geo:.
All are plain links, so the menu works without JavaScript; the small map is drawn by
station-place.js from `place_map_config`, with the directory map's fallback when tiles fail.
"""

import re
from dataclasses import dataclass
from urllib.parse import quote, urlencode

from django.conf import settings
from django.utils.translation import gettext

from stations.coords import BD09, GCJ02, WGS84, to_display, wgs84_to_bd09, wgs84_to_gcj02
from stations.directory.mapdata import marker_icons, notice_text, tile_config

# Who is asking, as 百度 (src) and 腾讯 (referer) want it named.
LINK_SOURCE = "volunteer-portal"
# Zoom of the small map: a few streets around the station.
PLACE_ZOOM = 16
BASEMAP_NAME = "basemap.geojson"
# 腾讯 separates the marker's parts with ";" and ":", a geo: label is closed by ")": such
# characters in a name would end its part early.
_TENCENT_RESERVED = re.compile(r"[;:]")
_GEO_RESERVED = re.compile(r"[()]")


@dataclass(frozen=True)
class NavigationLink:
    key: str  # amap, baidu, tencent, geo
    label: str
    url: str
    system: str  # the coordinate system the URL's point is in


def _point(lat: float, lng: float) -> str:
    return f"{lat:.6f},{lng:.6f}"


def _query(params: dict) -> str:
    # %20 for spaces and the separators the map services read left as they are.
    return urlencode(params, quote_via=quote, safe=",:;")


def navigation_links(*, name: str, address: str, lat: float, lng: float) -> list[NavigationLink]:
    """The 导航 menu for a place stored at (lat, lng) in WGS-84."""
    gcj = wgs84_to_gcj02(lat, lng)
    bd = wgs84_to_bd09(lat, lng)
    tencent_marker = ";".join(
        [
            f"coord:{_point(gcj.lat, gcj.lng)}",
            f"title:{_TENCENT_RESERVED.sub(' ', name)}",
            f"addr:{_TENCENT_RESERVED.sub(' ', address)}",
        ]
    )
    geo_label = _GEO_RESERVED.sub(" ", name)
    return [
        NavigationLink(
            "amap",
            gettext("高德地图"),
            "https://uri.amap.com/marker?"
            + _query(
                {
                    "position": f"{gcj.lng:.6f},{gcj.lat:.6f}",
                    "name": name,
                    "src": LINK_SOURCE,
                    "coordinate": "gaode",
                    "callnative": "1",
                }
            ),
            GCJ02,
        ),
        NavigationLink(
            "baidu",
            gettext("百度地图"),
            "https://api.map.baidu.com/marker?"
            + _query(
                {
                    "location": _point(bd.lat, bd.lng),
                    "title": name,
                    "content": address or name,
                    "coord_type": "bd09ll",
                    "output": "html",
                    "src": f"webapp.{LINK_SOURCE}",
                }
            ),
            BD09,
        ),
        NavigationLink(
            "tencent",
            gettext("腾讯地图"),
            "https://apis.map.qq.com/uri/v1/marker?"
            + _query({"marker": tencent_marker, "referer": LINK_SOURCE}),
            GCJ02,
        ),
        NavigationLink(
            "geo",
            gettext("手机自带地图"),
            # RFC 5870 for the point; the q= label is what Android's map apps show.
            f"geo:{_point(lat, lng)}?q={_point(lat, lng)}({quote(geo_label)})",
            WGS84,
        ),
    ]


def place_map_config(*, station, index_url: str | None) -> dict:
    """What station-place.js reads: tiles, the station's point in the tiles' system, its words."""
    system = settings.MAP_TILES["coordinates"]
    point = to_display(station.latitude, station.longitude, system)
    return {
        "tiles": tile_config(),
        "basemapUrl": index_url + BASEMAP_NAME if index_url else None,
        "crs": system,
        "point": {"lat": round(point.lat, 6), "lng": round(point.lng, 6)},
        "zoom": PLACE_ZOOM,
        "title": station.title,
        "icons": marker_icons(),
        # Short: the small map has little room, and 导航 is right under it.
        "text": notice_text(
            tiles_failed=gettext("底图暂时无法加载，已显示简化底图。"),
            basemap_failed=gettext("底图暂时无法加载。"),
        ),
    }
