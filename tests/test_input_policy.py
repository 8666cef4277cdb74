"""The input policy across the public pages (CONVENTIONS, "Inputs and failures"): a GET
parameter in other scripts' digits ("²" passes str.isdigit() but not int(); "٣" passes int())
is refused with a message or ignored, never a server error and never a logged traceback."""

import logging

import pytest

from home.models import PolicyIndexPage
from tests.factories.stations import ActivityPageFactory, make_activity_site
from tests.factories.stories import StoryIndexPageFactory, StoryPageFactory
from tests.shared_data import shared_fixture

pytestmark = pytest.mark.django_db

ODD_DIGITS = ["²", "٣", "１", "³⁴", "٣٤٥", "1²", "9" * 40]


@shared_fixture
def site():
    activities, station, areas = make_activity_site()
    home = activities.get_parent()
    ActivityPageFactory(parent=activities, station=station, title="社区清洁日")
    stories = StoryIndexPageFactory(parent=home)
    StoryPageFactory(parent=stories, title="志愿者李叔", year=2025, district=areas["tianhe"])
    return {
        "stations": station.get_parent().url,
        "activities": activities.url,
        "stories": stories.url,
        "policies": PolicyIndexPage.objects.child_of(home).get().url,
    }


def get_quietly(client, caplog, url, params):
    with caplog.at_level(logging.WARNING):
        response = client.get(url, params)
    assert response.status_code in (200, 400), (url, params, response.status_code)
    tracebacks = [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
    assert not tracebacks, [r.getMessage() for r in tracebacks]
    return response


PAGE_PARAMS = [
    ("stations", "near"),
    ("stations", "district"),
    ("stations", "street"),
    ("stations", "type"),
    ("stations", "lat"),
    ("stations", "page"),
    ("activities", "district"),
    ("activities", "station"),
    ("activities", "category"),
    ("activities", "date_from"),
    ("activities", "page"),
    ("stories", "year"),
    ("stories", "award"),
    ("stories", "district"),
    ("stories", "page"),
    ("policies", "year"),
    ("policies", "kind"),
    ("policies", "page"),
]


@pytest.mark.parametrize(("page", "name"), PAGE_PARAMS)
@pytest.mark.parametrize("odd", ODD_DIGITS)
def test_listing_parameters_in_other_digits_are_a_message_or_ignored(
    client, caplog, site, page, name, odd
):
    response = get_quietly(client, caplog, site[page], {name: odd})
    assert response.status_code == 200


def test_the_directorys_near_is_ignored_not_an_error(client, caplog, site):
    response = get_quietly(client, caplog, site["stations"], {"near": "²"})
    assert response.status_code == 200
    assert "没有这个街道或社区" in response.content.decode()


@pytest.mark.parametrize(
    ("page", "params", "message"),
    [
        ("activities", {"district": "٣"}, "没有这个区"),
        ("stories", {"year": "²"}, "这一年度没有嘉许故事"),
        ("policies", {"year": "²"}, "不在可选范围内"),
        ("activities", {"date_from": "٢٠٢٦-٠٥-٠١"}, "开始日期请写成"),
        ("policies", {"doc_number": "穗民\u202e[2019]62号"}, "看不见的控制字符"),
    ],
)
def test_a_bad_filter_value_is_named_in_a_message(client, caplog, site, page, params, message):
    response = get_quietly(client, caplog, site[page], params)
    assert message in response.content.decode()


@pytest.mark.parametrize("name", ["year", "district", "page"])
@pytest.mark.parametrize("odd", ODD_DIGITS)
def test_search_facets_in_other_digits_are_ignored(client, caplog, site, name, odd):
    params = {"q": "志愿", "type": "story", name: odd}
    html = get_quietly(client, caplog, "/search/", params).content.decode()
    assert "搜索暂时不可用" not in html


def test_invisible_characters_in_a_search_are_dropped(client, caplog, site):
    html = get_quietly(client, caplog, "/search/", {"q": "志\u200b愿\u202e"}).content.decode()
    assert "搜索暂时不可用" not in html and 'value="志愿"' in html


@pytest.mark.parametrize(
    ("endpoint", "params"),
    [
        ("nearby.json", {"lat": "23.13", "lng": "113.33", "limit": "٣"}),
        ("nearby.json", {"lat": "٢٣.١", "lng": "113.33"}),
        ("nearby.json", {"lat": "23.13", "lng": "113.33", "district": "²"}),
        ("nearby.json", {"lat": "23.13", "lng": "113.33", "type": "٣"}),
        ("map.geojson", {"district": "٣"}),
        ("map.geojson", {"bbox": "١١٣,٢٣,١١٤,٢٤"}),
    ],
)
def test_the_directory_endpoints_refuse_other_digits_with_400(
    client, caplog, site, endpoint, params
):
    response = get_quietly(client, caplog, site["stations"] + endpoint, params)
    assert response.status_code == 400
    assert "error" in response.json()


# NUL cannot even reach PostgreSQL (psycopg refuses the query), so text parameters must be
# checked before any query uses them.
ODD_TEXT = ["\x00", "志\x00愿", "穗民\x00〔2019〕62号", "\ufffd", "\u202e"]
TEXT_PARAMS = [("policies", "doc_number"), ("policies", "issuer"), ("policies", "level")]


@pytest.mark.parametrize(("page", "name"), TEXT_PARAMS + PAGE_PARAMS[:3])
@pytest.mark.parametrize("odd", ODD_TEXT)
def test_text_parameters_with_control_characters_never_fail(client, caplog, site, page, name, odd):
    response = get_quietly(client, caplog, site[page], {name: odd})
    assert response.status_code == 200


@pytest.mark.parametrize("odd", ODD_TEXT)
def test_a_search_with_control_characters_never_fails(client, caplog, site, odd):
    html = get_quietly(client, caplog, "/search/", {"q": odd}).content.decode()
    assert "搜索暂时不可用" not in html
