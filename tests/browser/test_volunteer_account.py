"""A resident on a phone goes from the home page to 我的志愿服务 with a code from the (test)
SMS outbox, finds the sign-up they made before, signs up for another with the form filled in,
cancels one in two taps, and downloads what the portal holds about them: in real Chromium at
390 px with JavaScript off."""

import json
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import expect

from stations import signup
from stations.models import ActivitySignup, SignupStatus, Volunteer
from stations.sms import outbox
from tests.factories.home import ensure_wagtail_root
from tests.factories.stations import ActivityPageFactory, make_activity_site

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).parent / "screenshots"
MOBILE = "13912345678"


@pytest.fixture
def activities():
    cache.clear()  # the live server shares this process's cache (and the rate limits in it)
    outbox.clear()
    ensure_wagtail_root()
    index, station, _areas = make_activity_site()
    soon = timezone.now() + timedelta(days=3)
    earlier = ActivityPageFactory(
        parent=index,
        station=station,
        title="龙口西社区清洁日",
        starts_at=soon + timedelta(days=4),
        ends_at=soon + timedelta(days=4, hours=2),
    )
    other = ActivityPageFactory(
        parent=index,
        station=station,
        title="长者助餐探访",
        starts_at=soon,
        ends_at=soon + timedelta(hours=2),
    )
    # Signed up before the resident had an account: it turns up after the first sign-in.
    signup.sign_up(activity=earlier, name="陈小明", mobile=MOBILE)
    yield {"earlier": earlier, "other": other}
    outbox.clear()


def shot(page, name):
    SCREENSHOTS.mkdir(exist_ok=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, name
    page.screenshot(path=SCREENSHOTS / f"volunteer-{name}.png", full_page=True)


def test_from_the_home_page_to_my_sign_ups_then_cancel_and_download(live_server, phone, activities):
    page = phone
    started = time.monotonic()
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="我的志愿服务").first.click()

    # Sign in: the mobile, then the code the SMS gateway sent.
    expect(page.get_by_role("heading", name="志愿者登录")).to_be_visible()
    page.get_by_role("textbox", name="手机号码").fill("139 1234 5678")
    page.get_by_role("button", name="获取验证码").click()
    expect(page.get_by_text("验证码已发送到 139****5678")).to_be_visible()
    shot(page, "code")
    assert outbox and outbox[-1].mobile == MOBILE and outbox[-1].template == "login_code"
    page.get_by_role("textbox", name="验证码").fill(outbox[-1].params["code"])
    page.get_by_role("button", name="登录").click()

    # 我的志愿服务: the number, the earlier sign-up, and the name asked for once.
    expect(page.get_by_role("heading", name="我的志愿服务")).to_be_visible()
    volunteer = Volunteer.objects.get(mobile=MOBILE)
    expect(page.get_by_text(volunteer.number)).to_be_visible()
    expect(page.get_by_role("link", name="龙口西社区清洁日")).to_be_visible()
    page.get_by_role("textbox", name="姓名").fill("陈小明")
    page.get_by_role("button", name="保存姓名").click()
    expect(page.locator(".volunteer__card")).to_contain_text("陈小明")
    reached = time.monotonic() - started
    shot(page, "home")

    # Another activity: the form is filled from the account.
    page.goto(live_server.url + activities["other"].url)
    expect(page.get_by_text(f"编号 {volunteer.number}")).to_be_visible()
    expect(page.get_by_role("textbox", name="姓名")).to_have_value("陈小明")
    expect(page.get_by_role("textbox", name="手机号码")).to_have_value(MOBILE)
    page.get_by_label("我同意主办站点使用我的姓名和手机号码").check()
    page.get_by_role("button", name="确认报名").click()
    expect(page.get_by_role("heading", name="报名成功，名额已确认")).to_be_visible()

    # Both sign-ups, the sooner first.
    page.goto(live_server.url + "/volunteer/")
    titles = page.locator(".volunteer__title").all_inner_texts()
    assert titles.index("长者助餐探访") < titles.index("龙口西社区清洁日")
    shot(page, "signups")

    # Cancelling asks first; only the second tap cancels.
    page.locator(".volunteer__item", has_text="龙口西社区清洁日").get_by_role(
        "link", name="取消报名…"
    ).click()
    expect(page.get_by_role("heading", name="确定要取消这次报名吗？")).to_be_visible()
    shot(page, "cancel-confirm")
    earlier = ActivitySignup.objects.get(activity=activities["earlier"])
    assert earlier.status == SignupStatus.CONFIRMED
    page.get_by_role("button", name="确认取消报名").click()
    expect(page.get_by_text("已取消报名“龙口西社区清洁日”")).to_be_visible()
    earlier.refresh_from_db()
    assert earlier.status == SignupStatus.CANCELLED
    shot(page, "cancelled")

    # My data, downloaded as JSON.
    page.get_by_role("link", name="我的数据").first.click()
    expect(page.get_by_role("heading", name="我的数据")).to_be_visible()
    shot(page, "data")
    with page.expect_download() as download:
        page.get_by_role("link", name="下载 JSON").first.click()
    data = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    text = json.dumps(data, ensure_ascii=False)
    assert volunteer.number in text and MOBILE in text
    assert "龙口西社区清洁日" in text and "长者助餐探访" in text
    # For the closing note: the issue asks for under a minute on a phone (a person types
    # slower than Playwright; this is the portal's share of it).
    print(f"home page to 我的志愿服务 with the name saved: {reached:.1f} s")
