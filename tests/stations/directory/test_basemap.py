"""/stations/basemap.geojson: the simplified base the map draws when its tiles cannot load (the
districts' and streets' names at their centres), its coordinates, its cache and what the map's
scripts are told about it and about the tiles."""

import gzip
import json
import re

import pytest

from portal.csp import start_up_sources
from stations.coords import wgs84_to_gcj02
from stations.directory.mapdata import basemap_version, build_basemap
from stations.models import AreaLevel
from tests.factories.stations import AreaFactory
from tests.queries import captured_queries

pytestmark = pytest.mark.django_db

URL = "/stations/basemap.geojson"


def features(response) -> dict:
    body = response.json()
    return {f["properties"]["name"]: f for f in body["features"]}


def test_names_every_district_and_street_at_its_centre(client, site):
    _index, areas = site
    response = client.get(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    body = response.json()
    assert body["type"] == "FeatureCollection" and body["crs"] == "wgs84"
    named = features(response)
    assert set(named) == {"天河区", "越秀区", "石牌街", "猎德街", "北京街"}
    # Districts first, so their names win where names would overlap.
    assert [f["properties"]["level"] for f in body["features"]][:2] == ["district", "district"]
    assert named["石牌街"] == {
        "type": "Feature",
        "id": areas["shipai"].pk,
        "geometry": {"type": "Point", "coordinates": [113.342, 23.1345]},
        "properties": {"level": "street", "name": "石牌街", "district": areas["tianhe"].pk},
    }
    assert named["天河区"]["geometry"]["coordinates"] == [113.3612, 23.1247]
    assert named["天河区"]["properties"] == {"level": "district", "name": "天河区"}


def test_leaves_out_communities_and_places_without_a_centre(client, site):
    _index, areas = site
    # A district without a centre is named at the mean of its streets' centres...
    panyu = AreaFactory(name="番禺区", level=AreaLevel.DISTRICT)
    AreaFactory(name="市桥街", level=AreaLevel.STREET, parent=panyu, latitude=23.0, longitude=113.3)
    AreaFactory(name="沙头街", level=AreaLevel.STREET, parent=panyu, latitude=23.1, longitude=113.4)
    # ...a street without one is left out, and so is a district with neither.
    AreaFactory(name="钟村街", level=AreaLevel.STREET, parent=panyu)
    AreaFactory(name="南沙区", level=AreaLevel.DISTRICT)
    named = features(client.get(URL))
    assert "龙口西社区" not in named  # communities: thousands in a city, too many for a light base
    assert "钟村街" not in named and "南沙区" not in named
    lng, lat = named["番禺区"]["geometry"]["coordinates"]
    assert lat == pytest.approx(23.05) and lng == pytest.approx(113.35)


def test_on_gcj02_tiles_the_points_are_shifted_to_match(client, site, settings):
    settings.MAP_TILES = {**settings.MAP_TILES, "coordinates": "gcj02"}
    body = client.get(URL).json()
    assert body["crs"] == "gcj02"
    shifted = wgs84_to_gcj02(23.1345, 113.3420)
    named = {f["properties"]["name"]: f for f in body["features"]}
    assert named["石牌街"]["geometry"]["coordinates"] == [
        round(shifted.lng, 6),
        round(shifted.lat, 6),
    ]


def test_gzipped_cached_and_revalidated_until_an_area_changes(client, site):
    _index, areas = site
    first = client.get(URL, HTTP_ACCEPT_ENCODING="gzip")
    assert first["Content-Encoding"] == "gzip"
    assert "public" in first["Cache-Control"] and "max-age=600" in first["Cache-Control"]
    assert "Accept-Encoding" in first["Vary"]
    assert json.loads(gzip.decompress(first.content))["features"]
    etag = first["ETag"]
    assert etag.startswith('W/"')

    # The browser's copy is still good: a 304, and the body is not built again.
    with captured_queries() as queries:
        again = client.get(URL, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert not any("stations_area" in q["sql"] for q in queries.captured_queries)

    # An editor renames a street: a new version, a new ETag, the new name.
    version = basemap_version()
    areas["liede"].name = "猎德街道"
    areas["liede"].save()
    assert basemap_version() != version
    changed = client.get(URL, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert "猎德街道" in features(changed)


def test_built_in_a_fixed_number_of_queries(site, django_assert_num_queries):
    for n in range(30):
        AreaFactory(
            name=f"测试街{n}",
            level=AreaLevel.STREET,
            parent=site[1]["yuexiu"],
            latitude=23.1 + n / 1000,
            longitude=113.2,
        )
    with django_assert_num_queries(2):
        body = json.loads(build_basemap(system="wgs84"))
    assert len(body["features"]) == 35


def test_only_under_a_station_directory(client, site):
    assert client.get("/no-such-directory/basemap.geojson").status_code == 404
    # It reads no parameters: anything sent along changes nothing.
    odd = client.get(URL, {"crs": "bd09", "bbox": "x", "\u202e": "\x00"})
    assert odd.status_code == 200 and odd.json()["features"]


def test_the_map_is_told_where_the_base_is_and_how_to_draw_sharp_tiles(client, site):
    index, _areas = site
    html = client.get(index.url).content.decode()
    config = json.loads(
        re.search(r'<script id="station-map-config"[^>]*>(.*?)</script>', html, re.S).group(1)
    )
    assert config["basemapUrl"] == "/stations/basemap.geojson"
    assert config["tiles"]["detectRetina"] is True and config["tiles"]["retinaUrl"] == ""
    assert config["text"]["tilesFailed"].startswith("地图底图暂时无法加载")
    assert "站点列表仍可正常使用" in config["text"]["tilesFailed"]
    assert config["text"]["basemapFailed"] and config["text"]["closeNotice"]
    # The base, map-base.js and the sheet that hides the map without JavaScript are the site's own.
    assert '<script src="/static/stations/js/map-base.js" defer>' in html


def test_a_retina_tile_url_is_passed_on_and_allowed_by_the_policy(client, site, settings):
    index, _areas = site
    retina = "https://webrd0{s}.is.autonavi.com/appmaptile?scale=2&style=8&x={x}&y={y}&z={z}"
    settings.MAP_TILES = {**settings.MAP_TILES, "retina_url": retina, "subdomains": "12"}
    html = client.get(index.url).content.decode()
    config = json.loads(
        re.search(r'<script id="station-map-config"[^>]*>(.*?)</script>', html, re.S).group(1)
    )
    assert config["tiles"]["retinaUrl"] == retina
    images = start_up_sources()["img-src"]
    assert "https://webrd01.is.autonavi.com" in images
    assert "https://webrd02.is.autonavi.com" in images
    assert "https://tile.openstreetmap.org" in images
