"""The activity page's sign-up form with JavaScript on, as most phones have it: it posts to its
own URL (activities/signup/<id>/), shows a mistake on the activity page and lands on the sign-up's
page, as it does with JavaScript off (test_activity_signup.py)."""

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from stations.models import ActivitySignup, SignupStatus
from tests.factories.stations import ActivityPageFactory, make_activity_site

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def activity():
    cache.clear()  # the live server shares this process's cache
    index, station, _areas = make_activity_site()
    return ActivityPageFactory(
        parent=index, station=station, title="龙口西长者探访", capacity=1, waitlist_enabled=True
    )


def test_sign_up_with_javascript_on(live_server, phone_js, activity):
    page = phone_js
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(live_server.url + activity.url)

    page.get_by_role("textbox", name="姓名").fill("陈小明")
    page.get_by_role("textbox", name="手机号码").fill("１３９ １２３４ ５６７８")
    page.get_by_role("button", name="确认报名").click()
    # Consent left out: the activity page comes back with the reason and what was typed.
    expect(page.locator(".error-summary")).to_contain_text("请勾选同意")
    expect(page.get_by_role("heading", name="龙口西长者探访")).to_be_visible()
    expect(page.get_by_role("textbox", name="姓名")).to_have_value("陈小明")
    assert not ActivitySignup.objects.exists()

    page.get_by_label("我同意主办站点使用我的姓名和手机号码").check()
    page.get_by_role("button", name="确认报名").click()
    expect(page.get_by_role("heading", name="报名成功，名额已确认")).to_be_visible()
    assert "/activities/signups/" in page.url
    row = ActivitySignup.objects.get()
    assert (row.mobile, row.status) == ("13912345678", SignupStatus.CONFIRMED)
    assert errors == [] and page.outside_requests == []
