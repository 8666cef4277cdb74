"""The nearest-station picker on /stations/ without JavaScript: every street and community, the
community's point (or a stated stand-in), bad ids, wording, and its SQL cost."""

import re

import pytest

from stations.models import AreaLevel
from tests.factories.stations import AreaFactory, station_at, three_stations
from tests.queries import captured_queries
from tests.shared_data import shared_fixture

pytestmark = pytest.mark.django_db


@shared_fixture
def stations(site):
    shipai, liede, beijing = three_stations(
        site, shipai=(23.1349, 113.3420), liede=(23.1198, 113.3330), beijing=(23.1250, 113.2700)
    )
    return {"shipai": shipai, "liede": liede, "beijing": beijing}


def listed(response):
    return [item.station.title for item in response.context["directory"].page.object_list]


def messages(response):
    return response.context["directory"].messages


def picker(html: str) -> str:
    start = html.index('<select name="near"')
    return html[start : html.index("</select>", start)]


def test_every_community_is_offered_under_its_street_from_the_start(client, site, stations):
    index, areas = site
    AreaFactory(
        name="南兴社区",
        level=AreaLevel.COMMUNITY,
        parent=areas["shipai"],
        latitude=23.132,
        longitude=113.3455,
    )
    html = picker(client.get(index.url).content.decode())
    shipai, longkou = areas["shipai"].pk, areas["longkou"].pk
    # One grouped select: district, then each street followed by its communities, each marked
    # with its street for area-picker.js.
    tianhe = re.search(r'<optgroup label="天河区">(.*?)</optgroup>', html).group(1)
    options = re.findall(r'<option value="(\d+)"( data-street="\d+")?>([^<]*)</option>', tianhe)
    assert [label for _pk, _street, label in options] == [
        "猎德街",
        "石牌街",
        "石牌街 · 南兴社区",
        "石牌街 · 龙口西社区",
    ]
    assert options[3] == (str(longkou), f' data-street="{shipai}"', "石牌街 · 龙口西社区")
    assert options[0][1] == "" and options[1][1] == ""
    assert "data-area-picker" in html and 'data-community-label="我所在的社区（村）"' in html


def test_choosing_a_community_sorts_from_its_centre(client, site, stations):
    index, areas = site
    response = client.get(index.url, {"near": areas["longkou"].pk})
    assert listed(response) == ["石牌街学雷锋志愿服务站", "猎德街社工站", "北京街社工站"]
    assert messages(response) == []
    html = response.content.decode()
    assert "离“石牌街 · 龙口西社区”最近的站点" in html
    # Chosen, it stays chosen in the select.
    assert f'<option value="{areas["longkou"].pk}" data-street=' in html
    assert re.search(rf'value="{areas["longkou"].pk}" data-street="\d+" selected>', html)


def test_a_community_without_a_centre_is_measured_from_its_stations(client, site, stations):
    index, areas = site
    bare = AreaFactory(name="无坐标社区", level=AreaLevel.COMMUNITY, parent=areas["liede"])
    for lat in (23.1190, 23.1210):
        station_at(index, lat=lat, lng=113.3250, street=areas["liede"], community=bare)
    response = client.get(index.url, {"near": bare.pk})
    origin = response.context["directory"].origin
    assert (origin.lat, origin.lng) == pytest.approx((23.1200, 113.3250))
    assert messages(response) == [
        "“无坐标社区”还没有登记中心位置，这里按该社区各站点的平均位置计算距离。"
    ]
    assert len(listed(response)) == 5
    assert response.context["directory"].page.object_list[0].distance_m < 120


def test_a_community_without_centre_or_stations_is_measured_from_its_street(client, site, stations):
    index, areas = site
    bare = AreaFactory(name="新建社区", level=AreaLevel.COMMUNITY, parent=areas["liede"])
    response = client.get(index.url, {"near": bare.pk})
    origin = response.context["directory"].origin
    assert (origin.lat, origin.lng) == (areas["liede"].latitude, areas["liede"].longitude)
    assert messages(response) == [
        "“新建社区”还没有登记中心位置，这里按所在街道“猎德街”的中心计算距离。"
    ]
    assert listed(response)[0] == "猎德街社工站"
    # Offered in the list too, measured the same way.
    assert "猎德街 · 新建社区" in response.content.decode()


def test_a_community_with_nothing_to_measure_from_is_not_offered(client, site, stations):
    index, areas = site
    street = AreaFactory(name="无中心街", level=AreaLevel.STREET, parent=areas["tianhe"])
    lost = AreaFactory(name="无处社区", level=AreaLevel.COMMUNITY, parent=street)
    response = client.get(index.url)
    assert "无处社区" not in response.content.decode()
    response = client.get(index.url, {"near": lost.pk})
    assert messages(response) == ["没有这个街道或社区，请从列表中选择。"]
    assert len(listed(response)) == 3


@pytest.mark.parametrize(
    "value",
    [
        "abc",
        "-1",
        "0",
        "1.5",
        "1e3",
        "１２",  # full-width digits of an id that does not exist
        "99999999999999999999999",
        "12; DROP TABLE stations_area",
        "<script>alert(1)</script>",
        "\u202e12",
        "1" * 5000,
    ],
)
def test_a_bad_or_forged_id_gets_a_chinese_message_and_the_plain_list(
    client, site, stations, value
):
    index, _areas = site
    response = client.get(index.url, {"near": value})
    assert response.status_code == 200
    assert messages(response) == ["没有这个街道或社区，请从列表中选择。"]
    assert len(listed(response)) == 3
    assert response.context["directory"].origin is None
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_a_district_is_not_a_place_to_start_from(client, site, stations):
    index, areas = site
    response = client.get(index.url, {"near": areas["yuexiu"].pk})
    assert messages(response) == ["没有这个街道或社区，请从列表中选择。"]
    assert response.context["directory"].origin is None


def test_two_values_take_the_last_as_a_form_does(client, site, stations):
    index, areas = site
    url = f"{index.url}?near=abc&near={areas['longkou'].pk}"
    response = client.get(url)
    assert response.status_code == 200
    assert response.context["directory"].origin.label == "石牌街 · 龙口西社区"


def test_the_heading_reads_on_its_own_without_javascript(client, site, stations):
    index, _areas = site
    html = client.get(index.url).content.decode()
    fieldset = html[html.index("查找离我最近的站点") : html.index("</fieldset>")]
    label = re.search(r'<label for="id_near"[^>]*>([^<]*)</label>', fieldset).group(1)
    assert label == "选择您所在的街道、社区"
    # No visible text of the picker starts with 或, with or without the location button.
    texts = [t.strip() for t in re.findall(r">([^<]+)<", fieldset) if t.strip()]
    assert not [t for t in texts if t.startswith("或")]


def test_the_picker_costs_the_same_queries_for_many_communities(client, site, stations):
    index, areas = site

    def count(params):
        client.get(index.url, params)  # warm what Wagtail caches per process
        with captured_queries() as captured:
            assert client.get(index.url, params).status_code == 200
        return len(captured)

    params = {"near": areas["longkou"].pk}
    few = count({}), count(params)
    for n in range(40):
        AreaFactory(
            name=f"测试{n}社区",
            level=AreaLevel.COMMUNITY,
            parent=areas["liede" if n % 2 else "beijing"],
            latitude=23.12 + n / 1000,
            longitude=113.30,
        )
    assert (count({}), count(params)) == few


def test_a_refused_place_is_announced_where_the_picker_points(client, site, stations):
    from tests.html_references import read

    index, _areas = site
    html = client.get(index.url, {"near": "99999"}).content.decode()
    document = read(html)
    assert document.broken_references() == []
    assert [element.text.strip() for element in document.described("id_near")] == [
        "没有这个街道或社区，请从列表中选择。"
    ]
