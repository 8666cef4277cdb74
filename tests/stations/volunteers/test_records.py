"""Service records: hours from check-in clipped to the activity, the 0.5 steps, only the
organising station decides, corrections keep the history, totals follow (stations/hours.py,
stations/volunteers/records.py)."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from stations import hours
from stations.hours import HoursRefused
from stations.models import (
    CheckIn,
    CorrectionRequest,
    EntryKind,
    HoursBasis,
    RecordStatus,
    ServiceRecord,
    ServiceRecordEntry,
    StationVolunteer,
    StationYearHours,
    VolunteerHoursTotal,
)
from stations.volunteers import records
from stations.volunteers.models import AppendOnly
from tests.factories.records import past_activity, volunteer
from tests.factories.stations import make_activity_site, station_at
from tests.shared_data import shared_fixture

pytestmark = pytest.mark.django_db

H = datetime.timedelta(hours=1)
M = datetime.timedelta(minutes=1)


@shared_fixture
def world():
    index, a, areas = make_activity_site()
    b = station_at(a.get_parent(), lat=23.12, lng=113.33, street=areas["liede"], title="猎德站")
    return {"index": index, "a": a, "b": b}


@pytest.fixture
def activity(world):
    return past_activity(index=world["index"], station=world["a"], hours_long=3)


@pytest.fixture
def person():
    return volunteer()


# --- hours ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("minutes", "expected"),
    [
        (0, "0"),
        (14, "0"),
        (15, "0.5"),  # a quarter rounds up
        (44, "0.5"),
        (45, "1.0"),
        (170, "3.0"),
        (160, "2.5"),
        (180, "3.0"),
    ],
)
def test_hours_come_in_half_hour_steps(minutes, expected):
    assert hours.to_half_hours(minutes * 60) == Decimal(expected)


def check_in(activity, person, *, came, left):
    return CheckIn.objects.create(
        activity=activity,
        volunteer=person,
        checked_in_at=activity.starts_at + came,
        checked_out_at=activity.starts_at + left if left is not None else None,
    )


@pytest.mark.parametrize(
    ("came", "left", "expected", "basis"),
    [
        (-30 * M, 3 * H + 40 * M, "3.0", HoursBasis.CHECK_IN),  # early and late count not
        (20 * M, 2 * H, "1.5", HoursBasis.CHECK_IN),  # 1 h 40 min
        (-2 * H, -1 * H, "0", HoursBasis.CHECK_IN),  # all of it before the start
        (10 * M, None, "3.0", HoursBasis.ACTIVITY),  # never checked out: the activity's length
    ],
)
def test_hours_from_check_in_are_clipped_to_the_activity(
    activity, person, came, left, expected, basis
):
    found = hours.suggested_hours(
        activity=activity, check_in=check_in(activity, person, came=came, left=left)
    )
    assert (found.hours, found.basis) == (Decimal(expected), basis)


def test_without_check_in_a_record_opens_with_the_activitys_length(activity, person):
    record = hours.open_record(activity=activity, volunteer=person)
    assert (record.hours, record.status, record.basis) == (
        Decimal("3.0"),
        RecordStatus.PENDING,
        HoursBasis.ACTIVITY,
    )
    assert record.station_id == activity.station_id
    assert hours.open_record(activity=activity, volunteer=person).pk == record.pk
    assert ServiceRecord.objects.count() == 1
    assert list(record.entries.values_list("kind", flat=True)) == [EntryKind.RECORDED]


def test_a_check_out_brings_a_pending_record_up_to_date(activity, person):
    record = hours.open_record(activity=activity, volunteer=person)
    visit = check_in(activity, person, came=0 * M, left=H)
    hours.open_record(activity=activity, volunteer=person, check_in=visit)
    record.refresh_from_db()
    assert (record.hours, record.basis) == (Decimal("1.0"), HoursBasis.CHECK_IN)
    assert record.entries.count() == 2


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "请填写服务时长"),
        ("abc", "请填写服务时长"),
        ("٣", "请填写服务时长"),  # other scripts' digits
        ("1e3", "请填写服务时长"),
        ("2.3", "0.5 小时为单位"),
        ("0", "至少为 0.5 小时"),
        ("-1", "至少为 0.5 小时"),
        ("3.5", "不能超过活动本身的时长"),
    ],
)
def test_bad_hours_are_refused_in_chinese(typed, message):
    with pytest.raises(HoursRefused) as refused:
        hours.parse_hours(typed, most=Decimal("3.0"))
    assert message in refused.value.message


def test_full_width_hours_fold():
    assert hours.parse_hours("２.５", most=Decimal("3.0")) == Decimal("2.5")


# --- decisions --------------------------------------------------------------------------------


@pytest.fixture
def pending(activity, person):
    return hours.open_record(activity=activity, volunteer=person)


def totals(person, station):
    return (
        VolunteerHoursTotal.objects.get(volunteer=person).confirmed_hours,
        StationYearHours.objects.get(station=station).confirmed_hours,
        StationVolunteer.objects.get(station=station, volunteer=person).confirmed_hours,
    )


@pytest.mark.parametrize("who", ["manager_b", "editor", "viewer"])
def test_only_the_organising_station_decides(users, pending, who):
    with pytest.raises(records.RecordRefused) as refused:
        records.confirm(record=pending, by=users[who])
    assert "组织这项活动的站点" in refused.value.message
    pending.refresh_from_db()
    assert pending.status == RecordStatus.PENDING
    assert not VolunteerHoursTotal.objects.exists()


@pytest.mark.parametrize("who", ["manager_a", "admin"])
def test_the_station_confirms_and_the_totals_follow(users, pending, person, world, who):
    records.confirm(record=pending, by=users[who])
    pending.refresh_from_db()
    assert pending.status == RecordStatus.CONFIRMED
    assert pending.decided_at is not None
    assert totals(person, world["a"]) == (Decimal("3.0"),) * 3
    with pytest.raises(records.RecordRefused):
        records.confirm(record=pending, by=users[who])  # once only


def test_declining_needs_a_reason_and_counts_nothing(users, pending, person):
    with pytest.raises(HoursRefused):
        records.reject(record=pending, by=users["manager_a"], reason="  ")
    records.reject(record=pending, by=users["manager_a"], reason="当天未到场")
    pending.refresh_from_db()
    assert pending.status == RecordStatus.REJECTED
    assert not VolunteerHoursTotal.objects.filter(confirmed_hours__gt=0).exists()


def test_a_correction_is_a_new_entry_and_keeps_the_history(users, pending, person, world):
    manager = users["manager_a"]
    records.confirm(record=pending, by=manager)
    records.correct(
        record=pending, by=manager, hours_raw="2.5", content="清洁与分类宣传", reason="提前离场"
    )
    pending.refresh_from_db()
    assert (pending.hours, pending.content, pending.status) == (
        Decimal("2.5"),
        "清洁与分类宣传",
        RecordStatus.CONFIRMED,
    )
    history = list(pending.entries.values_list("kind", "hours", "reason"))
    assert history == [
        (EntryKind.RECORDED, Decimal("3.0"), ""),
        (EntryKind.CONFIRMED, Decimal("3.0"), ""),
        (EntryKind.CORRECTED, Decimal("2.5"), "提前离场"),
    ]
    assert totals(person, world["a"]) == (Decimal("2.5"),) * 3


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"hours_raw": "2.5", "content": "清洁", "reason": ""}, "请填写更正说明"),
        ({"hours_raw": "9", "content": "清洁", "reason": "多记"}, "不能超过"),
        ({"hours_raw": "2", "content": "清\x00洁", "reason": "多记"}, "服务内容"),
        ({"hours_raw": "2", "content": "清洁", "reason": "多\u202e记"}, "更正说明"),
    ],
)
def test_a_bad_correction_changes_nothing(users, pending, fields, message):
    with pytest.raises(HoursRefused) as refused:
        records.correct(record=pending, by=users["manager_a"], **fields)
    assert message in refused.value.message
    assert pending.entries.count() == 1


def test_entries_are_never_changed_or_deleted(pending):
    entry = pending.entries.get()
    entry.hours = Decimal("9")
    with pytest.raises(AppendOnly):
        entry.save()
    with pytest.raises(AppendOnly):
        entry.delete()
    assert ServiceRecordEntry.objects.get().hours == Decimal("3.0")


def test_bulk_decisions_report_what_was_refused(users, world, person):
    own = past_activity(index=world["index"], station=world["a"])
    other = past_activity(index=world["index"], station=world["b"])
    mine = hours.open_record(activity=own, volunteer=person)
    theirs = hours.open_record(activity=other, volunteer=person)
    done, refused = records.decide_many(records=[mine, theirs], by=users["manager_a"], accept=True)
    assert done == 1 and len(refused) == 1 and other.title in refused[0]


# --- the volunteer's request for a correction -------------------------------------------------


def test_a_volunteer_asks_and_the_station_accepts(users, pending, person):
    records.confirm(record=pending, by=users["manager_a"])
    asked = records.request_correction(
        record=pending, volunteer=person, hours_raw="", reason="我签退晚了，实际只服务两小时"
    )
    with pytest.raises(records.RecordRefused):  # one open request at a time
        records.request_correction(record=pending, volunteer=person, hours_raw="", reason="再次")
    records.answer_correction(
        request=asked, by=users["manager_a"], accept=True, hours_raw="2", reply="已更正"
    )
    pending.refresh_from_db()
    asked.refresh_from_db()
    assert pending.hours == Decimal("2.0")
    assert asked.status == "accepted"
    assert pending.entries.last().reason.startswith("应志愿者申请更正：")


def test_declining_a_request_needs_a_reply_and_leaves_the_record(users, pending, person):
    asked = records.request_correction(
        record=pending, volunteer=person, hours_raw="3", reason="活动延长了"
    )
    with pytest.raises(HoursRefused):
        records.answer_correction(request=asked, by=users["manager_a"], accept=False, reply="")
    records.answer_correction(
        request=asked, by=users["manager_a"], accept=False, reply="签到记录显示按时结束"
    )
    asked.refresh_from_db()
    assert asked.status == "declined"
    assert pending.entries.count() == 1


def test_only_ones_own_record_can_be_questioned(pending):
    stranger = volunteer(mobile="13900002222", name="李四")
    with pytest.raises(records.RecordRefused):
        records.request_correction(record=pending, volunteer=stranger, hours_raw="", reason="错")
    assert not CorrectionRequest.objects.exists()


def test_records_keep_their_activity_after_the_page_goes(users, pending, activity):
    records.confirm(record=pending, by=users["manager_a"])
    title = activity.title
    activity.delete()
    pending.refresh_from_db()
    assert (pending.activity_id, pending.activity_title) == (None, title)
    assert pending.starts_at < timezone.now()
