"""/search/ over every page type, in Chinese, on whichever database the suite runs on."""

import json
import re

import pytest
from wagtail.models import PageViewRestriction
from wagtail.search.backends import get_search_backend

from search import overview, searchers
from stories.models import HonoreeKind
from tests.factories.home import (
    PolicyDocumentPageFactory,
    StandardPageFactory,
    make_site_tree,
    volunteer_regulation,
)
from tests.factories.stations import (
    ActivityIndexPageFactory,
    ActivityPageFactory,
    make_areas,
    make_station_index,
    station_at,
)
from tests.factories.stories import StoryIndexPageFactory, StoryPageFactory, paragraphs
from tests.queries import captured_queries

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True, params=["index", "backend"])
def searcher(request, monkeypatch):
    """Every test twice: the database index searcher, and the search-API path that
    Elasticsearch takes (search/searchers/)."""
    if request.param == "backend":
        monkeypatch.setattr(
            searchers,
            "searcher_for",
            lambda name: searchers.BackendSearcher(get_search_backend(name)),
        )
    return request.param


@pytest.fixture
def site():
    home, policies = make_site_tree()
    areas = make_areas()
    stations = make_station_index(home)
    activities = ActivityIndexPageFactory(parent=home)
    stories = StoryIndexPageFactory(parent=home)
    return {
        "home": home,
        "policies": policies,
        "stations": stations,
        "activities": activities,
        "stories": stories,
        "areas": areas,
    }


def search(client, **params):
    response = client.get("/search/", params)
    assert response.status_code == 200
    return response.content.decode()


def result_titles(html: str) -> list[str]:
    found = re.findall(r'class="search-result__title" href="[^"]+">(.*?)</a>', html)
    return [re.sub(r"</?mark>", "", title) for title in found]


def facet_counts(html: str) -> dict[str, int]:
    """{type label: count} from the type facets."""
    facets = html.split('class="facets"', 1)[1].split("</nav>", 1)[0]
    found = re.findall(r'>([^<>]+) <span class="facets__count">(\d+)</span>', facets)
    return {label: int(count) for label, count in found}


def test_search_page_without_query_shows_the_form(client, site):
    html = search(client)
    assert 'name="q"' in html and "search-result" not in html


@pytest.mark.parametrize(
    "query, message",
    [
        ("   ", "请输入要搜索的内容"),
        ("", "请输入要搜索的内容"),
        ("志" * 101, "搜索词太长了"),
        ('" "', "没有可以查找的文字"),
        ("😀😀", "没有可以查找的文字"),
    ],
)
def test_empty_or_overlong_queries_get_a_message(client, site, query, message):
    assert message in search(client, q=query)


@pytest.mark.parametrize(
    "query",
    [
        '"unbalanced',
        "a AND OR NOT",
        "%_*",
        "😀 志愿",
        "'; DROP TABLE x;--",
        "()[]{}",
        "NEAR(志愿 服务)",
        "title:志愿",
        "志愿*",
        "^志愿",
        "-志愿",
        "\\",
        "<script>alert(1)</script>",
        "志愿" * 1000,
    ],
)
def test_odd_queries_never_fail(client, site, query):
    StandardPageFactory(parent=site["home"], title="志愿服务指南")
    search(client, q=query)


def test_a_word_inside_a_chinese_title_is_found(client, site):
    station_at(
        site["stations"],
        lat=23.13,
        lng=113.34,
        street=site["areas"]["shipai"],
        title="石牌街社区义诊服务站",
    )
    assert result_titles(search(client, q="义诊")) == ["石牌街社区义诊服务站"]


def test_traditional_and_simplified_find_each_other(client, site):
    PolicyDocumentPageFactory(parent=site["policies"], title="從義工到志愿者之城")
    StandardPageFactory(parent=site["home"], title="义工招募")
    assert set(result_titles(search(client, q="义工"))) == {"從義工到志愿者之城", "义工招募"}
    assert set(result_titles(search(client, q="義工"))) == {"從義工到志愿者之城", "义工招募"}
    html = search(client, q="義工")
    assert "從<mark>義工</mark>到志愿者之城" in html


@pytest.mark.parametrize(
    "typed", ["穗民〔2019〕62号", "穗民[2019]62号", "穗民【2019】62号", "穗民（2019）62号"]
)
def test_a_doc_number_in_any_brackets_puts_that_document_first(client, site, typed):
    target = PolicyDocumentPageFactory(
        parent=site["policies"], title="关于加强社区志愿服务的通知", doc_number="穗民〔2019〕62号"
    )
    PolicyDocumentPageFactory(
        parent=site["policies"],
        title="关于社区志愿服务的答复",
        body="<p>根据穗民〔2019〕62号和穗民〔2019〕62号的要求，穗民〔2019〕62号。</p>",
    )
    titles = result_titles(search(client, q=typed))
    assert titles[0] == target.title
    assert "关于社区志愿服务的答复" in titles


def test_a_title_match_ranks_above_a_body_only_match(client, site):
    StandardPageFactory(
        parent=site["home"],
        title="社区服务指南",
        intro="时间银行",
        body=paragraphs("时间银行积分。" * 20, "时间银行兑换。" * 20),
    )
    StandardPageFactory(parent=site["home"], title="时间银行", intro="积分兑换")
    assert result_titles(search(client, q="时间银行")) == ["时间银行", "社区服务指南"]


def test_a_heading_is_found_by_its_text_not_by_its_level(client, site):
    """A heading block's level (二级标题) is how it looks, not what the page says."""
    heading = {"type": "heading", "value": {"text": "服务时间", "level": "h2"}}
    StandardPageFactory(parent=site["home"], title="站点须知", body=json.dumps([heading]))
    assert result_titles(search(client, q="二级标题")) == []
    html = search(client, q="服务时间")
    assert result_titles(html)[0] == "站点须知"
    assert "<mark>服务时间</mark>" in html and "二级标题" not in html


def test_an_exact_station_name_comes_first(client, site):
    shipai = site["areas"]["shipai"]
    for n in range(3):
        station_at(
            site["stations"],
            lat=23.13,
            lng=113.34,
            street=shipai,
            title=f"石牌街学雷锋志愿服务站分站{n}",
            summary="石牌街学雷锋志愿服务站的分站，石牌街学雷锋志愿服务站",
        )
    station_at(
        site["stations"], lat=23.13, lng=113.34, street=shipai, title="石牌街学雷锋志愿服务站"
    )
    assert result_titles(search(client, q="石牌街学雷锋志愿服务站"))[0] == "石牌街学雷锋志愿服务站"


def test_drafts_and_private_pages_never_appear(client, site):
    StandardPageFactory(parent=site["home"], title="公开的义诊指南")
    draft = StandardPageFactory(parent=site["home"], title="草稿的义诊指南")
    draft.unpublish()
    private = StandardPageFactory(parent=site["home"], title="内部的义诊指南")
    PageViewRestriction.objects.create(page=private, restriction_type="login")
    hidden_below = StandardPageFactory(parent=private, title="内部下级的义诊指南")
    titles = result_titles(search(client, q="义诊指南"))
    assert titles == ["公开的义诊指南"]
    assert hidden_below.title not in search(client, q="内部下级")


def test_results_show_type_date_and_a_highlighted_snippet(client, site):
    story = StoryPageFactory(
        parent=site["stories"],
        title="好邻居",
        summary="陈姨十年如一日参加时间银行志愿服务。",
    )
    html = search(client, q="时间银行")
    item = html.split('class="search-result"', 1)[1]
    assert '<span class="tag tag--muted">嘉许故事</span>' in item
    day = story.story_date
    assert f"<span>{day.year}年{day.month}月{day.day}日</span>" in item
    assert "陈姨十年如一日参加<mark>时间银行</mark>志愿服务。" in item


def test_highlighting_escapes_html(client, site):
    StandardPageFactory(
        parent=site["home"], title="<script>alert(1)</script> 志愿", intro="<b>志愿</b> & 服务"
    )
    html = search(client, q="志愿")
    main = html.split("<main", 1)[1]
    assert "<script>alert(1)</script>" not in main
    assert "&lt;script&gt;alert(1)&lt;/script&gt; <mark>志愿</mark>" in main


def test_type_facets_count_and_keep_the_query(client, site):
    StandardPageFactory(parent=site["home"], title="志愿服务指南")
    volunteer_regulation(site["policies"])
    StoryPageFactory(parent=site["stories"], title="志愿者陈姨")
    StoryPageFactory(parent=site["stories"], title="志愿者李叔")
    html = search(client, q="志愿")
    facets = html.split('class="facets"', 1)[1].split("</nav>", 1)[0]
    assert re.search(r'href="\?q=%E5%BF%97%E6%84%BF&amp;type=story">嘉许故事 <span', facets)
    assert '>嘉许故事 <span class="facets__count">2</span>' in facets
    assert '>政策文件 <span class="facets__count">1</span>' in facets
    only_stories = search(client, q="志愿", type="story")
    assert sorted(result_titles(only_stories)) == ["志愿者李叔", "志愿者陈姨"]


def test_year_and_district_facets_for_stories(client, site):
    areas = site["areas"]
    StoryPageFactory(
        parent=site["stories"], title="志愿故事甲", year=2024, district=areas["tianhe"]
    )
    StoryPageFactory(
        parent=site["stories"], title="志愿故事乙", year=2025, district=areas["yuexiu"]
    )
    StoryPageFactory(
        parent=site["stories"], title="志愿故事丙", year=2025, district=areas["tianhe"]
    )
    html = search(client, q="志愿故事", type="story")
    assert '>2025 年 <span class="facets__count">2</span>' in html
    assert '>天河区 <span class="facets__count">2</span>' in html
    assert sorted(result_titles(search(client, q="志愿故事", type="story", year="2025"))) == [
        "志愿故事丙",
        "志愿故事乙",
    ]
    by_district = search(client, q="志愿故事", type="story", district=areas["yuexiu"].pk)
    assert result_titles(by_district) == ["志愿故事乙"]


def test_pages_holding_some_of_the_words_follow_those_holding_all(client, site):
    StandardPageFactory(parent=site["home"], title="社区学雷锋活动")
    StandardPageFactory(parent=site["home"], title="学雷锋纪念日")
    titles = result_titles(search(client, q="社区学雷锋", type="page"))
    assert titles == ["社区学雷锋活动", "学雷锋纪念日"]


def test_pagination_keeps_the_query(client, site):
    for n in range(25):
        StandardPageFactory(parent=site["home"], title=f"志愿服务指南{n}")
    first = search(client, q="志愿服务", type="page")
    assert len(result_titles(first)) == 20
    assert 'href="?q=%E5%BF%97%E6%84%BF%E6%9C%8D%E5%8A%A1&amp;type=page&amp;page=2"' in first
    assert len(result_titles(search(client, q="志愿服务", type="page", page=2))) == 5
    assert "找到 25 条" in first


def test_query_count_does_not_grow_with_the_results_shown(client, site):
    def fill(count, offset):
        for n in range(count):
            station = station_at(
                site["stations"],
                lat=23.13,
                lng=113.34,
                street=site["areas"]["shipai"],
                title=f"志愿服务站{offset + n}",
            )
            ActivityPageFactory(parent=site["activities"], station=station, title=f"志愿活动{n}")
            StoryPageFactory(parent=site["stories"], title=f"志愿故事{offset + n}")

    def counted(**params):
        search(client, **params)
        with captured_queries() as queries:
            html = search(client, **params)
        return len(queries), html

    fill(2, 0)
    few = counted(q="志愿")[0]
    few_filtered = counted(q="志愿", type="story")[0]
    fill(8, 100)
    many, html = counted(q="志愿")
    many_filtered, filtered = counted(q="志愿", type="story")
    # Several types found: the best of each (search/overview.py); one type: 20 a page.
    sections = html.count('class="search-section"')
    assert sections >= 3  # stations, activities, stories (and the index pages, 栏目页面)
    assert len(result_titles(html)) == sum(
        min(count, overview.PER_KIND) for count in facet_counts(html).values()
    )
    assert len(result_titles(filtered)) == 10
    assert few > 0 and few_filtered > 0
    assert (many, many_filtered) == (few, few_filtered)


def test_the_header_search_box_is_on_every_page(client, site):
    html = client.get(site["home"].url).content.decode()
    form = '<form class="site-search" action="/search/" method="get" role="search"'
    assert f'{form} aria-label="全站搜索">' in html


def test_honoree_names_are_found(client, site):
    StoryPageFactory(
        parent=site["stories"],
        title="胡同里的红袖标",
        honoree_kind=HonoreeKind.TEAM,
        honoree_name="西城大妈",
    )
    assert result_titles(search(client, q="西城大妈")) == ["胡同里的红袖标"]


def test_a_policy_shows_its_date_as_written(client, site):
    PolicyDocumentPageFactory(parent=site["policies"], title="义诊通知", issued="2021")
    item = search(client, q="义诊").split('class="search-result"', 1)[1]
    assert "<span>2021</span>" in item and "1月1日" not in item
