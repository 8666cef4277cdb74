"""Exchanging points for a station's items: the level it opens at, the stock, the balance, the
price the volunteer confirmed; handing over and cancelling. A refusal says why, in Chinese, and
changes nothing."""

import pytest

from stations.models import ExchangeStatus, ServiceLevelSettings, TransferKind
from stations.volunteers import timebank
from tests.factories.stations import make_activity_site
from tests.stations.volunteers.timebank_world import (
    assert_ledger_holds,
    balance_of,
    earned,
    item,
    ledger_state,
    volunteer,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def site():
    index, station, _areas = make_activity_site()
    return index, station


@pytest.fixture
def one_star(site):
    """A volunteer at 一星 (100 confirmed hours), so 100 points."""
    index, station = site
    person = volunteer()
    earned(index=index, station=station, person=person, hours_given="100")
    return person


def refused(code, call, **kwargs):
    before = ledger_state()
    with pytest.raises(timebank.PointsRefused) as caught:
        call(**kwargs)
    assert caught.value.code == code
    assert ledger_state() == before, "a refusal changed the ledger"
    assert_ledger_holds()
    return caught.value.message


def test_exchange_takes_the_points_and_one_of_the_stock(site, one_star):
    _index, station = site
    haircut = item(station, points=30, stock=2)

    made = timebank.exchange(volunteer=one_star, item=haircut)

    assert made.status == ExchangeStatus.PENDING and made.points == 30
    assert balance_of(one_star) == 70
    haircut.refresh_from_db()
    assert haircut.stock == 1
    transfer = made.volunteer.point_account.entries.get(amount=-30).transfer
    assert transfer.kind == TransferKind.EXCHANGE and transfer.key == f"exchange:{made.pk}"
    assert "理发服务一次" in transfer.memo
    assert_ledger_holds()


def test_exchange_opens_at_the_editors_level(site):
    index, station = site
    person = volunteer()
    earned(index=index, station=station, person=person, hours_given="99.5")
    thing = item(station, points=10)

    message = refused("level", timebank.exchange, volunteer=person, item=thing)

    assert message == "积分兑换在达到一星志愿者后开放。"
    rules = ServiceLevelSettings.load()
    rules.exchange_level = 0  # 不限星级
    rules.save()
    timebank.exchange(volunteer=person, item=thing)
    assert balance_of(person) == 89


def test_no_exchange_beyond_the_stock(site, one_star):
    _index, station = site
    last = item(station, points=10, stock=1)
    timebank.exchange(volunteer=one_star, item=last)

    message = refused("stock", timebank.exchange, volunteer=one_star, item=last)

    assert message == "“理发服务一次”已经兑完了。"
    last.refresh_from_db()
    assert last.stock == 0


def test_no_exchange_beyond_the_balance(site, one_star):
    _index, station = site
    dear = item(station, points=101)
    message = refused("balance", timebank.exchange, volunteer=one_star, item=dear)
    assert message == "积分不足：兑换需要 101 积分，您的余额是 100 积分。"


def test_no_exchange_of_an_inactive_item_or_at_an_unpublished_station(site, one_star):
    _index, station = site
    hidden = item(station, active=False)
    assert "已下架" in refused("inactive", timebank.exchange, volunteer=one_star, item=hidden)
    shown = item(station, name="义剪")
    station.unpublish()
    assert "已下架" in refused("inactive", timebank.exchange, volunteer=one_star, item=shown)


def test_a_price_changed_since_the_volunteer_confirmed_is_refused(site, one_star):
    _index, station = site
    thing = item(station, points=10)
    message = refused("price", timebank.exchange, volunteer=one_star, item=thing, expected_points=8)
    assert message == "“理发服务一次”所需积分已改为 10，请重新确认。"


def test_cancelling_refunds_and_restocks_once(site, one_star):
    _index, station = site
    thing = item(station, points=40, stock=3)
    made = timebank.exchange(volunteer=one_star, item=thing)

    done = timebank.cancel_exchange(exchange=made, volunteer=one_star)

    assert done.status == ExchangeStatus.CANCELLED and done.cancelled_at
    assert balance_of(one_star) == 100
    thing.refresh_from_db()
    assert thing.stock == 3
    message = refused("done", timebank.cancel_exchange, exchange=made, volunteer=one_star)
    assert message == "这次兑换已取消，不能再更改。"
    assert_ledger_holds()


def test_only_the_volunteer_or_the_station_cancels(site, one_star):
    _index, station = site
    made = timebank.exchange(volunteer=one_star, item=item(station))
    other = volunteer(mobile="13900002222", name="李四")
    message = refused("not_found", timebank.cancel_exchange, exchange=made, volunteer=other)
    assert message == "找不到这次兑换。"


def test_handing_over_ends_the_exchange(site, one_star, admin_user):
    _index, station = site
    made = timebank.exchange(volunteer=one_star, item=item(station))

    done = timebank.hand_over(exchange=made, by=admin_user)

    assert done.status == ExchangeStatus.HANDED_OVER and done.decided_by == admin_user
    assert done.handed_over_at
    message = refused("done", timebank.cancel_exchange, exchange=made, by=admin_user)
    assert message == "这次兑换已领取，不能再更改。"
    assert balance_of(one_star) == 90
