"""Atom feeds of stories (/stories/feed/) and policy documents (/policies/feed/)."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone
from wagtail.models import PageViewRestriction

from tests.factories.home import PolicyDocumentPageFactory, volunteer_regulation
from tests.factories.stories import AwardFactory, StoryPageFactory
from tests.queries import captured_queries

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def entries(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    feed = ET.fromstring(response.content)
    return feed, feed.findall(f"{ATOM}entry")


def published(page):
    """Published the way the admin does it, so the page has its publication dates."""
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def parsed_time(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text)


def test_story_feed_newest_first_with_absolute_links_and_dates(client, story_index):
    award = AwardFactory(name="市长奖")
    today = timezone.localdate()
    old = published(
        StoryPageFactory(parent=story_index, title="旧故事", story_date=today.replace(year=2020))
    )
    new = published(
        StoryPageFactory(
            parent=story_index, title="新故事", story_date=today, award=award, year=2025
        )
    )
    feed, items = entries(client.get("/stories/feed/"))
    assert feed.find(f"{ATOM}title").text == "嘉许故事 · 测试"
    self_link = feed.find(f"{ATOM}link[@rel='self']").get("href")
    assert self_link == "http://localhost/stories/feed/"
    assert [item.find(f"{ATOM}title").text for item in items] == ["新故事", "旧故事"]
    first = items[0]
    assert first.find(f"{ATOM}link").get("href") == f"http://localhost{new.url}"
    assert first.find(f"{ATOM}summary").text == new.summary
    assert parsed_time(first.find(f"{ATOM}published").text).date() == today
    assert parsed_time(first.find(f"{ATOM}updated").text).tzinfo is not None
    assert first.find(f"{ATOM}id").text == f"tag:localhost,2026:page:{new.pk}"
    terms = {c.get("term") for c in first.findall(f"{ATOM}category")}
    assert {"市长奖", "2025", "志愿者"} <= terms
    assert parsed_time(items[1].find(f"{ATOM}published").text).year == 2020
    assert parsed_time(first.find(f"{ATOM}updated").text) == new.last_published_at
    assert old.pk != new.pk


def test_story_feed_leaves_out_drafts_and_private_stories(client, story_index):
    StoryPageFactory(parent=story_index, title="已发布")
    StoryPageFactory(parent=story_index, title="草稿", live=False)
    private = StoryPageFactory(parent=story_index, title="内部")
    PageViewRestriction.objects.create(page=private, restriction_type="login")
    _feed, items = entries(client.get("/stories/feed/"))
    assert [item.find(f"{ATOM}title").text for item in items] == ["已发布"]


def test_story_feed_query_count_does_not_grow(client, story_index):
    StoryPageFactory(parent=story_index, award=AwardFactory())
    client.get("/stories/feed/")
    with captured_queries() as few:
        client.get("/stories/feed/")
    for _n in range(8):
        StoryPageFactory(parent=story_index, award=AwardFactory())
    with captured_queries() as many:
        client.get("/stories/feed/")
    assert len(few) > 0
    assert len(many) == len(few)


def test_the_story_index_links_its_feed(client, story_index):
    html = client.get(story_index.url).content.decode()
    assert (
        '<link rel="alternate" type="application/atom+xml" title="嘉许故事" '
        'href="/stories/feed/">' in html
    )


def test_policy_feed_has_the_documents_with_their_numbers(client, policy_index):
    regulation = published(volunteer_regulation(policy_index))
    PolicyDocumentPageFactory(parent=policy_index, title="未发布的通知", live=False)
    feed, items = entries(client.get("/policies/feed/"))
    assert feed.find(f"{ATOM}title").text == "政策文件 · 测试"
    [item] = items
    assert item.find(f"{ATOM}title").text == "志愿服务条例"
    assert item.find(f"{ATOM}link").get("href") == f"http://localhost{regulation.url}"
    assert "国务院令第685号" in item.find(f"{ATOM}summary").text
    assert parsed_time(item.find(f"{ATOM}updated").text).tzinfo is not None
    assert {c.get("term") for c in item.findall(f"{ATOM}category")} == {"通知", "国家级"}


def test_feeds_of_a_missing_section_are_not_found(client, home_page):
    assert client.get("/stories/feed/").status_code == 404


def test_the_policy_register_links_its_feed(client, policy_index):
    html = client.get(policy_index.url).content.decode()
    assert 'type="application/atom+xml" title="政策文件" href="/policies/feed/"' in html
    assert '<a href="/policies/feed/">订阅（Atom）</a>' in html
