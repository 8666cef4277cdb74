"""Property-based fuzzing of every public endpoint (issue 13, item 3).

What is fuzzed is found, not listed here, so a new page, route or parameter is covered without
editing this file:

- the endpoints: every public URL pattern of the URL conf (the admin's are behind log-in), each
  routable page's own routes, and one live page of every page model;
- their parameters: the names the site's own pages use (the fields of every form, the query
  keys of every link, found by crawling a small site with one page of each type) and every name
  the code reads from ``request.GET`` / ``request.POST`` (recorded while the crawl runs);
- their values: Unicode text (controls, bidi overrides, zero-width characters, invalid UTF-8 as
  raw bytes), huge and odd numbers, repeated parameters, oversized bodies and odd methods.

Every response must be below 500, log no error or traceback, never echo markup unescaped, and a
refusal (an error message, or a 4xx) must leave every row as it was. ``FUZZ_EXAMPLES`` (default 8
per endpoint) runs deeper: ``FUZZ_EXAMPLES=500 .venv/bin/pytest tests/test_fuzz_endpoints.py``.
"""

import json
import logging
import os
import random
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import quote, quote_from_bytes, urlencode, urljoin, urlsplit

import pytest
from django.apps import apps
from django.core.cache import caches
from django.http import QueryDict
from django.test import Client
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wagtail.models import Page, PageViewRestriction, get_page_models

from tests.factories.home import StandardPageFactory, volunteer_regulation
from tests.factories.stations import (
    ActivityPageFactory,
    make_activity_site,
    make_registration_form,
    set_checks,
)
from tests.factories.stories import StoryIndexPageFactory, StoryPageFactory
from tests.shared_data import shared_fixture

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "8"))
# Behind log-in, and fuzzed as the staff who use them are not: the public is what is fuzzed here.
PRIVATE_PREFIXES = ("admin/", "django-admin/")
# Rows these apps hold are what a refused request must leave as they were.
WATCHED_APPS = ("home", "stations", "stories", "search", "wagtailforms", "wagtaildocs")
MARKUP = '<i data-fuzz="1">'
MARKUP_SEEN = 'data-fuzz="1"'
# Stands for a body past DATA_UPLOAD_MAX_MEMORY_SIZE, written out only when sent (so a failing
# example's report stays short).
OVERSIZED = "oversized=@@3MB@@"


# --- what the site has ---------------------------------------------------------------------------


def _public_patterns(patterns=None, prefix=""):
    """(name, full regex) of every URL pattern outside the admin."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        regex = entry.pattern.regex.pattern.lstrip("^")
        if isinstance(entry, URLResolver):
            if str(entry.pattern) in PRIVATE_PREFIXES:
                continue
            yield from _public_patterns(entry.url_patterns, prefix + regex)
        elif isinstance(entry, URLPattern):
            yield entry.name or regex, prefix + regex


def _page_routes():
    """(page model, route name, route regex) of every routable page's own routes."""
    for model in get_page_models():
        for route in getattr(model, "get_subpage_urls", lambda: [])():
            yield model, route.name, route.pattern.regex.pattern.lstrip("^")


def _public_page_models():
    return [model for model in get_page_models() if model.is_creatable]


URL_TARGETS = sorted({name: regex for name, regex in _public_patterns()}.items())
ROUTE_TARGETS = sorted({(m._meta.label, name): regex for m, name, regex in _page_routes()}.items())
PAGE_TARGETS = sorted(model._meta.label for model in _public_page_models())


# --- recording what the code reads ---------------------------------------------------------------


class ReadRecorder:
    """Patches QueryDict's readers so every key a request's code looks up is noted."""

    def __init__(self, monkeypatch):
        self.keys: set[str] = set()
        for name in ("get", "getlist", "__getitem__", "__contains__"):
            original = getattr(QueryDict, name)
            monkeypatch.setattr(QueryDict, name, self._recording(original))

    def _recording(self, original):
        def read(query_dict, key, *args, **kwargs):
            if isinstance(key, str):
                self.keys.add(key)
            return original(query_dict, key, *args, **kwargs)

        return read


# --- crawling the site for forms and links ------------------------------------------------------


@dataclass
class Form:
    action: str
    method: str
    fields: dict[str, list[str]] = field(default_factory=dict)  # name → baseline values


class PageParser(HTMLParser):
    """Links, data-*/src/href URLs and forms of one page."""

    def __init__(self, base: str):
        super().__init__(convert_charrefs=True)
        self.base = base
        self.urls: list[str] = []
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._textarea: str | None = None
        self._json = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        # The map's settings (json_script) name the data files it fetches.
        self._json = tag == "script" and attrs.get("type") == "application/json"
        for name, value in attrs.items():
            names_a_url = name in ("href", "src", "action") or name.startswith("data-")
            if value and names_a_url and _local(value):
                self.urls.append(urljoin(self.base, value))
        if tag == "form":
            method = (attrs.get("method") or "get").lower()
            self._form = Form(urljoin(self.base, attrs.get("action") or self.base), method)
            self.forms.append(self._form)
        elif self._form is None or not attrs.get("name"):
            return
        elif tag == "input":
            kind = (attrs.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            self._form.fields.setdefault(attrs["name"], []).append(_baseline(kind, attrs))
        elif tag == "select":
            self._select = attrs["name"]
            self._form.fields.setdefault(self._select, [])
        elif tag == "textarea":
            self._textarea = attrs["name"]
            self._form.fields.setdefault(self._textarea, []).append("志愿服务")
        if tag == "option" and self._select and self._form is not None:
            values = self._form.fields[self._select]
            if attrs.get("value") and len(values) < 3:
                values.append(attrs["value"])

    def handle_data(self, data):
        if self._json:
            self.urls.extend(
                urljoin(self.base, text) for text in _strings(json.loads(data)) if _local(text)
            )

    def handle_endtag(self, tag):
        self._json = False
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def _local(value: str) -> bool:
    return value.startswith(("/", "?", "http://testserver")) and not value.startswith("//")


def _strings(data):
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for item in data.values():
            yield from _strings(item)
    elif isinstance(data, list):
        for item in data:
            yield from _strings(item)


_mobiles = iter(range(10_000_000, 99_999_999))


def _baseline(kind: str, attrs: dict) -> str:
    """A value a resident would give a field of this kind, so fuzzing starts from a valid form."""
    if kind in ("hidden", "checkbox", "radio"):
        return attrs.get("value") or "on"
    if kind == "tel" or "mobile" in attrs["name"]:
        return f"139{next(_mobiles)}"
    if kind == "email":
        return "resident@example.cn"
    if kind == "number":
        return attrs.get("min") or "30"
    if kind == "date":
        return "2026-01-15"
    return attrs.get("value") or "张三"


@dataclass
class Endpoint:
    path: str
    params: dict[str, list[str]] = field(default_factory=dict)  # GET name → known values
    forms: list[Form] = field(default_factory=list)  # POST forms shown on it


def _is_internal(url: str) -> bool:
    parts = urlsplit(url)
    return parts.netloc in ("", "testserver") and not parts.path.startswith(
        ("/static/", "/media/", "/admin/", "/django-admin/")
    )


def crawl(client: Client, recorder: ReadRecorder, start: list[str], endpoints=None, limit=250):
    """Every internal URL reachable from `start`: path → Endpoint with the parameters its links
    and GET forms use and the code reads, and the POST forms it shows."""
    endpoints = {} if endpoints is None else endpoints
    queue, seen = list(start), set()
    while queue and len(seen) < limit:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        parts = urlsplit(url)
        recorder.keys.clear()
        response = client.get(url)
        if response.status_code == 404:
            continue
        endpoint = endpoints.setdefault(parts.path, Endpoint(parts.path))
        for name, values in QueryDict(parts.query).lists():
            endpoint.params.setdefault(name, []).extend(values)
        for key in recorder.keys:
            endpoint.params.setdefault(key, [])
        if response.has_header("Location") and _local(response["Location"]):
            queue.append(urljoin(url, response["Location"]))  # /volunteer/ → its log-in
        if "html" not in response.get("Content-Type", ""):
            continue
        parser = PageParser(url)
        parser.feed(response.content.decode())
        for form in parser.forms:
            target = urlsplit(form.action).path
            if form.method == "get":
                found = endpoints.setdefault(target, Endpoint(target))
                for name, values in form.fields.items():
                    found.params.setdefault(name, []).extend(values)
            else:
                endpoint.forms.append(form)
        queue.extend(u for u in parser.urls if _is_internal(u) and u not in seen)
    return endpoints


def _finite_language(parsed) -> list[str] | None:
    """Every string a regex matches, when they are few and literal (`a\\.json|b\\.ics`)."""
    words = [""]
    for op, arg in parsed:
        name = str(op)
        if name == "LITERAL":
            options = [chr(arg)]
        elif name == "SUBPATTERN":
            options = _finite_language(arg[-1])
        elif name == "BRANCH":
            options = []
            for branch in arg[1]:
                found = _finite_language(branch)
                if found is None:
                    return None
                options.extend(found)
        elif name == "AT":
            continue
        else:
            return None
        if options is None:
            return None
        words = [word + option for word in words for option in options]
    return words


def _data_file_candidates(endpoints) -> list[str]:
    """For each URL pattern of the shape <page path><fixed names> (the data files Wagtail's page
    URLs cannot hold), those names after every page path the crawl found."""
    import re._parser as regex_parser

    folders = [path for path in endpoints if path.endswith("/")]
    candidates = []
    for _name, regex in URL_TARGETS:
        parsed = list(regex_parser.parse(regex))
        head = parsed[0] if parsed else None
        if not head or str(head[0]) != "SUBPATTERN" or head[1][0] is None:
            continue
        group_names = {v: k for k, v in regex_parser.parse(regex).state.groupdict.items()}
        if group_names.get(head[1][0]) != "page_path":
            continue
        tails = _finite_language(parsed[1:])
        candidates += [folder + tail for folder in folders for tail in tails or []]
    return candidates


def _plausible(chooser, known: list[str]) -> str:
    if known and chooser.random() < 0.7:
        return chooser.choice(known[:3])
    return chooser.choice(["", "0", "1"])


def explore_parameters(client, recorder, endpoint: Endpoint, patience: int = 10, most: int = 50):
    """Names the code reads only once earlier ones pass (nearby.json reads lng after lat): ask
    again with plausible values until `patience` rounds in a row find no new name."""
    chooser = random.Random(endpoint.path)
    quiet = 0
    for _round in range(most):
        query = [
            (name, _plausible(chooser, values))
            for name, values in endpoint.params.items()
            if chooser.random() < 0.8  # or left out
        ]
        recorder.keys.clear()
        client.get(endpoint.path, QUERY_STRING=urlencode(query))
        new = recorder.keys - endpoint.params.keys()
        for key in new:
            endpoint.params[key] = []
        if new:  # these values got the code further: try them first from now on
            for name, given in query:
                if given not in endpoint.params[name]:
                    endpoint.params[name].insert(0, given)
        quiet = 0 if new else quiet + 1
        if quiet >= patience:
            return


# --- the site -------------------------------------------------------------------------------------


@shared_fixture
def fuzz_site():
    """One live page of every type (and a sign-up, a document, a password-protected page), then
    a crawl of it from the home page."""
    from django.core.files.base import ContentFile
    from wagtail.documents import get_document_model

    from home.models import PolicyAttachment, PolicyIndexPage
    from stations.activities.views import signup_url
    from stations.signup import sign_up

    activities, station, areas = make_activity_site()
    home = activities.get_parent()
    set_checks(station)
    activity = ActivityPageFactory(parent=activities, station=station, capacity=2)
    make_registration_form(home)
    stories = StoryIndexPageFactory(parent=home, show_in_menus=True)
    StoryPageFactory(parent=stories, title="志愿者李叔", year=2025, district=areas["tianhe"])
    policy = volunteer_regulation(PolicyIndexPage.objects.child_of(home).get())
    document = get_document_model().objects.create(
        title="条例原文", file=ContentFile(b"text", name="regulation.txt")
    )
    policy.attachments.add(PolicyAttachment(document=document, title="原文"))
    policy.save_revision().publish()
    StandardPageFactory(parent=home, title="关于本站", show_in_menus=True)
    locked = StandardPageFactory(parent=home, title="内部通知")
    PageViewRestriction.objects.create(
        page=locked, restriction_type=PageViewRestriction.PASSWORD, password="pw-open-sesame"
    )
    token = sign_up(activity=activity, name="王五", mobile="13900001111").token

    with pytest.MonkeyPatch.context() as patch:
        recorder = ReadRecorder(patch)
        client = Client()
        start = [
            home.url,
            signup_url(activity, token),
            locked.url,
            *(page.url for page in Page.objects.live().specific() if page.url),
        ]
        endpoints = crawl(client, recorder, start)
        # The data files beside pages (nearby.json …) that no link names.
        crawl(client, recorder, _data_file_candidates(endpoints), endpoints)
        for endpoint in endpoints.values():
            if endpoint.params:
                explore_parameters(client, recorder, endpoint)
    caches["default"].clear()
    firsts = {model._meta.label: model.objects.live().first() for model in _public_page_models()}
    pages = {label: page and page.url for label, page in firsts.items()}
    return {"endpoints": endpoints, "pages": pages}


def test_the_site_has_a_page_of_every_type_and_the_crawl_found_them(fuzz_site):
    """A new page model without a page here would go unfuzzed: add one to fuzz_site."""
    missing = [label for label, url in fuzz_site["pages"].items() if url is None]
    assert not missing
    for label, url in fuzz_site["pages"].items():
        assert urlsplit(url).path in fuzz_site["endpoints"], label
    # The recording and the forms found parameters, not only the links' query strings.
    names = {n for e in fuzz_site["endpoints"].values() for n in e.params}
    assert {"q", "lat", "lng", "near", "page"} <= names, sorted(names)
    posts = [f for e in fuzz_site["endpoints"].values() for f in e.forms]
    assert {"name", "mobile"} <= {n for f in posts for n in f.fields}


# --- values ------------------------------------------------------------------------------------

ODD_CHARACTERS = [
    "\x00", "\x07", "\x1b", "\x7f", "\u0085", "\u200b", "\u200d", "\u2028", "\u202e", "\u2066",
    "\ufeff", "\ufffd", "\uffff", "\U0001f468\u200d\U0001f469", "Ａ", "１", "²", "٣", "〇",
]  # fmt: skip
ODD_NUMBERS = [
    "-1", "0", "-0", "1e400", "1E+999999", "nan", "-inf", "0x1f", "1_000", "٣", "１２", "²",
    "9" * 40, "9" * 400, "1.5", "1,5", " 7 ", "+3", "00000000000000000001", "2147483648",
    "9223372036854775808", "-9223372036854775809",
]  # fmt: skip

unicode_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)
odd_text = st.lists(
    st.one_of(unicode_text, st.sampled_from(ODD_CHARACTERS)), min_size=1, max_size=6
).map("".join)
numbers = st.one_of(
    st.sampled_from(ODD_NUMBERS),
    st.integers(-(10**40), 10**40).map(str),
    st.floats().map(repr),
)
value = st.one_of(
    odd_text,
    numbers,
    odd_text.map(lambda text: text + MARKUP),
    st.integers(200, 20_000).map(lambda n: "志" * n),
)
# Raw bytes in the query string: invalid UTF-8 among them.
raw_value = st.one_of(
    value.map(lambda v: quote(v, safe="")), st.binary(max_size=20).map(quote_from_bytes)
)
odd_methods = st.sampled_from(["HEAD", "OPTIONS", "PUT", "PATCH", "DELETE", "TRACE", "POST"])


@st.composite
def focused_query(draw, params: dict[str, list[str]], name: str):
    """`name` odd (given one to three times), the others at their first known value or absent."""
    pairs = [
        f"{quote(other, safe='')}={quote(values[0], safe='')}"
        for other, values in sorted(params.items())
        if other != name and values and draw(st.integers(0, 5))
    ]
    for _repeat in range(draw(st.integers(1, 3))):
        pairs.append(f"{quote(name, safe='')}={draw(raw_value)}")
    return "&".join(draw(st.permutations(pairs)))


@st.composite
def query_strings(draw, params: dict[str, list[str]]):
    """Some of the known names with known, odd or repeated values, sometimes an unknown name."""
    pairs = []
    names = sorted(params)
    chosen = (
        draw(st.lists(st.sampled_from(names), unique=True, max_size=len(names))) if names else []
    )
    for name in chosen:
        known = params[name]
        for _repeat in range(draw(st.integers(1, 3))):
            raw = draw(
                st.one_of(
                    raw_value,
                    st.sampled_from(known).map(lambda v: quote(v, safe="")) if known else raw_value,
                )
            )
            pairs.append(f"{quote(name, safe='')}={raw}")
    if draw(st.integers(0, 9)) == 0:
        pairs.append(f"{draw(raw_value)}={draw(raw_value)}")
    return "&".join(pairs)


# --- checks ------------------------------------------------------------------------------------


def _row_counts() -> dict[str, int]:
    counts = {}
    for label in WATCHED_APPS:
        for model in apps.get_app_config(label).get_models():
            counts[model._meta.label] = model._base_manager.count()
    return counts


def _shows_a_refusal(response) -> bool:
    if 400 <= response.status_code < 500:
        return True
    body = response.content.decode(errors="replace") if _is_html(response) else ""
    return "field__error" in body or 'class="error-summary' in body or 'role="alert"' in body


def _is_html(response) -> bool:
    return "html" in response.get("Content-Type", "")


def check(response, caplog, before, *, method, url):
    where = f"{method} {url[:300]}"
    assert response.status_code < 500, f"{where} → {response.status_code}"
    problems = [
        f"{r.name}: {r.getMessage()[:300]}"
        for r in caplog.records
        if (r.levelno >= logging.ERROR or r.exc_info) and not _a_refusal_noted(r, response)
    ]
    assert not problems, f"{where} logged {problems}"
    if _is_html(response):
        body = response.content.decode(errors="replace")
        assert MARKUP_SEEN not in body, f"{where} echoed markup unescaped"
    if before is not None and _shows_a_refusal(response):
        after = _row_counts()
        changed = {k: (before[k], after[k]) for k in before if before[k] != after[k]}
        assert not changed, f"{where} → {response.status_code} but stored {changed}"


def _a_refusal_noted(record, response) -> bool:
    """Django's note of a request it refused as suspicious (answered 400); the site's logging
    writes it as one line, without the traceback (portal/log_redaction.py, BriefRefusals)."""
    return record.name.startswith("django.security.") and response.status_code == 400


def _path_of(regex: str):
    """Paths the pattern matches, percent-encoded as a client would send them."""
    return st.from_regex(re.compile(regex), fullmatch=True).map(lambda p: "/" + quote(p, safe="/"))


FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize=os.environ.get("FUZZ_EXAMPLES") is None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
    ],
)


def _request(client, method, path, query="", body=None):
    if body and OVERSIZED in body:
        body = body.replace(OVERSIZED, "oversized=" + "x" * 3_000_000)
    extra = {"QUERY_STRING": query}
    if method == "POST":
        return client.generic(
            "POST", path, body or "", content_type="application/x-www-form-urlencoded", **extra
        )
    return client.generic(method, path, body or "", **extra)


def _send_and_check(client, caplog, data, path, query):
    method = data.draw(st.one_of(st.just("GET"), odd_methods), label="method")
    body = data.draw(st.one_of(st.none(), raw_value), label="body") if method != "GET" else None
    # Counting every table is slow: only what could write is checked for writing.
    before = None if method in ("GET", "HEAD") else _row_counts()
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        response = _request(client, method, path, query, body)
    check(response, caplog, before, method=method, url=f"{path}?{query}")


def fuzz_parameters_one_by_one(client, caplog, endpoint: Endpoint):
    """Each parameter odd while the others hold values that got the code further (nearby.json's
    limit is read only after a good lat and lng), so every parameter's own check is reached."""

    def fuzz(name):
        @settings(FUZZ_SETTINGS, max_examples=max(3, EXAMPLES // 2))
        @given(data=st.data())
        def run(data):
            caches["default"].clear()
            query = data.draw(focused_query(endpoint.params, name), label="query")
            _send_and_check(client, caplog, data, endpoint.path, query)

        run()

    for name in sorted(endpoint.params):
        fuzz(name)


def fuzz_gets(client, caplog, endpoint_for, paths):
    """`paths` draws a path; `endpoint_for(path)` gives its parameters, odd all at once."""

    @FUZZ_SETTINGS
    @given(data=st.data())
    def run(data):
        caches["default"].clear()
        path = data.draw(paths, label="path")
        query = data.draw(query_strings(endpoint_for(path).params), label="query")
        _send_and_check(client, caplog, data, path, query)

    run()


def _endpoint(site, path):
    return site["endpoints"].get(urlsplit(path).path) or Endpoint(path)


@pytest.mark.parametrize("label", PAGE_TARGETS)
def test_fuzz_every_page_type(client, caplog, fuzz_site, label):
    path = urlsplit(fuzz_site["pages"][label]).path
    fuzz_parameters_one_by_one(client, caplog, _endpoint(fuzz_site, path))
    fuzz_gets(client, caplog, lambda p: _endpoint(fuzz_site, p), st.just(path))


@pytest.mark.parametrize(
    ("target", "regex"), ROUTE_TARGETS, ids=[f"{m}:{n}" for (m, n), _ in ROUTE_TARGETS]
)
def test_fuzz_every_page_route(client, caplog, fuzz_site, target, regex):
    """A routable page's own routes: the known URLs the crawl found and paths drawn from each
    route's pattern (the sign-up link with tokens of every shape, and so on)."""
    label, _name = target
    base = urlsplit(fuzz_site["pages"][label]).path
    known = [path for path in fuzz_site["endpoints"] if path.startswith(base)]
    drawn = _path_of(regex).map(lambda tail: base + tail.lstrip("/"))
    for path in known:
        if path != base and resolve(path).url_name == "wagtail_serve":
            fuzz_parameters_one_by_one(client, caplog, _endpoint(fuzz_site, path))
    fuzz_gets(
        client, caplog, lambda p: _endpoint(fuzz_site, p), st.one_of(st.sampled_from(known), drawn)
    )


@pytest.mark.parametrize(("name", "regex"), URL_TARGETS, ids=[name for name, _ in URL_TARGETS])
def test_fuzz_every_url_pattern(client, caplog, fuzz_site, name, regex):
    """Each public URL pattern: the URLs the crawl found for it, and paths drawn from its regex
    (ids of every size, names in every script)."""
    known = []
    for path in fuzz_site["endpoints"]:
        try:
            if resolve(path).url_name == name:
                known.append(path)
        except Resolver404:
            pass
    paths = _path_of(regex)
    if known:
        paths = st.one_of(st.sampled_from(known), paths)
    pages = {urlsplit(url).path for url in fuzz_site["pages"].values()}
    for path in known:
        if path not in pages:  # pages have their own test
            fuzz_parameters_one_by_one(client, caplog, _endpoint(fuzz_site, path))
    fuzz_gets(client, caplog, lambda p: _endpoint(fuzz_site, p), paths)


def _post_forms(site):
    return [(path, form) for path, e in sorted(site["endpoints"].items()) for form in e.forms]


@pytest.fixture
def post_forms(fuzz_site):
    forms = _post_forms(fuzz_site)
    assert forms, "the crawl found no form to post"
    return forms


@st.composite
def form_bodies(draw, form: Form):
    """The form as a resident fills it, with some fields dropped, odd, repeated or huge."""
    pairs = []
    for name, values in sorted(form.fields.items()):
        choice = draw(st.integers(0, 5))
        if choice == 0:
            continue  # left out
        if choice <= 2 and values:
            pairs.append(f"{quote(name, safe='')}={quote(draw(st.sampled_from(values)), safe='')}")
            continue
        for _repeat in range(draw(st.integers(1, 2))):
            pairs.append(f"{quote(name, safe='')}={draw(raw_value)}")
    if draw(st.integers(0, 14)) == 0:
        pairs.append(OVERSIZED)
    return "&".join(pairs)


def test_fuzz_every_form(client, caplog, fuzz_site, post_forms):
    """Every form the site shows (sign-up, cancel, registration, page password …), posted with
    odd fields and odd query strings."""

    @settings(FUZZ_SETTINGS, max_examples=EXAMPLES * 4)
    @given(data=st.data())
    def run(data):
        caches["default"].clear()
        path, form = data.draw(st.sampled_from(post_forms), label="form")
        action = urlsplit(form.action)
        body = data.draw(form_bodies(form), label="body")
        before = _row_counts()
        caplog.clear()
        with caplog.at_level(logging.WARNING):
            response = _request(client, "POST", action.path, action.query, body)
        check(response, caplog, before, method="POST", url=form.action)

    run()
