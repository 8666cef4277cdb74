"""时间银行 in the admin: each station's managers keep their own catalogue (the station choice
limited to theirs), see and hand over or cancel their own station's exchanges, and read their
pool's balance; superusers and viewers of every station see all."""

import csv
import io

import pytest

from stations.models import ExchangeItem, ExchangeStatus, ServiceLevelSettings
from stations.volunteers import timebank
from tests.admin_forms import denied
from tests.factories.stations import StationPageFactory, make_activity_site
from tests.shared_data import shared_fixture
from tests.stations.volunteers.timebank_world import (
    assert_ledger_holds,
    balance_of,
    earned,
    item,
    volunteer,
)

pytestmark = pytest.mark.django_db

ITEMS = "/admin/stations/exchangeitem/"
EXCHANGES = "/admin/stations/pointexchange/"
POOLS = "/admin/stations/pointaccount/"


@shared_fixture
def world():
    """Station a (石牌) with 义剪 and 家电维修, b (猎德) with 书法课; one exchange at each, and a
    donation into each station's pool."""
    index, a, _areas = make_activity_site()
    b = StationPageFactory(parent=a.get_parent(), title="猎德街社工站", slug="liede")
    rules = ServiceLevelSettings.load()
    rules.exchange_level = 0
    rules.save()
    person = volunteer()
    earned(index=index, station=a, person=person, hours_given="100")
    items = {
        "haircut": item(a, name="义剪一次", points=10),
        "repair": item(a, name="家电维修", points=20),
        "course": item(b, name="书法课一节", points=30),
    }
    exchanges = {
        "at_a": timebank.exchange(volunteer=person, item=items["haircut"]),
        "at_b": timebank.exchange(volunteer=person, item=items["course"]),
    }
    timebank.donate(volunteer=person, to_station=a, points=7)
    timebank.donate(volunteer=person, to_station=b, points=9)
    return {"a": a, "b": b, "person": person, **items, **exchanges}


def as_user(client, users, who):
    client.force_login(users[who])
    return client


def table(response) -> str:
    assert response.status_code == 200
    html = response.content.decode()
    start = html.find('<table class="listing')
    return html[start : html.find("</table>", start)] if start != -1 else ""


@pytest.mark.parametrize(
    ("who", "seen"),
    [
        ("manager_a", {"义剪一次", "家电维修"}),
        ("manager_b", {"书法课一节"}),
        ("viewer", {"义剪一次", "家电维修", "书法课一节"}),
        ("admin", {"义剪一次", "家电维修", "书法课一节"}),
    ],
)
def test_each_manager_lists_their_own_catalogue(client, users, world, who, seen):
    listing = table(as_user(client, users, who).get(ITEMS))
    assert {name for name in ("义剪一次", "家电维修", "书法课一节") if name in listing} == seen


def test_an_editor_without_station_rights_gets_no_catalogue(client, users, world):
    assert denied(as_user(client, users, "editor").get(ITEMS))


def test_a_manager_adds_items_to_their_own_station_only(client, users, world):
    as_user(client, users, "manager_a")
    form = client.get(ITEMS + "create/").content.decode()
    assert world["a"].title in form and "猎德街社工站" not in form

    data = {"name": "免费量血压", "description": "", "points": "5", "stock": "10", "active": "on"}
    other = client.post(ITEMS + "create/", {**data, "station": str(world["b"].pk), "sort_order": 0})
    assert other.status_code == 200
    assert "只能为您管理的站点添加兑换项目。" in other.content.decode()
    assert not ExchangeItem.objects.filter(name="免费量血压").exists()

    own = client.post(ITEMS + "create/", {**data, "station": str(world["a"].pk), "sort_order": 0})
    assert own.status_code == 302
    assert ExchangeItem.objects.get(name="免费量血压").station == world["a"]


def test_bad_item_input_is_refused(client, users, world):
    as_user(client, users, "manager_a")
    data = {"station": str(world["a"].pk), "description": "", "stock": "1", "sort_order": 0}
    for name, points in (
        ("量血压\u202e", "5"),
        ("量血压", "0"),
        ("量血压", "-1"),
        ("量血压", "1.5"),
    ):
        response = client.post(ITEMS + "create/", {**data, "name": name, "points": points})
        assert response.status_code == 200
    assert not ExchangeItem.objects.filter(name__startswith="量血压").exists()


def test_another_stations_item_is_not_found(client, users, world):
    as_user(client, users, "manager_a")
    course = world["course"]
    assert client.get(f"{ITEMS}edit/{course.pk}/").status_code == 404
    assert client.post(f"{ITEMS}delete/{course.pk}/").status_code == 404
    assert ExchangeItem.objects.filter(pk=course.pk).exists()


def test_editing_keeps_the_station(client, users, world):
    as_user(client, users, "admin")
    repair = world["repair"]
    data = {"name": "家电维修", "description": "", "points": "25", "stock": "3", "sort_order": 0}
    response = client.post(f"{ITEMS}edit/{repair.pk}/", {**data, "station": str(world["b"].pk)})
    assert response.status_code == 302
    repair.refresh_from_db()
    assert (repair.station_id, repair.points, repair.stock) == (world["a"].pk, 25, 3)


@pytest.mark.parametrize(
    ("who", "seen"),
    [
        ("manager_a", {"义剪一次"}),
        ("manager_b", {"书法课一节"}),
        ("viewer", {"义剪一次", "书法课一节"}),
    ],
)
def test_each_manager_lists_their_own_stations_exchanges(client, users, world, who, seen):
    listing = table(as_user(client, users, who).get(EXCHANGES))
    assert {name for name in ("义剪一次", "书法课一节") if name in listing} == seen
    assert world["person"].number in listing
    assert world["person"].mobile not in listing and world["person"].name not in listing


def test_filters_are_only_the_declared_ones(client, users, world):
    as_user(client, users, "manager_a")
    sneaky = client.get(EXCHANGES, {"volunteer__mobile__startswith": "139"})
    assert "义剪一次" in table(sneaky)


def test_a_manager_hands_over_their_stations_exchange(client, users, world):
    as_user(client, users, "manager_a")
    made = world["at_a"]
    inspect = client.get(f"{EXCHANGES}inspect/{made.pk}/").content.decode()
    assert f"{EXCHANGES}hand_over/{made.pk}/" in inspect

    assert client.get(f"{EXCHANGES}hand_over/{made.pk}/").status_code == 405
    response = client.post(f"{EXCHANGES}hand_over/{made.pk}/")
    assert response.status_code == 302
    made.refresh_from_db()
    assert made.status == ExchangeStatus.HANDED_OVER
    assert made.decided_by == users["manager_a"]
    again = client.post(f"{EXCHANGES}cancel/{made.pk}/", follow=True)
    assert "这次兑换已领取，不能再更改。" in again.content.decode()


def test_a_manager_cancels_their_stations_exchange_with_a_refund(client, users, world):
    as_user(client, users, "manager_b")
    made, had = world["at_b"], balance_of(world["person"])
    response = client.post(f"{EXCHANGES}cancel/{made.pk}/")
    assert response.status_code == 302
    made.refresh_from_db()
    assert made.status == ExchangeStatus.CANCELLED
    assert balance_of(world["person"]) == had + 30
    course = ExchangeItem.objects.get(pk=world["course"].pk)
    assert course.stock == 5
    assert_ledger_holds()


def test_another_stations_exchange_cannot_be_touched(client, users, world):
    as_user(client, users, "manager_a")
    theirs = world["at_b"]
    assert client.get(f"{EXCHANGES}inspect/{theirs.pk}/").status_code == 404
    assert client.post(f"{EXCHANGES}cancel/{theirs.pk}/").status_code == 404
    assert client.post(f"{EXCHANGES}hand_over/{theirs.pk}/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == ExchangeStatus.PENDING


def test_exchanges_export_as_csv(client, users, world):
    as_user(client, users, "manager_a")
    response = client.get(EXCHANGES, {"export": "csv"})
    body = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
    rows = list(csv.DictReader(io.StringIO(body)))
    assert [(row["兑换项目"], row["志愿者编号"]) for row in rows] == [
        ("义剪一次", world["person"].number)
    ]


@pytest.mark.parametrize(("who", "seen"), [("manager_a", "7"), ("manager_b", "9")])
def test_a_manager_reads_their_stations_pool(client, users, world, who, seen):
    listing = table(as_user(client, users, who).get(POOLS))
    station = world["a"] if who == "manager_a" else world["b"]
    other = world["b"] if who == "manager_a" else world["a"]
    assert station.title in listing and other.title not in listing
    assert f">{seen}<" in listing.replace(" ", "").replace("\n", "")
    pool = timebank.pool_for_station(station=station)
    inspect = client.get(f"{POOLS}inspect/{pool.pk}/").content.decode()
    assert "公益积分池" in inspect and world["person"].number in inspect
    theirs = timebank.pool_for_station(station=other)
    assert client.get(f"{POOLS}inspect/{theirs.pk}/").status_code == 404
    assert client.get(f"{POOLS}edit/{pool.pk}/").status_code in (302, 403, 404)
