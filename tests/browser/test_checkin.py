"""Check-in by QR code on a phone, in real Chromium at 390 px: a signed-in volunteer opens the
link, taps 签到 (the script adds the phone's location, within the CSP) and later 签退; a
signed-out one signs in by code and comes back, JavaScript off; the manager's A4 poster prints
on one page."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from playwright.sync_api import expect

from stations.activities import checkin
from stations.models import CheckIn, ServiceRecord
from stations.sms import outbox
from stations.volunteers.session import COOKIE_NAME
from tests.factories.home import ensure_wagtail_root
from tests.factories.stations import ActivityPageFactory, make_activity_site
from tests.stations.activities.checkin_helpers import (
    NEAR,
    mobile,
    sign_in,
    signed_up,
    starting_in,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).parent / "screenshots"
VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.reportViolation(`${event.effectiveDirective} blocked ${event.blockedURI || "inline"}`);
});
"""


@pytest.fixture
def activity():
    cache.clear()  # the live server shares this process's cache
    outbox.clear()
    ensure_wagtail_root()
    index, station, _areas = make_activity_site()
    return ActivityPageFactory(
        parent=index,
        station=station,
        title="龙口西社区清洁日",
        place_name="龙口西公园",
        capacity=10,
        **starting_in(20, hours=2),
    )


def shot(page, name):
    SCREENSHOTS.mkdir(exist_ok=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, name
    page.screenshot(path=SCREENSHOTS / f"checkin-{name}.png", full_page=True)


def signed_in_cookie(page, live_server, session_key, name=COOKIE_NAME):
    page.context.add_cookies([{"name": name, "value": session_key, "url": live_server.url}])


def test_a_signed_in_volunteer_taps_in_and_out(live_server, phone_js, activity):
    page = phone_js
    problems = []
    page.context.expose_binding("reportViolation", lambda _source, text: problems.append(text))
    page.context.add_init_script(VIOLATIONS)
    page.on("pageerror", lambda error: problems.append(f"exception: {error}"))
    page.context.set_geolocation({"latitude": NEAR[0], "longitude": NEAR[1], "accuracy": 25})
    person = signed_up(activity, 1, name="陈小明")
    signed_in_cookie(page, live_server, sign_in(Client(), person))

    page.goto(live_server.url + checkin.checkin_path(activity))
    expect(page.get_by_role("heading", name="活动签到")).to_be_visible()
    expect(page.get_by_text("龙口西社区清洁日")).to_be_visible()
    expect(page.get_by_text("龙口西公园", exact=False)).to_be_visible()
    button = page.get_by_role("button", name="签到")
    expect(button).to_be_visible()
    box = button.bounding_box()
    assert box["width"] > 300 and box["height"] >= 64  # thumb-sized
    shot(page, "before")

    button.click()
    expect(page.get_by_role("heading", name="签到成功")).to_be_visible()
    expect(page.get_by_text("签到时间")).to_be_visible()
    expect(page.get_by_role("button", name="签退")).to_be_visible()
    shot(page, "done")
    row = CheckIn.objects.get(activity=activity, volunteer=person)
    # The script put the phone's location in the form: about 100 m away, not flagged.
    assert row.in_accuracy_m == 25 and 50 < row.in_distance_m < 150 and not row.flagged

    page.get_by_role("button", name="签退").click()
    expect(page.get_by_role("heading", name="签退成功")).to_be_visible()
    expect(page.get_by_role("link", name="查看我的志愿服务")).to_be_visible()
    shot(page, "out")
    assert CheckIn.objects.get(pk=row.pk).checked_out_at is not None
    assert ServiceRecord.objects.filter(activity=activity, volunteer=person).exists()
    assert problems == []


def test_a_signed_out_volunteer_signs_in_and_comes_back_without_javascript(
    live_server, phone, activity
):
    page = phone
    path = checkin.checkin_path(activity)
    page.goto(live_server.url + path)
    expect(page.get_by_role("heading", name="志愿者登录")).to_be_visible()
    page.get_by_role("textbox", name="手机号码").fill(mobile(7))
    page.get_by_role("button", name="获取验证码").click()
    page.get_by_role("textbox", name="验证码").fill(outbox[-1].params["code"])
    page.get_by_role("button", name="登录").click()

    # Back on the check-in page; not signed up, so a walk-in takes one of the free places.
    assert page.url == live_server.url + path
    page.get_by_role("button", name="签到").click()
    expect(page.get_by_role("heading", name="签到成功")).to_be_visible()
    expect(page.get_by_text("已为您现场加入本活动")).to_be_visible()
    shot(page, "walk-in")
    row = CheckIn.objects.get(activity=activity)
    assert row.walk_in and row.in_latitude is None


def test_an_expired_link_says_so_on_a_phone(live_server, phone, activity):
    token = checkin.checkin_token(activity)
    page = phone
    response = page.goto(f"{live_server.url}/activities/checkin/{token[:-3]}abc/")
    assert response.status == 404
    expect(page.get_by_text("这个签到链接无效")).to_be_visible()
    shot(page, "invalid")


def test_the_poster_prints_on_one_a4_page(live_server, browser, activity, django_user_model):
    admin = django_user_model.objects.create_superuser("poster-admin", password="pw-poster-123")
    client = Client()
    client.force_login(admin)
    context = browser.new_context(viewport={"width": 900, "height": 1300})
    page = context.new_page()
    signed_in_cookie(
        page,
        live_server,
        client.cookies[settings.SESSION_COOKIE_NAME].value,
        settings.SESSION_COOKIE_NAME,
    )
    page.goto(f"{live_server.url}/admin/activities/{activity.pk}/checkin/")
    expect(page.get_by_role("link", name="打印 A4 签到海报")).to_be_visible()
    page.screenshot(path=SCREENSHOTS / "checkin-admin-qr.png", full_page=True)

    page.goto(f"{live_server.url}/admin/activities/{activity.pk}/checkin/poster/")
    expect(page.get_by_text("用手机相机扫码签到，再次扫码签退")).to_be_visible()
    page.emulate_media(media="print")
    page.screenshot(path=SCREENSHOTS / "checkin-poster.png", full_page=True)
    pdf = page.pdf(format="A4", prefer_css_page_size=True, print_background=True)
    context.close()
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
    assert pages == 1, f"the poster prints on {pages} pages"
    (SCREENSHOTS / "checkin-poster.pdf").write_bytes(pdf)
