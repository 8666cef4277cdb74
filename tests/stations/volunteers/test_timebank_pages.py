"""我的积分 (/volunteer/points/…) as a volunteer uses it: the balance and history, the catalogue,
exchanging and cancelling in two steps, donating with a confirmation; every bad input is
answered in Chinese and changes nothing; every page is private."""

import re

import pytest
from django.test import Client

from stations.models import (
    ExchangeStatus,
    PointExchange,
    PointTransfer,
    ServiceLevelSettings,
    TransferKind,
    Volunteer,
)
from stations.volunteers import timebank
from tests.factories.stations import StationPageFactory
from tests.queries import captured_queries
from tests.stations.volunteers.signing_in import HOME, MOBILE, build_site, sign_in
from tests.stations.volunteers.timebank_world import (
    assert_ledger_holds,
    balance_of,
    earned,
    item,
    ledger_state,
    volunteer,
)

pytestmark = pytest.mark.django_db

POINTS = "/volunteer/points/"
DONATE = "/volunteer/points/donate/"
HISTORY = "/volunteer/points/history/"


def exchange_url(thing):
    return f"/volunteer/points/items/{thing.pk}/"


def cancel_url(made):
    return f"/volunteer/points/exchanges/{made.pk}/cancel/"


@pytest.fixture
def world(client):
    site = build_site()
    sign_in(client)
    me = Volunteer.objects.get(mobile=MOBILE)
    index, station = site["activities"], site["station"]
    earned(index=index, station=station, person=me, hours_given="120")  # 一星, 120 points
    other = StationPageFactory(parent=station.get_parent(), title="猎德街社工站", slug="liede")
    return {
        "me": me,
        "index": index,
        "station": station,
        "other": other,
        "haircut": item(station, name="义剪一次", points=30, stock=2),
        "course": item(other, name="书法课一节", points=200, stock=1),
        "friend": volunteer(mobile="13900002222", name="李四"),
    }


def page(client, url=POINTS, **params):
    response = client.get(url, params)
    assert response.status_code == 200, response.content.decode()[:500]
    assert response["Cache-Control"] == "private, no-store"
    return response.content.decode()


def test_signed_out_goes_to_the_log_in_and_back(db):
    build_site()
    for url in (POINTS, HISTORY, DONATE, "/volunteer/points/items/1/"):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/volunteer/login/?next=")
        assert response["Cache-Control"] == "private, no-store"


def test_the_page_shows_the_balance_history_and_catalogue_by_station(client, world):
    html = page(client)
    assert "120</strong> 积分" in html
    assert "服务时长获得" in html and "+120 积分" in html
    assert html.index(world["station"].title) < html.index("义剪一次")
    assert html.index("猎德街社工站") < html.index("书法课一节")
    assert exchange_url(world["haircut"]) in html
    assert exchange_url(world["course"]) not in html and "积分不足" in html
    assert "还没有兑换记录" in html


def test_the_catalogue_says_when_exchange_opens(client, world):
    rules = ServiceLevelSettings.load()
    rules.exchange_level = 2
    rules.save()
    html = page(client)
    assert "积分兑换在达到二星志愿者后开放" in html
    assert exchange_url(world["haircut"]) not in html


def test_exchanging_takes_a_confirmation_then_shows_the_exchange(client, world):
    thing = world["haircut"]
    confirm = page(client, exchange_url(thing))
    assert "确认兑换" in confirm and 'name="points" value="30"' in confirm

    unconfirmed = client.post(exchange_url(thing), {"points": "30"})
    assert unconfirmed.status_code == 400 and "确认兑换" in unconfirmed.content.decode()
    assert not PointExchange.objects.exists()

    done = client.post(exchange_url(thing), {"confirm": "yes", "points": "30"})
    assert done.status_code == 303
    made = PointExchange.objects.get()
    assert done["Location"] == f"{POINTS}?exchanged={made.pk}"
    html = page(client, exchanged=made.pk)
    assert "已兑换“义剪一次”" in html and cancel_url(made) in html and "90</strong>" in html
    assert_ledger_holds()


def test_an_exchange_refused_by_the_ledger_says_why(client, world):
    thing = world["haircut"]
    thing.stock = 0
    thing.save()
    before = ledger_state()
    response = client.post(exchange_url(thing), {"confirm": "yes", "points": "30"})
    assert response.status_code == 409
    assert "“义剪一次”已经兑完了。" in response.content.decode()
    assert ledger_state() == before

    changed = client.post(exchange_url(world["haircut"]), {"confirm": "yes", "points": "25"})
    assert changed.status_code == 409


@pytest.mark.parametrize("path", ["items/999999/", "items/99999999999999999999/"])
def test_unknown_items_are_not_found(client, world, path):
    assert client.get(POINTS + path).status_code == 404


def test_an_inactive_item_is_not_found(client, world):
    thing = world["haircut"]
    thing.active = False
    thing.save()
    assert client.get(exchange_url(thing)).status_code == 404


def test_cancelling_my_exchange_refunds_it(client, world):
    made = timebank.exchange(volunteer=world["me"], item=world["haircut"])
    assert "确认取消兑换" in page(client, cancel_url(made))

    done = client.post(cancel_url(made), {"confirm": "yes"})

    assert done.status_code == 303 and done["Location"] == f"{POINTS}?cancelled={made.pk}"
    made.refresh_from_db()
    assert made.status == ExchangeStatus.CANCELLED
    assert balance_of(world["me"]) == 120
    assert "30 积分已退回" in page(client, cancelled=made.pk)
    again = client.post(cancel_url(made), {"confirm": "yes"})
    assert again.status_code == 409 and "这次兑换已取消" in again.content.decode()


def test_another_volunteers_exchange_is_not_found(client, world):
    rules = ServiceLevelSettings.load()
    rules.exchange_level = 0
    rules.save()
    friend = world["friend"]
    earned(index=world["index"], station=world["station"], person=friend, hours_given="40")
    theirs = timebank.exchange(volunteer=friend, item=world["haircut"])
    assert client.get(cancel_url(theirs)).status_code == 404
    assert client.post(cancel_url(theirs), {"confirm": "yes"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == ExchangeStatus.PENDING


def donation_form(client, **query):
    html = page(client, DONATE, **query)
    return html, re.search(r'name="token" value="([0-9a-f]{32})"', html).group(1)


def test_donating_to_a_volunteer_asks_for_confirmation(client, world):
    _html, token = donation_form(client)
    data = {"to": "volunteer", "number": world["friend"].number, "points": "１０", "token": token}

    preview = client.post(DONATE, data)
    assert preview.status_code == 200 and "确认捐赠" in preview.content.decode()
    assert f"志愿者 {world['friend'].number}" in preview.content.decode()
    assert not PointTransfer.objects.filter(kind=TransferKind.DONATE).exists()

    done = client.post(DONATE, {**data, "confirm": "yes"})
    assert done.status_code == 303
    again = client.post(DONATE, {**data, "confirm": "yes"})  # the same form, sent twice
    assert again["Location"] == done["Location"]
    assert balance_of(world["friend"]) == 10 and balance_of(world["me"]) == 110
    assert "捐赠成功" in page(client, donated=done["Location"].rsplit("=", 1)[1])


def test_donating_to_a_station_pool(client, world):
    station = world["station"]
    html, token = donation_form(client, station=station.pk)
    assert f'value="{station.pk}" selected' in html
    data = {"to": "station", "station": str(station.pk), "points": "20", "token": token}
    assert client.post(DONATE, {**data, "confirm": "yes"}).status_code == 303
    assert timebank.balance(timebank.pool_for_station(station=station)) == 20


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"points": "-5"}, "捐赠的积分须为正整数，不能是负数。"),
        ({"points": "0"}, "至少捐赠 1 积分。"),
        ({"points": "1.5"}, "积分须为整数，不能有小数。"),
        ({"points": "１e3"}, "积分请用数字填写，如 10。"),
        ({"points": "9" * 20}, "一次最多捐赠 10,000,000 积分。"),
        ({"points": "121"}, "积分不足：您的余额是 120 积分。"),
        ({"number": "V12345"}, "志愿者编号有误"),
        ({"number": "V38592\u200b01749"}, "看不见的控制字符"),
        ({"number": ""}, "请填写对方的志愿者编号。"),
        ({"to": "station", "station": ""}, "请选择站点。"),
        ({"to": "station", "station": "999999"}, "找不到这个站点"),
        ({"to": "nowhere"}, "请选择捐赠给志愿者还是站点。"),
    ],
)
def test_bad_donations_are_refused_and_change_nothing(client, world, fields, message):
    data = {"to": "volunteer", "number": world["friend"].number, "points": "10"}
    before = ledger_state()
    response = client.post(DONATE, {**data, **fields, "confirm": "yes"})
    assert response.status_code in (400, 409)
    assert message in response.content.decode()
    assert ledger_state() == before


def test_donating_to_myself_is_refused(client, world):
    data = {"to": "volunteer", "number": world["me"].number, "points": "5", "confirm": "yes"}
    response = client.post(DONATE, data)
    assert response.status_code == 400 and "不能捐赠给自己。" in response.content.decode()


def test_the_history_pages_through_every_transfer(client, world):
    for _n in range(35):
        timebank.donate(volunteer=world["me"], to_station=world["station"], points=1)
    first = page(client, HISTORY)
    assert first.count("volunteer__item") == 30 and "第 1 / 2 页" in first
    assert page(client, HISTORY, page="2").count("volunteer__item") == 6
    assert page(client, HISTORY, page="abc").count("volunteer__item") == 30
    assert "查看全部积分记录" in page(client)


def test_my_volunteer_page_links_here(client, world):
    assert POINTS in page(client, HOME)


def test_the_page_takes_as_many_queries_whatever_its_rows(client, world):
    def count():
        with captured_queries() as queries:
            page(client)
        return len(queries)

    count()  # the first request of a session also refreshes it
    few = count()
    timebank.exchange(volunteer=world["me"], item=world["haircut"])
    for n in range(5):
        item(world["other"], name=f"项目{n}")
        timebank.donate(volunteer=world["me"], to_station=world["station"], points=1)
    assert count() == few <= 12
