"""A resident on a phone finds an activity from a station page, signs up, and cancels through
the link they were given, in real Chromium with JavaScript off."""

from pathlib import Path

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from stations.models import ActivitySignup, SignupStatus
from tests.factories.home import ensure_wagtail_root
from tests.factories.stations import ActivityPageFactory, make_activity_site

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).parent / "screenshots"


@pytest.fixture
def activity():
    cache.clear()  # the live server shares this process's cache
    ensure_wagtail_root()
    index, station, _areas = make_activity_site()
    return ActivityPageFactory(
        parent=index, station=station, title="龙口西社区清洁日", capacity=1, waitlist_enabled=True
    )


def test_find_sign_up_and_cancel(live_server, phone, activity):
    page = phone
    page.goto(live_server.url + activity.station.url)

    # The station page lists its upcoming activities.
    page.get_by_role("link", name="龙口西社区清洁日").click()
    expect(page.get_by_role("heading", name="龙口西社区清洁日")).to_be_visible()
    expect(page.get_by_text("余 1 个名额")).to_be_visible()

    # A mistake is explained beside the field and nothing is stored.
    page.get_by_role("textbox", name="姓名").fill("陈小明")
    page.get_by_role("textbox", name="手机号码").fill("12345")
    page.get_by_role("button", name="确认报名").click()
    expect(page.locator(".error-summary")).to_contain_text("不是有效的手机号码")
    assert not ActivitySignup.objects.exists()

    # Fixed, the sign-up goes through and the resident lands on their own page.
    page.get_by_role("textbox", name="手机号码").fill("139 1234 5678")
    page.get_by_label("我同意主办站点使用我的姓名和手机号码").check()
    page.get_by_role("button", name="确认报名").click()
    expect(page.get_by_role("heading", name="报名成功，名额已确认")).to_be_visible()
    expect(page.get_by_text("139****5678")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "activity-signup-confirmed.png", full_page=True)
    link = page.url
    assert "/activities/signups/" in link

    # Opening the link again later (as from a bookmark) shows the sign-up; cancelling takes a
    # second, confirming tap.
    page.goto(link)
    page.get_by_role("link", name="取消这次报名…").click()
    page.get_by_role("button", name="确认取消报名").click()
    expect(page.get_by_text("已取消报名")).to_be_visible()
    expect(page.get_by_role("heading", name="报名已取消")).to_be_visible()
    assert ActivitySignup.objects.get().status == SignupStatus.CANCELLED

    # The place is free again.
    page.goto(live_server.url + activity.url)
    expect(page.get_by_text("余 1 个名额")).to_be_visible()
