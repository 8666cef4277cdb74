"""A resident on a phone finds stations on the map and the nearest ones, in real Chromium.

Map tiles never come from the internet here: phone_js answers them with a blank image.
"""

from pathlib import Path

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from stations.models import VolunteerRegistration
from tests.factories.home import ensure_wagtail_root
from tests.factories.stations import make_registration_form, make_station_site, station_at

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).parent / "screenshots"
TILE_HOST = "tile.openstreetmap.org"


@pytest.fixture
def directory():
    cache.clear()  # the live server shares this process's cache
    # An earlier transactional test may have flushed what the migrations created.
    ensure_wagtail_root()
    index, areas = make_station_site()
    places = [
        ("石牌街学雷锋志愿服务站", 23.1349, 113.3420, "shipai", True),
        ("龙口西社区志愿服务站", 23.1385, 113.3395, "shipai", False),
        ("猎德街社工站", 23.1198, 113.3330, "liede", True),
        ("北京街社工站", 23.1250, 113.2700, "beijing", True),
        ("北京路城市志愿服务站", 23.1290, 113.2650, "beijing", False),
    ]
    for title, lat, lng, street, meets in places:
        station_at(index, lat=lat, lng=lng, street=areas[street], title=title, meets_standard=meets)
    return index, areas


def titles(page):
    return page.locator(".station-item__title").all_inner_texts()


def test_map_filter_and_nearest_from_my_location(live_server, phone_js, directory):
    page = phone_js
    page.goto(live_server.url + "/stations/")

    # The map shows every station (some in clusters) beside the list, within the phone's width.
    expect(page.locator('#station-map[data-features="5"]')).to_be_visible()
    page.wait_for_function(
        "document.querySelectorAll('#station-map .leaflet-marker-icon').length >= 2"
    )
    assert len(titles(page)) == 5
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.outside_requests, "the map asked for no tiles"
    assert all(TILE_HOST in url for url in page.outside_requests)

    # Filtering by district narrows the list and the map alike.
    page.get_by_label("区", exact=True).select_option(label="越秀区")
    page.get_by_role("button", name="筛选").click()
    page.wait_for_url("**district=**")
    assert "street=" not in page.url  # empty fields stay out of the address
    assert sorted(titles(page)) == ["北京街社工站", "北京路城市志愿服务站"]
    expect(page.locator('#station-map[data-features="2"]')).to_be_attached()

    # A marker opens a popup that links to its station.
    # Dispatched on the marker itself: a pointer click at its position can miss while the map
    # is still animating to the new bounds (seen under load, with two test workers).
    marker = page.locator("#station-map .leaflet-marker-icon:not(.marker-cluster)").first
    marker.wait_for()
    marker.dispatch_event("click")
    popup_link = page.locator(".leaflet-popup .map-popup__title")
    expect(popup_link).to_be_visible()
    assert popup_link.inner_text() in ("北京街社工站", "北京路城市志愿服务站")

    # From the browser's location (permission granted): nearest first, with distances.
    page.goto(live_server.url + "/stations/")
    page.context.set_geolocation({"latitude": 23.1380, "longitude": 113.3400})
    page.get_by_role("button", name="使用我的位置").click()
    page.wait_for_url("**lat=**")
    assert "crs=wgs84" in page.url
    assert titles(page)[:3] == ["龙口西社区志愿服务站", "石牌街学雷锋志愿服务站", "猎德街社工站"]
    distances = page.locator(".station-item__distance").all_inner_texts()
    # 0.0005° N and 0.0005° W: √(55.6² + 51.1²) = 76 m, shown to the nearest 10 m.
    assert distances[0] == "80 米"
    assert distances[-1].endswith("公里")
    expect(page.get_by_role("heading", name="离您选择的位置最近的站点")).to_be_visible()
    expect(page.locator("#station-map[data-features]")).to_be_attached()
    # The map frames you and the nearest stations.
    page.wait_for_timeout(300)
    SCREENSHOTS.mkdir(exist_ok=True)
    page.locator(".station-directory__map").screenshot(path=SCREENSHOTS / "station-map-phone.png")
    page.screenshot(path=SCREENSHOTS / "station-directory-phone.png", full_page=True)


def test_a_point_clicked_on_the_map(live_server, phone_js, directory):
    page = phone_js
    page.goto(live_server.url + "/stations/")
    expect(page.locator('#station-map[data-features="5"]')).to_be_attached()
    # Click an empty spot of the map (its top left, clear of the zoom buttons), then confirm.
    page.locator("#station-map").click(position={"x": 200, "y": 12})
    page.get_by_role("button", name="查找这里附近的站点").click()
    page.wait_for_url("**lat=**")
    assert "crs=wgs84" in page.url
    distances = page.locator(".station-item__distance").all_inner_texts()
    assert len(distances) == 5 and all(d.endswith(("米", "公里")) for d in distances)


def test_nearest_by_community_without_javascript(live_server, phone, directory):
    phone.goto(live_server.url + "/stations/")
    # No script: no map, no location button, the list and the form do everything.
    expect(phone.locator("#station-map")).to_be_hidden()
    expect(phone.get_by_role("button", name="使用我的位置")).to_be_hidden()
    assert len(titles(phone)) == 5

    # The communities are offered under their street from the start.
    phone.get_by_label("选择您所在的街道、社区").select_option(label="石牌街 · 龙口西社区")
    phone.get_by_role("button", name="查找").click()
    assert titles(phone)[:2] == ["龙口西社区志愿服务站", "石牌街学雷锋志愿服务站"]
    expect(phone.get_by_role("heading", name="离“石牌街 · 龙口西社区”最近的站点")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390


def test_open_a_station_and_register(live_server, phone, directory):
    index, _areas = directory
    make_registration_form(index.get_parent())
    phone.goto(live_server.url + "/stations/")
    phone.get_by_role("link", name="猎德街社工站").click()
    expect(phone.get_by_role("heading", name="猎德街社工站")).to_be_visible()
    phone.get_by_role("link", name="报名成为本站志愿者").click()
    expect(phone.locator(".registration__station-name")).to_have_text("猎德街社工站")

    phone.get_by_role("textbox", name="姓名").fill("陈小明")
    phone.get_by_role("textbox", name="手机号码").fill("139 1234 5678")
    phone.get_by_role("spinbutton", name="年龄").fill("35")
    phone.get_by_label("政治面貌").select_option(label="群众")
    phone.get_by_label("周末").check()
    phone.get_by_label("我已阅读上面的个人信息处理说明").check()
    phone.get_by_role("button", name="提交报名").click()

    registration = VolunteerRegistration.objects.get()
    assert (registration.station.title, registration.mobile) == ("猎德街社工站", "13912345678")
    expect(phone.get_by_text("猎德街社工站").first).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
