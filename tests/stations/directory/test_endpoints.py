"""/stations/nearby.json and /stations/map.geojson: shapes, filters, coordinates, bad parameters
(always HTTP 400 with a JSON message, never a 500) and the GeoJSON cache."""

import gzip
import json

import pytest

from stations.coords import wgs84_to_gcj02
from stations.directory.mapdata import map_version
from stations.models import StationPage
from tests.factories.stations import StationIndexPageFactory, station_at, three_stations
from tests.queries import captured_queries
from tests.shared_data import shared_fixture

pytestmark = pytest.mark.django_db

LAT, LNG = 23.13, 113.33


@shared_fixture
def stations(site):
    near, east, yuexiu = three_stations(
        site,
        shipai=(23.1309, LNG),  # 0.0009° north of the origin: 100.08 m
        liede=(LAT, 113.34),  # 0.01° east: 1,022.57 m
        beijing=(23.1423456789, LNG),  # 0.0123456789° north, in 越秀区: 1,372.77 m
    )
    return {"near": near, "east": east, "yuexiu": yuexiu}


def nearby(client, **params):
    return client.get("/stations/nearby.json", params)


def geojson(client, **params):
    return client.get("/stations/map.geojson", params)


def test_nearby_json_lists_the_nearest_with_distance_type_and_standard(client, stations):
    response = nearby(client, lat=LAT, lng=LNG, limit=2)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "private" in response["Cache-Control"]
    body = response.json()
    assert body["crs"] == "wgs84"
    assert body["origin"] == {"lat": LAT, "lng": LNG}
    assert body["count"] == 2
    first, second = body["results"]
    assert first == {
        "id": stations["near"].pk,
        "title": "石牌街学雷锋志愿服务站",
        "url": f"http://testserver{stations['near'].url}",
        "lat": 23.1309,
        "lng": LNG,
        "distance_m": 100,
        "distance": "100 米",
        "type": stations["near"].station_type.name,
        "meets_standard": True,
        "district": "天河区",
        "street": "石牌街",
        "address": stations["near"].address,
    }
    assert (second["title"], second["distance_m"], second["meets_standard"]) == (
        "猎德街社工站",
        1023,
        False,
    )
    assert second["type"] == "社工站"
    # Chinese as UTF-8, not \\u escapes.
    assert "石牌街学雷锋志愿服务站".encode() in response.content


def test_nearby_json_default_limit_is_ten(client, site):
    index, areas = site
    for n in range(12):
        station_at(index, lat=LAT + n / 1000, lng=LNG, street=areas["shipai"])
    assert nearby(client, lat=LAT, lng=LNG).json()["count"] == 10
    assert nearby(client, lat=LAT, lng=LNG, limit=100).json()["count"] == 12


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"type": "social"}, ["猎德街社工站", "北京街社工站"]),
        ({"district": "yuexiu"}, ["北京街社工站"]),
        ({"meets_standard": "1"}, ["石牌街学雷锋志愿服务站", "北京街社工站"]),
        ({"meets_standard": "0"}, ["石牌街学雷锋志愿服务站", "猎德街社工站", "北京街社工站"]),
        ({"type": "social", "district": "tianhe"}, ["猎德街社工站"]),
    ],
)
def test_nearby_json_filters(client, site, stations, params, expected):
    _index, areas = site
    for name, value in list(params.items()):
        if name == "type":
            params[name] = stations["east"].station_type_id
        elif name == "district":
            params[name] = areas[value].pk
    body = nearby(client, lat=LAT, lng=LNG, **params).json()
    assert [r["title"] for r in body["results"]] == expected


def test_a_point_from_a_gcj02_map_is_shifted_back_before_measuring(client, stations):
    shown = wgs84_to_gcj02(23.1309, LNG)  # where the station is drawn on 高德 or 腾讯 tiles
    body = nearby(client, lat=shown.lat, lng=shown.lng, crs="gcj02", limit=1).json()
    assert body["results"][0]["title"] == "石牌街学雷锋志愿服务站"
    assert body["results"][0]["distance_m"] == 0
    # Read as WGS-84 the same numbers are a few hundred metres off.
    body = nearby(client, lat=shown.lat, lng=shown.lng, limit=1).json()
    assert body["results"][0]["distance_m"] > 100


def test_coordinates_go_out_in_the_tiles_system(client, stations, settings):
    settings.MAP_TILES = {**settings.MAP_TILES, "coordinates": "gcj02"}
    body = nearby(client, lat=LAT, lng=LNG, limit=1).json()
    assert body["crs"] == "gcj02"
    shifted = wgs84_to_gcj02(23.1309, LNG)
    assert body["results"][0]["lat"] == round(shifted.lat, 6)
    assert body["results"][0]["lng"] == round(shifted.lng, 6)
    origin = wgs84_to_gcj02(LAT, LNG)
    assert body["origin"] == {"lat": round(origin.lat, 6), "lng": round(origin.lng, 6)}
    # The distance is measured in WGS-84 whatever the tiles.
    assert body["results"][0]["distance_m"] == 100

    collection = geojson(client).json()
    assert collection["crs"] == "gcj02"
    feature = next(f for f in collection["features"] if f["id"] == stations["near"].pk)
    assert feature["geometry"]["coordinates"] == [round(shifted.lng, 6), round(shifted.lat, 6)]


BAD_NEARBY = [
    ({}, "lat"),
    ({"lng": "113.33"}, "lat"),
    ({"lat": "23.13"}, "lng"),
    ({"lat": "", "lng": "113.33"}, "lat"),
    ({"lat": "abc", "lng": "113.33"}, "lat"),
    ({"lat": "23,13", "lng": "113.33"}, "lat"),
    ({"lat": "nan", "lng": "113.33"}, "lat"),
    ({"lat": "inf", "lng": "113.33"}, "lat"),
    ({"lat": "1e999", "lng": "113.33"}, "lat"),
    ({"lat": "0x17", "lng": "113.33"}, "lat"),
    ({"lat": "1_0", "lng": "113.33"}, "lat"),
    ({"lat": "90.0001", "lng": "113.33"}, "lat"),
    ({"lat": "-91", "lng": "113.33"}, "lat"),
    ({"lat": "23.13", "lng": "180.5"}, "lng"),
    ({"lat": "23.13", "lng": "-181"}, "lng"),
    ({"lat": "23.13", "lng": "NaN"}, "lng"),
    ({"lat": "23.13", "lng": "113.33", "limit": "0"}, "limit"),
    ({"lat": "23.13", "lng": "113.33", "limit": "101"}, "limit"),
    ({"lat": "23.13", "lng": "113.33", "limit": "-5"}, "limit"),
    ({"lat": "23.13", "lng": "113.33", "limit": "2.5"}, "limit"),
    ({"lat": "23.13", "lng": "113.33", "limit": "ten"}, "limit"),
    ({"lat": "23.13", "lng": "113.33", "limit": "99999999999999999999"}, "limit"),
    ({"lat": "23.13", "lng": "113.33", "type": "abc"}, "type"),
    ({"lat": "23.13", "lng": "113.33", "type": "99999"}, "type"),
    ({"lat": "23.13", "lng": "113.33", "type": "99999999999999999999999999"}, "type"),
    ({"lat": "23.13", "lng": "113.33", "district": "x"}, "district"),
    ({"lat": "23.13", "lng": "113.33", "district": "99999"}, "district"),
    ({"lat": "23.13", "lng": "113.33", "district": "street"}, "district"),
    ({"lat": "23.13", "lng": "113.33", "street": "district"}, "street"),
    ({"lat": "23.13", "lng": "113.33", "meets_standard": "2"}, "meets_standard"),
    ({"lat": "23.13", "lng": "113.33", "meets_standard": "true"}, "meets_standard"),
    ({"lat": "23.13", "lng": "113.33", "crs": "bd09"}, "crs"),
]


def resolve(params, areas):
    """Put real ids where a case names the wrong kind of area."""
    resolved = dict(params)
    if resolved.get("district") == "street":
        resolved["district"] = areas["shipai"].pk
    if resolved.get("street") == "district":
        resolved["street"] = areas["tianhe"].pk
    return resolved


@pytest.mark.parametrize("params, name", BAD_NEARBY)
def test_nearby_json_rejects_bad_parameters_with_400(client, site, stations, params, name):
    _index, areas = site
    response = nearby(client, **resolve(params, areas))
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "no-store"
    body = response.json()
    assert list(body) == ["error"]
    assert f"参数 {name}" in body["error"]


def test_the_error_says_what_was_wrong(client, stations):
    assert nearby(client).json() == {"error": "缺少参数 lat（纬度）。"}
    assert nearby(client, lat="abc", lng="1").json() == {
        "error": "参数 lat（纬度）必须是数字，收到的是“abc”。"
    }
    assert nearby(client, lat="95", lng="1").json() == {
        "error": "参数 lat（纬度）必须在 -90 到 90 之间，收到的是 95。"
    }
    assert nearby(client, lat="23", lng="113", limit="500").json() == {
        "error": "参数 limit（数量）必须是 1 到 100 之间的整数，收到的是“500”。"
    }
    assert nearby(client, lat="23", lng="113", type="99999").json() == {
        "error": "没有编号为 99999 的站点类型（参数 type）。"
    }
    long = "x" * 500
    assert len(nearby(client, lat=long, lng="1").json()["error"]) < 100


def test_geojson_is_a_feature_collection_with_compact_properties(client, stations):
    response = geojson(client)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    collection = response.json()
    assert collection["type"] == "FeatureCollection"
    assert collection["crs"] == "wgs84"
    features = {f["id"]: f for f in collection["features"]}
    assert set(features) == {s.pk for s in stations.values()}
    yuexiu = features[stations["yuexiu"].pk]
    assert yuexiu == {
        "type": "Feature",
        "id": stations["yuexiu"].pk,
        # [lng, lat], rounded to six decimals (about 10 cm)
        "geometry": {"type": "Point", "coordinates": [LNG, 23.142346]},
        "properties": {
            "title": "北京街社工站",
            "url": stations["yuexiu"].url,
            "type": "社工站",
            "meets_standard": True,
        },
    }
    # Compact: no spaces between tokens.
    assert b'{"type":"FeatureCollection"' in response.content


def test_geojson_filters_and_bbox(client, site, stations):
    _index, areas = site

    def ids(**params):
        return {f["id"] for f in geojson(client, **params).json()["features"]}

    assert ids(district=areas["yuexiu"].pk) == {stations["yuexiu"].pk}
    assert ids(street=areas["liede"].pk) == {stations["east"].pk}
    assert ids(type=stations["east"].station_type_id) == {
        stations["east"].pk,
        stations["yuexiu"].pk,
    }
    assert ids(meets_standard="1") == {stations["near"].pk, stations["yuexiu"].pk}
    # A box around the two stations east and north of the origin, but not the far north one.
    assert ids(bbox="113.32,23.125,113.345,23.135") == {stations["near"].pk, stations["east"].pk}
    assert ids(bbox="113.32,23.125,113.345,23.135", meets_standard="1") == {stations["near"].pk}
    assert ids(bbox="100,10,101,11") == set()


def test_a_bbox_drawn_on_gcj02_tiles_is_shifted_back(client, stations):
    # The station as shown on GCJ-02 tiles, with a box of a few metres around it.
    shown = wgs84_to_gcj02(23.1309, LNG)
    box = f"{shown.lng - 0.0001},{shown.lat - 0.0001},{shown.lng + 0.0001},{shown.lat + 0.0001}"
    features = geojson(client, bbox=box, crs="gcj02").json()["features"]
    assert [f["id"] for f in features] == [stations["near"].pk]
    assert geojson(client, bbox=box).json()["features"] == []


BAD_GEOJSON = [
    ({"bbox": "1,2,3"}, "bbox"),
    ({"bbox": "1,2,3,4,5"}, "bbox"),
    ({"bbox": "a,b,c,d"}, "bbox"),
    ({"bbox": "113,23,nan,24"}, "bbox"),
    ({"bbox": "113,23,inf,24"}, "bbox"),
    ({"bbox": "114,23,113,24"}, "bbox"),
    ({"bbox": "113,24,114,23"}, "bbox"),
    ({"bbox": "113,23,113,24"}, "bbox"),
    ({"bbox": "-181,23,114,24"}, "bbox"),
    ({"bbox": "113,-91,114,24"}, "bbox"),
    ({"bbox": "113,23,114,24", "crs": "gcj-02"}, "crs"),
    ({"type": "abc"}, "type"),
    ({"district": "99999"}, "district"),
    ({"street": "1.5"}, "street"),
    ({"meets_standard": "yes"}, "meets_standard"),
]


@pytest.mark.parametrize("params, name", BAD_GEOJSON)
def test_geojson_rejects_bad_parameters_with_400(client, stations, params, name):
    response = geojson(client, **params)
    assert response.status_code == 400
    assert f"参数 {name}" in response.json()["error"]


def test_unknown_directories_are_not_found(client, stations):
    assert client.get("/nowhere/nearby.json", {"lat": 1, "lng": 1}).status_code == 404
    assert client.get("/nowhere/map.geojson").status_code == 404


def test_geojson_is_cached_until_a_station_changes(client, site, stations):
    index, areas = site
    first = geojson(client)
    with captured_queries() as captured:
        again = geojson(client)
    assert again.content == first.content
    assert not any("stations_stationpage" in q["sql"] for q in captured.captured_queries)

    def titles():
        return {f["properties"]["title"] for f in geojson(client).json()["features"]}

    # Published: on the map at once.
    added = station_at(index, lat=23.14, lng=LNG, street=areas["shipai"], title="新站点")
    added.save_revision().publish()
    assert "新站点" in titles()
    # Renamed and republished.
    added.title = "改名的站点"
    added.save_revision().publish()
    assert "改名的站点" in titles() and "新站点" not in titles()
    # Unpublished.
    added.unpublish()
    assert "改名的站点" not in titles()
    # Deleted.
    stations["east"].delete()
    assert "猎德街社工站" not in titles()


def test_moving_a_station_out_of_the_directory_takes_it_off_its_map(client, site, stations):
    index, _areas = site
    other = StationIndexPageFactory(parent=index.get_parent(), slug="archive", title="旧站点")
    geojson(client)
    version = map_version()
    StationPage.objects.get(pk=stations["east"].pk).move(other, pos="last-child")
    assert map_version() != version
    ids = {f["id"] for f in geojson(client).json()["features"]}
    assert stations["east"].pk not in ids


def test_geojson_is_gzipped_for_browsers_and_revalidated_with_its_etag(client, stations):
    plain = geojson(client)
    packed = client.get("/stations/map.geojson", headers={"accept-encoding": "gzip, br"})
    assert packed["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.content) == plain.content
    assert "Accept-Encoding" in packed["Vary"]
    assert "public" in packed["Cache-Control"] and "max-age=60" in packed["Cache-Control"]

    etag = plain["ETag"]
    assert etag.startswith('W/"')
    with captured_queries() as captured:
        unchanged = client.get("/stations/map.geojson", headers={"if-none-match": etag})
    assert unchanged.status_code == 304 and unchanged.content == b""
    assert not any("stations_stationpage" in q["sql"] for q in captured.captured_queries)
    # Another filter is another body.
    assert geojson(client, meets_standard="1")["ETag"] != etag


def test_geojson_stays_small(client, site):
    # The target is 300 KB gzipped at 10,000 stations; the benchmark measures that. Here: the
    # bytes per station, which must stay under 30 gzipped for the target to hold.
    index, areas = site
    for n in range(60):
        station_at(
            index,
            lat=23.1 + n * 0.00123457,
            lng=113.3 + n * 0.00234567,
            street=areas["shipai"],
            title=f"石牌街学雷锋志愿服务站{n}号",
            slug=f"shipai-{n}",
        )
    raw = geojson(client).content
    assert len(json.loads(raw)["features"]) == 60
    assert len(gzip.compress(raw)) / 60 < 30
