"""Marker words in the index (search/markers.py): what the database search counts with, kept in
step with publishing, view restrictions and moves; and the bounded ranking pool."""

import pytest
from django.db import connection
from django.http import QueryDict
from wagtail.models import Page, PageViewRestriction, get_page_models

from search import markers, query, searchers
from search.fields import SiteSearchWordsField
from search.query import site_search
from search.searchers import postgres
from tests.factories.home import StandardPageFactory, make_site_tree
from tests.factories.stations import make_areas
from tests.factories.stories import StoryIndexPageFactory, StoryPageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def home():
    home, _ = make_site_tree()
    return home


def found(q: str, **params) -> query.Outcome:
    values = QueryDict(mutable=True)
    values.update({"q": q, **params})
    return site_search(params=values)


def titles(outcome) -> list[str]:
    return [hit.page.title for hit in outcome.hits]


def test_every_page_type_of_the_portal_carries_the_markers():
    ours = [m for m in get_page_models() if m is not Page and m.__module__.split(".")[0] in
            ("home", "stations", "stories")]  # fmt: skip
    assert len(ours) >= 10
    for model in ours:
        assert issubclass(model, markers.SiteSearchable), model
        fields = [f for f in model.get_search_fields() if isinstance(f, SiteSearchWordsField)]
        assert len(fields) == 1, model


def test_a_public_page_is_marked_with_its_type_and_facets(home):
    areas = make_areas()
    story = StoryPageFactory(
        parent=StoryIndexPageFactory(parent=home), year=2024, district=areas["tianhe"]
    )
    assert markers.markers(story) == [
        "zzvis",
        "zzkstory",
        "zzyear2024",
        f"zzdistrict{areas['tianhe'].pk}",
    ]
    page = StandardPageFactory(parent=home)
    assert markers.markers(page) == ["zzvis", "zzkpage"]
    assert markers.markers(home) == ["zzvis", "zzkother"]
    assert markers.markers(Page.get_first_root_node().specific) == []


def test_drafts_and_private_pages_carry_no_markers(home):
    draft = StandardPageFactory(parent=home)
    draft.unpublish()
    assert markers.markers(draft) == []
    private = StandardPageFactory(parent=home)
    PageViewRestriction.objects.create(page=private, restriction_type="login")
    below = StandardPageFactory(parent=private)
    assert markers.markers(private) == [] and markers.markers(below) == []


def test_counts_follow_unpublishing(home):
    page = StandardPageFactory(parent=home, title="长者探访指南")
    StandardPageFactory(parent=home, title="长者探访记录")
    assert found("长者探访").total == 2
    page.unpublish()
    outcome = found("长者探访")
    assert outcome.total == 1 and titles(outcome) == ["长者探访记录"]
    page.save_revision().publish()
    assert found("长者探访").total == 2


def test_a_view_restriction_reindexes_the_section_below_it(home):
    section = StandardPageFactory(parent=home, title="内部长者探访")
    StandardPageFactory(parent=section, title="下级长者探访")
    StandardPageFactory(parent=home, title="公开长者探访")
    assert found("长者探访").total == 3
    restriction = PageViewRestriction.objects.create(page=section, restriction_type="login")
    outcome = found("长者探访")
    assert outcome.total == 1 and titles(outcome) == ["公开长者探访"]
    assert [(f.value, f.count) for f in outcome.type_facets] == [("page", 1)]
    restriction.delete()
    assert found("长者探访").total == 3


def test_moving_a_page_into_a_private_section_reindexes_it(home):
    section = StandardPageFactory(parent=home, title="内部资料")
    PageViewRestriction.objects.create(page=section, restriction_type="login")
    page = StandardPageFactory(parent=home, title="长者探访安排")
    StandardPageFactory(parent=page, title="长者探访名单")
    assert found("长者探访").total == 2
    page.move(section, pos="last-child")
    assert found("长者探访").total == 0
    Page.objects.get(pk=page.pk).move(home, pos="last-child")
    assert found("长者探访").total == 2


def test_a_stale_marker_never_shows_a_hidden_page(home):
    """Counts trust the markers; what is shown is checked against the page table."""
    page = StandardPageFactory(parent=home, title="长者探访甲")
    StandardPageFactory(parent=home, title="长者探访乙")
    Page.objects.filter(pk=page.pk).update(live=False)  # no save, so no re-index
    assert titles(found("长者探访")) == ["长者探访乙"]


def test_past_the_ranking_pool_every_result_is_reached_once(home, monkeypatch):
    """Past RANKED_POOL matches a pool is ranked (the newest matches and the newest title
    matches) and the rest follow newest first: the same order on every results page."""
    monkeypatch.setattr(searchers, "RANKED_POOL", 3)
    monkeypatch.setattr(query, "PER_PAGE", 2)
    oldest = StandardPageFactory(parent=home, title="社区长者探访", intro="其他")
    for n in range(8):
        StandardPageFactory(parent=home, title=f"安排{n}", intro="社区长者探访的安排")
    seen = []
    for number in range(1, 6):
        outcome = found("长者探访", page=str(number))
        seen += [hit.page.pk for hit in outcome.hits]
    assert outcome.total == 9
    assert len(seen) == 9 and len(set(seen)) == 9
    # The oldest page is in the pool through its title, and its title ranks it first.
    assert seen[0] == oldest.pk


def test_an_estimate_keeps_two_significant_figures():
    assert searchers.Count.estimate(96384) == 96000
    assert searchers.Count.estimate(1234) == 1200
    assert searchers.Count.estimate(57) == 57
    assert searchers.Count.estimate(96384).approximate
    assert not searchers.Count(5).approximate


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL estimates large counts; SQLite counts"
)
def test_postgresql_estimates_large_counts_from_the_sampled_pages(client, home, monkeypatch):
    monkeypatch.setattr(markers, "SAMPLE_EVERY", 2)
    monkeypatch.setattr(postgres, "APPROXIMATE_ABOVE", 4)
    pages = [StandardPageFactory(parent=home, title=f"长者探访{n}") for n in range(6)]
    sampled = sum(1 for page in pages if page.pk % 2 == 0)
    outcome = found("长者探访")
    assert outcome.approximate and outcome.total == sampled * 2
    assert outcome.type_facets[0].approximate
    html = client.get("/search/", {"q": "长者探访"}).content.decode()
    assert f"找到约 {sampled * 2} 条" in html
    assert f'<span class="facets__count">约{sampled * 2}</span>' in html
    # Fewer matches than the threshold: counted exactly.
    monkeypatch.setattr(postgres, "APPROXIMATE_ABOVE", 1000)
    assert not found("长者探访").approximate and found("长者探访").total == 6


def test_past_the_ranking_pool_without_title_matches_results_come_newest_first(home, monkeypatch):
    monkeypatch.setattr(searchers, "RANKED_POOL", 2)
    made = [StandardPageFactory(parent=home, title=f"安排{n}", intro="长者探访") for n in range(5)]
    outcome = found("长者探访")
    assert outcome.total == 5
    assert [hit.page.pk for hit in outcome.hits] == [p.pk for p in reversed(made)]
