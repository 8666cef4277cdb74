"""A volunteer with confirmed hours asks their station for a 志愿服务记录证明 on a phone, the
station's manager issues it, the volunteer downloads the PDF and opens its public verification
page, which shows the masked name and nothing more: in real Chromium at 390 px, JavaScript off."""

from pathlib import Path

import pytest
from django.core.cache import cache
from playwright.sync_api import expect
from wagtail.models import Collection

from stations.models import CertificateRequest
from stations.sms import outbox
from stations.volunteers.certificates import issue_certificate, revoke_certificate
from tests.factories.home import ensure_wagtail_root
from tests.stations.volunteers.certificate_world import MOBILE, NAME, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).parent / "screenshots"
PHONE = {"width": 390, "height": 844}  # as conftest.phone


@pytest.fixture
def world():
    cache.clear()  # the live server shares this process's cache (and the rate limits in it)
    outbox.clear()
    ensure_wagtail_root()
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    yield build_world(staff=False)
    outbox.clear()


def shot(page, name):
    SCREENSHOTS.mkdir(exist_ok=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, name
    page.screenshot(path=SCREENSHOTS / f"certificate-{name}.png", full_page=True)


def sign_in(page, base):
    page.goto(base + "/volunteer/")
    page.get_by_role("textbox", name="手机号码").fill(MOBILE)
    page.get_by_role("button", name="获取验证码").click()
    page.get_by_role("textbox", name="验证码").fill(outbox[-1].params["code"])
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="我的志愿服务")).to_be_visible()


def test_ask_for_a_certificate_download_it_and_verify_it(live_server, browser, phone, world):
    page = phone
    sign_in(page, live_server.url)
    page.get_by_role("link", name="申请和下载证明").click()
    expect(page.get_by_role("heading", name="志愿服务记录证明", exact=True)).to_be_visible()
    page.get_by_label("向哪个站点申请").select_option(str(world["a"].pk))
    page.get_by_role("textbox", name="用途").fill("评优")
    page.get_by_role("button", name="提交申请").click()
    expect(page.get_by_text(f"已向“{world['a'].title}”提交申请")).to_be_visible()
    shot(page, "requested")

    asked = CertificateRequest.objects.get()
    certificate = issue_certificate(
        request=asked,
        volunteer=world["person"],
        station=world["a"],
        by=world["manager_a"],
        person_in_charge="李主任",
        handled_by="王经办",
        contact="020-12345678",
    )
    page.reload()
    expect(page.get_by_text(f"证明编号 {certificate.number}")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="下载证明（PDF）").click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
    assert download.value.suggested_filename == f"{certificate.number}.pdf"
    shot(page, "issued")

    page.get_by_role("link", name="核验页面").click()
    expect(page.get_by_text("证明有效")).to_be_visible()
    main = page.locator("main")
    expect(main).to_contain_text("张*明")
    expect(main).to_contain_text(certificate.number)
    expect(main).to_contain_text("9.5 小时")
    expect(main).not_to_contain_text(NAME)
    expect(main).not_to_contain_text(world["person"].number)
    shot(page, "verify")

    # Revoked: a visitor without the page cached (it may be cached for PUBLIC_SECONDS) reads so.
    revoke_certificate(certificate=certificate, by=world["manager_a"], reason="重复出具")
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    visitor = context.new_page()
    visitor.goto(live_server.url + f"/v/{certificate.verify_code}/")
    expect(visitor.get_by_text("证明已撤销")).to_be_visible()
    expect(visitor.locator("main")).to_contain_text("重复出具")
    shot(visitor, "revoked")
    context.close()
