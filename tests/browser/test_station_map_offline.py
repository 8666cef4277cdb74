"""The station maps in real Chromium at phone width when the tiles cannot load (the tile host
refused, or never answering), when they load on a 2× screen, and whether the page moves while the
map's script draws it. Nothing here reaches the internet: every request for another host is
answered by the test (a blank tile) or refused."""

from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, _blank_tile
from tests.factories.home import ensure_wagtail_root
from tests.factories.stations import make_station_site, station_at

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).parent / "screenshots"
TILE_HOST = "tile.openstreetmap.org"
NOTICE = "地图底图暂时无法加载，已改为显示简化底图（区和街道的位置）。站点列表仍可正常使用。"
# Layout shift (the sum of every shift not caused by input) the page may show as it loads.
CLS_LIMIT = 0.01

# Sums the page's layout shifts from its first paint on; read after the page has settled.
CLS_SCRIPT = """
window.__cls = 0;
new PerformanceObserver(function (list) {
  for (const entry of list.getEntries()) {
    if (!entry.hadRecentInput) { window.__cls += entry.value; }
  }
}).observe({ type: "layout-shift", buffered: true });
"""


@pytest.fixture
def directory():
    cache.clear()  # the live server shares this process's cache
    ensure_wagtail_root()
    index, areas = make_station_site()
    places = [
        ("石牌街学雷锋志愿服务站", 23.1349, 113.3420, "shipai", True),
        ("龙口西社区志愿服务站", 23.1385, 113.3395, "shipai", False),
        ("猎德街社工站", 23.1198, 113.3330, "liede", True),
        ("北京街社工站", 23.1250, 113.2700, "beijing", True),
        ("北京路城市志愿服务站", 23.1290, 113.2650, "beijing", False),
    ]
    stations = {
        title: station_at(
            index, lat=lat, lng=lng, street=areas[street], title=title, meets_standard=meets
        )
        for title, lat, lng, street, meets in places
    }
    return index, stations


def phone_page(browser, *, tiles: str, javascript: bool = True, scale: int = 2):
    """A 390 px phone page cut off from every host but the test server. Tiles: "refused" (the
    tile host unreachable), "hanging" (never answered), "blank" (a blank image), or "switch"
    (refused until page.tiles_allowed is set, then blank)."""
    context = browser.new_context(
        viewport=PHONE, device_scale_factor=scale, java_script_enabled=javascript
    )
    tile = _blank_tile()
    outside, pending = [], []
    state = {"allowed": tiles == "blank"}

    def route(handler):
        request = handler.request
        host = urlsplit(request.url).hostname
        if host in ("localhost", "127.0.0.1"):
            handler.continue_()
            return
        outside.append(request.url)
        if host != TILE_HOST:
            handler.abort()
        elif tiles == "hanging":
            pending.append(handler)  # never answered: a connection that goes nowhere
        elif state["allowed"]:
            handler.fulfill(body=tile, content_type="image/png")
        else:
            handler.abort("connectionrefused")

    context.route("**/*", route)
    context.add_init_script(CLS_SCRIPT)
    page = context.new_page()
    page.outside_requests = outside
    page.tile_state = state
    return page


def cls(page) -> float:
    page.wait_for_timeout(300)
    return page.evaluate("window.__cls")


def test_without_tiles_the_directory_map_draws_its_own_base(live_server, browser, directory):
    page = phone_page(browser, tiles="refused")
    try:
        page.goto(live_server.url + "/stations/")
        node = page.locator("#station-map")
        expect(node).to_have_attribute("data-tiles", "failed")
        # The notice, in the map, in plain Chinese, announced as a status.
        notice = page.locator("#station-map .map-notice__text")
        expect(notice).to_have_text(NOTICE)
        expect(notice).to_have_attribute("role", "status")
        # The base: the areas' names, served by the site itself, under the markers.
        expect(node).to_have_attribute("data-basemap-features", "5")
        assert page.locator("#station-map .basemap-label").count() == 5
        assert "天河区" in page.locator("#station-map .basemap-label--district").all_inner_texts()
        # The markers and clusters still work, and the status still tells the truth.
        expect(page.locator('#station-map[data-features="5"]')).to_be_attached()
        expect(page.locator("#station-map-status")).to_have_text("地图上显示 5 个站点")
        # A cluster opens into its stations on the base, a station into its popup.
        page.locator("#station-map .marker-cluster").first.dispatch_event("click")
        marker = page.locator("#station-map img.leaflet-marker-icon").first
        marker.wait_for()
        marker.dispatch_event("click")
        expect(page.locator(".leaflet-popup .map-popup__title")).to_be_visible()
        # The list beside it is whole; nothing outside but the refused tiles was asked for.
        assert page.locator(".station-item__title").count() == 5
        assert page.outside_requests
        assert all(urlsplit(url).hostname == TILE_HOST for url in page.outside_requests)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        SCREENSHOTS.mkdir(exist_ok=True)
        page.locator(".station-directory__map").screenshot(
            path=SCREENSHOTS / "station-map-no-tiles-phone.png"
        )

        # The reader may close the notice to see what is under it.
        page.get_by_role("button", name="关闭这条提示").click()
        expect(page.locator("#station-map .map-notice")).to_be_hidden()
    finally:
        page.context.close()


def test_when_tiles_never_answer_the_base_comes_after_a_few_seconds(
    live_server, browser, directory
):
    page = phone_page(browser, tiles="hanging")
    try:
        # The page's load event waits for the tiles, which never come.
        page.goto(live_server.url + "/stations/", wait_until="domcontentloaded")
        expect(page.locator("#station-map")).not_to_have_attribute("data-tiles", "failed")
        expect(page.locator("#station-map")).to_have_attribute(
            "data-tiles", "failed", timeout=10_000
        )
        expect(page.locator("#station-map .map-notice__text")).to_have_text(NOTICE)
    finally:
        page.context.close()


def test_tiles_that_come_back_take_the_base_away(live_server, browser, directory):
    page = phone_page(browser, tiles="switch")
    try:
        page.goto(live_server.url + "/stations/")
        node = page.locator("#station-map")
        expect(node).to_have_attribute("data-tiles", "failed")
        expect(page.locator("#station-map .basemap-label").first).to_be_attached()
        # The network comes back; the next tiles asked for (zooming in) load.
        page.tile_state["allowed"] = True
        page.locator("#station-map .leaflet-control-zoom-in").click()
        expect(node).to_have_attribute("data-tiles", "ok")
        expect(page.locator("#station-map .map-notice")).to_be_hidden()
        assert page.locator("#station-map .basemap-label").count() == 0
        assert "map--no-tiles" not in (node.get_attribute("class") or "")
    finally:
        page.context.close()


# A loaded tile as laid out ([its pixels, its CSS width]): offsetWidth ignores the zoom
# animation's transforms, and a tile of a level being swapped out (width 0) is passed over.
SHOWN_TILE = """() => {
    for (const img of document.querySelectorAll('#station-map img.leaflet-tile-loaded')) {
        if (img.offsetWidth > 0) return [img.naturalWidth, img.offsetWidth];
    }
    return null;
}"""


def shown_tile(page):
    return page.wait_for_function(SHOWN_TILE).json_value()


def test_a_2x_screen_gets_tiles_drawn_at_twice_the_detail(live_server, browser, directory):
    page = phone_page(browser, tiles="blank", scale=2)
    try:
        page.goto(live_server.url + "/stations/")
        node = page.locator("#station-map")
        expect(node).to_have_attribute("data-tiles", "ok")
        # Each 256-pixel tile covers 128 CSS pixels: 256 screen pixels, nothing stretched.
        assert shown_tile(page) == [256, 128]
        expect(page.locator("#station-map .map-notice")).to_be_hidden()
        assert page.locator("#station-map .basemap-label").count() == 0
    finally:
        page.context.close()


def test_a_1x_screen_gets_ordinary_tiles(live_server, browser, directory):
    page = phone_page(browser, tiles="blank", scale=1)
    try:
        page.goto(live_server.url + "/stations/")
        assert shown_tile(page) == [256, 256]
    finally:
        page.context.close()


@pytest.mark.parametrize("tiles", ["blank", "refused"])
def test_the_directory_does_not_move_while_the_map_is_drawn(live_server, browser, directory, tiles):
    page = phone_page(browser, tiles=tiles)
    try:
        page.goto(live_server.url + "/stations/")
        expect(page.locator("#station-map[data-features]")).to_be_attached()
        expect(page.locator("#station-map[data-tiles]")).to_be_attached()
        # Room for the map and the location button from the first paint.
        assert page.get_by_role("button", name="使用我的位置").is_visible()
        assert cls(page) < CLS_LIMIT
    finally:
        page.context.close()


def test_without_javascript_the_directory_keeps_no_empty_room(live_server, browser, directory):
    page = phone_page(browser, tiles="refused", javascript=False)
    try:
        page.goto(live_server.url + "/stations/")
        expect(page.locator("#station-map")).to_be_hidden()
        expect(page.locator("#station-map-status")).to_be_hidden()
        expect(page.get_by_role("button", name="使用我的位置")).to_be_hidden()
        expect(page.locator("#station-map-hint")).to_be_hidden()
        # The list starts right under the messages and the form: nothing kept for a map.
        form_bottom = page.locator("#station-filters").evaluate(
            "n => n.getBoundingClientRect().bottom"
        )
        heading_top = page.locator("#station-list-heading").evaluate(
            "n => n.getBoundingClientRect().top"
        )
        assert heading_top - form_bottom < 80
        assert page.locator(".station-item__title").count() == 5
        assert not page.outside_requests
    finally:
        page.context.close()


def test_station_page_small_map_and_navigation(live_server, browser, directory):
    _index, stations = directory
    station = stations["猎德街社工站"]
    page = phone_page(browser, tiles="refused")
    try:
        page.goto(live_server.url + station.url)
        node = page.locator("#station-place-map")
        expect(node).to_have_attribute("data-tiles", "failed")
        expect(page.locator("#station-place-map .map-notice__text")).to_have_text(
            "底图暂时无法加载，已显示简化底图。"
        )
        # The station's marker, on the base of its streets.
        expect(node.locator('img.leaflet-marker-icon[alt="猎德街社工站"]')).to_be_visible()
        expect(node).to_have_attribute("data-basemap-features", "5")
        assert cls(page) < CLS_LIMIT

        # 导航 opens a menu of map apps, each a plain link.
        page.get_by_text("导航", exact=True).click()
        menu = page.locator(".station-nav__list a")
        expect(menu).to_have_count(4)
        assert menu.all_inner_texts() == ["高德地图", "百度地图", "腾讯地图", "手机自带地图"]
        hrefs = [link.get_attribute("href") for link in menu.all()]
        assert [urlsplit(href).hostname for href in hrefs[:3]] == [
            "uri.amap.com",
            "api.map.baidu.com",
            "apis.map.qq.com",
        ]
        assert hrefs[3].startswith("geo:23.119800,113.333000?")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        SCREENSHOTS.mkdir(exist_ok=True)
        page.locator(".station-place").screenshot(path=SCREENSHOTS / "station-place-phone.png")
    finally:
        page.context.close()


def test_station_page_without_javascript_keeps_navigation(live_server, browser, directory):
    _index, stations = directory
    page = phone_page(browser, tiles="refused", javascript=False)
    try:
        page.goto(live_server.url + stations["北京街社工站"].url)
        expect(page.locator("#station-place-map")).to_be_hidden()
        page.get_by_text("导航", exact=True).click()  # <details>: no script needed
        expect(page.get_by_role("link", name="高德地图")).to_be_visible()
        point = "23.125000,113.270000"  # WGS-84, as stored
        expect(page.get_by_role("link", name="手机自带地图")).to_have_attribute(
            "href", f"geo:{point}?q={point}({quote('北京街社工站')})"
        )
        assert not page.outside_requests
    finally:
        page.context.close()
