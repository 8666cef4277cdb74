import os
import shutil
from urllib.parse import urlsplit

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PHONE = {"width": 390, "height": 844}


def pytest_collection_modifyitems(items):
    if os.path.exists(CHROMIUM):
        return
    skip = pytest.mark.skip(reason="Debian's chromium is not installed (apt-get install chromium)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop on this thread for as long as it runs; the ORM
    # calls the tests (and their database teardown) make meanwhile are synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def phone(browser):
    """A phone-sized page with JavaScript off: everything must work without it."""
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, java_script_enabled=False)
    page = context.new_page()
    yield page
    context.close()


def _blank_tile() -> bytes:
    from io import BytesIO

    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (256, 256), (236, 233, 226)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def phone_js(browser):
    """A phone-sized page with JavaScript on, allowed to read its location (set it per test
    with page.context.set_geolocation), and cut off from everything but the test server: map
    tiles get a blank image, anything else from outside is refused and listed in
    page.outside_requests."""
    tile = _blank_tile()
    outside = []

    def offline(route):
        request = route.request
        if urlsplit(request.url).hostname in ("localhost", "127.0.0.1"):
            route.continue_()
            return
        outside.append(request.url)
        if request.resource_type == "image":
            route.fulfill(body=tile, content_type="image/png")
        else:
            route.abort()

    context = browser.new_context(
        viewport=PHONE, device_scale_factor=2, permissions=["geolocation"]
    )
    context.route("**/*", offline)
    page = context.new_page()
    page.outside_requests = outside
    yield page
    context.close()


@pytest.fixture(autouse=True)
def wagtail_root(transactional_db):
    """Browser tests use a live server, so their database is flushed between tests, taking the
    root page and locale that Wagtail's migrations made. Put them back before each one."""
    from tests.factories.home import ensure_wagtail_root

    ensure_wagtail_root()
