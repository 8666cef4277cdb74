"""A station page's small map and its 导航 menu: each map app gets the place in the coordinate
system it reads (高德 and 腾讯 GCJ-02, 百度 BD-09, the phone's geo: WGS-84), as plain links."""

import html as html_lib
import json
import re
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from stations.coords import BD09, GCJ02, WGS84, wgs84_to_bd09, wgs84_to_gcj02
from stations.directory.station_map import navigation_links
from tests.factories.stations import StationPageFactory, make_station_index
from tests.shared_data import shared_fixture

pytestmark = pytest.mark.django_db

LAT, LNG = 23.1345, 113.3420
NAME = "石牌街学雷锋志愿服务站"
ADDRESS = "广州市天河区石牌街龙口西路1号"


@shared_fixture
def station(site_tree):
    home_page, _policies = site_tree
    index = make_station_index(home_page)
    return StationPageFactory(parent=index, title=NAME, latitude=LAT, longitude=LNG)


def links() -> dict:
    return {
        link.key: link for link in navigation_links(name=NAME, address=ADDRESS, lat=LAT, lng=LNG)
    }


def query(url: str) -> dict:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


def test_amap_gets_gcj02_longitude_first():
    link = links()["amap"]
    assert link.label == "高德地图" and link.system == GCJ02
    assert link.url.startswith("https://uri.amap.com/marker?")
    params = query(link.url)
    gcj = wgs84_to_gcj02(LAT, LNG)
    assert params["position"] == f"{gcj.lng:.6f},{gcj.lat:.6f}"
    assert params["coordinate"] == "gaode"  # tells 高德 the point is GCJ-02 already
    assert params["name"] == NAME
    assert params["callnative"] == "1"  # hands over to the app where it is installed


def test_baidu_gets_bd09_latitude_first():
    link = links()["baidu"]
    assert link.label == "百度地图" and link.system == BD09
    assert link.url.startswith("https://api.map.baidu.com/marker?")
    params = query(link.url)
    bd = wgs84_to_bd09(LAT, LNG)
    assert params["location"] == f"{bd.lat:.6f},{bd.lng:.6f}"
    assert params["coord_type"] == "bd09ll"
    assert (params["title"], params["content"], params["output"]) == (NAME, ADDRESS, "html")


def test_tencent_gets_gcj02_in_its_marker():
    link = links()["tencent"]
    assert link.label == "腾讯地图" and link.system == GCJ02
    assert link.url.startswith("https://apis.map.qq.com/uri/v1/marker?")
    params = query(link.url)
    gcj = wgs84_to_gcj02(LAT, LNG)
    assert params["marker"] == f"coord:{gcj.lat:.6f},{gcj.lng:.6f};title:{NAME};addr:{ADDRESS}"
    assert params["referer"]


def test_the_phone_map_app_gets_wgs84():
    link = links()["geo"]
    assert link.label == "手机自带地图" and link.system == WGS84
    point = f"{LAT:.6f},{LNG:.6f}"
    assert unquote(link.url) == f"geo:{point}?q={point}({NAME})"


def test_the_systems_really_differ_by_hundreds_of_metres():
    # A link given the wrong system would put the resident a few hundred metres off.
    amap, baidu = links()["amap"], links()["baidu"]
    amap_lng = float(query(amap.url)["position"].split(",")[0])
    baidu_lng = float(query(baidu.url)["location"].split(",")[1])
    assert 0.004 < amap_lng - LNG < 0.007 and 0.005 < baidu_lng - amap_lng < 0.008


def test_names_cannot_break_out_of_their_part():
    odd = navigation_links(name="站点;title:假(冒)", address="路:1号;addr:x", lat=LAT, lng=LNG)
    tencent = query(next(link for link in odd if link.key == "tencent").url)["marker"]
    assert tencent.count(";") == 2 and tencent.count(":") == 3
    geo = unquote(next(link for link in odd if link.key == "geo").url)
    assert geo.endswith("(站点;title:假 冒 )")
    # Everything outside the schemes' own separators is percent-encoded.
    for link in odd:
        assert " " not in link.url and "假" not in link.url


def test_station_page_shows_the_menu_and_the_map_config(client, station):
    html = client.get(station.url).content.decode()
    menu = re.search(r'<details class="station-nav">(.*?)</details>', html, re.S).group(1)
    assert "导航" in menu
    hrefs = {
        key: html_lib.unescape(href)
        for href, key in re.findall(r'<a href="([^"]+)" rel="nofollow" data-map-app="(\w+)"', menu)
    }
    assert set(hrefs) == {"amap", "baidu", "tencent", "geo"}
    assert hrefs == {key: link.url for key, link in links().items()}
    # The small map's room and its settings; without JavaScript map-noscript.css hides it.
    assert re.search(r'<div id="station-place-map" class="station-place__map js-only"', html)
    assert '<noscript><link rel="stylesheet" href="/static/stations/css/map-noscript.css">' in html
    config = json.loads(
        re.search(r'<script id="station-place-config"[^>]*>(.*?)</script>', html, re.S).group(1)
    )
    assert config["point"] == {"lat": LAT, "lng": LNG}
    assert config["crs"] == "wgs84" and config["title"] == NAME
    assert config["basemapUrl"] == station.get_parent().url + "basemap.geojson"
    assert config["text"]["tilesFailed"] and config["tiles"]["url"].startswith("https://")
    # Every script the page runs is the site's own.
    scripts = re.findall(r'<script[^>]+src="([^"]+)"', html)
    assert "/static/stations/js/station-place.js" in scripts
    assert all(src.startswith("/static/") for src in scripts)


def test_on_gcj02_tiles_the_small_map_gets_the_shifted_point(client, station, settings):
    settings.MAP_TILES = {**settings.MAP_TILES, "coordinates": "gcj02"}
    html = client.get(station.url).content.decode()
    config = json.loads(
        re.search(r'<script id="station-place-config"[^>]*>(.*?)</script>', html, re.S).group(1)
    )
    gcj = wgs84_to_gcj02(LAT, LNG)
    assert config["crs"] == "gcj02"
    assert config["point"] == {"lat": round(gcj.lat, 6), "lng": round(gcj.lng, 6)}
