"""Whether a page is one the site keeps out of search engines: Lighthouse's SEO score of such a
page is reported but not judged (its "is-crawlable" audit fails by design)."""

from collections.abc import Mapping
from html.parser import HTMLParser
from urllib.robotparser import RobotFileParser

USER_AGENT = "*"


class _RobotsMeta(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.directives: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag != "meta":
            return
        values = {name.lower(): value or "" for name, value in attrs}
        if values.get("name", "").lower() in ("robots", "googlebot"):
            self.directives.append(values.get("content", "").lower())


def robots_rules(text: str) -> RobotFileParser:
    rules = RobotFileParser()
    rules.parse(text.splitlines())
    return rules


def indexing_refusal(
    *,
    status: int | None,
    headers: Mapping[str, str],
    html: str,
    path: str,
    robots: RobotFileParser | None,
) -> str:
    """Why search engines are kept from this page ("noindex (meta)", "robots.txt", "HTTP
    404"…), or "" when it is a page for them."""
    if status != 200:
        return f"HTTP {status}"
    header = next((v for k, v in headers.items() if k.lower() == "x-robots-tag"), "")
    if "noindex" in header.lower():
        return "noindex (X-Robots-Tag)"
    meta = _RobotsMeta()
    meta.feed(html)
    if any("noindex" in directive for directive in meta.directives):
        return "noindex (meta)"
    if robots is not None and not robots.can_fetch(USER_AGENT, path):
        return "robots.txt"
    return ""
