"""The sitemap, robots.txt, and what each page says about itself when shared: Open Graph tags
and schema.org JSON-LD that parses as JSON."""

import json
import re
import xml.etree.ElementTree as ET

import pytest
from wagtail.models import PageViewRestriction
from wagtail_factories import ImageFactory

from stories.models import HonoreeKind
from tests.factories.home import StandardPageFactory, make_site_tree, volunteer_regulation
from tests.factories.stations import (
    ActivityIndexPageFactory,
    ActivityPageFactory,
    make_areas,
    make_station_index,
    set_checks,
    station_at,
)
from tests.factories.stories import AwardFactory, StoryIndexPageFactory, StoryPageFactory
from tests.shared_data import shared_fixture

pytestmark = pytest.mark.django_db
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@shared_fixture
def world():
    """One live page of every type, plus a draft and a private page."""
    home, policies = make_site_tree()
    areas = make_areas()
    stations = make_station_index(home)
    station = station_at(
        stations, lat=23.1345, lng=113.342, street=areas["shipai"], title="石牌街学雷锋站"
    )
    set_checks(station)
    activities = ActivityIndexPageFactory(parent=home)
    stories = StoryIndexPageFactory(parent=home)
    pages = {
        "home": home,
        "policies": policies,
        "policy": volunteer_regulation(policies),
        "stations": stations,
        "station": station,
        "activities": activities,
        "activity": ActivityPageFactory(parent=activities, station=station, title="社区清洁"),
        "stories": stories,
        "story": StoryPageFactory(
            parent=stories,
            title="优秀站点：石牌街学雷锋站",
            honoree_kind=HonoreeKind.STATION,
            honoree_name="石牌街学雷锋站",
            station=station,
            award=AwardFactory(name="优秀社区志愿服务站点"),
            year=2024,
            cover_image=ImageFactory(),
            cover_alt="站点门前的志愿者",
        ),
        "about": StandardPageFactory(parent=home, title="关于本站"),
    }
    for page in pages.values():
        page.save_revision().publish()
    draft = StoryPageFactory(parent=stories, title="草稿", live=False)
    private = StandardPageFactory(parent=home, title="内部资料")
    PageViewRestriction.objects.create(page=private, restriction_type="login")
    return pages, draft, private


def json_ld(html: str) -> list[dict]:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return [json.loads(block) for block in blocks]


def meta(html: str, prop: str) -> str | None:
    found = re.search(rf'<meta property="{re.escape(prop)}" content="([^"]*)">', html)
    return found.group(1) if found else None


def test_sitemap_lists_every_public_page_and_nothing_else(client, world):
    pages, draft, private = world
    index = client.get("/sitemap.xml")
    assert index.status_code == 200
    [part] = [loc.text for loc in ET.fromstring(index.content).iter(f"{SITEMAP}loc")]
    assert part == "http://testserver/sitemap-pages.xml"
    response = client.get("/sitemap-pages.xml")
    assert response.status_code == 200
    urls = ET.fromstring(response.content).findall(f"{SITEMAP}url")
    locations = {url.find(f"{SITEMAP}loc").text for url in urls}
    assert locations == {f"http://localhost{page.url}" for page in pages.values()}
    assert all(url.find(f"{SITEMAP}lastmod") is not None for url in urls)
    assert f"http://localhost{draft.url}" not in locations
    assert f"http://localhost{private.url}" not in locations


def test_robots_txt_points_at_the_sitemap(client, world):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in text
    assert "Disallow: /admin/" in text


def test_story_is_an_article_about_its_honoree(client, world):
    pages, _draft, _private = world
    story = pages["story"]
    html = client.get(story.url).content.decode()
    [data] = json_ld(html)
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Article"
    assert data["headline"] == story.title
    assert data["url"] == f"http://localhost{story.url}"
    assert data["about"] == {
        "@type": "Place",
        "name": "石牌街学雷锋站",
        "url": f"http://localhost{pages['station'].url}",
    }
    assert data["award"] == "2024 年度优秀社区志愿服务站点"
    assert data["datePublished"].endswith("+08:00")
    assert data["image"][0].startswith("http://localhost/") and "fill-1200x630" in data["image"][0]
    assert meta(html, "og:type") == "article"
    assert meta(html, "og:title") == story.title
    assert meta(html, "og:url") == f"http://localhost{story.url}"
    assert meta(html, "og:image") == data["image"][0]
    assert meta(html, "og:image:alt") == "站点门前的志愿者"
    assert meta(html, "og:description") == story.summary
    assert f'<link rel="canonical" href="http://localhost{story.url}">' in html


def test_station_is_a_place_with_address_and_coordinates(client, world):
    pages, _draft, _private = world
    html = client.get(pages["station"].url).content.decode()
    [data] = json_ld(html)
    assert data["@type"] == "Place"
    assert data["name"] == "石牌街学雷锋站"
    assert data["geo"] == {"@type": "GeoCoordinates", "latitude": 23.1345, "longitude": 113.342}
    assert data["address"]["streetAddress"] == "广州市天河区石牌街龙口西路1号"
    assert data["address"]["addressLocality"] == "天河区"
    assert data["telephone"] == "020-12345678"
    assert data["additionalProperty"]["value"] == "达标"
    assert meta(html, "og:type") == "website"


def test_activity_is_an_event_with_its_place_and_places_left(client, world):
    pages, _draft, _private = world
    activity = pages["activity"]
    html = client.get(activity.url).content.decode()
    [data] = json_ld(html)
    assert data["@type"] == "Event"
    assert data["name"] == "社区清洁"
    assert data["startDate"].endswith("+08:00") and data["endDate"] > data["startDate"]
    assert data["location"]["name"] == "石牌街学雷锋站"
    assert data["location"]["geo"]["latitude"] == 23.1345
    assert data["organizer"]["url"] == f"http://localhost{pages['station'].url}"
    assert data["maximumAttendeeCapacity"] == 20
    assert data["remainingAttendeeCapacity"] == 20
    assert data["offers"]["availability"] == "https://schema.org/InStock"
    assert data["offers"]["price"] == 0


def test_policy_is_legislation_with_its_document_number(client, world):
    pages, _draft, _private = world
    [data] = json_ld(client.get(pages["policy"].url).content.decode())
    assert data["@type"] == "Legislation"
    assert data["legislationIdentifier"] == "国务院令第685号"
    assert data["legislationPassedBy"]["name"] == "国务院"
    assert data["legislationDate"] == "2017-08-22"
    assert data["legislationLegalForce"] == "https://schema.org/InForce"


def test_home_is_the_website_with_its_search(client, world):
    pages, _draft, _private = world
    [data] = json_ld(client.get(pages["home"].url).content.decode())
    assert data["@type"] == "WebSite"
    assert data["potentialAction"]["target"]["urlTemplate"] == (
        "http://localhost/search/?q={search_term}"
    )


def test_every_page_has_its_canonical_link_and_open_graph_title(client, world):
    pages, _draft, _private = world
    for page in pages.values():
        html = client.get(page.url).content.decode()
        assert f'<link rel="canonical" href="http://localhost{page.url}">' in html, page
        assert meta(html, "og:title") == page.title
        assert meta(html, "og:site_name") == "测试"
        for block in json_ld(html):  # each one parses
            assert block["@context"] == "https://schema.org"


def test_markup_in_a_title_cannot_break_out_of_the_json_ld(client, world):
    pages, _draft, _private = world
    story = pages["story"]
    story.title = '</script><script>alert("x")</script> & 好邻居'
    story.save_revision().publish()
    html = client.get(story.url).content.decode()
    head = html.split("</head>", 1)[0]
    assert "<script>alert" not in head
    [data] = json_ld(html)
    assert data["headline"] == '</script><script>alert("x")</script> & 好邻居'
    assert (
        meta(html, "og:title")
        == "&lt;/script&gt;&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; 好邻居"
    )


def test_a_large_sitemap_is_split_into_pages(client, world, monkeypatch):
    from wagtail.contrib.sitemaps import Sitemap

    monkeypatch.setattr(Sitemap, "limit", 4)
    index = ET.fromstring(client.get("/sitemap.xml").content)
    parts = [loc.text for loc in index.iter(f"{SITEMAP}loc")]
    assert parts == [
        "http://testserver/sitemap-pages.xml",
        "http://testserver/sitemap-pages.xml?p=2",
        "http://testserver/sitemap-pages.xml?p=3",
    ]
    last = ET.fromstring(client.get("/sitemap-pages.xml?p=3").content)
    assert len(last.findall(f"{SITEMAP}url")) == 2  # 10 pages, 4 per sitemap page
    assert client.get("/sitemap-pages.xml?p=9").status_code == 404
    assert client.get("/sitemap-nothing.xml").status_code == 404
