"""Every response carries the Content-Security-Policy: public pages run only the site's own script
and style files, the Wagtail admin gets its looser policy, and no page or template gains an inline
script, event handler, javascript: link or style attribute that the policy would block."""

import importlib.util
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from wagtail_factories import ImageFactory

from portal.csp import report_uri_directive, tile_origins, url_origin
from tests.factories.home import PolicyDocumentPageFactory
from tests.factories.stations import (
    ActivityIndexPageFactory,
    ActivityPageFactory,
    make_areas,
    make_registration_form,
    make_station_index,
    station_at,
)
from tests.factories.stories import StoryIndexPageFactory, StoryPageFactory
from tests.portal.test_database_outage import database_down
from tests.shared_data import shared_fixture

pytestmark = pytest.mark.django_db

HEADER = "Content-Security-Policy"
FIRST_PARTY = ("home", "portal", "search", "stations", "stories")
BASE_DIR = Path(django_settings.BASE_DIR)


def directives(header: str) -> dict[str, list[str]]:
    parts = (part.strip().split() for part in header.split(";") if part.strip())
    return {name: sources for name, *sources in parts}


@shared_fixture
def whole_site(site_tree):
    """One page of every public type, with a cover image and JSON-LD where the types have them."""
    home, policies = site_tree
    areas = make_areas()
    station = station_at(
        make_station_index(home), lat=23.1345, lng=113.3420, street=areas["shipai"]
    )
    activities = ActivityIndexPageFactory(parent=home, show_in_menus=True)
    stories = StoryIndexPageFactory(parent=home, show_in_menus=True)
    registration = make_registration_form(home)
    return {
        "/": home,
        "/stations/": station.get_parent(),
        "station": station,
        "/activities/": activities,
        "activity": ActivityPageFactory(parent=activities, station=station),
        "registration": f"{registration.url}?station={station.pk}",
        "/stories/": stories,
        "story": StoryPageFactory(parent=stories, cover_image=ImageFactory(), cover_alt="义工"),
        "/policies/": policies,
        "policy": PolicyDocumentPageFactory(parent=policies, doc_number="穗民〔2019〕62号"),
    }


def public_urls(site) -> list[str]:
    urls = [value if isinstance(value, str) else value.url for value in site.values()]
    return urls + ["/search/?q=志愿", "/no-such-page/"]


# --- the header -------------------------------------------------------------------------------


def test_public_pages_allow_only_the_sites_own_scripts_and_styles(client, whole_site):
    for url in public_urls(whole_site):
        response = client.get(url)
        assert response.status_code in (200, 404), url
        policy = directives(response[HEADER])
        assert policy["script-src"] == ["'self'"], url
        assert policy["style-src"] == ["'self'"], url
        assert policy["default-src"] == ["'self'"]
        assert policy["object-src"] == ["'none'"]
        assert policy["frame-ancestors"] == ["'none'"]
        assert policy["base-uri"] == policy["form-action"] == policy["connect-src"] == ["'self'"]
        assert policy["font-src"] == ["'self'", "data:"]
        # The map's tiles come from the configured tile server (OpenStreetMap by default).
        assert policy["img-src"] == ["'self'", "data:", "https://tile.openstreetmap.org"]
        # The headers the site already sent are still there.
        assert response["Permissions-Policy"].startswith("geolocation=(self)")
        assert response["X-Frame-Options"] == "DENY"


def test_data_files_and_static_files_carry_it_too(client, whole_site):
    index_url = whole_site["/stations/"].url
    for url in (
        index_url + "map.geojson",
        index_url + "nearby.json?lat=23.13&lng=113.34",
        "/static/css/portal.css",
        "/robots.txt",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert directives(response[HEADER])["script-src"] == ["'self'"], url


def test_error_pages_carry_it_and_style_themselves_from_a_file(settings, monkeypatch, whole_site):
    browser = Client(raise_request_exception=False)
    with database_down():
        unavailable = browser.get("/stations/")
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    bad = browser.post(whole_site["registration"], {"skills": "长" * 200})

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr("stations.models.StationIndexPage.get_context", broken)
    error = browser.get("/stations/")
    assert (unavailable.status_code, bad.status_code, error.status_code) == (503, 400, 500)
    for response in (unavailable, bad, error):
        assert directives(response[HEADER])["style-src"] == ["'self'"]
        html = response.content.decode()
        assert 'href="/static/css/error-page.css"' in html
        assert inline_code(html) == []


def test_the_wagtail_admin_allows_inline_code_but_never_eval(editor_client):
    login = directives(Client().get("/admin/login/")[HEADER])
    editor = editor_client.get("/admin/")
    assert editor.status_code == 200
    for policy in (login, directives(editor[HEADER])):
        assert policy["script-src"] == ["'self'", "'unsafe-inline'"]
        assert policy["style-src"] == ["'self'", "'unsafe-inline'"]
        assert "'unsafe-eval'" not in policy["script-src"]
        # The page preview is the admin framing itself.
        assert policy["frame-ancestors"] == ["'self'"]
        assert policy["object-src"] == ["'none'"]
        assert (
            "blob:" in policy["img-src"] and "https://tile.openstreetmap.org" in policy["img-src"]
        )


def test_the_looser_policy_stops_at_the_wagtail_admin(client, whole_site):
    # The Django admin (log-in lockouts) and look-alike paths keep the strict policy.
    for path in ("/django-admin/login/", "/administration/", "/stations/admin/"):
        assert directives(client.get(path)[HEADER])["script-src"] == ["'self'"], path


def test_a_draft_shown_in_the_admin_has_the_admins_policy_alone(editor_client, whole_site):
    # Wagtail renders previews and drafts by running the page through the middleware on a dummy
    # request for its public URL; the admin request around it sets the one header.
    station = whole_site["station"]
    response = editor_client.get(f"/admin/pages/{station.pk}/view_draft/")
    assert response.status_code == 200
    assert station.title in response.content.decode()
    assert response[HEADER].count("frame-ancestors") == 1
    assert directives(response[HEADER])["frame-ancestors"] == ["'self'"]


# --- what start-up adds -----------------------------------------------------------------------


def test_an_absolute_media_url_adds_its_host_for_images_and_videos(settings, whole_site):
    settings.MEDIA_URL = "https://bucket.oss.example.com/media/"
    policy = directives(Client().get("/")[HEADER])
    assert "https://bucket.oss.example.com" in policy["img-src"]
    assert policy["media-src"] == ["'self'", "https://bucket.oss.example.com"]
    assert "bucket" not in " ".join(policy["script-src"] + policy["style-src"])


def test_tile_hosts_follow_the_tile_setting(settings, whole_site):
    settings.MAP_TILES = {
        **settings.MAP_TILES,
        "url": "https://t{s}.tianditu.gov.cn/vec_w/wmts?x={x}&y={y}&l={z}&tk=key",
        "subdomains": "012",
    }
    img = directives(Client().get("/")[HEADER])["img-src"]
    assert img == ["'self'", "data:"] + [f"https://t{n}.tianditu.gov.cn" for n in "012"]


def test_origins_are_read_from_urls_as_browsers_match_them():
    assert url_origin("/media/") is None
    assert url_origin("https://user@cdn.example.cn:8443/media/") == "https://cdn.example.cn:8443"
    assert url_origin("//cdn.example.cn/media/") == "cdn.example.cn"
    assert tile_origins("https://{s}.tile.example.org/{z}/{x}/{y}.png", "ab") == [
        "https://a.tile.example.org",
        "https://b.tile.example.org",
    ]
    assert tile_origins("/tiles/{z}/{x}/{y}.png", "abc") == []
    with pytest.raises(ImproperlyConfigured):
        tile_origins("https://{variant}.tiles.example.org/{z}/{x}/{y}.png", "abc")


# --- report-only and the report URI -----------------------------------------------------------


def load_base_settings(monkeypatch, **environment):
    """portal/settings/base.py evaluated afresh under `environment`, as a process would start."""
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    path = BASE_DIR / "portal" / "settings" / "base.py"
    spec = importlib.util.spec_from_file_location("portal_settings_probe", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_enforced_unless_report_only_is_asked_for(monkeypatch):
    monkeypatch.delenv("CSP_REPORT_ONLY", raising=False)
    monkeypatch.delenv("CSP_REPORT_URI", raising=False)
    enforced = load_base_settings(monkeypatch)
    assert enforced.CONTENT_SECURITY_POLICY["DIRECTIVES"]["script-src"] == ["'self'"]
    assert enforced.CONTENT_SECURITY_POLICY_REPORT_ONLY is None
    assert "report-uri" not in enforced.CONTENT_SECURITY_POLICY["DIRECTIVES"]

    trial = load_base_settings(
        monkeypatch, CSP_REPORT_ONLY="true", CSP_REPORT_URI="https://reports.example.cn/csp"
    )
    assert trial.CONTENT_SECURITY_POLICY is None
    assert trial.CONTENT_SECURITY_POLICY_REPORT_ONLY["DIRECTIVES"]["report-uri"] == (
        "https://reports.example.cn/csp"
    )


def test_report_only_sends_the_same_policy_under_the_other_header(settings, client):
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = {
        "DIRECTIVES": {
            **settings.CONTENT_SECURITY_POLICY["DIRECTIVES"],
            "report-uri": "/csp-reports/",
        }
    }
    settings.CONTENT_SECURITY_POLICY = None
    for path, script_src in (
        ("/robots.txt", ["'self'"]),
        ("/admin/login/", ["'self'", "'unsafe-inline'"]),
    ):
        response = client.get(path)
        assert HEADER not in response
        policy = directives(response["Content-Security-Policy-Report-Only"])
        assert policy["script-src"] == script_src
        assert policy["report-uri"] == ["/csp-reports/"]
        assert "https://tile.openstreetmap.org" in policy["img-src"]


@pytest.mark.parametrize(
    "uri",
    [
        "https://reports.example.cn/csp; script-src *",
        "http://reports.example.cn/csp",
        "reports.example.cn/csp",
        "/csp reports",
        "https://reports.example.cn/a,b",
    ],
)
def test_a_report_uri_that_would_change_the_policy_is_refused(uri):
    with pytest.raises(ImproperlyConfigured):
        report_uri_directive(uri)


def test_a_report_uri_is_taken_as_given():
    assert report_uri_directive("  ") == {}
    assert report_uri_directive("/csp-reports/") == {"report-uri": "/csp-reports/"}


# --- no inline code in pages or templates -----------------------------------------------------

DATA_SCRIPT_TYPES = {"application/ld+json", "application/json"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href"}


class InlineCode(HTMLParser):
    """What in an HTML document a script-src and style-src of 'self' alone would block."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []
        self._script = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script" and "src" not in attributes:
            kind = (attributes.get("type") or "").strip().lower()
            self._script = kind
        if tag == "style":
            self.found.append("<style> element")
        for name, value in attrs:
            if re.fullmatch(r"on[a-z]+", name):
                self.found.append(f"{name}= handler on <{tag}>")
            elif name == "style":
                self.found.append(f"style= attribute on <{tag}>")
            elif name in URL_ATTRIBUTES and re.match(r"\s*javascript:", value or "", re.I):
                self.found.append(f"javascript: URL in {name} of <{tag}>")

    def handle_data(self, data):
        if self._script is not None and data.strip() and self._script not in DATA_SCRIPT_TYPES:
            self.found.append(f"inline <script> {data.strip()[:60]!r}")

    def handle_endtag(self, tag):
        if tag == "script":
            self._script = None


def inline_code(html: str) -> list[str]:
    parser = InlineCode()
    parser.feed(html)
    parser.close()
    return parser.found


def test_the_detector_finds_what_the_policy_blocks():
    blocked = (
        '<script>alert(1)</script><a href="javascript:go()" onclick="go()">x</a>'
        '<p style="color:red"></p><style>p{}</style><button onmouseover=go()>b</button>'
        '<script type="module">run()</script>'
    )
    assert len(inline_code(blocked)) == 7
    allowed = (
        '<script src="/static/a.js" defer></script>'
        '<script type="application/ld+json">{"@type": "Place"}</script>'
        '<script id="cfg" type="application/json">{"a": 1}</script>'
        '<a href="/javascript-guide/">JavaScript: 指南</a><p data-onclick="x">one=1</p>'
    )
    assert inline_code(allowed) == []


def test_no_public_page_has_inline_code(client, whole_site):
    json_ld_pages = 0
    for url in public_urls(whole_site):
        html = client.get(url).content.decode()
        assert inline_code(html) == [], url
        json_ld_pages += 'type="application/ld+json"' in html
    assert json_ld_pages >= 3  # the data blocks are there, and allowed


def template_files() -> list[Path]:
    files = []
    for app in FIRST_PARTY:
        files += [p for p in (BASE_DIR / app).rglob("*.html") if "node_modules" not in p.parts]
    return sorted(files)


def test_no_template_has_inline_code():
    files = template_files()
    assert len(files) > 30 and BASE_DIR / "portal" / "templates" / "500.html" in files
    found = {}
    for path in files:
        # Template tags and variables are not HTML: blank them so the parser sees the markup.
        source = re.sub(r"{%.*?%}|{{.*?}}|{#.*?#}", "", path.read_text(), flags=re.S)
        if problems := inline_code(source):
            found[str(path.relative_to(BASE_DIR))] = problems
    assert found == {}
