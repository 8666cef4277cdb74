"""The managers' 服务记录 admin: their own station's records only; confirm, decline, correct,
and an activity's pending records at once."""

import pytest

from stations import hours
from stations.models import RecordStatus
from tests.admin_forms import denied, login, table_of
from tests.factories.records import past_activity, volunteer
from tests.factories.stations import make_activity_site, station_at
from tests.shared_data import shared_fixture

pytestmark = pytest.mark.django_db

INDEX = "/admin/stations/servicerecord/"


@shared_fixture
def world():
    index, a, areas = make_activity_site()
    b = station_at(a.get_parent(), lat=23.12, lng=113.33, street=areas["liede"], title="猎德站")
    person = volunteer()
    at_a = past_activity(index=index, station=a, title="石牌清洁日")
    at_b = past_activity(index=index, station=b, title="猎德探访")
    return {
        "a": a,
        "b": b,
        "at_a": at_a,
        "at_b": at_b,
        "record_a": hours.open_record(activity=at_a, volunteer=person),
        "record_b": hours.open_record(activity=at_b, volunteer=person),
        "other": hours.open_record(activity=at_a, volunteer=volunteer("13900003333", "李四")),
    }


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("manager_a", {"石牌清洁日"}),
        ("manager_b", {"猎德探访"}),
        ("viewer", {"石牌清洁日", "猎德探访"}),
        ("admin", {"石牌清洁日", "猎德探访"}),
    ],
)
def test_each_manager_sees_their_own_stations_records(client, users, world, who, sees):
    table = table_of(login(client, users, who).get(INDEX))
    assert {title for title in ("石牌清洁日", "猎德探访") if title in table} == sees


def test_the_editor_without_a_station_sees_no_list(client, users, world):
    assert denied(login(client, users, "editor").get(INDEX))


def test_another_stations_record_is_not_found(client, users, world):
    url = f"{INDEX}inspect/{world['record_b'].pk}/"
    assert login(client, users, "manager_a").get(url).status_code == 404
    decide = f"{INDEX}decide/{world['record_b'].pk}/"
    assert client.post(decide, {"action": "confirm"}).status_code == 404
    world["record_b"].refresh_from_db()
    assert world["record_b"].status == RecordStatus.PENDING


def test_the_manager_confirms_from_the_records_page(client, users, world):
    record = world["record_a"]
    page = login(client, users, "manager_a").get(f"{INDEX}inspect/{record.pk}/")
    assert "变更历史" in page.content.decode() and "确认 3.0 小时" in page.content.decode()
    response = client.post(f"{INDEX}decide/{record.pk}/", {"action": "confirm"})
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.status == RecordStatus.CONFIRMED


def test_a_viewer_reads_but_cannot_decide(client, users, world):
    record = world["record_a"]
    page = login(client, users, "viewer").get(f"{INDEX}inspect/{record.pk}/")
    assert "确认 3.0 小时" not in page.content.decode()
    response = client.post(f"{INDEX}decide/{record.pk}/", {"action": "confirm"})
    assert denied(response) or response.status_code == 403
    record.refresh_from_db()
    assert record.status == RecordStatus.PENDING


def test_a_bad_correction_shows_why_and_changes_nothing(client, users, world):
    record = world["record_a"]
    login(client, users, "manager_a")
    data = {"action": "correct", "hours": "7.3", "content": "清洁", "reason": "x"}
    response = client.post(f"{INDEX}decide/{record.pk}/", data, follow=True)
    assert "0.5 小时为单位" in response.content.decode()
    assert record.entries.count() == 1


def test_bulk_confirms_one_activitys_pending_records(client, users, world):
    login(client, users, "manager_a")
    listing = client.get(INDEX, {"activity": world["at_a"].pk}).content.decode()
    assert "全部确认" in listing
    response = client.post(f"{INDEX}bulk/?activity={world['at_a'].pk}", {"action": "confirm"})
    assert response.status_code == 302
    for key in ("record_a", "other"):
        world[key].refresh_from_db()
        assert world[key].status == RecordStatus.CONFIRMED
    world["record_b"].refresh_from_db()
    assert world["record_b"].status == RecordStatus.PENDING


def test_bulk_needs_one_activity(client, users, world):
    login(client, users, "manager_a")
    client.post(f"{INDEX}bulk/", {"action": "confirm"})
    world["record_a"].refresh_from_db()
    assert world["record_a"].status == RecordStatus.PENDING


def test_export_is_the_visible_rows(client, users, world):
    response = login(client, users, "manager_a").get(INDEX, {"export": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "石牌清洁日" in text and "猎德探访" not in text


def test_the_manager_answers_a_correction_request(client, users, world):
    from stations.models import CorrectionRequest
    from stations.volunteers import records

    activity = past_activity(index=world["at_a"].get_parent(), station=world["a"], title="石牌义诊")
    person = volunteer("13900005555", "赵敏")
    record = hours.open_record(activity=activity, volunteer=person)
    records.confirm(record=record, by=users["admin"])
    records.request_correction(record=record, volunteer=person, hours_raw="2", reason="提前离开")
    login(client, users, "manager_a")
    listing = table_of(client.get(INDEX, {"correction": "open"}))
    assert "石牌义诊" in listing and "石牌清洁日" not in listing
    response = client.get(f"{INDEX}inspect/{record.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "提前离开" in page, page[page.find("变更历史") :][:2000]
    assert "按申请更正" in page
    decide = f"{INDEX}decide/{record.pk}/"
    declined = client.post(decide, {"action": "decline_request", "reply": ""}, follow=True)
    assert "请填写答复" in declined.content.decode()
    client.post(decide, {"action": "accept_request", "hours": "2", "reply": "已核实"})
    record.refresh_from_db()
    assert str(record.hours) == "2.0"
    assert CorrectionRequest.objects.get().status == "accepted"
