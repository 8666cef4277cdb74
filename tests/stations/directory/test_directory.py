"""The /stations/ page without JavaScript: filters, nearest first, bad input, and its SQL cost."""

import json
import re

import pytest

from stations.coords import wgs84_to_gcj02
from stations.directory.listing import PER_PAGE
from stations.models import Area, AreaLevel
from tests.factories.stations import AreaFactory, StationTypeFactory, station_at, three_stations
from tests.queries import captured_queries
from tests.shared_data import shared_fixture

pytestmark = pytest.mark.django_db


@shared_fixture
def stations(site):
    shipai, liede, beijing = three_stations(
        site, shipai=(23.1349, 113.3420), liede=(23.1198, 113.3330), beijing=(23.1250, 113.2700)
    )
    return {"shipai": shipai, "liede": liede, "beijing": beijing}


def listed(response):
    return [item.station.title for item in response.context["directory"].page.object_list]


def distances(response):
    return [item.distance for item in response.context["directory"].page.object_list]


def messages(response):
    return response.context["directory"].messages


def test_lists_every_station_with_type_place_and_badge(client, site, stations):
    index, _areas = site
    response = client.get(index.url)
    assert response.status_code == 200
    assert set(listed(response)) == {
        "石牌街学雷锋志愿服务站",
        "猎德街社工站",
        "北京街社工站",
    }
    html = response.content.decode()
    assert "共 3 个站点" in html
    assert "天河区 · 石牌街" in html and "越秀区 · 北京街" in html
    assert html.count('class="tag tag--ok"') == 2 and html.count('class="tag tag--warn"') == 1
    assert f'href="{stations["shipai"].url}"' in html


def test_works_without_javascript_and_loads_nothing_from_elsewhere(client, site, stations):
    index, _areas = site
    html = client.get(index.url).content.decode()
    # A plain GET form with every filter and the list of streets and communities.
    assert re.search(r'<form id="station-filters"[^>]*method="get"', html)
    for name in ("district", "street", "type", "meets_standard", "near"):
        assert f'name="{name}"' in html
    assert "石牌街 · 龙口西社区" in html or "石牌街" in html
    # The map, its hint and the location button keep their room from the first paint (no layout
    # shift when the script draws them); without the script the noscript stylesheet hides them.
    assert '<noscript><link rel="stylesheet" href="/static/stations/css/map-noscript.css">' in html
    assert re.search(r'<div class="station-directory__map js-only">\s*<div id="station-map"', html)
    assert re.search(r'<button[^>]*class="station-locate js-only"[^>]*id="station-locate"', html)
    assert re.search(r'<p class="hint js-only" id="station-map-hint"', html)
    # Every script and stylesheet is served by the site itself.
    sources = re.findall(r'<script[^>]+src="([^"]+)"', html) + re.findall(
        r'<link rel="stylesheet"[^>]+href="([^"]+)"', html
    )
    assert sources and all(src.startswith("/static/") for src in sources)
    assert "unpkg" not in html and "cdn" not in html.lower()


def test_map_config_holds_tiles_view_and_the_filtered_geojson_url(client, site, stations):
    index, areas = site
    response = client.get(index.url, {"district": areas["tianhe"].pk, "meets_standard": "1"})
    html = response.content.decode()
    config = json.loads(
        re.search(r'<script id="station-map-config"[^>]*>(.*?)</script>', html, re.S).group(1)
    )
    assert config["crs"] == "wgs84"
    assert config["tiles"]["url"].startswith("https://")
    assert config["defaultView"] == {"lat": 23.1291, "lng": 113.2644, "zoom": 10}
    assert config["geojsonUrl"] == (
        f"/stations/map.geojson?district={areas['tianhe'].pk}&meets_standard=1"
    )
    assert config["origin"] is None
    assert config["icons"]["marker"].startswith("/static/stations/vendor/leaflet/images/")


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"district": "tianhe"}, {"石牌街学雷锋志愿服务站", "猎德街社工站"}),
        ({"street": "beijing"}, {"北京街社工站"}),
        ({"type": "社工站"}, {"猎德街社工站", "北京街社工站"}),
        ({"meets_standard": "1"}, {"石牌街学雷锋志愿服务站", "北京街社工站"}),
        ({"meets_standard": "0"}, {"石牌街学雷锋志愿服务站", "猎德街社工站", "北京街社工站"}),
        ({"district": "tianhe", "type": "社工站"}, {"猎德街社工站"}),
        ({"district": "yuexiu", "meets_standard": "1"}, {"北京街社工站"}),
    ],
)
def test_filters_narrow_the_list(client, site, stations, params, expected):
    index, areas = site
    resolved = {}
    for name, value in params.items():
        if name in ("district", "street"):
            value = areas[value].pk
        elif name == "type":
            value = stations["liede"].station_type_id
        resolved[name] = value
    response = client.get(index.url, resolved)
    assert set(listed(response)) == expected
    assert messages(response) == []


def test_choosing_a_community_lists_the_nearest_first_with_distances(client, site, stations):
    index, areas = site
    response = client.get(index.url, {"near": areas["longkou"].pk})
    # 龙口西社区's centre (23.1380, 113.3400) is 0.0031° N and 0.0020° W of the 石牌街 station:
    # √(344.7² + 204.5²) = 400.8 m; 猎德街 2.0 km; 北京街 7.3 km.
    assert listed(response) == ["石牌街学雷锋志愿服务站", "猎德街社工站", "北京街社工站"]
    assert distances(response) == ["400 米", "2.1 公里", "7.3 公里"]
    html = response.content.decode()
    assert "离“石牌街 · 龙口西社区”最近的站点" in html
    assert '<span class="station-item__distance">400 米</span>' in html


def test_a_long_list_holds_the_nearest_hundred(client, site, stations, monkeypatch):
    # With more matching stations than the list holds, it searches outwards for the nearest.
    monkeypatch.setattr("stations.directory.listing.NEAREST_MAX", 2)
    index, areas = site
    response = client.get(index.url, {"near": areas["longkou"].pk})
    assert listed(response) == ["石牌街学雷锋志愿服务站", "猎德街社工站"]
    assert "符合条件的站点共 3 个，这里由近到远列出最近的 2 个。" in response.content.decode()


def test_communities_are_offered_under_their_street(client, site, stations):
    # From the first visit, not only once a street is chosen (more in test_picker.py).
    index, areas = site
    html = client.get(index.url).content.decode()
    assert re.search(rf'<option value="{areas["longkou"].pk}"[^>]*>石牌街 · 龙口西社区<', html)


def test_a_point_sorts_the_list_and_keeps_the_filters(client, site, stations):
    index, areas = site
    response = client.get(
        index.url, {"lat": "23.1250", "lng": "113.2700", "type": stations["liede"].station_type_id}
    )
    assert listed(response) == ["北京街社工站", "猎德街社工站"]
    assert distances(response)[0] == "10 米内"
    directory = response.context["directory"]
    assert directory.origin.source == "point"
    html = response.content.decode()
    # The point rides along when the filters change, and can be dropped.
    assert 'type="hidden" name="lat" value="23.1250"' in html
    assert f'href="/stations/?type={stations["liede"].station_type_id}"' in html


def test_a_point_picked_on_gcj02_tiles_is_shifted_back(client, site, stations, settings):
    index, _areas = site
    settings.MAP_TILES = {**settings.MAP_TILES, "coordinates": "gcj02"}
    shown = wgs84_to_gcj02(23.1250, 113.2700)  # where the 北京街 marker is drawn on such tiles
    response = client.get(index.url, {"lat": shown.lat, "lng": shown.lng, "crs": "gcj02"})
    assert listed(response)[0] == "北京街社工站"
    assert distances(response)[0] == "10 米内"
    config = response.context["directory"].map_config
    assert config["crs"] == "gcj02"
    # Everything the map is sent is in the tiles' system.
    assert config["origin"]["lat"] == pytest.approx(shown.lat, abs=1e-6)
    assert config["listed"][0] == {"lat": round(shown.lat, 6), "lng": round(shown.lng, 6)}
    default = wgs84_to_gcj02(23.1291, 113.2644)
    assert config["defaultView"]["lat"] == round(default.lat, 6)


@pytest.mark.parametrize(
    "params, message",
    [
        ({"district": "abc"}, "没有这个区，请从列表中选择。"),
        ({"district": "99999"}, "没有这个区，请从列表中选择。"),
        ({"street": "-1"}, "没有这个街道（镇），请从列表中选择。"),
        ({"type": "1e5"}, "没有这个站点类型，请从列表中选择。"),
        ({"meets_standard": "yes"}, "“只看达标站点”只能是 0 或 1。"),
    ],
)
def test_a_bad_filter_empties_the_list_with_a_message(client, site, stations, params, message):
    index, _areas = site
    response = client.get(index.url, params)
    assert response.status_code == 200
    assert messages(response) == [message]
    assert listed(response) == []
    html = response.content.decode()
    assert message in html and "没有符合条件的站点" in html


def test_a_street_outside_the_district_explains_why_nothing_matches(client, site, stations):
    index, areas = site
    response = client.get(index.url, {"district": areas["yuexiu"].pk, "street": areas["shipai"].pk})
    assert messages(response) == ["“石牌街”不在“越秀区”，没有同时符合两个条件的站点。"]
    assert listed(response) == []


@pytest.mark.parametrize(
    "params, message",
    [
        ({"lat": "abc", "lng": "113.3"}, "位置的纬度不是数字"),
        ({"lat": "nan", "lng": "113.3"}, "位置的纬度不是数字"),
        ({"lat": "91", "lng": "113.3"}, "位置的纬度应在 -90 到 90 之间"),
        ({"lat": "23.1", "lng": "181"}, "位置的经度应在 -180 到 180 之间"),
        ({"lat": "23.1"}, "位置不完整"),
        ({"lat": "23.1", "lng": "113.3", "crs": "bd09"}, "不认识这个坐标系"),
        ({"near": "abc"}, "没有这个街道或社区"),
        ({"near": "99999999999999999999999"}, "没有这个街道或社区"),
    ],
)
def test_a_bad_location_keeps_the_list_unsorted_with_a_message(
    client, site, stations, params, message
):
    index, _areas = site
    response = client.get(index.url, params)
    assert response.status_code == 200
    assert len(messages(response)) == 1 and messages(response)[0].startswith(message)
    assert len(listed(response)) == 3
    assert response.context["directory"].origin is None
    assert distances(response) == ["", "", ""]


def test_a_district_is_not_a_place_to_measure_from(client, site, stations):
    index, areas = site
    response = client.get(index.url, {"near": areas["tianhe"].pk})
    assert messages(response) == ["没有这个街道或社区，请从列表中选择。"]
    assert len(listed(response)) == 3


def test_a_street_without_a_centre_asks_for_a_community(client, site, stations):
    index, areas = site
    bare = AreaFactory(name="无中心街", level=AreaLevel.STREET, parent=areas["tianhe"])
    AreaFactory(
        name="有中心社区",
        level=AreaLevel.COMMUNITY,
        parent=bare,
        latitude=23.13,
        longitude=113.33,
    )
    response = client.get(index.url, {"near": bare.pk})
    assert messages(response) == [
        "“无中心街”还没有登记中心位置，暂时无法按距离排序，请改选附近的街道或社区。"
    ]
    assert "无中心街 · 有中心社区" in response.content.decode()


def test_pages_keep_the_filters(client, site):
    index, areas = site
    for n in range(PER_PAGE + 5):
        station_at(index, lat=23.13 + n / 1000, lng=113.33, street=areas["shipai"])
    response = client.get(index.url, {"district": areas["tianhe"].pk})
    assert len(listed(response)) == PER_PAGE
    html = response.content.decode()
    assert f'href="?district={areas["tianhe"].pk}&amp;page=2"' in html
    assert len(listed(client.get(index.url, {"district": areas["tianhe"].pk, "page": 2}))) == 5
    # A page that is not a number, or past the end, is the first or the last page.
    assert len(listed(client.get(index.url, {"page": "abc"}))) == PER_PAGE
    assert len(listed(client.get(index.url, {"page": "99"}))) == 5


def test_nearest_list_pages_too(client, site):
    index, areas = site
    for n in range(PER_PAGE + 5):
        station_at(index, lat=23.13 + n / 1000, lng=113.33, street=areas["shipai"])
    first = client.get(index.url, {"lat": "23.13", "lng": "113.33"})
    second = client.get(index.url, {"lat": "23.13", "lng": "113.33", "page": 2})
    assert distances(first)[:3] == ["10 米内", "110 米", "220 米"]
    assert len(listed(second)) == 5
    assert distances(second)[-1] == "2.7 公里"


def test_drafts_are_not_listed(client, site, stations):
    index, _areas = site
    stations["liede"].unpublish()
    assert "猎德街社工站" not in listed(client.get(index.url))
    assert "猎德街社工站" not in listed(client.get(index.url, {"lat": "23.12", "lng": "113.33"}))


def count_queries(client, url, params):
    client.get(url, params)  # warm what Wagtail caches per process (site root paths)
    with captured_queries() as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "params",
    [{}, {"district": "tianhe"}, {"near": "longkou"}, {"lat": "23.13", "lng": "113.33"}],
    ids=["all", "district", "near", "point"],
)
def test_queries_do_not_grow_with_the_number_of_stations(client, site, params):
    index, areas = site
    params = {k: areas[v].pk if k in ("district", "near") else v for k, v in params.items()}
    kinds = [StationTypeFactory(name="社工站"), StationTypeFactory(name="学雷锋志愿服务站")]
    streets = [areas["shipai"], areas["liede"], areas["beijing"]]

    def add(count):
        for n in range(count):
            station_at(
                index,
                lat=23.10 + (n % 7) / 100,
                lng=113.30 + (n % 5) / 100,
                street=streets[n % 3],
                station_type=kinds[n % 2],
                meets_standard=n % 4 == 0,
            )

    add(3)
    few = count_queries(client, index.url, params)
    add(27)
    many = count_queries(client, index.url, params)
    assert few == many
    assert many <= 15


def test_areas_are_read_once(client, site, stations):
    # However many streets and communities there are, the selects cost the same queries.
    index, areas = site
    before = count_queries(client, index.url, {})
    for n in range(30):
        centre = {"latitude": 23.1, "longitude": 113.3}
        street = Area.objects.create(
            name=f"新街{n}", level=AreaLevel.STREET, parent=areas["tianhe"], **centre
        )
        Area.objects.create(name=f"新社区{n}", level=AreaLevel.COMMUNITY, parent=street, **centre)
    assert count_queries(client, index.url, {}) == before
