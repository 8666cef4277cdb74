"""The story list at /stories/, a story page, and stories on the home and station pages."""

import datetime
import re

import pytest
from django.utils import timezone
from wagtail.models import PageViewRestriction
from wagtail_factories import ImageFactory

from stories.models import HonoreeKind
from tests.factories.stations import make_areas, make_station_index, station_at
from tests.factories.stories import AwardFactory, StoryPageFactory
from tests.queries import captured_queries
from tests.shared_data import shared_fixture

pytestmark = pytest.mark.django_db


def days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


def titles(response) -> list[str]:
    html = response.content.decode()
    return re.findall(r'class="story-item__title" href="[^"]+">([^<]+)</a>', html)


@shared_fixture
def areas(story_site):
    return make_areas()


@shared_fixture
def stories(story_site, areas):
    """Four stories of different years, awards, honorees and places, newest first."""
    _home, story_index = story_site
    mayor = AwardFactory(name="市长奖", tier=3)
    best = AwardFactory(name="优秀志愿者")
    return [
        StoryPageFactory(
            parent=story_index,
            title="时间银行里的陈姨",
            story_date=days_ago(1),
            year=2025,
            award=best,
            district=areas["tianhe"],
        ),
        StoryPageFactory(
            parent=story_index,
            title="西城大妈",
            story_date=days_ago(10),
            year=2021,
            honoree_kind=HonoreeKind.TEAM,
            honoree_name="西城大妈",
            region="北京市西城区",
        ),
        StoryPageFactory(
            parent=story_index,
            title="公交线路上的义工",
            story_date=days_ago(20),
            year=2015,
            award=mayor,
            region="广东省深圳市",
        ),
        StoryPageFactory(
            parent=story_index,
            title="越秀区的时间银行项目",
            story_date=days_ago(30),
            year=2025,
            honoree_kind=HonoreeKind.PROJECT,
            honoree_name="时间银行",
            award=best,
            district=areas["yuexiu"],
        ),
    ]


def test_newest_first_with_award_and_place(client, story_index, stories):
    response = client.get(story_index.url)
    assert response.status_code == 200
    assert titles(response) == [s.title for s in stories]
    html = response.content.decode()
    assert "2025 年度优秀志愿者" in html and "2015 年度市长奖" in html
    assert "北京市西城区" in html and "天河区" in html
    assert "共 4 篇故事" in html


@pytest.mark.parametrize(
    "query, expected",
    [
        ("year=2025", ["时间银行里的陈姨", "越秀区的时间银行项目"]),
        ("kind=team", ["西城大妈"]),
        ("kind=project&year=2025", ["越秀区的时间银行项目"]),
        ("district=elsewhere", ["西城大妈", "公交线路上的义工"]),
    ],
)
def test_filters(client, story_index, stories, query, expected):
    assert titles(client.get(f"{story_index.url}?{query}")) == expected


def test_filter_by_award_and_district(client, story_index, stories, areas):
    award = stories[2].award
    assert titles(client.get(f"{story_index.url}?award={award.pk}")) == ["公交线路上的义工"]
    district = areas["yuexiu"].pk
    assert titles(client.get(f"{story_index.url}?district={district}")) == ["越秀区的时间银行项目"]


def test_filter_choices_offer_only_what_has_stories(client, story_index, stories, areas):
    AwardFactory(name="没人获得的奖")
    html = client.get(story_index.url).content.decode()
    assert "没人获得的奖" not in html
    assert ">2021 年<" in html and ">2020 年<" not in html
    assert ">外地<" in html and ">越秀区<" in html


@pytest.mark.parametrize(
    "query, message",
    [
        ("year=1888", "这一年度没有嘉许故事"),
        ("year=abc", "这一年度没有嘉许故事"),
        ("award=999999", "没有这个奖项的故事"),
        ("kind=alien", "没有这种嘉许对象"),
        ("district=<script>", "没有这个地区的故事"),
    ],
)
def test_bad_filters_get_a_message_not_an_error(client, story_index, stories, query, message):
    response = client.get(f"{story_index.url}?{query}")
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert titles(response) == []
    assert "<script>" not in html.split("<main", 1)[1]


def test_pagination_keeps_the_filters(client, story_index):
    for n in range(14):
        StoryPageFactory(parent=story_index, year=2024, story_date=days_ago(n))
    StoryPageFactory(parent=story_index, year=2023)
    first = client.get(f"{story_index.url}?year=2024").content.decode()
    assert "第 1 / 2 页" in first
    assert 'href="?year=2024&amp;page=2"' in first
    second = client.get(f"{story_index.url}?year=2024&page=2")
    assert len(titles(second)) == 2


def test_drafts_and_private_stories_are_not_listed(client, story_index, stories):
    draft = StoryPageFactory(parent=story_index, title="草稿故事", live=False)
    private = StoryPageFactory(parent=story_index, title="内部故事")
    PageViewRestriction.objects.create(page=private, restriction_type="login")
    listed = titles(client.get(story_index.url))
    assert draft.title not in listed and private.title not in listed
    assert client.get(private.url).status_code == 302  # to the login page


def test_list_query_count_does_not_grow(client, story_index, areas):
    award = AwardFactory()
    StoryPageFactory(
        parent=story_index,
        award=award,
        district=areas["tianhe"],
        cover_image=ImageFactory(),
        cover_alt="封面",
    )
    client.get(story_index.url)
    with captured_queries() as few:
        client.get(story_index.url)
    for n in range(10):
        StoryPageFactory(
            parent=story_index,
            award=AwardFactory(),
            district=areas["yuexiu"] if n % 2 else None,
            region="" if n % 2 else "天津市和平区",
            cover_image=ImageFactory(),
            cover_alt="封面",
        )
    client.get(story_index.url)  # new pages drop the cached menu: warm it again
    with captured_queries() as many:
        client.get(story_index.url)
    assert len(few) > 0
    assert len(many) == len(few)


def test_story_page_shows_honoree_award_body_and_more_stories(client, stories):
    response = client.get(stories[0].url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>时间银行里的陈姨</h1>" in html
    assert "2025 年度优秀志愿者" in html and "广州市志愿者协会" in html
    assert "她每周两次到社工站陪伴独居老人。" in html
    # More stories: the other story with the same award comes first.
    more = html.split("更多嘉许故事", 1)[1]
    assert more.index("越秀区的时间银行项目") < more.index("西城大妈")


def test_demo_story_says_so(client, story_index):
    story = StoryPageFactory(parent=story_index, is_demo=True)
    assert "这是演示内容" in client.get(story.url).content.decode()


def test_station_page_lists_its_stories(client, story_site, story_index, areas):
    home, _index = story_site
    station = station_at(
        make_station_index(home), lat=23.1345, lng=113.342, street=areas["shipai"], title="石牌站"
    )
    StoryPageFactory(
        parent=story_index,
        title="优秀社区志愿服务站点：石牌站",
        honoree_kind=HonoreeKind.STATION,
        honoree_name="石牌站",
        station=station,
    )
    StoryPageFactory(parent=story_index, title="别处的故事")
    html = client.get(station.url).content.decode()
    assert "本站的嘉许故事" in html
    assert "优秀社区志愿服务站点：石牌站" in html and "别处的故事" not in html


def test_station_page_without_stories_has_no_section(client, story_site, areas):
    home, _index = story_site
    station = station_at(make_station_index(home), lat=23.1345, lng=113.342, street=areas["shipai"])
    assert "本站的嘉许故事" not in client.get(station.url).content.decode()


def featured_title(html: str) -> str:
    return re.search(r'class="featured-story__title" href="[^"]+">([^<]+)</a>', html).group(1)


def test_home_shows_the_newest_story_with_a_cover_and_the_latest(client, story_site, stories):
    home, index = story_site
    covered = StoryPageFactory(
        parent=index,
        title="有封面的故事",
        story_date=days_ago(5),
        cover_image=ImageFactory(),
        cover_alt="封面",
    )
    html = client.get(home.url).content.decode()
    assert featured_title(html) == covered.title
    latest = html.split("featured-story", 2)[2]
    assert "时间银行里的陈姨" in latest and "西城大妈" in latest
    assert "查看全部嘉许故事" in html


def test_home_shows_the_editors_choice_while_it_is_live(client, story_site, stories):
    home, _index = story_site
    home.featured_story = stories[2]
    home.save()
    assert featured_title(client.get(home.url).content.decode()) == "公交线路上的义工"
    stories[2].unpublish()
    assert featured_title(client.get(home.url).content.decode()) == "时间银行里的陈姨"


def test_home_without_stories_has_no_story_section(client, story_site):
    home, _index = story_site
    assert "嘉许故事</h2>" not in client.get(home.url).content.decode()


def test_a_story_whose_cover_file_is_lost_still_opens(client, story_index, caplog):
    """A missing original (a restored database without its media, an unreachable store) costs
    the page its pictures, not the page."""
    image = ImageFactory()
    story = StoryPageFactory(parent=story_index, cover_image=image, cover_alt="封面")
    image.file.storage.delete(image.file.name)
    response = client.get(story.url)
    assert response.status_code == 200
    assert "og:image" not in response.content.decode()
