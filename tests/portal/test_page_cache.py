"""The page cache for anonymous GETs, validators and 304s, Cache-Control and compression
(portal/page_cache.py, portal/compression.py, home/base/cache_versions.py)."""

import gzip

import pytest
from django.contrib import messages
from django.contrib.messages.storage import default_storage
from django.core.cache import cache, caches
from django.http import HttpResponse
from django.test import Client, RequestFactory
from wagtail.models import PageViewRestriction

from home.base import routing
from portal.compression import TextGZipMiddleware
from portal.page_cache import PageCacheMiddleware
from portal.settings.base import redis_cache
from tests.factories.home import (
    PolicyDocumentPageFactory,
    PolicyKindFactory,
    StandardPageFactory,
)
from tests.factories.stations import ActivityPageFactory, make_activity_site
from tests.queries import captured_queries

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 600
    caches["pages"].clear()
    yield
    caches["pages"].clear()


@pytest.fixture
def about(site_tree):
    home, _policies = site_tree
    return StandardPageFactory(parent=home, title="关于本站", slug="about")


def another_process():
    """What a second app process starts with: none of this one's memory caches."""
    caches["pages"].clear()
    cache.clear()
    routing._sites.clear()


def test_a_second_anonymous_visit_is_served_from_the_cache_in_one_query(client, about):
    first = client.get(about.url)
    assert first.status_code == 200 and first["X-Page-Cache"] == "miss"
    with captured_queries() as queries:
        second = client.get(about.url)
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content
    assert len(queries) == 1, [q["sql"] for q in queries]  # the content version
    assert client.head(about.url)["X-Page-Cache"] == "hit"


def test_publishing_unpublishing_and_deleting_show_at_once(client, about):
    client.get(about.url)
    about.title = "关于我们"
    about.save_revision().publish()
    fresh = client.get(about.url)
    assert fresh["X-Page-Cache"] == "miss" and "关于我们" in fresh.content.decode()

    about.unpublish()
    assert client.get(about.url).status_code == 404
    about.save_revision().publish()
    assert client.get(about.url).status_code == 200
    about.delete()
    assert client.get("/about/").status_code == 404


def test_a_moved_page_leaves_its_old_address_at_once(client, about, site_tree):
    _home, policies = site_tree
    assert client.get("/about/").status_code == 200
    about.move(policies, pos="last-child")
    old = client.get("/about/")
    # Wagtail leaves a redirect behind; the cached page is not served any more.
    assert old.status_code == 301 and old["Location"].endswith("/policies/about/")
    assert client.get("/policies/about/").status_code == 200


def test_a_snippet_edit_shows_on_the_pages_that_name_it(client, site_tree):
    _home, policies = site_tree
    kind = PolicyKindFactory(name="通知")
    document = PolicyDocumentPageFactory(parent=policies, kind=kind, title="关于志愿服务的通知")
    assert "通知" in client.get(document.url).content.decode()
    kind.name = "实施意见"
    kind.save()
    assert "实施意见" in client.get(document.url).content.decode()


def test_a_new_view_restriction_keeps_a_cached_page_from_the_public(client, about):
    assert client.get(about.url)["X-Page-Cache"] == "miss"
    PageViewRestriction.objects.create(page=about, restriction_type=PageViewRestriction.LOGIN)
    response = client.get(about.url)
    assert response.status_code == 302 and "关于本站" not in response.content.decode()


def test_signed_in_requests_are_neither_served_nor_kept(client, editor_client, about):
    signed_in = editor_client.get(about.url)
    assert signed_in.status_code == 200 and "X-Page-Cache" not in signed_in
    assert "private" in signed_in["Cache-Control"]
    anonymous = Client().get(about.url)
    assert anonymous["X-Page-Cache"] == "miss"
    assert "userbar" not in anonymous.content.decode()


def test_a_volunteer_or_messages_cookie_skips_the_cache(about):
    Client().get(about.url)
    for name in ("volunteer_session", "messages", "sessionid"):
        visitor = Client()
        visitor.cookies[name] = "x"
        assert "X-Page-Cache" not in visitor.get(about.url)


def test_validators_are_the_same_in_every_process_and_answer_304(client, about):
    first = client.get(about.url)
    etag, modified = first["ETag"], first["Last-Modified"]
    assert set(first["Cache-Control"].split(", ")) == {"public", "no-cache"}
    another_process()
    again = client.get(about.url)
    assert again["X-Page-Cache"] == "miss" and again["ETag"] == etag
    assert client.get(about.url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get(about.url, HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
    about.title = "关于我们"
    about.save_revision().publish()
    changed = client.get(about.url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_feeds_sitemaps_and_the_map_answer_conditional_requests(client, site_tree):
    _home, policies = site_tree
    PolicyDocumentPageFactory(parent=policies)
    feed = client.get("/policies/feed/")
    assert feed.status_code == 200
    assert client.get("/policies/feed/", HTTP_IF_NONE_MATCH=feed["ETag"]).status_code == 304
    modified = feed["Last-Modified"]
    assert client.get("/policies/feed/", HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
    sitemap = client.get("/sitemap.xml")
    assert client.get("/sitemap.xml", HTTP_IF_NONE_MATCH=sitemap["ETag"]).status_code == 304


def test_the_map_data_etag_does_not_change_between_processes(client):
    index, _station, _areas = make_activity_site()
    url = "/stations/map.geojson"
    etag = client.get(url)["ETag"]
    another_process()
    assert client.get(url)["ETag"] == etag
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304


@pytest.fixture
def activity():
    index, station, _areas = make_activity_site()
    return ActivityPageFactory(parent=index, station=station, title="龙口西社区清洁日", capacity=5)


def test_a_form_page_from_the_cache_carries_each_residents_own_token(activity):
    first = Client(enforce_csrf_checks=True)
    assert first.get(activity.url)["X-Page-Cache"] == "miss"
    second = Client(enforce_csrf_checks=True)
    page = second.get(activity.url)
    assert page["X-Page-Cache"] == "hit"
    assert "private" in page["Cache-Control"]  # a proxy may not hand one token to everyone
    html = page.content.decode()
    assert "--portal-csrf-token--" not in html
    token = html.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    assert "csrftoken" in page.cookies
    fields = {
        "csrfmiddlewaretoken": token,
        "name": "陈小明",
        "mobile": "13912345678",
        "consent": "on",
    }
    signed_up = second.post(activity.url, fields)
    assert signed_up.status_code == 303, signed_up.content.decode()[:300]
    # Someone else's token (the first resident's cookie never reached this one) is refused.
    third = Client(enforce_csrf_checks=True)
    assert third.post(activity.url, fields).status_code == 403


def test_a_form_error_is_never_kept_for_the_next_resident(client, activity):
    refused = client.post(activity.url, {"name": "陈小明", "mobile": "12345"})
    assert "不是有效的手机号码" in refused.content.decode()
    for _ in range(2):
        assert "不是有效的手机号码" not in Client().get(activity.url).content.decode()


def test_pages_with_live_figures_send_no_last_modified(client, activity):
    response = client.get(activity.url)
    assert response.has_header("ETag") and not response.has_header("Last-Modified")


def test_pages_still_work_when_the_page_cache_is_unreachable(client, about, settings):
    settings.CACHES = {**settings.CACHES, "pages": redis_cache("redis://127.0.0.1:1/0")}
    for _ in range(2):
        response = client.get(about.url)
        assert response.status_code == 200 and "关于本站" in response.content.decode()


def keepable(response, **request_attributes):
    request = RequestFactory().get("/")
    for name, value in request_attributes.items():
        setattr(request, name, value)
    return PageCacheMiddleware(lambda request: response).keepable(request, response, False)


def test_what_is_never_kept():
    assert keepable(HttpResponse("ok"))
    request = RequestFactory().get("/")
    request.session = {}
    storage = default_storage(request)
    assert keepable(HttpResponse("ok"), _messages=storage)
    storage.add(messages.SUCCESS, "已保存")
    assert not keepable(HttpResponse("ok"), _messages=storage)
    list(storage)  # shown on the page
    assert not keepable(HttpResponse("ok"), _messages=storage)
    with_cookie = HttpResponse("ok")
    with_cookie.set_cookie("x", "1")
    assert not keepable(with_cookie)
    for header in ("private", "no-store", "no-cache"):
        response = HttpResponse("ok")
        response["Cache-Control"] = header
        assert not keepable(response)
    varied = HttpResponse("ok")
    varied["Vary"] = "User-Agent"
    assert not keepable(varied)
    assert not keepable(HttpResponse(b"\x89PNG", content_type="image/png"))


def gzipped(response, accept="gzip, deflate"):
    request = RequestFactory().get("/", HTTP_ACCEPT_ENCODING=accept)
    return TextGZipMiddleware(lambda request: response)(request)


def test_text_is_compressed_for_clients_that_accept_it_but_not_secrets_or_images():
    html = "<p>社区志愿服务</p>" * 200
    compressed = gzipped(HttpResponse(html))
    assert compressed["Content-Encoding"] == "gzip"
    assert gzip.decompress(compressed.content).decode() == html
    assert "Content-Encoding" not in gzipped(HttpResponse(html), accept="identity")
    personal = HttpResponse(html)
    personal["Cache-Control"] = "private, no-store"
    assert "Content-Encoding" not in gzipped(personal)
    image = HttpResponse(b"\x89PNG" * 200, content_type="image/png")
    assert "Content-Encoding" not in gzipped(image)
