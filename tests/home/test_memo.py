"""home/base/memo.py and the `kept_fragment` tag: what pages derive from content, kept per
process until the content version changes; never stale after an editor's change, never kept
for a preview, and the same page with or without it."""

import datetime

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.test import RequestFactory
from django.utils import timezone
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file

from home.base import cache_versions, memo
from home.base.content import CONTENT_VERSION
from stations.models import StationPhoto, TeamLevel, VolunteerTeam
from tests.factories.stations import StationPageFactory, make_station_index, set_checks
from tests.factories.stories import StoryIndexPageFactory, StoryPageFactory
from tests.queries import captured_queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def memo_on(settings):
    settings.CONTENT_MEMO = True
    memo.forget()
    yield
    memo.forget()


class Counter:
    def __init__(self, value):
        self.value, self.calls = value, 0

    def __call__(self):
        self.calls += 1
        return self.value


def test_kept_until_the_content_version_changes_and_always_a_copy(memo_on):
    compute = Counter({"teams": ["第一小队"]})
    first = memo.remember("test", 1, compute)
    second = memo.remember("test", 1, compute)
    assert compute.calls == 1 and second == first
    second["teams"].append("改动")  # one request's change is not the next one's
    assert memo.remember("test", 1, compute) == {"teams": ["第一小队"]}

    cache_versions.bump(CONTENT_VERSION)
    assert memo.remember("test", 1, compute) == {"teams": ["第一小队"]}
    assert compute.calls == 2
    memo.remember("test", 2, compute)  # another key is its own entry
    assert compute.calls == 3


def test_daily_entries_are_read_again_the_next_day(memo_on, monkeypatch):
    compute = Counter("清单")
    memo.remember("test", 1, compute, daily=True)
    memo.remember("test", 1, compute, daily=True)
    assert compute.calls == 1
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    monkeypatch.setattr(memo.timezone, "localdate", lambda: tomorrow)
    memo.remember("test", 1, compute, daily=True)
    assert compute.calls == 2


def test_previews_unreadable_versions_and_the_setting_keep_nothing(memo_on, settings, monkeypatch):
    compute = Counter("草稿")
    preview = RequestFactory().get("/")
    preview.is_preview = True
    memo.remember("test", 1, compute, request=preview)
    memo.remember("test", 1, compute, request=preview)
    assert compute.calls == 2

    monkeypatch.setattr(memo.cache_versions, "readable_current", lambda name: (False, "x"))
    memo.remember("test", 1, compute)
    memo.remember("test", 1, compute)
    assert compute.calls == 4
    monkeypatch.undo()

    settings.CONTENT_MEMO = False
    memo.remember("test", 1, compute)
    memo.remember("test", 1, compute)
    assert compute.calls == 6


def test_the_oldest_entries_go_first(memo_on, monkeypatch):
    monkeypatch.setattr(memo, "MAX_ENTRIES", 3)
    for key in range(5):
        memo.remember("test", key, lambda key=key: key)
    assert [entry[1] for entry in memo._kept] == [2, 3, 4]


def test_kept_fragment_renders_once_per_version_and_key(memo_on):
    template = Template(
        '{% load portal_tags %}{% kept_fragment "t" key %}{{ value }}{% endkept_fragment %}'
    )
    assert template.render(Context({"key": 1, "value": "甲"})) == "甲"
    assert template.render(Context({"key": 1, "value": "乙"})) == "甲"
    assert template.render(Context({"key": 2, "value": "乙"})) == "乙"
    cache_versions.bump(CONTENT_VERSION)
    assert template.render(Context({"key": 1, "value": "丙"})) == "丙"
    # Escaped as it rendered, and not again.
    assert template.render(Context({"key": 3, "value": "<b>"})) == "&lt;b&gt;"


def test_kept_fragment_says_how_it_is_used():
    with pytest.raises(TemplateSyntaxError, match="kept_fragment"):
        Template('{% load portal_tags %}{% kept_fragment "t" %}x{% endkept_fragment %}')
    with pytest.raises(TemplateSyntaxError, match="kept_fragment"):
        Template('{% load portal_tags %}{% kept_fragment "t" k weekly %}x{% endkept_fragment %}')


@pytest.fixture
def station(site_tree):
    home, _policies = site_tree
    index = make_station_index(home)
    station = StationPageFactory(parent=index, title="石牌街学雷锋志愿服务站")
    station.teams.add(VolunteerTeam(name="石牌先锋队", level=TeamLevel.SQUAD))
    image = get_image_model().objects.create(title="站点外景", file=get_test_image_file())
    station.photos.add(StationPhoto(image=image, alt_text="站点外景"))
    set_checks(station)
    stories = StoryIndexPageFactory(parent=home)
    StoryPageFactory(parent=stories, title="石牌街的老党员", station=station)
    return station


def page_html(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_station_page_is_the_same_with_the_memo_and_reads_less(client, station, settings):
    client.get(station.url)  # renditions are made on first view
    with captured_queries() as queries:
        expected = page_html(client, station.url)
    without = len(queries)  # now: the log is emptied by the next request
    settings.CONTENT_MEMO = True
    memo.forget()
    assert page_html(client, station.url) == expected  # the request that fills it
    with captured_queries() as kept:
        assert page_html(client, station.url) == expected
    for text in ("石牌先锋队", "站点外景", "石牌街的老党员", "“七个有”达标"):
        assert text in expected
    # The route (2), the checklist, teams, photos, stories and their renditions (5).
    assert len(kept) <= without - 6, [q["sql"][:80] for q in kept.captured_queries]


def test_an_editors_change_shows_at_once(client, station, memo_on):
    page_html(client, station.url)
    page_html(client, station.url)
    station.teams.add(VolunteerTeam(name="新成立的小队", level=TeamLevel.SQUAD))
    station.title = "石牌街新时代文明实践站"
    station.save_revision().publish()
    html = page_html(client, station.url)
    assert "新成立的小队" in html and "石牌街新时代文明实践站" in html

    story_index = StoryPageFactory._meta.model.objects.first().get_parent()
    StoryPageFactory(parent=story_index, title="第二个故事", station=station)
    assert "第二个故事" in page_html(client, station.url)

    old = timezone.localdate() - datetime.timedelta(days=500)
    set_checks(station, checked_on=old)
    assert "核查已过期" in page_html(client, station.url)


def test_a_moved_or_unpublished_page_is_not_found_at_its_old_path(client, station, memo_on):
    old_url = station.url
    page_html(client, old_url)
    station.slug = "shipai-new"
    station.save_revision().publish()
    assert client.get(old_url).status_code == 404
    station.refresh_from_db()
    assert station.url != old_url
    page_html(client, station.url)
    station.unpublish()
    assert client.get(station.url).status_code == 404


def test_paths_that_name_no_page_are_not_kept(client, station, memo_on):
    kept = len(memo._kept)
    for path in ("/no-such-page/", f"{station.url}below/", "/stations/x/y/z/"):
        assert client.get(path).status_code == 404
    assert len(memo._kept) == kept
