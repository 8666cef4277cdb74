"""The nearest-station picker in real Chromium on a phone: with JavaScript a street select and a
select of that street's communities, without it one grouped select; the same result either way.

Map tiles never come from the internet here: phone_js answers them with a blank image.
"""

from pathlib import Path

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from stations.models import AreaLevel
from tests.factories.home import ensure_wagtail_root
from tests.factories.stations import AreaFactory, make_station_site, station_at

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).parent / "screenshots"


@pytest.fixture
def directory():
    cache.clear()  # the live server shares this process's cache
    ensure_wagtail_root()
    index, areas = make_station_site()
    AreaFactory(
        name="南兴社区",
        level=AreaLevel.COMMUNITY,
        parent=areas["shipai"],
        latitude=23.1320,
        longitude=113.3455,
    )
    places = [
        ("石牌街学雷锋志愿服务站", 23.1349, 113.3420, "shipai"),
        ("龙口西社区志愿服务站", 23.1385, 113.3395, "shipai"),
        ("猎德街社工站", 23.1198, 113.3330, "liede"),
        ("北京街社工站", 23.1250, 113.2700, "beijing"),
    ]
    for title, lat, lng, street in places:
        station_at(index, lat=lat, lng=lng, street=areas[street], title=title)
    return index, areas


def titles(page):
    return page.locator(".station-item__title").all_inner_texts()


def option_labels(select):
    return select.locator("option").all_inner_texts()


def shoot(page, name):
    SCREENSHOTS.mkdir(exist_ok=True)
    page.locator("#station-filters").screenshot(path=SCREENSHOTS / f"picker-{name}.png")


def test_a_street_then_one_of_its_communities(live_server, phone_js, directory):
    _index, areas = directory
    page = phone_js
    page.goto(live_server.url + "/stations/")
    street = page.get_by_role("combobox", name="我所在的街道（镇）")
    community = page.get_by_role("combobox", name="我所在的社区（村）")
    expect(street).to_be_visible()
    expect(page.locator("#id_near")).to_be_hidden()
    # The visible label now goes with the street select (a tap on it lands there).
    expect(page.locator("#station-near-label")).to_have_attribute("for", "id_near-street")
    expect(community).to_be_disabled()
    assert option_labels(community) == ["社区（村）：请先选街道"]

    # Only the chosen street's communities, without the street's name before each.
    street.select_option(label="石牌街")
    expect(community).to_be_enabled()
    assert option_labels(community) == ["整个街道（镇）", "南兴社区", "龙口西社区"]
    community.select_option(label="龙口西社区")
    page.get_by_role("button", name="查找", exact=True).click()
    page.wait_for_url(f"**near={areas['longkou'].pk}**")
    expect(page.get_by_role("heading", name="离“石牌街 · 龙口西社区”最近的站点")).to_be_visible()
    assert titles(page)[:2] == ["龙口西社区志愿服务站", "石牌街学雷锋志愿服务站"]
    # The choice is shown as made.
    expect(street).to_have_value(str(areas["shipai"].pk))
    expect(community).to_have_value(str(areas["longkou"].pk))
    shoot(page, "javascript")

    # Another street: its own (here none), and the street itself is where to measure from.
    street.select_option(label="猎德街")
    expect(community).to_be_disabled()
    assert option_labels(community) == ["没有可选的社区"]
    page.get_by_role("button", name="查找", exact=True).click()
    page.wait_for_url(f"**near={areas['liede'].pk}**")
    assert titles(page)[0] == "猎德街社工站"

    # Back to a street with communities, keeping "the whole street".
    street.select_option(label="石牌街")
    expect(community).to_have_value("")
    page.get_by_role("button", name="查找", exact=True).click()
    page.wait_for_url(f"**near={areas['shipai'].pk}**")
    expect(page.get_by_role("heading", name="离“石牌街”最近的站点")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_the_two_selects_take_the_place_of_the_one(live_server, phone, phone_js, directory):
    # Same line, same height: nothing below the picker moves when the script swaps them in.
    def row(page):
        page.goto(live_server.url + "/stations/")
        return page.locator(".station-filters__inline").first.bounding_box()["height"]

    without_script = row(phone)
    with_script = row(phone_js)
    expect(phone_js.get_by_role("combobox", name="我所在的街道（镇）")).to_be_visible()
    assert with_script == pytest.approx(without_script, abs=1)


def test_without_javascript_one_grouped_select(live_server, phone, directory):
    _index, areas = directory
    phone.goto(live_server.url + "/stations/")
    label = phone.locator("#station-near-label")
    expect(label).to_have_text("选择您所在的街道、社区")
    near = phone.get_by_label("选择您所在的街道、社区")
    assert "石牌街 · 龙口西社区" in option_labels(near)
    near.select_option(label="石牌街 · 南兴社区")
    phone.get_by_role("button", name="查找", exact=True).click()
    phone.wait_for_url("**near=**")
    expect(phone.get_by_role("heading", name="离“石牌街 · 南兴社区”最近的站点")).to_be_visible()
    shoot(phone, "no-javascript")
