"""A resident who gets an activity page from the page cache can still sign up: the cached copy
carries their own CSRF token and cookie (portal/page_cache.py), in real Chromium."""

import pytest
from django.core.cache import cache, caches
from playwright.sync_api import expect

from stations.models import ActivitySignup
from tests.factories.home import ensure_wagtail_root
from tests.factories.stations import ActivityPageFactory, make_activity_site

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def activity(settings):
    settings.PAGE_CACHE_SECONDS = 600
    cache.clear()  # the live server shares this process's caches
    caches["pages"].clear()
    ensure_wagtail_root()
    index, station, _areas = make_activity_site()
    yield ActivityPageFactory(parent=index, station=station, title="龙口西社区清洁日", capacity=5)
    caches["pages"].clear()


def test_a_resident_signs_up_on_a_page_served_from_the_cache(live_server, browser, activity):
    url = live_server.url + activity.url
    first = browser.new_context(java_script_enabled=False)
    assert first.new_page().goto(url).headers["x-page-cache"] == "miss"
    first.close()

    resident = browser.new_context(viewport={"width": 390, "height": 844})
    page = resident.new_page()
    response = page.goto(url)
    assert response.headers["x-page-cache"] == "hit"
    page.get_by_role("textbox", name="姓名").fill("陈小明")
    page.get_by_role("textbox", name="手机号码").fill("139 1234 5678")
    page.get_by_label("我同意主办站点使用我的姓名和手机号码").check()
    page.get_by_role("button", name="确认报名").click()
    expect(page.get_by_role("heading", name="报名成功，名额已确认")).to_be_visible()
    assert ActivitySignup.objects.filter(mobile="13912345678").count() == 1
    resident.close()
