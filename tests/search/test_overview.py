"""The first page of a search over every type: the best few of each type, each type's section
linking to its own list (search/overview.py), on both searchers (tests/search/test_search_view)."""

import re
from urllib.parse import parse_qs

import pytest

from search import overview, searchers
from search.analysis import query_tokens
from search.query import PER_PAGE
from tests.factories.home import PolicyDocumentPageFactory, StandardPageFactory
from tests.factories.stations import ActivityPageFactory, station_at
from tests.factories.stories import StoryPageFactory, paragraphs
from tests.queries import captured_queries
from tests.search import test_search_view as view
from tests.search.test_search_view import facet_counts, result_titles, search

pytestmark = pytest.mark.django_db
# The search view's fixtures: its site, and every test on both searchers.
site, searcher = view.site, view.searcher

TYPE_NAME = "新时代文明实践站"
MANY_STATIONS = 30
POLICY = "关于推进基层志愿服务阵地建设的指导意见"


def stations_named_after_the_type(site, count=MANY_STATIONS):
    return [
        station_at(
            site["stations"],
            lat=23.13,
            lng=113.34,
            street=site["areas"]["shipai"],
            title=f"{n}号{TYPE_NAME}",
            summary="开展理论宣讲和志愿服务",
        )
        for n in range(count)
    ]


def the_policy_about_the_type(site):
    return PolicyDocumentPageFactory(
        parent=site["policies"],
        title=POLICY,
        body=f"<p>{TYPE_NAME}是基层开展志愿服务的阵地。各地要把{TYPE_NAME}建好用好，"
        f"{TYPE_NAME}由街道统筹，{TYPE_NAME}的志愿服务队伍常态化开展活动。</p>",
    )


def sections(html: str) -> list[dict]:
    """Each section of the overview: its heading, results and “更多…” link, in order."""
    found = []
    for part in html.split('<section class="search-section"')[1:]:
        part = part.split("</section>", 1)[0]
        heading = re.search(r'<h2 class="search-section__heading"[^>]*>([^<]+) <span', part)
        more = re.search(r'class="search-section__more"><a href="\?([^"]+)">([^<]+)<', part)
        found.append(
            {
                "label": heading.group(1),
                "titles": result_titles(part),
                "more": parse_qs(more.group(1).replace("&amp;", "&")) if more else None,
                "more_text": more.group(2) if more else "",
            }
        )
    return found


def test_a_policy_about_a_station_type_is_on_the_first_page(client, site):
    stations_named_after_the_type(site)
    the_policy_about_the_type(site)
    html = search(client, q=TYPE_NAME)
    assert POLICY in result_titles(html)
    shown = {s["label"]: s for s in sections(html)}
    assert set(shown) == {"志愿服务站点", "政策文件"}
    assert len(shown["志愿服务站点"]["titles"]) == overview.PER_KIND
    assert shown["政策文件"]["titles"] == [POLICY]
    # Every result counted, the overview on one page: no pagination, each type's list linked.
    assert f"找到 {MANY_STATIONS + 1} 条" in html
    assert 'class="pagination' not in html
    # Each section's heading names its type: its results do not repeat it.
    assert 'class="tag tag--muted"' not in html.split('<section class="search-section"', 1)[1]


def test_more_links_to_the_type_filtered_list_which_goes_on_where_the_section_stops(client, site):
    stations_named_after_the_type(site)
    the_policy_about_the_type(site)
    found = sections(search(client, q=TYPE_NAME))
    stations = next(s for s in found if s["label"] == "志愿服务站点")
    assert stations["more"] == {"q": [TYPE_NAME], "type": ["station"]}
    assert stations["more_text"] == "更多志愿服务站点"
    listed = search(client, q=TYPE_NAME, type="station")
    # The filtered list is the plain ranked list of that type, 20 a page, as before.
    assert len(result_titles(listed)) == PER_PAGE
    assert result_titles(listed)[: overview.PER_KIND] == stations["titles"]
    assert f"找到 {MANY_STATIONS} 条" in listed
    assert 'class="search-section"' not in listed
    second = result_titles(search(client, q=TYPE_NAME, type="station", page=2))
    assert len(second) == MANY_STATIONS - PER_PAGE
    assert not set(second) & set(result_titles(listed))


def test_a_section_without_more_results_has_no_more_link(client, site):
    stations_named_after_the_type(site, count=2)
    the_policy_about_the_type(site)
    for section in sections(search(client, q=TYPE_NAME)):
        assert section["more"] is None


def test_each_section_is_its_filtered_list_s_head(client, site):
    """Every type, several words (the OR tail counted too): what a section shows is what its
    type's list starts with."""
    shipai = site["areas"]["shipai"]
    for n in range(5):
        station = station_at(
            site["stations"], lat=23.13, lng=113.34, street=shipai, title=f"社区义诊服务站{n}"
        )
        ActivityPageFactory(parent=site["activities"], station=station, title=f"社区义诊活动{n}")
        StoryPageFactory(parent=site["stories"], title=f"义诊路上的志愿者{n}")
    PolicyDocumentPageFactory(parent=site["policies"], title="关于规范社区义诊的通知")
    StandardPageFactory(parent=site["home"], title="义诊服务指南", intro="社区里的义诊")
    for query in ["社区义诊", "义诊", "社区 义诊 志愿者"]:
        html = search(client, q=query)
        found = sections(html)
        counts = facet_counts(html)
        assert len(found) >= 3, query
        for section in found:
            assert 1 <= len(section["titles"]) <= overview.PER_KIND
            assert len(section["titles"]) == min(counts[section["label"]], overview.PER_KIND)
            if section["more"]:
                listed = search(client, **{k: v[0] for k, v in section["more"].items()})
                assert result_titles(listed)[: len(section["titles"])] == section["titles"]


def test_past_the_ranked_pool_sections_still_head_their_lists(client, site, monkeypatch):
    """Past `ranked_up_to` matches a type is ordered as ranked_ids pools it, not in the one
    statement: the sections follow."""
    monkeypatch.setattr(searchers.IndexSearcher, "ranked_up_to", lambda self: 4)
    monkeypatch.setattr(searchers.IndexSearcher, "title_pool", lambda self: 6)
    stations_named_after_the_type(site, count=12)
    the_policy_about_the_type(site)
    html = search(client, q=TYPE_NAME)
    stations = next(s for s in sections(html) if s["label"] == "志愿服务站点")
    listed = result_titles(search(client, q=TYPE_NAME, type="station"))
    assert stations["titles"] == listed[: overview.PER_KIND]
    assert POLICY in result_titles(html)


def test_heads_rank_as_ranked_ids_does(site):
    """The one statement of IndexSearcher.heads lists each want as ranked_ids does alone."""
    stations_named_after_the_type(site, count=8)
    the_policy_about_the_type(site)
    StoryPageFactory(parent=site["stories"], title=f"走进{TYPE_NAME}", body=paragraphs(TYPE_NAME))
    index = searchers.searcher_for("default")
    strict = searchers.Want(tuple(query_tokens(TYPE_NAME)))
    with index.session():
        counts = index.kind_counts(strict)
        requests = [(strict, index.count(strict), 20)]
        requests += [(strict.narrowed(kind=k), n, 3) for k, n in counts.items()]
        requests.append((strict.narrowed(kind="activity"), 0, 3))  # nothing of that type
        expected = [index.ranked_ids(w, 0, n, total) if total else [] for w, total, n in requests]
        assert index.heads(requests) == expected
    assert len(expected[0]) == 10 and all(expected[1:-1]) and expected[-1] == []


def test_sections_in_order_exact_title_then_title_matches(client, site):
    """A page titled as the query puts its section first; then sections whose best page has
    every word in its title, before those found by their text."""
    StoryPageFactory(parent=site["stories"], title="社区义诊", summary="义诊")
    PolicyDocumentPageFactory(parent=site["policies"], title="义诊管理办法", body="<p>社区义诊</p>")
    StandardPageFactory(parent=site["home"], title="服务指南", intro="社区义诊" * 5)
    for n in range(4):
        station_at(
            site["stations"],
            lat=23.13,
            lng=113.34,
            street=site["areas"]["shipai"],
            title=f"社区义诊站{n}",
        )
    labels = [s["label"] for s in sections(search(client, q="社区义诊"))]
    assert labels[:2] == ["嘉许故事", "志愿服务站点"]
    # then those found by their text (and, as the OR tail, 栏目页面 holding 社区 alone)
    assert {"政策文件", "页面"} <= set(labels[2:])


def test_a_doc_number_puts_its_document_s_section_first(client, site):
    target = PolicyDocumentPageFactory(
        parent=site["policies"], title="关于加强社区志愿服务的通知", doc_number="穗民〔2019〕62号"
    )
    for n in range(4):
        station_at(
            site["stations"],
            lat=23.13,
            lng=113.34,
            street=site["areas"]["shipai"],
            title=f"落实穗民〔2019〕62号的服务站{n}",
        )
    found = sections(search(client, q="穗民[2019]62号"))
    assert found[0]["label"] == "政策文件"
    assert found[0]["titles"][0] == target.title


def test_index_pages_have_a_list_of_their_own(client, site):
    """栏目页面 (pages of no registered type) are a type to filter by like any other."""
    StandardPageFactory(parent=site["home"], title="义诊服务指南")
    site["stations"].title = "义诊站点目录"
    site["stations"].save_revision().publish()
    html = search(client, q="义诊")
    assert {s["label"] for s in sections(html)} == {"页面", "栏目页面"}
    listed = search(client, q="义诊", type="other")
    assert result_titles(listed) == ["义诊站点目录"]
    assert '>栏目页面 <span class="facets__count">1</span>' in listed


def test_one_type_found_is_the_plain_paginated_list(client, site):
    for n in range(25):
        StandardPageFactory(parent=site["home"], title=f"义诊服务指南{n}")
    html = search(client, q="义诊服务指南")
    assert 'class="search-section"' not in html
    assert len(result_titles(html)) == PER_PAGE
    assert len(result_titles(search(client, q="义诊服务指南", page=2))) == 5


@pytest.mark.parametrize("page", ["2", "99", "abc", "-1", "²"])
def test_the_overview_ignores_a_page_number(client, site, page):
    stations_named_after_the_type(site, count=5)
    the_policy_about_the_type(site)
    assert len(sections(search(client, q=TYPE_NAME, page=page))) == 2


@pytest.mark.parametrize(
    "typed, message",
    [
        ("", "请输入要搜索的内容"),
        ("\u200b\u0000 ", "请输入要搜索的内容"),
        ("新" * 101, "搜索词太长了"),
        ("😀", "没有可以查找的文字"),
    ],
)
def test_odd_input_still_gets_its_message(client, site, typed, message):
    stations_named_after_the_type(site, count=5)
    the_policy_about_the_type(site)
    html = search(client, q=typed)
    assert message in html and 'class="search-section"' not in html


@pytest.mark.parametrize(
    "typed",
    [
        "新时代\u0000文明\u200b实践站",  # control and zero-width characters dropped
        "新時代文明實踐站",  # traditional
        f"  {TYPE_NAME}\t",
        f"{TYPE_NAME}ＡＢ",  # full-width letters fold to ASCII, then hold no page: the OR tail
    ],
)
def test_odd_input_finds_the_same_overview(client, site, typed):
    stations_named_after_the_type(site, count=5)
    the_policy_about_the_type(site)
    html = search(client, q=typed)
    assert POLICY in result_titles(html)
    assert [s["label"] for s in sections(html)] == ["志愿服务站点", "政策文件"]


def test_the_overview_s_queries_do_not_grow_with_types_or_results(client, site, searcher):
    def counted():
        search(client, q=TYPE_NAME)
        with captured_queries() as queries:
            html = search(client, q=TYPE_NAME)
        return len(queries), html

    stations = stations_named_after_the_type(site, count=2)
    the_policy_about_the_type(site)
    two_types, html = counted()
    assert len(sections(html)) == 2
    StoryPageFactory(parent=site["stories"], title=f"{TYPE_NAME}的故事")
    ActivityPageFactory(parent=site["activities"], station=stations[0], title=f"{TYPE_NAME}开放日")
    StandardPageFactory(parent=site["home"], title=f"{TYPE_NAME}介绍")
    five_types, html = counted()
    assert len(sections(html)) == 5
    stations_named_after_the_type(site, count=20)
    for n in range(10):
        StoryPageFactory(parent=site["stories"], title=f"{TYPE_NAME}的故事{n}")
        PolicyDocumentPageFactory(parent=site["policies"], title=f"{TYPE_NAME}建设通知{n}")
    many, html = counted()
    assert len(sections(html)) == 5
    assert many == five_types
    if searcher == "index":
        # One statement ranks every type's best, however many types there are.
        assert five_types == two_types
