"""A resident on a phone, JavaScript off, goes from the home page's story to the list, filters it
and reads a story, in real Chromium."""

import pytest
from wagtail_factories import ImageFactory

from stories.models import HonoreeKind
from tests.factories.stories import AwardFactory, StoryPageFactory, make_story_site

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_from_the_home_page_to_a_filtered_story(live_server, phone):
    home, index = make_story_site()
    StoryPageFactory(
        parent=index,
        title="从五星到市长奖",
        award=AwardFactory(name="市长奖", tier=3),
        year=2015,
        region="广东省深圳市",
        cover_image=ImageFactory(),
        cover_alt="公交车上的义工",
    )
    StoryPageFactory(
        parent=index,
        title="西城大妈",
        honoree_kind=HonoreeKind.TEAM,
        honoree_name="西城大妈",
        year=2021,
        region="北京市西城区",
    )

    phone.goto(live_server.url + "/")
    featured = phone.locator(".featured-story")
    assert featured.get_by_role("img", name="公交车上的义工").is_visible()
    phone.get_by_role("link", name="查看全部嘉许故事").click()
    assert phone.locator(".story-item").count() == 2
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    phone.get_by_label("嘉许对象").select_option(label="志愿服务队伍")
    phone.get_by_role("button", name="筛选").click()
    assert "kind=team" in phone.url
    items = phone.locator(".story-item")
    assert items.count() == 1
    items.get_by_role("link", name="西城大妈").click()
    assert phone.get_by_role("heading", level=1).inner_text() == "西城大妈"
    assert "2021 年度" in phone.locator(".story-header").inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
