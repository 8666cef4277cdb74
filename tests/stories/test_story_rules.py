"""What an editor is told when a story's details do not fit together."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from wagtail_factories import ImageFactory

from stories.models import HonoreeKind, StoryPage
from tests.factories.stations import make_areas, make_station_index, station_at
from tests.factories.stories import paragraphs
from tests.shared_data import shared_fixture


def story(**fields) -> StoryPage:
    defaults = dict(
        title="好邻居",
        slug="neighbour",
        summary="摘要",
        honoree_kind=HonoreeKind.VOLUNTEER,
        honoree_name="陈姨",
        year=2025,
        body=paragraphs("正文"),
    )
    return StoryPage(**{**defaults, **fields})


def errors_of(page) -> dict:
    with pytest.raises(ValidationError) as caught:
        page.clean()
    return caught.value.message_dict


@shared_fixture
def station(story_site):
    home, _index = story_site
    areas = make_areas()
    return station_at(
        make_station_index(home), lat=23.1345, lng=113.342, street=areas["shipai"], title="石牌站"
    )


def test_a_station_story_must_name_the_station(db):
    errors = errors_of(story(honoree_kind=HonoreeKind.STATION, honoree_name=""))
    assert errors["station"] == ["嘉许对象是站点时，请选择是哪个站点。"]


def test_a_station_story_takes_the_station_name_and_district(station):
    page = story(honoree_kind=HonoreeKind.STATION, honoree_name="", station=station)
    page.clean()
    assert page.honoree_name == "石牌站"
    assert page.district == station.district


def test_other_honorees_need_a_name(db):
    assert errors_of(story(honoree_name="  "))["honoree_name"] == [
        "请填写受嘉许的志愿者、队伍、组织或项目的名称。"
    ]


@pytest.mark.parametrize("year", [1800, 0, None])
def test_year_out_of_range_is_refused(db, year):
    last = timezone.localdate().year + 1
    assert errors_of(story(year=year))["year"] == [f"嘉许年度应在 1949 年到 {last} 年之间。"]


def test_next_year_is_allowed_for_announced_commendations(db):
    story(year=timezone.localdate().year + 1).clean()


def test_a_cover_image_needs_alt_text(db):
    errors = errors_of(story(cover_image=ImageFactory(), cover_alt=" "))
    assert errors["cover_alt"] == ["请为封面图填写替代文字。"]


def test_district_must_be_a_district(db):
    areas = make_areas()
    errors = errors_of(story(district=areas["shipai"]))
    assert errors["district"] == ["请选择一个区，而不是街道或社区。"]


def test_district_and_region_elsewhere_are_exclusive(db):
    areas = make_areas()
    errors = errors_of(story(district=areas["tianhe"], region="天津市和平区"))
    assert errors["region"] == ["本市的区和外地地区只填一个。"]


def test_region_elsewhere_keeps_the_station_district_out(station):
    page = story(station=station, region="天津市和平区")
    page.clean()
    assert page.district_id is None


def test_award_label(db):
    from tests.factories.stories import AwardFactory

    assert str(story(year=2023).award_label) == "2023 年度"
    award = AwardFactory(name="市长奖")
    assert str(story(year=2023, award=award).award_label) == "2023 年度市长奖"
