"""Nearest stations: order and distances against values worked out by hand, and exactness."""

import random

import pytest
from haversine import Unit, inverse_haversine
from wagtail.models import PageViewRestriction

from home.base import cache_versions
from stations.coords import distance_m
from stations.directory import nearby
from stations.directory.nearby import (
    INITIAL_HALF_SIZE_DEG,
    box_around,
    format_distance,
    public_stations,
    stations_near,
)
from tests.factories.stations import StationTypeFactory, station_at
from tests.queries import captured_queries
from tests.shared_data import shared_fixture

pytestmark = pytest.mark.django_db

# The origin, near 石牌街 in Guangzhou.
LAT, LNG = 23.13, 113.33
# One degree of latitude is 6,371,008.8 m × π / 180 = 111,195.08 m on the mean sphere, and a degree
# of longitude at 23.13° N is that × cos(23.13°) = 111,195.08 × 0.919619 = 102,256.77 m.
M_PER_DEG_LAT = 111_195.08
M_PER_DEG_LNG = 102_256.77


@shared_fixture
def hand_stations(site):
    index, areas = site
    return {
        # 0.0009° north: 0.0009 × 111,195.08 = 100.08 m
        "north": station_at(index, lat=23.1309, lng=LNG, street=areas["shipai"], title="北边"),
        # 0.01° east: 0.01 × 102,256.77 = 1,022.57 m
        "east": station_at(index, lat=LAT, lng=113.34, street=areas["liede"], title="东边"),
        # 0.018° north: 0.018 × 111,195.08 = 2,001.51 m
        "far_north": station_at(
            index, lat=23.148, lng=LNG, street=areas["shipai"], title="北边更远"
        ),
        # Beijing, about 1,888 km away
        "beijing": station_at(
            index, lat=39.9042, lng=116.4074, street=areas["beijing"], title="北京"
        ),
    }


def titles(hits):
    return [hit.station.title for hit in hits]


def test_nearest_first_with_distances_worked_out_by_hand(hand_stations):
    hits = stations_near(lat=LAT, lng=LNG, limit=3)
    assert titles(hits) == ["北边", "东边", "北边更远"]
    expected = [0.0009 * M_PER_DEG_LAT, 0.01 * M_PER_DEG_LNG, 0.018 * M_PER_DEG_LAT]
    assert [round(e, 2) for e in expected] == [100.08, 1022.57, 2001.51]
    for hit, metres in zip(hits, expected, strict=True):
        # Within 5 cm: at these distances the sphere is flat to far better than that.
        assert hit.distance_m == pytest.approx(metres, abs=0.05)


def test_the_far_station_is_found_by_growing_the_box(hand_stations):
    hits = stations_near(lat=LAT, lng=LNG, limit=10)
    assert titles(hits) == ["北边", "东边", "北边更远", "北京"]
    assert hits[-1].distance_m == pytest.approx(1_887_537, abs=1000)
    assert hits[-1].distance_m == pytest.approx(distance_m(LAT, LNG, 39.9042, 116.4074))


def test_limit_is_respected(hand_stations):
    assert titles(stations_near(lat=LAT, lng=LNG, limit=1)) == ["北边"]
    assert stations_near(lat=LAT, lng=LNG, limit=0) == []


def test_a_nearer_station_just_outside_the_first_box_beats_one_in_its_corner(site):
    index, areas = site
    step = INITIAL_HALF_SIZE_DEG
    # Inside the first box, in its corner: √(1,100.8² + 1,012.4²) ≈ 1,495.5 m away.
    station_at(
        index, lat=LAT + 0.99 * step, lng=LNG + 0.99 * step, street=areas["shipai"], title="角"
    )
    # Outside it, straight north: 1.05 × 0.01 × 111,195.08 = 1,167.55 m away.
    station_at(index, lat=LAT + 1.05 * step, lng=LNG, street=areas["shipai"], title="正北")
    hits = stations_near(lat=LAT, lng=LNG, limit=1)
    assert titles(hits) == ["正北"]
    assert hits[0].distance_m == pytest.approx(1.05 * step * M_PER_DEG_LAT, abs=0.05)


def test_filters_type_district_and_standard(site):
    index, areas = site
    social = StationTypeFactory(name="社工站")
    station_at(index, lat=23.1301, lng=LNG, street=areas["shipai"], title="天河 未达标")
    station_at(
        index,
        lat=23.1302,
        lng=LNG,
        street=areas["shipai"],
        title="天河 社工站 达标",
        station_type=social,
        meets_standard=True,
    )
    station_at(
        index, lat=23.1303, lng=LNG, street=areas["beijing"], title="越秀 达标", meets_standard=True
    )

    def near(**filters):
        return titles(stations_near(lat=LAT, lng=LNG, limit=10, **filters))

    assert near() == ["天河 未达标", "天河 社工站 达标", "越秀 达标"]
    assert near(station_type=social) == ["天河 社工站 达标"]
    assert near(district=areas["yuexiu"]) == ["越秀 达标"]
    assert near(district=areas["tianhe"].pk) == ["天河 未达标", "天河 社工站 达标"]
    assert near(meets_standard=True) == ["天河 社工站 达标", "越秀 达标"]
    assert near(meets_standard=True, district=areas["tianhe"]) == ["天河 社工站 达标"]


def test_only_published_public_stations(site, hand_stations):
    index, _areas = site
    hand_stations["north"].unpublish()
    PageViewRestriction.objects.create(
        page=hand_stations["east"], restriction_type=PageViewRestriction.LOGIN
    )
    assert titles(stations_near(lat=LAT, lng=LNG, limit=10)) == ["北边更远", "北京"]
    assert set(public_stations(index).values_list("title", flat=True)) == {"北边更远", "北京"}


def test_base_narrows_the_search(site, hand_stations):
    base = public_stations().exclude(title="北边")
    assert titles(stations_near(lat=LAT, lng=LNG, limit=2, base=base)) == ["东边", "北边更远"]


def test_agrees_with_sorting_every_station(site):
    """Whatever the spread, the answer equals the brute-force one (same order, same distances)."""
    index, areas = site
    rnd = random.Random(7)
    stations = [
        station_at(
            index,
            lat=LAT + rnd.gauss(0, 0.03),
            lng=LNG + rnd.gauss(0, 0.03),
            street=areas["shipai"],
            title=f"站{n}",
        )
        for n in range(40)
    ]
    for _ in range(25):
        lat, lng = LAT + rnd.uniform(-0.1, 0.1), LNG + rnd.uniform(-0.1, 0.1)
        limit = rnd.choice([1, 3, 10, 40, 100])
        everything = sorted((distance_m(lat, lng, s.latitude, s.longitude), s.pk) for s in stations)
        expected = everything[:limit]
        hits = stations_near(lat=lat, lng=lng, limit=limit)
        assert [hit.station.pk for hit in hits] == [pk for _d, pk in expected]
        for hit, (metres, _pk) in zip(hits, expected, strict=True):
            assert hit.distance_m == pytest.approx(metres, abs=1e-6)


def test_winners_come_with_type_district_and_street_in_the_search_queries(site, hand_stations):
    with captured_queries() as captured, cache_versions.request_scope():
        hits = stations_near(lat=LAT, lng=LNG, limit=4)
    # The cache versions (read once, as in a request), the view restrictions and site roots
    # (both cached afterwards), then boxes growing until four are found, the last reaching
    # Beijing: a bounded number, none per station.
    assert len(captured) <= 1 + 2 + (1 + nearby.MAX_GROWTH_STEPS + 1) + 1
    with captured_queries() as captured:
        shown = [
            (hit.station.type_name, hit.station.district_name, hit.station.street_name)
            for hit in hits
        ]
        urls = [hit.station.url for hit in hits]
    assert len(captured) == 0
    assert shown[0] == ("学雷锋志愿服务站", "天河区", "石牌街")
    assert urls[0].startswith("/stations/")


@pytest.mark.parametrize("radius", [50.0, 1_000.0, 25_000.0, 800_000.0])
def test_box_around_holds_the_whole_circle(radius):
    box = box_around(LAT, LNG, radius)
    for bearing in range(0, 360, 5):
        lat, lng = inverse_haversine(
            (LAT, LNG), radius, bearing * 3.141592653589793 / 180, unit=Unit.METERS
        )
        assert box.min_lat <= lat <= box.max_lat
        assert box.min_lng <= lng <= box.max_lng


@pytest.mark.parametrize(
    "metres, text",
    [
        (0, "10 米内"),
        (9.9, "10 米内"),
        (12, "10 米"),
        (849, "850 米"),
        (994, "990 米"),
        (995, "1.0 公里"),
        (3_240, "3.2 公里"),
        (9_949, "9.9 公里"),
        (9_950, "10 公里"),
        (12_400, "12 公里"),
        (1_887_537, "1888 公里"),
    ],
)
def test_format_distance(metres, text):
    assert format_distance(metres) == text
