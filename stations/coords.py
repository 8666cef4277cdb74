"""Coordinates: China's extent, great-circle distance, WGS-84 ⇄ GCJ-02 and GCJ-02 ⇄ BD-09.

Stations are stored in WGS-84. Map tiles from 高德 and 腾讯 are drawn in GCJ-02, the offset system
mainland maps are required to use, so every coordinate sent to a browser showing such tiles is
shifted with the published GCJ-02 formula, and a point picked on such a map is shifted back.
百度 adds its own shift on top of GCJ-02 (BD-09), needed only for links that open 百度地图.
No library on PyPI that does this is maintained, and the formulas are short and fixed.
"""

import math
from dataclasses import dataclass

from haversine import Unit, haversine

WGS84 = "wgs84"
GCJ02 = "gcj02"
COORDINATE_SYSTEMS = (WGS84, GCJ02)
# Only for links into 百度地图: no tiles here are drawn in it, so it is not a display system.
BD09 = "bd09"

# Mainland China, Hong Kong, Macao and Taiwan with a small margin: where a station may stand.
CHINA_LAT = (3.8, 53.6)
CHINA_LNG = (73.4, 135.1)

# Krasovsky 1940 ellipsoid, as the GCJ-02 formula uses it.
_A = 6378245.0
_EE = 0.00669342162296594323


# Stations are indexed by latitude band (0.01°, about 1.1 km) and longitude, so a box search is
# a few short index range scans instead of one scan across every longitude of a latitude range.
LAT_BAND_DEGREES = 0.01


def lat_band(lat: float) -> int:
    return math.floor(lat / LAT_BAND_DEGREES)


@dataclass(frozen=True)
class Point:
    lat: float
    lng: float


def in_china(lat: float, lng: float) -> bool:
    return CHINA_LAT[0] <= lat <= CHINA_LAT[1] and CHINA_LNG[0] <= lng <= CHINA_LNG[1]


def distance_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance in metres."""
    return haversine((lat1, lng1), (lat2, lng2), unit=Unit.METERS)


def _outside_gcj_area(lat: float, lng: float) -> bool:
    # The formula is applied inside this rectangle only, by every implementation that maps use.
    return not (0.8293 <= lat <= 55.8271 and 72.004 <= lng <= 137.8347)


def _shift_lat(x: float, y: float) -> float:
    shift = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    shift += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2 / 3
    shift += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2 / 3
    shift += (160.0 * math.sin(y / 12.0 * math.pi) + 320.0 * math.sin(y * math.pi / 30.0)) * 2 / 3
    return shift


def _shift_lng(x: float, y: float) -> float:
    shift = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    shift += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2 / 3
    shift += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2 / 3
    shift += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2 / 3
    return shift


def wgs84_to_gcj02(lat: float, lng: float) -> Point:
    if _outside_gcj_area(lat, lng):
        return Point(lat, lng)
    d_lat = _shift_lat(lng - 105.0, lat - 35.0)
    d_lng = _shift_lng(lng - 105.0, lat - 35.0)
    rad_lat = lat / 180.0 * math.pi
    magic = 1 - _EE * math.sin(rad_lat) ** 2
    sqrt_magic = math.sqrt(magic)
    d_lat = (d_lat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrt_magic) * math.pi)
    d_lng = (d_lng * 180.0) / (_A / sqrt_magic * math.cos(rad_lat) * math.pi)
    return Point(lat + d_lat, lng + d_lng)


def gcj02_to_wgs84(lat: float, lng: float) -> Point:
    """Invert the shift by fixed-point iteration: within a millimetre after a few rounds."""
    if _outside_gcj_area(lat, lng):
        return Point(lat, lng)
    guess = Point(lat, lng)
    for _round in range(30):
        shifted = wgs84_to_gcj02(guess.lat, guess.lng)
        d_lat, d_lng = shifted.lat - lat, shifted.lng - lng
        guess = Point(guess.lat - d_lat, guess.lng - d_lng)
        if abs(d_lat) < 1e-9 and abs(d_lng) < 1e-9:
            break
    return guess


# The frequency of BD-09's small rotation and stretch (π × 3000 / 180, as the formula is published).
_BD_X_PI = math.pi * 3000.0 / 180.0
# BD-09's fixed offset from GCJ-02, in degrees.
_BD_LNG_OFFSET = 0.0065
_BD_LAT_OFFSET = 0.006


def gcj02_to_bd09(lat: float, lng: float) -> Point:
    """百度's shift: a small rotation and stretch about the origin, then a fixed offset."""
    radius = math.sqrt(lng * lng + lat * lat) + 0.00002 * math.sin(lat * _BD_X_PI)
    angle = math.atan2(lat, lng) + 0.000003 * math.cos(lng * _BD_X_PI)
    return Point(
        radius * math.sin(angle) + _BD_LAT_OFFSET, radius * math.cos(angle) + _BD_LNG_OFFSET
    )


def bd09_to_gcj02(lat: float, lng: float) -> Point:
    """The published one-step inverse: back within about ten centimetres, far below what a map
    link needs."""
    x, y = lng - _BD_LNG_OFFSET, lat - _BD_LAT_OFFSET
    radius = math.sqrt(x * x + y * y) - 0.00002 * math.sin(y * _BD_X_PI)
    angle = math.atan2(y, x) - 0.000003 * math.cos(x * _BD_X_PI)
    return Point(radius * math.sin(angle), radius * math.cos(angle))


def wgs84_to_bd09(lat: float, lng: float) -> Point:
    shifted = wgs84_to_gcj02(lat, lng)
    return gcj02_to_bd09(shifted.lat, shifted.lng)


def to_display(lat: float, lng: float, system: str) -> Point:
    """A stored WGS-84 point as the map's tiles expect it."""
    return wgs84_to_gcj02(lat, lng) if system == GCJ02 else Point(lat, lng)


def from_display(lat: float, lng: float, system: str) -> Point:
    """A point picked on the map, back in WGS-84."""
    return gcj02_to_wgs84(lat, lng) if system == GCJ02 else Point(lat, lng)
