"""Each page opened in Debian's Chromium as a phone (390 × 844, a mobile user agent), through
Playwright, and checked there by axe-core once it has settled (the map drawn, its data loaded).

Nothing leaves the machine: the browser resolves no name but the loopback ones, and a request
for any other host is refused and listed, since the site serves every file itself. Playwright is
a test dependency (`pip install -e ".[test]"`) and imported only when pages are visited.
"""

from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from .axe import AXE_CANARY, AXE_RUN, check_axe_canary
from .findings import LOOPBACK_HOSTS, Target, shorten

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
# Every other name resolves to nothing, in Lighthouse's browser as in this one.
OFFLINE_FLAG = "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost"
PHONE_UA = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/136.0.0.0 Mobile Safari/537.36"
)
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 3,
    "is_mobile": True,
    "has_touch": True,
    "user_agent": PHONE_UA,
    "locale": "zh-CN",
}
# The form a "submit" target sends: the page's own POST form, in its main content first.
POST_FORM = ('main form[method="post" i]', 'form[method="post" i]')
LOAD_TIMEOUT_MS = 60_000
SETTLE_TIMEOUT_MS = 5_000  # for the map's data and tiles; a page still busy after it is checked


class BrowserError(RuntimeError):
    """Chromium or axe-core could not be run at all."""


@dataclass
class Visit:
    target: Target
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    html: bytes = b""  # the body as served (after the form was sent, for a submit target)
    axe: dict | None = None  # axe.run's result: {"violations": [...], ...}
    outside: list[str] = field(default_factory=list)  # requests for other hosts, refused
    console: list[str] = field(default_factory=list)  # script errors and console errors
    error: str = ""  # why the page could not be checked


def visit_pages(
    targets: Sequence[Target], *, origin: str, axe_script: Path, chromium: str
) -> list[Visit]:
    """One Visit per target, in order; BrowserError if the browser or axe cannot run."""
    from playwright.sync_api import Error, sync_playwright

    axe_source = axe_script.read_text(encoding="utf-8")
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=chromium, args=[*CHROMIUM_ARGS, OFFLINE_FLAG]
            )
            try:
                _canary(browser, axe_source)
                return [_visit(browser, target, origin, axe_source) for target in targets]
            finally:
                browser.close()
    except Error as error:
        raise BrowserError(f"Chromium could not be driven: {error}") from error


def _canary(browser, axe_source: str) -> None:
    context = browser.new_context(**PHONE)
    try:
        page = context.new_page()
        page.set_content(AXE_CANARY)
        page.evaluate(axe_source)
        check_axe_canary(page.evaluate(AXE_RUN))
    finally:
        context.close()


def _visit(browser, target: Target, origin: str, axe_source: str) -> Visit:
    from playwright.sync_api import Error

    visit = Visit(target)
    context = browser.new_context(**PHONE)
    context.set_default_timeout(LOAD_TIMEOUT_MS)

    def route(request_route):
        url = request_route.request.url
        if urlsplit(url).hostname in LOOPBACK_HOSTS or url.startswith(("data:", "blob:")):
            request_route.continue_()
        else:
            visit.outside.append(url)
            request_route.abort()

    context.route("**/*", route)
    page = context.new_page()
    console: list[tuple[str, str]] = []  # (text, where) of each console error

    def on_console(message):
        if message.type == "error":
            console.append((message.text, (message.location or {}).get("url", "")))

    page.on("pageerror", lambda error: visit.console.append(f"script error: {error}"))
    page.on("console", on_console)
    try:
        response = page.goto(origin + target.request_path, wait_until="load")
        if target.submit and response is not None:
            response = _send_form(page) or response
        if response is None:
            raise BrowserError("the page gave no response")
        visit.status, visit.headers = response.status, dict(response.headers)
        visit.html = response.body()
        with suppress(Error):  # still busy after it: checked as it is
            page.wait_for_load_state("networkidle", timeout=SETTLE_TIMEOUT_MS)
        page.evaluate(axe_source)
        visit.axe = page.evaluate(AXE_RUN)
        visit.console += console_errors(console, page_url=response.url)
    except (Error, BrowserError) as error:
        visit.error = shorten(str(error), 300)
    finally:
        context.close()
    return visit


def _send_form(page):
    """Send the page's POST form as it stands, the browser's own checks off (as an old
    browser would), and the answer's response."""
    for selector in POST_FORM:
        form = page.locator(selector).first
        if form.count():
            with page.expect_navigation(wait_until="load") as navigation:
                form.evaluate("form => { form.noValidate = true; form.requestSubmit(); }")
            return navigation.value
    raise BrowserError("the page has no POST form to send")


def console_errors(messages: Sequence[tuple[str, str]], *, page_url: str) -> list[str]:
    """The console's errors (text, where) but the browser's note on the page's own status: a
    404 page or a form answered 400 is the page working as meant."""
    return [
        shorten(f"console: {text} ({where})" if where else f"console: {text}", 300)
        for text, where in messages
        if not (where == page_url and text.startswith("Failed to load resource"))
    ]
