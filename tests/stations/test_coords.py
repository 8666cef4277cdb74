"""WGS-84 ⇄ GCJ-02 and GCJ-02 ⇄ BD-09 against published reference values, and distances on the
sphere."""

import math

import pytest

from stations.coords import (
    GCJ02,
    WGS84,
    bd09_to_gcj02,
    distance_m,
    from_display,
    gcj02_to_bd09,
    gcj02_to_wgs84,
    to_display,
    wgs84_to_bd09,
    wgs84_to_gcj02,
)

# Tiananmen, as in wandergis/coordtransform's README and hutool's CoordinateUtilTest.
WGS_LNG, WGS_LAT = 116.404, 39.915
GCJ_LNG, GCJ_LAT = 116.41024449916938, 39.91640428150164
# That source's gcj02→wgs84 of (116.404, 39.915) with its one-step inverse (an approximation).
ONE_STEP_LNG, ONE_STEP_LAT = 116.39775550083061, 39.91359571849836


def test_wgs84_to_gcj02_matches_the_published_value_exactly():
    point = wgs84_to_gcj02(WGS_LAT, WGS_LNG)
    assert point.lng == GCJ_LNG
    assert point.lat == GCJ_LAT


def test_gcj02_to_wgs84_round_trips_within_a_millionth_of_a_degree():
    back = gcj02_to_wgs84(GCJ_LAT, GCJ_LNG)
    assert abs(back.lat - WGS_LAT) < 1e-6
    assert abs(back.lng - WGS_LNG) < 1e-6


def test_iterative_inverse_is_closer_than_the_one_step_inverse():
    ours = gcj02_to_wgs84(WGS_LAT, WGS_LNG)
    # Same answer as the published one to within the one-step method's own error...
    assert abs(ours.lng - ONE_STEP_LNG) < 1e-6
    assert abs(ours.lat - ONE_STEP_LAT) < 1e-6

    # ...but shifting it forward again lands on the starting point, which the one-step doesn't.
    def miss(lat, lng):
        forward = wgs84_to_gcj02(lat, lng)
        return math.hypot(forward.lat - WGS_LAT, forward.lng - WGS_LNG)

    assert miss(ours.lat, ours.lng) < 1e-9
    assert miss(ONE_STEP_LAT, ONE_STEP_LNG) > 1e-7


@pytest.mark.parametrize(
    "lat, lng",
    [(23.1291, 113.2644), (22.5431, 114.0579), (31.2304, 121.4737), (43.8256, 87.6168)],
)
def test_round_trip_across_china(lat, lng):
    shifted = wgs84_to_gcj02(lat, lng)
    # The offset is a few hundred metres, never nothing inside China...
    assert 10 < distance_m(lat, lng, shifted.lat, shifted.lng) < 1000
    back = gcj02_to_wgs84(shifted.lat, shifted.lng)
    assert abs(back.lat - lat) < 1e-6 and abs(back.lng - lng) < 1e-6


def test_points_outside_china_are_not_shifted():
    london = wgs84_to_gcj02(51.5074, -0.1278)
    assert (london.lat, london.lng) == (51.5074, -0.1278)
    assert gcj02_to_wgs84(51.5074, -0.1278) == london


def test_display_helpers_follow_the_tiles_system():
    assert to_display(WGS_LAT, WGS_LNG, WGS84) == from_display(WGS_LAT, WGS_LNG, WGS84)
    assert to_display(WGS_LAT, WGS_LNG, GCJ02) == wgs84_to_gcj02(WGS_LAT, WGS_LNG)
    back = from_display(GCJ_LAT, GCJ_LNG, GCJ02)
    assert abs(back.lat - WGS_LAT) < 1e-6 and abs(back.lng - WGS_LNG) < 1e-6


def test_distance_of_a_degree_of_latitude():
    # 6,371,008.8 m (mean radius) × π / 180 = 111,195.08 m.
    assert distance_m(23.0, 113.0, 24.0, 113.0) == pytest.approx(111_195.08, abs=0.01)


# GCJ-02 ⇄ BD-09 (百度) for the 导航 links, against the same published values: (116.404, 39.915)
# read as GCJ-02 and as BD-09, in wandergis/coordtransform's README and hutool's
# CoordinateUtilTest; and that point read as WGS-84, shifted through GCJ-02 (geocraft's README).
BD_OF_GCJ_LNG, BD_OF_GCJ_LAT = 116.41036949371029, 39.92133699351021
GCJ_OF_BD_LNG, GCJ_OF_BD_LAT = 116.39762729119315, 39.90865673957631
BD_OF_WGS_LNG, BD_OF_WGS_LAT = 116.41662724378733, 39.922699552216216


def test_gcj02_to_bd09_matches_the_published_value_exactly():
    point = gcj02_to_bd09(WGS_LAT, WGS_LNG)
    assert (point.lng, point.lat) == (BD_OF_GCJ_LNG, BD_OF_GCJ_LAT)


def test_bd09_to_gcj02_matches_the_published_value_exactly():
    point = bd09_to_gcj02(WGS_LAT, WGS_LNG)
    assert (point.lng, point.lat) == (GCJ_OF_BD_LNG, GCJ_OF_BD_LAT)


def test_wgs84_to_bd09_goes_through_gcj02():
    point = wgs84_to_bd09(WGS_LAT, WGS_LNG)
    assert (point.lng, point.lat) == (BD_OF_WGS_LNG, BD_OF_WGS_LAT)


@pytest.mark.parametrize(
    "lat, lng",
    [(23.1291, 113.2644), (22.5431, 114.0579), (31.2304, 121.4737), (45.7500, 126.6300)],
)
def test_bd09_shift_is_under_a_kilometre_and_comes_back_within_a_decimetre(lat, lng):
    shifted = gcj02_to_bd09(lat, lng)
    # 百度's points sit roughly 0.0065° east and 0.006° north of GCJ-02's: 800–1000 m.
    assert 700 < distance_m(lat, lng, shifted.lat, shifted.lng) < 1100
    back = bd09_to_gcj02(shifted.lat, shifted.lng)
    assert distance_m(lat, lng, back.lat, back.lng) < 0.15
