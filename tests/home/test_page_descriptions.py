"""What every page tells search engines and browsers about itself beyond its content: a
<meta name="description"> (the same line as its og:description), the site's icon, and what
robots.txt and the search page say to crawlers."""

import html as html_module
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

from home.base import seo
from tests.factories.home import PolicyDocumentPageFactory, StandardPageFactory
from tests.factories.stations import (
    ActivityIndexPageFactory,
    ActivityPageFactory,
    StationPageFactory,
    make_areas,
    make_registration_form,
    make_station_index,
)
from tests.factories.stories import StoryIndexPageFactory, StoryPageFactory
from tests.shared_data import shared_fixture

pytestmark = pytest.mark.django_db

ICONS = ("icons/favicon.svg", "icons/favicon.ico", "icons/apple-touch-icon.png")


@shared_fixture
def pages(site_tree):
    """A live page of every public type, some with nothing that describes them."""
    home, policies = site_tree
    make_areas()
    stations = make_station_index(home)
    station = StationPageFactory(parent=stations, title="石牌街学雷锋志愿服务站")
    activities = ActivityIndexPageFactory(parent=home)
    stories = StoryIndexPageFactory(parent=home)
    registration = make_registration_form(home, intro="<p>留下联系方式，站点会联系您。</p>")
    return {
        "home": home,
        "policies": policies,
        "policy": PolicyDocumentPageFactory(
            parent=policies,
            title="关于加强社区志愿服务的通知",
            body="<p>为进一步<b>加强</b>社区志愿服务。</p>",
        ),
        "bare_policy": PolicyDocumentPageFactory(
            parent=policies, title="志愿服务记录与证明出具办法（试行）", body=""
        ),
        "stations": stations,
        "station": station,
        "activities": activities,
        "activity": ActivityPageFactory(parent=activities, station=station, title="社区清洁"),
        "stories": stories,
        "story": StoryPageFactory(parent=stories, title="好邻居陈姨"),
        "registration": registration,
        "about": StandardPageFactory(parent=home, title="关于本站", intro="本站的用途"),
        "bare_page": StandardPageFactory(parent=home, title="联系我们", intro=""),
    }


def description(html: str) -> str | None:
    found = re.findall(r'<meta name="description" content="([^"]*)">', html)
    assert len(found) <= 1, "one description a page"
    return html_module.unescape(found[0]) if found else None


def og_description(html: str) -> str | None:
    found = re.search(r'<meta property="og:description" content="([^"]*)">', html)
    return html_module.unescape(found.group(1)) if found else None


@pytest.mark.parametrize(
    "name",
    [
        "home",
        "policies",
        "policy",
        "bare_policy",
        "stations",
        "station",
        "activities",
        "activity",
        "stories",
        "story",
        "registration",
        "about",
        "bare_page",
    ],
)
def test_every_page_type_has_a_description_and_says_it_when_shared(client, pages, name):
    response = client.get(pages[name].url)
    assert response.status_code == 200
    html = response.content.decode()
    said = description(html)
    assert said and said.strip()
    assert said == og_description(html)


def test_a_description_is_the_page_s_own_words(client, pages):
    def said(name):
        return description(client.get(pages[name].url).content.decode())

    assert said("home") == "社区志愿服务门户帮助居民找到身边的志愿服务站点。"  # the intro, as text
    assert said("policy") == "为进一步加强社区志愿服务。"  # its text, tags gone
    assert said("station") == "为社区居民提供便民志愿服务"  # the summary
    assert said("story") == "十年如一日陪伴社区独居老人"
    assert said("registration") == "留下联系方式，站点会联系您。"
    assert said("about") == "本站的用途"


def test_a_page_that_says_nothing_of_itself_gets_its_title_and_what_the_portal_is_for(
    client, pages
):
    for name in ("bare_policy", "bare_page"):
        said = description(client.get(pages[name].url).content.decode())
        assert said.startswith(pages[name].title + "。社区志愿服务门户")
        assert len(said) <= seo.DESCRIPTION_LENGTH


def test_a_search_description_an_editor_wrote_comes_first(client, pages):
    station = pages["station"]
    station.search_description = "编辑写的描述 <也会转义>"
    station.save_revision().publish()
    html = client.get(station.url).content.decode()
    assert '<meta name="description" content="编辑写的描述 &lt;也会转义&gt;">' in html
    assert og_description(html) == "编辑写的描述 <也会转义>"


@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("/search/", "搜索政策文件"),
        ("/search/?q=志愿", "搜索政策文件"),
        ("/volunteer/login/", "短信验证码登录"),
        ("/v/", "核验志愿服务记录证明"),
    ],
)
def test_the_views_that_are_not_pages_say_what_they_are_for(client, pages, path, words):
    said = description(client.get(path).content.decode())
    assert said and words in said


def test_the_not_found_page_has_the_portal_s_description(client, pages):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert description(response.content.decode()) == seo.site_description()


def test_the_sign_up_link_s_private_page_has_a_description_too(client, pages):
    response = client.get("/activities/signups/not-a-real-token-at-all-000000000/")
    assert response.status_code == 404
    assert description(response.content.decode())


# --- the icon -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["home", "station", "activity", "policy", "registration"])
def test_every_page_links_the_site_s_icon(client, pages, name):
    html = client.get(pages[name].url).content.decode()
    assert re.search(
        r'<link rel="icon" href="/static/icons/favicon\.svg" type="image/svg\+xml">', html
    )
    assert '<link rel="icon" href="/static/icons/favicon.ico" sizes="32x32">' in html
    assert '<link rel="apple-touch-icon" href="/static/icons/apple-touch-icon.png">' in html


@pytest.mark.parametrize("path", ["/search/", "/volunteer/login/", "/no-such-page/"])
def test_pages_that_are_not_wagtail_pages_link_it_too(client, pages, path):
    assert 'href="/static/icons/favicon.svg"' in client.get(path).content.decode()


def test_the_icon_files_are_the_site_s_own():
    for name in ICONS:
        found = finders.find(name)
        assert found, name
        assert Path(found).stat().st_size > 0
    svg = Path(finders.find("icons/favicon.svg")).read_text()
    assert svg.startswith("<svg ") and 'viewBox="0 0 64 64"' in svg
    assert Path(finders.find("icons/apple-touch-icon.png")).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_favicon_ico_is_served_not_a_404(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert response.content[:4] == b"\x00\x00\x01\x00"  # an ICO file's header
    assert response.content == Path(finders.find("icons/favicon.ico")).read_bytes()
    assert "max-age=86400" in response["Cache-Control"]
    assert client.head("/favicon.ico").status_code == 200
    assert client.post("/favicon.ico").status_code == 405


# --- robots -------------------------------------------------------------------------------------


def test_search_results_are_noindex_and_crawlers_may_read_that(client, pages):
    robots = client.get("/robots.txt").content.decode()
    assert "Disallow: /search/" not in robots
    # What stays out of crawlers' way.
    for rule in ("/admin/", "/django-admin/", "/activities/signups/", "/volunteer/"):
        assert f"Disallow: {rule}" in robots
    response = client.get("/search/?q=志愿")
    assert response.status_code == 200
    assert response["X-Robots-Tag"] == "noindex"
    assert '<meta name="robots" content="noindex">' in response.content.decode()
