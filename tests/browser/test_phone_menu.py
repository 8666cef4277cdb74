"""The header's menu on a phone, in real Chromium with JavaScript off: every section is on
screen and read in full, without scrolling sideways, at 390 and at 320 px."""

import pytest
from wagtail.models import Page, Site

from tests.factories.home import HomePageFactory, PolicyIndexPageFactory, StandardPageFactory
from tests.factories.stations import (
    ActivityIndexPageFactory,
    StationPageFactory,
    make_station_index,
)
from tests.factories.stories import StoryIndexPageFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The demo's five sections, in its order; the first two are the longest names.
SECTIONS = ["志愿服务站点", "志愿服务活动", "嘉许故事", "政策文件", "关于本站"]


def make_sections():
    """The demo's sections, made in its order (the tree's order is the menu's)."""
    home = HomePageFactory(parent=Page.get_first_root_node())
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "port": 80, "root_page": home, "site_name": "测试"},
    )
    make_station_index(home)
    ActivityIndexPageFactory(parent=home, show_in_menus=True)
    StoryIndexPageFactory(parent=home, show_in_menus=True)
    policies = PolicyIndexPageFactory(parent=home, show_in_menus=True)
    StandardPageFactory(parent=home, show_in_menus=True, title="关于本站", slug="about")
    return policies


def menu_boxes(page):
    return page.evaluate(
        """() => [...document.querySelectorAll('.site-nav a')].map(a => {
            const box = a.getBoundingClientRect();
            return {text: a.textContent.trim(), left: box.left, right: box.right,
                    top: box.top, bottom: box.bottom,
                    clipped: a.scrollWidth > a.clientWidth};
        })"""
    )


@pytest.mark.parametrize("width", [390, 320])
def test_every_section_is_on_screen_and_read_in_full(live_server, browser, width):
    policies = make_sections()
    context = browser.new_context(
        viewport={"width": width, "height": 844}, device_scale_factor=2, java_script_enabled=False
    )
    page = context.new_page()
    try:
        page.goto(live_server.url + policies.url)
        boxes = menu_boxes(page)
        assert [box["text"] for box in boxes] == SECTIONS
        for box in boxes:
            assert box["left"] >= 0 and box["right"] <= width, box
            assert not box["clipped"], box
            # A finger-sized target (WCAG 2.5.8 asks 24 px; these are bigger).
            assert box["bottom"] - box["top"] >= 36, box
        # Wrapped onto rows, not scrolled: nothing reaches past the screen's edge.
        nav = page.evaluate(
            "() => { const u = document.querySelector('.site-nav ul');"
            " return [u.scrollWidth, u.clientWidth]; }"
        )
        assert nav[0] <= nav[1]
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        # Two rows at most, so the menu does not push the page's content far down.
        assert len({round(box["top"]) for box in boxes}) <= 2
        # The section being read is marked as such.
        current = page.locator('.site-nav a[aria-current="page"]')
        assert current.inner_text() == "政策文件"
        for text in SECTIONS:
            assert page.get_by_role("link", name=text, exact=True).first.is_visible()
    finally:
        context.close()


def test_on_a_wide_screen_the_menu_is_one_row(live_server, browser):
    policies = make_sections()
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    try:
        page.goto(live_server.url + policies.url)
        boxes = menu_boxes(page)
        assert len({round(box["top"]) for box in boxes}) == 1
    finally:
        context.close()


def test_station_names_in_the_list_look_like_links(live_server, phone):
    home = HomePageFactory(parent=Page.get_first_root_node())
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "port": 80, "root_page": home, "site_name": "测试"},
    )
    index = make_station_index(home)
    StationPageFactory(parent=index, title="石牌街学雷锋志愿服务站")
    phone.goto(live_server.url + index.url)
    link = phone.locator(".station-item__title").first
    style = link.evaluate(
        "a => { const s = getComputedStyle(a);"
        " return [s.textDecorationLine, s.color, getComputedStyle(document.body).color]; }"
    )
    decoration, colour, text_colour = style
    # Underlined and in the link colour (#8e1212, 9.3:1 on white), not the text's colour.
    assert "underline" in decoration
    assert colour == "rgb(142, 18, 18)" and colour != text_colour
