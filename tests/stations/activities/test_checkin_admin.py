"""Check-in in the admin: the QR code and A4 poster pages (the activity's station managers and
site-wide viewers only), the sign-ups list's check-in column and filter, and bulk attendance."""

from pathlib import Path

import pytest
from django.conf import settings

from stations import signup as signups
from stations.activities import checkin
from stations.activities.checkin_admin import page_button
from stations.models import ActivitySignup, CheckIn, ServiceRecord, SignupStatus
from tests.admin_forms import denied, edit_url, login, table_of
from tests.factories.stations import ActivityPageFactory, StationPageFactory, make_activity_site
from tests.queries import captured_queries
from tests.shared_data import shared_fixture
from tests.stations.activities.checkin_helpers import FAR, signed_up, volunteer

pytestmark = pytest.mark.django_db

LIST_URL = "/admin/stations/activitysignup/"
WHO = ("manager_a", "manager_b", "editor", "viewer", "admin")
# Who may open station A's check-in pages, and who may also mark attendance in bulk.
SEES = {"manager_a", "viewer", "admin"}
MARKS = {"manager_a", "admin"}


@shared_fixture
def world():
    """Station A's activity, 3 places: 李 and 王 (volunteers) and 赵 (no account) confirmed,
    孙 waitlisted; 李 checked in far away, and out. Station B's activity: 周."""
    index, a, _areas = make_activity_site()
    b = StationPageFactory(parent=a.get_parent(), title="猎德街社工站", slug="liede")
    act_a = ActivityPageFactory(parent=index, station=a, title="石牌社区清洁日", capacity=3)
    act_b = ActivityPageFactory(parent=index, station=b, title="猎德长者探访", capacity=3)
    li = signed_up(act_a, 1, name="李石牌")
    wang = signed_up(act_a, 2, name="王石牌")
    zhao = signups.sign_up(activity=act_a, name="赵石牌", mobile="13900000003").signup
    sun = signed_up(act_a, 4, name="孙石牌")
    zhou = signed_up(act_b, 5, name="周猎德")
    checkin.check_in_or_out(
        activity=act_a, volunteer=li, lat=FAR[0], lng=FAR[1], now=act_a.starts_at
    )
    checkin.check_in_or_out(activity=act_a, volunteer=li, now=act_a.ends_at)
    place = {p.mobile: p for p in ActivitySignup.objects.all()}
    assert place[sun.mobile].status == SignupStatus.WAITLISTED
    return dict(
        a=a, b=b, act_a=act_a, act_b=act_b, li=place[li.mobile], wang=place[wang.mobile],
        zhao=zhao, sun=place[sun.mobile], zhou=place[zhou.mobile],
    )  # fmt: skip


def qr_url(activity):
    return f"/admin/activities/{activity.pk}/checkin/"


def poster_url(activity):
    return f"/admin/activities/{activity.pk}/checkin/poster/"


def attendance_url(activity):
    return f"/admin/activities/{activity.pk}/attendance/"


def attended(signup):
    return ActivitySignup.objects.get(pk=signup.pk).attended


# --- who sees the QR code and the poster --------------------------------------------------------


@pytest.mark.parametrize("who", WHO)
def test_only_the_station_s_managers_and_site_wide_viewers_see_the_qr_code(
    client, users, world, who
):
    login(client, users, who)
    for page in (qr_url(world["act_a"]), poster_url(world["act_a"])):
        response = client.get(page)
        if who in SEES:
            assert response.status_code == 200, page
        else:
            assert denied(response), page


def test_anonymous_is_sent_to_log_in(client, world):
    for page in (
        qr_url(world["act_a"]),
        poster_url(world["act_a"]),
        attendance_url(world["act_a"]),
    ):
        response = client.get(page)
        assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_a_missing_activity_is_not_found(client, users):
    login(client, users, "admin")
    assert client.get("/admin/activities/999999/checkin/").status_code == 404


def test_the_qr_page_shows_the_code_the_link_and_the_counts(client, users, world):
    login(client, users, "manager_a")
    html = client.get(qr_url(world["act_a"])).content.decode()
    link = checkin.checkin_url(world["act_a"]).replace("http://testserver", "")
    assert "<svg" in html and link in html
    assert "石牌社区清洁日" in html
    assert "已签到 1 人，已签退 1 人，其中现场加入 0 人，距离过远 1 人" in html
    assert poster_url(world["act_a"]) in html and attendance_url(world["act_a"]) in html


def test_the_poster_is_a_chinese_a4_sheet_with_the_qr_code_and_the_link(client, users, world):
    login(client, users, "manager_a")
    activity = world["act_a"]
    html = client.get(poster_url(activity)).content.decode()
    for text in (
        "石牌社区清洁日",
        "用手机相机扫码签到，再次扫码签退",
        activity.station.title,
        activity.venue_address,
        checkin.checkin_path(activity),
        "<svg",
        'lang="zh-Hans"',
        "stations/css/checkin_poster.css",
    ):
        assert text in html, text
    css = Path(settings.BASE_DIR, "stations/static/stations/css/checkin_poster.css").read_text()
    assert "size: A4" in css and "@media print" in css


# --- the sign-ups list --------------------------------------------------------------------------


def test_the_list_has_a_check_in_column_with_the_flag(client, users, world):
    login(client, users, "manager_a")
    table = table_of(client.get(LIST_URL))
    assert "签到" in table and "签退" in table and "距离过远" in table


def test_the_check_in_filter_narrows_to_flagged_checked_in_or_not(client, users, world):
    login(client, users, "manager_a")
    flagged = table_of(client.get(LIST_URL, {"checkin": "flagged"}))
    assert "李石牌" in flagged and "王石牌" not in flagged
    none = table_of(client.get(LIST_URL, {"checkin": "none"}))
    assert "李石牌" not in none and "王石牌" in none and "赵石牌" in none
    assert "李石牌" in table_of(client.get(LIST_URL, {"checkin": "in"}))
    assert "石牌" not in table_of(client.get(LIST_URL, {"checkin": "bogus"}))


def test_the_list_filtered_to_an_activity_links_to_its_check_in_pages(client, users, world):
    login(client, users, "manager_a")
    html = client.get(LIST_URL, {"activity": world["act_a"].pk}).content.decode()
    assert qr_url(world["act_a"]) in html and attendance_url(world["act_a"]) in html
    # Another station's activity in the address gets no links.
    html = client.get(LIST_URL, {"activity": world["act_b"].pk}).content.decode()
    assert qr_url(world["act_b"]) not in html


def test_check_ins_cost_the_list_no_query_per_row(client, users, world):
    login(client, users, "admin")
    with captured_queries() as before:
        client.get(LIST_URL)
    person = volunteer(9)
    checkin.check_in_or_out(activity=world["act_b"], volunteer=person, now=world["act_b"].starts_at)
    with captured_queries() as after:
        client.get(LIST_URL)
    assert len(after.captured_queries) == len(before.captured_queries)


# --- marking attendance -------------------------------------------------------------------------


@pytest.mark.parametrize("who", WHO)
def test_only_managers_of_the_station_may_mark_attendance_in_bulk(client, users, world, who):
    login(client, users, who)
    page = client.get(attendance_url(world["act_a"]))
    response = client.post(
        attendance_url(world["act_a"]), {"ids": [world["wang"].pk], "attended": "yes"}
    )
    if who in MARKS:
        assert page.status_code == 200
        assert response.status_code == 303
        assert attended(world["wang"]) is True
    else:
        assert denied(page) and denied(response)
        assert attended(world["wang"]) is None


def test_the_attendance_page_lists_confirmed_sign_ups_with_their_check_in(client, users, world):
    login(client, users, "manager_a")
    html = client.get(attendance_url(world["act_a"])).content.decode()
    assert "李石牌" in html and "王石牌" in html and "赵石牌" in html
    assert "孙石牌" not in html  # waitlisted
    assert "距离过远" in html and "全部标记为出席（3 人）" in html


def test_selected_rows_are_marked_and_attended_opens_their_records(client, users, world):
    login(client, users, "manager_a")
    act_a = world["act_a"]
    response = client.post(
        attendance_url(act_a),
        # 周 is station B's, 孙 is waitlisted: neither may be marked from here.
        {
            "ids": [world["wang"].pk, world["zhao"].pk, world["zhou"].pk, world["sun"].pk, "x"],
            "attended": "yes",
        },
    )
    assert response.status_code == 303 and response["Location"] == attendance_url(act_a)
    assert attended(world["wang"]) is True and attended(world["zhao"]) is True
    assert attended(world["zhou"]) is None and attended(world["sun"]) is None
    # 王 has an account: a record; 赵 signed up without one: none.
    assert ServiceRecord.objects.filter(activity=act_a, volunteer=world["wang"].volunteer).exists()
    assert ServiceRecord.objects.filter(activity=act_a).count() == 2  # 李's from the check-out
    messages = [str(m) for m in response.wsgi_request._messages]
    assert "已将 2 人的出席情况记为：出席。" in messages


def test_all_confirmed_are_marked_at_once_and_absent_too(client, users, world):
    login(client, users, "manager_a")
    act_a = world["act_a"]
    client.post(attendance_url(act_a), {"all": "1", "attended": "yes"})
    marked = set(
        ActivitySignup.objects.filter(activity=act_a, attended=True).values_list("pk", flat=True)
    )
    assert marked == {world["li"].pk, world["wang"].pk, world["zhao"].pk}
    client.post(attendance_url(act_a), {"ids": [world["wang"].pk], "attended": "no"})
    assert attended(world["wang"]) is False
    assert attended(world["zhou"]) is None


def test_a_bad_choice_or_an_empty_selection_changes_nothing(client, users, world):
    login(client, users, "manager_a")
    page = attendance_url(world["act_a"])
    for data in (
        {"ids": [world["wang"].pk], "attended": "maybe"},
        {"ids": [world["wang"].pk]},
        {"attended": "yes"},
        {"ids": ["-1", "abc", "9" * 40], "attended": "yes"},
    ):
        response = client.post(page, data)
        assert response.status_code == 303, data
    assert attended(world["wang"]) is None


def test_marking_one_sign_up_attended_opens_its_record(client, users, world):
    login(client, users, "manager_a")
    response = client.post(f"{LIST_URL}attendance/{world['wang'].pk}/", {"attended": "yes"})
    assert response.status_code == 302
    assert ServiceRecord.objects.filter(
        activity=world["act_a"], volunteer=world["wang"].volunteer
    ).exists()


# --- from the page explorer ---------------------------------------------------------------------


def test_the_page_menus_offer_the_qr_code_to_those_who_may_see_it(client, users, world):
    act_a = world["act_a"]
    assert page_button(act_a, users["manager_a"], priority=1).url == qr_url(act_a)
    assert page_button(act_a, users["admin"], priority=1) is not None
    assert page_button(act_a, users["manager_b"], priority=1) is None
    assert page_button(act_a, users["editor"], priority=1) is None
    assert page_button(world["a"], users["admin"], priority=1) is None  # not an activity

    login(client, users, "admin")
    assert qr_url(act_a) in client.get(edit_url(act_a)).content.decode()
    listing = client.get(f"/admin/pages/{act_a.get_parent().pk}/").content.decode()
    assert qr_url(act_a) in listing


def test_check_in_rows_are_never_shown_to_another_station(client, users, world):
    login(client, users, "manager_b")
    assert "李石牌" not in table_of(client.get(LIST_URL, {"checkin": "flagged"}))
    assert CheckIn.objects.filter(activity=world["act_a"]).count() == 1


def test_the_inspect_view_shows_the_check_in(client, users, world):
    login(client, users, "manager_a")
    html = client.get(f"{LIST_URL}inspect/{world['li'].pk}/").content.decode()
    assert "距离过远" in html and qr_url(world["act_a"]) in html
    html = client.get(f"{LIST_URL}inspect/{world['wang'].pk}/").content.decode()
    assert "未签到" in html
