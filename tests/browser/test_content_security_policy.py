"""The site and the Wagtail admin work in real Chromium with the Content-Security-Policy enforced:
every page type, the map with its tiles, a sign-up, and the admin's editor, chooser and preview,
with no policy violation and no console error anywhere."""

import pytest
from django.core.cache import cache
from playwright.sync_api import expect
from wagtail_factories import ImageFactory

from home.models import PolicyIndexPage
from tests.factories.home import PolicyDocumentPageFactory
from tests.factories.stations import (
    ActivityPageFactory,
    make_activity_site,
    make_registration_form,
    set_checks,
)
from tests.factories.stories import StoryIndexPageFactory, StoryPageFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ADMIN_PASSWORD = "pw-admin-csp-123"
DESKTOP = {"width": 1280, "height": 900}

# Runs in every frame before the page's own scripts (Playwright adds it outside the page's CSP)
# and hands each violation to Python, whichever page or frame it happened in.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.reportViolation(
    `${event.effectiveDirective} blocked ${event.blockedURI || "inline"} on ${event.documentURI}`
    + (event.sample ? ` (${event.sample})` : "")
  );
});
"""


def watch(page):
    """Collect CSP violations, console errors and uncaught exceptions of `page` in page.problems."""
    problems = []
    page.context.expose_binding("reportViolation", lambda _source, text: problems.append(text))
    page.context.add_init_script(REPORT_VIOLATIONS)

    def console(message):
        where = message.location.get("url", "")
        # The browser's own request for /favicon.ico (the site has none) is not the page's doing.
        if message.type == "error" and not where.endswith("/favicon.ico"):
            problems.append(f"console: {message.text} ({where})")

    page.on("console", console)
    page.on("pageerror", lambda error: problems.append(f"exception: {error}"))
    page.problems = problems
    return page


def script_src(response) -> list[str]:
    """The script-src sources of a response's enforced policy."""
    for directive in response.headers["content-security-policy"].split(";"):
        name, *sources = directive.split()
        if name == "script-src":
            return sources
    return []


@pytest.fixture
def site(django_user_model):
    cache.clear()  # the live server shares this process's cache
    activity_index, station, _areas = make_activity_site()
    home = activity_index.get_parent().specific
    set_checks(station)
    activity = ActivityPageFactory(parent=activity_index, station=station, title="龙口西社区清洁日")
    registration = make_registration_form(home)
    story_index = StoryIndexPageFactory(parent=home, show_in_menus=True)
    story = StoryPageFactory(
        parent=story_index, title="从五星到市长奖", cover_image=ImageFactory(), cover_alt="义工"
    )
    policy = PolicyDocumentPageFactory(
        parent=PolicyIndexPage.objects.child_of(home).get(),
        title="广州市民政局关于加强社区志愿服务的通知",
        doc_number="穗民〔2019〕62号",
        issued="2019",
    )
    django_user_model.objects.create_superuser("csp-admin", "admin@example.cn", ADMIN_PASSWORD)
    return {
        "station": station,
        "activity": activity,
        "registration": registration,
        "story": story,
        "policy": policy,
    }


def _png() -> bytes:
    from io import BytesIO

    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (40, 30), (200, 80, 60)).save(buffer, "PNG")
    return buffer.getvalue()


def test_public_pages_and_the_map_break_no_rule(live_server, phone_js, site):
    page = watch(phone_js)
    response = page.goto(live_server.url + "/")
    assert script_src(response) == ["'self'"]
    expect(page.locator(".figures__item").first).to_be_visible()

    # The map draws its tiles (from the tile host the policy names) and its marker.
    page.goto(live_server.url + "/stations/")
    expect(page.locator('#station-map[data-features="1"]')).to_be_visible()
    page.wait_for_function(
        "document.querySelectorAll('#station-map img.leaflet-tile-loaded').length"
    )
    assert page.outside_requests and all(
        "tile.openstreetmap.org" in u for u in page.outside_requests
    )

    pages = [site[name].url for name in ("station", "story", "policy")]
    # (The 404 page is left to the unit test: Chromium logs every 404 document as an error.)
    for url in pages + ["/stories/", "/policies/", "/activities/"]:
        page.goto(live_server.url + url)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.goto(live_server.url + "/search/?q=志愿")
    expect(page.locator("main")).to_contain_text("志愿")
    # The station's link to the volunteer registration form.
    page.goto(live_server.url + site["station"].url)
    page.get_by_role("link", name="报名成为本站志愿者").click()
    expect(page.get_by_role("textbox", name="姓名")).to_be_visible()

    # An activity sign-up posts and lands on the resident's own page.
    page.goto(live_server.url + site["activity"].url)
    page.get_by_role("textbox", name="姓名").fill("陈小明")
    page.get_by_role("textbox", name="手机号码").fill("139 1234 5678")
    page.get_by_label("我同意主办站点使用我的姓名和手机号码").check()
    page.get_by_role("button", name="确认报名").click()
    expect(page.get_by_role("heading", name="报名成功，名额已确认")).to_be_visible()

    assert page.problems == []


def test_the_admin_editor_chooser_and_preview_break_no_rule(live_server, browser, site):
    context = browser.new_context(viewport=DESKTOP)
    # The station page (and its preview) draws a small map: its tiles never come from outside.
    tile = _png()
    context.route(
        "https://tile.openstreetmap.org/**",
        lambda route: route.fulfill(body=tile, content_type="image/png"),
    )
    page = watch(context.new_page())
    try:
        page.goto(live_server.url + "/admin/login/")
        page.locator("#id_username").fill("csp-admin")
        page.locator("#id_password").fill(ADMIN_PASSWORD)
        page.locator("form button[type=submit]").click()
        expect(page.locator(".w-dashboard")).to_be_visible()

        # The station page's editor: Draftail for the service content, the inline panels.
        page.goto(live_server.url + f"/admin/pages/{site['station'].pk}/edit/")
        expect(page.locator(".Draftail-Editor").first).to_be_visible()

        # An image chooser opens its modal with the site's images.
        page.locator(
            "#id_standard_checks-0-evidence_image-chooser [data-chooser-action-choose]"
        ).first.click()
        expect(page.locator(".modal-dialog")).to_be_visible()
        expect(page.locator(".modal-dialog .listing, .modal-dialog img").first).to_be_visible()
        page.locator(".modal-dialog [data-dismiss=modal]").first.click()
        expect(page.locator(".modal-dialog")).to_be_hidden()

        # The preview panel shows the page in an iframe of the admin itself.
        page.locator('[data-side-panel-toggle="preview"]').click()
        frame = page.frame_locator("#w-preview-iframe")
        expect(frame.get_by_role("heading", level=1)).to_have_text(site["station"].title)

        # A story's StreamField editor.
        page.goto(live_server.url + f"/admin/pages/{site['story'].pk}/edit/")
        expect(page.locator("[data-streamfield-stream-container]").first).to_be_visible()

        # The multiple-image upload previews the file (a blob: image) before sending it.
        page.goto(live_server.url + "/admin/images/multiple/add/")
        page.locator("#fileupload").set_input_files(
            files=[{"name": "站点.png", "mimeType": "image/png", "buffer": _png()}]
        )
        expect(page.locator("#upload-list .upload-success")).to_be_visible()
        expect(
            page.locator("#upload-list .preview canvas, #upload-list .preview img")
        ).to_be_visible()

        # A public page as an editor sees it: the strict policy, with Wagtail's userbar (its
        # scripts and accessibility checker) on the page.
        response = page.goto(live_server.url + site["station"].url)
        assert script_src(response) == ["'self'"]
        page.locator("#wagtail-userbar-trigger").click()
        expect(page.locator("#wagtail-userbar-items")).to_be_visible()

        # The Django admin (log-in lockouts) keeps the public site's strict policy.
        response = page.goto(live_server.url + "/django-admin/axes/accessattempt/")
        assert script_src(response) == ["'self'"]
        expect(page.locator("#changelist")).to_be_visible()
        page.wait_for_load_state("networkidle")

        assert page.problems == []
    finally:
        context.close()
