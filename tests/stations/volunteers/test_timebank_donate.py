"""Donating points (二次公益) to a volunteer by their 志愿者编号 or to a station's 公益积分池: every
bad input gets a Chinese message and changes nothing."""

import pytest

from stations.models import PointTransfer, ServiceLevelSettings, TransferKind, Volunteer
from stations.numbers import new_number
from stations.volunteers import timebank
from tests.factories.stations import StationPageFactory, make_activity_site
from tests.stations.volunteers.timebank_world import (
    assert_ledger_holds,
    balance_of,
    earned,
    ledger_state,
    volunteer,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    index, station, _areas = make_activity_site()
    giver = volunteer()
    earned(index=index, station=station, person=giver, hours_given="50")
    friend = volunteer(mobile="13900002222", name="李四")
    return {"station": station, "giver": giver, "friend": friend}


def give(world, points, **target):
    target = target or {"to_volunteer_number": world["friend"].number}
    return timebank.donate(volunteer=world["giver"], points=points, **target)


def refused(world, code, points="10", **target):
    before, had = ledger_state(), balance_of(world["giver"])
    with pytest.raises(timebank.PointsRefused) as caught:
        give(world, points, **target)
    assert caught.value.code == code, caught.value.message
    assert ledger_state() == before, "a refusal changed the ledger"
    assert balance_of(world["giver"]) == had
    return caught.value.message


def unused_number() -> str:
    while True:
        number = new_number()
        if not Volunteer.objects.filter(number=number).exists():
            return number


def test_a_donation_to_a_volunteer_moves_the_points(world):
    transfer = give(world, "20")

    assert transfer.kind == TransferKind.DONATE
    assert balance_of(world["giver"]) == 30 and balance_of(world["friend"]) == 20
    assert transfer.memo == f"志愿者 {world['giver'].number} 捐赠给志愿者 {world['friend'].number}"
    assert_ledger_holds()


def test_full_width_digits_and_a_number_written_as_people_do(world):
    number = world["friend"].number
    spaced = f"{number[0].lower()} {number[1:4]}-{number[4:7]} {number[7:]}"
    give(world, "１０", to_volunteer_number=spaced)
    assert balance_of(world["friend"]) == 10
    assert timebank.parse_points("１００") == 100
    assert timebank.parse_points(" 7 ") == 7


def test_a_donation_to_a_station_pool(world):
    station = world["station"]
    transfer = give(world, 15, to_station=station)
    assert timebank.balance(timebank.pool_for_station(station=station)) == 15
    assert "公益积分池" in transfer.memo
    give(world, "5", to_station=str(station.pk))  # as a form posts it
    assert timebank.balance(timebank.pool_for_station(station=station)) == 20
    assert_ledger_holds()


@pytest.mark.parametrize(
    ("points", "message"),
    [
        ("-5", "捐赠的积分须为正整数，不能是负数。"),
        ("0", "至少捐赠 1 积分。"),
        ("1.5", "积分须为整数，不能有小数。"),
        ("5.0", "积分须为整数，不能有小数。"),
        ("", "请填写要捐赠的积分，如 10。"),
        (None, "请填写要捐赠的积分，如 10。"),
        ("十", "积分请用数字填写，如 10。"),
        ("１e3", "积分请用数字填写，如 10。"),
        ("1e3", "积分请用数字填写，如 10。"),
        ("٣", "积分请用数字填写，如 10。"),
        ("NaN", "积分请用数字填写，如 10。"),
        ("5\x00", "积分请用数字填写，如 10。"),
        ("\u202e5", "积分请用数字填写，如 10。"),
        ("9" * 25, "一次最多捐赠 10,000,000 积分。"),
        ("9" * 400, "积分请用数字填写，如 10。"),
        (10_000_001, "一次最多捐赠 10,000,000 积分。"),
        (True, "请填写要捐赠的积分，如 10。"),
    ],
)
def test_bad_points_are_refused(world, points, message):
    assert refused(world, "points", points=points) == message


def test_more_than_the_balance_is_refused(world):
    assert refused(world, "balance", points="51") == "积分不足：您的余额是 50 积分。"


@pytest.mark.parametrize(
    ("number", "code", "message"),
    [
        ("V123", "number", "志愿者编号有误，请核对：编号是 V 加 10 位数字，如 V3859201749。"),
        ("V1234567890", "number", None),  # the check digit catches it, or nobody has it
        ("V38\x0059201749", "number", None),
        ("   ", "target", "请选择捐赠给一位志愿者，或者一个站点的公益积分池。"),
    ],
)
def test_bad_numbers_are_refused(world, number, code, message):
    got = refused(world, code, to_volunteer_number=number)
    if message:
        assert got == message


def test_an_unknown_number_is_refused(world):
    number = unused_number()
    message = refused(world, "number", to_volunteer_number=number)
    assert message == f"没有找到志愿者编号为 {number} 的志愿者。"


def test_nobody_donates_to_themselves(world):
    message = refused(world, "self", to_volunteer_number=world["giver"].number.lower())
    assert message == "不能捐赠给自己。"


def test_a_station_must_exist_and_be_live(world):
    draft = StationPageFactory(parent=world["station"].get_parent(), title="草稿站点", live=False)
    for station in (draft, "999999", "abc", "-1"):
        message = refused(world, "station", to_station=station)
        assert message == "找不到这个站点，请从列表中选择。"


def test_one_recipient_exactly(world):
    both = {"to_volunteer_number": world["friend"].number, "to_station": world["station"]}
    assert refused(world, "target", **both).startswith("请选择捐赠给")
    assert refused(world, "target", to_volunteer_number=None).startswith("请选择捐赠给")


def test_the_recipients_balance_cap_holds(world):
    rules = ServiceLevelSettings.load()
    rules.balance_cap = 30
    rules.save()
    give(world, "25")
    message = refused(world, "cap", points="6")
    assert message.startswith("对方的积分余额将超过上限（30 积分）")
    # A station's pool has no cap.
    give(world, "25", to_station=world["station"])


def test_the_same_form_sent_twice_books_once(world):
    token = "0123456789abcdef0123456789abcdef"
    first = timebank.donate(
        volunteer=world["giver"], points="10", to_volunteer_number=world["friend"].number,
        token=token,
    )  # fmt: skip
    again = timebank.donate(
        volunteer=world["giver"], points="10", to_volunteer_number=world["friend"].number,
        token=token,
    )  # fmt: skip
    assert again == first
    assert PointTransfer.objects.filter(kind=TransferKind.DONATE).count() == 1
    assert balance_of(world["friend"]) == 10
