"""The activity sign-ups admin: each station manager sees, filters, exports and marks attendance
for the sign-ups to their own station's activities, and nobody else's."""

import csv
import io

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client

from stations import signup as signups
from stations.access import ensure_manager_group
from stations.activities.admin import signups_visible_to
from stations.models import ActivitySignup, ActivityTally, SignupStatus
from tests.admin_forms import denied
from tests.factories.stations import (
    MANAGER_PASSWORD,
    ActivityPageFactory,
    StationPageFactory,
    make_activity_site,
)
from tests.queries import captured_queries
from tests.shared_data import shared_fixture

pytestmark = pytest.mark.django_db

LIST_URL = "/admin/stations/activitysignup/"
PASSWORD = MANAGER_PASSWORD
FORMULA = "=SUM(1+2)"
NAMES = ("李石牌", "张石牌", "陈石牌", FORMULA, "王猎德", "刘猎德")
A_NAMES = {"李石牌", "张石牌", "陈石牌", FORMULA}
B_NAMES = {"王猎德", "刘猎德"}


def url(action, signup):
    return f"{LIST_URL}{action}/{signup.pk}/"


@shared_fixture
def world():
    """Station A's activity: 李石牌 and FORMULA confirmed, 张石牌 waitlisted, 陈石牌 cancelled.
    Station B's: 王猎德 confirmed, 刘猎德 waitlisted."""
    activities_index, a, _areas = make_activity_site()
    b = StationPageFactory(parent=a.get_parent(), title="猎德街社工站", slug="liede")
    act_a = ActivityPageFactory(
        parent=activities_index, station=a, title="石牌社区清洁日", capacity=2
    )
    act_b = ActivityPageFactory(
        parent=activities_index, station=b, title="猎德长者探访", capacity=1
    )

    def join(activity, name, mobile):
        return signups.sign_up(activity=activity, name=name, mobile=mobile)

    li = join(act_a, "李石牌", "13900000001").signup
    chen = join(act_a, "陈石牌", "13900000003")
    signups.cancel(token=chen.token)
    formula = join(act_a, FORMULA, "13900000004").signup
    zhang = join(act_a, "张石牌", "13900000002").signup
    wang = join(act_b, "王猎德", "13700000001").signup
    liu = join(act_b, "刘猎德", "13700000002").signup
    found = dict(
        a=a, b=b, act_a=act_a, act_b=act_b, li=li, zhang=zhang, formula=formula, wang=wang,
        liu=liu, chen=ActivitySignup.objects.get(pk=chen.signup.pk),
    )  # fmt: skip
    assert [found[k].status for k in ("li", "formula", "zhang", "chen", "wang", "liu")] == [
        SignupStatus.CONFIRMED,
        SignupStatus.CONFIRMED,
        SignupStatus.WAITLISTED,
        SignupStatus.CANCELLED,
        SignupStatus.CONFIRMED,
        SignupStatus.WAITLISTED,
    ]
    return found


EXPECTED = {
    "manager_a": A_NAMES,
    "manager_b": B_NAMES,
    "editor": set(),
    "viewer": A_NAMES | B_NAMES,
    "admin": A_NAMES | B_NAMES,
}


def client_for(client, users, who):
    client.force_login(users[who])
    return client


def names_in(response):
    """The sign-ups listed in the results table (not, say, echoed in the search box or named in
    a message)."""
    html = response.content.decode()
    start = html.find('<table class="listing')
    table = html[start : html.find("</table>", start)] if start != -1 else ""
    return {name for name in NAMES if name in table}


def to_login(response):
    return response.status_code == 302 and "/admin/login/" in response["Location"]


def csv_rows(response):
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")  # Excel reads the file as UTF-8
    return list(csv.DictReader(io.StringIO(body.lstrip("\ufeff"))))


def attendance_of(signup):
    return ActivitySignup.objects.values_list("status", "attended").get(pk=signup.pk)


def tallies():
    return set(ActivityTally.objects.values_list("activity_id", "confirmed", "waitlisted"))


# --- the rule and the group -----------------------------------------------------------------


@pytest.mark.parametrize("who", EXPECTED)
def test_signups_visible_to(users, who):
    visible = set(signups_visible_to(users[who]).values_list("name", flat=True))
    assert visible == EXPECTED[who]


def test_anonymous_and_inactive_users_see_no_signups(users):
    assert not signups_visible_to(AnonymousUser()).exists()
    assert not signups_visible_to(None).exists()
    manager = users["manager_a"]
    manager.is_active = False
    manager.save()
    assert not signups_visible_to(manager).exists()


def test_the_manager_group_may_view_and_change_signups_idempotently(world, users):
    group = ensure_manager_group(world["a"])
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert {"view_activitysignup", "change_activitysignup"} <= codenames
    assert not {"add_activitysignup", "delete_activitysignup"} & codenames
    count = group.permissions.count()
    assert ensure_manager_group(world["a"]).permissions.count() == count


# --- the list, search and filters -----------------------------------------------------------


@pytest.mark.parametrize("who", EXPECTED)
def test_the_list_shows_only_visible_signups(client, users, who):
    response = client_for(client, users, who).get(LIST_URL)
    if EXPECTED[who]:
        assert response.status_code == 200
        assert names_in(response) == EXPECTED[who]
    else:
        assert denied(response)


def test_the_menu_offers_the_signups_after_the_registrations(client, users):
    html = client_for(client, users, "manager_a").get("/admin/").content.decode()
    assert html.find(LIST_URL) > html.find("/admin/stations/volunteerregistration/") > 0
    assert LIST_URL not in client_for(client, users, "editor").get("/admin/").content.decode()


def test_anonymous_is_sent_to_log_in(client, world):
    assert to_login(client.get(LIST_URL))
    assert to_login(client.get(LIST_URL, {"export": "csv"}))
    assert to_login(client.get(url("inspect", world["li"])))
    assert to_login(client.post(url("attendance", world["li"]), {"attended": "yes"}))
    assert attendance_of(world["li"]) == (SignupStatus.CONFIRMED, None)


def test_the_list_shows_the_columns_a_manager_needs(client, users, world):
    html = client_for(client, users, "manager_a").get(LIST_URL).content.decode()
    for text in (
        "姓名",
        "手机号码",
        "活动开始时间",
        "候补顺序",
        "报名时间",
        "出席",
        "13900000001",
        "石牌社区清洁日",
        "已确认",
        "候补",
        "已取消",
        "第 1 位",  # 张石牌, first on the waitlist
        "未记录",
    ):
        assert text in html, text
    assert "13700000001" not in html and "猎德长者探访" not in html
    # No way to add, edit or delete a sign-up from the list.
    assert "inspect/" in html
    assert f"edit/{world['li'].pk}/" not in html and f"delete/{world['li'].pk}/" not in html
    assert f"{LIST_URL}create/" not in html


@pytest.mark.parametrize(
    ("who", "query", "expected"),
    [
        ("manager_a", "李", {"李石牌"}),
        ("manager_a", "+86 139 0000 0002", {"张石牌"}),
        ("manager_a", "清洁日", A_NAMES),
        ("manager_a", "王猎德", set()),
        ("manager_a", "13700000001", set()),
        ("manager_a", "猎德长者", set()),
        ("manager_b", "石牌", set()),
        ("viewer", "猎德长者", B_NAMES),
        ("admin", "13700000002", {"刘猎德"}),
    ],
)
def test_search_stays_within_visible_signups(client, users, who, query, expected):
    response = client_for(client, users, who).get(LIST_URL, {"q": query})
    assert response.status_code == 200
    assert names_in(response) == expected


@pytest.mark.parametrize(
    ("who", "params", "expected"),
    [
        ("manager_a", {"activity": "act_b"}, set()),
        ("manager_a", {"activity": "act_a"}, A_NAMES),
        ("manager_a", {"activity": "abc"}, set()),
        ("manager_a", {"status__exact": "waitlisted"}, {"张石牌"}),
        ("manager_a", {"status__exact": "confirmed"}, {"李石牌", FORMULA}),
        ("manager_a", {"attended": "unknown"}, {"李石牌", FORMULA}),
        ("manager_a", {"attended": "yes"}, set()),
        ("manager_a", {"attended": "bogus"}, set()),
        ("manager_a", {"when": "upcoming"}, A_NAMES),
        ("manager_a", {"when": "next7"}, A_NAMES),  # a week from today
        ("manager_a", {"when": "today"}, set()),
        ("manager_a", {"when": "past7"}, set()),
        ("manager_a", {"when": "past"}, set()),
        ("manager_b", {"activity": "act_a"}, set()),
        ("admin", {"activity": "act_b"}, B_NAMES),
        ("admin", {"status__exact": "waitlisted"}, {"张石牌", "刘猎德"}),
        ("viewer", {"when": "upcoming"}, A_NAMES | B_NAMES),
        # Anything but a declared filter is ignored, never passed to .filter().
        ("manager_a", {"activity__station__title": "猎德街社工站"}, A_NAMES),
        ("manager_a", {"activity__owner__password__startswith": "x"}, A_NAMES),
        ("manager_a", {"mobile__startswith": "137"}, A_NAMES),
    ],
)
def test_filters_stay_within_visible_signups(client, users, world, who, params, expected):
    ids = {"act_a": str(world["act_a"].pk), "act_b": str(world["act_b"].pk)}
    params = {key: ids.get(value, value) for key, value in params.items()}
    response = client_for(client, users, who).get(LIST_URL, params)
    assert response.status_code == 200
    assert names_in(response) == expected


def test_the_filters_offer_only_the_users_activities(client, users, world):
    html = client_for(client, users, "manager_a").get(LIST_URL).content.decode()
    assert f"activity={world['act_a'].pk}" in html
    assert f"activity={world['act_b'].pk}" not in html and "猎德长者探访" not in html
    for option in ("status__exact=waitlisted", "attended=unknown", "when=upcoming"):
        assert option in html
    html = client_for(client, users, "admin").get(LIST_URL).content.decode()
    assert f"activity={world['act_a'].pk}" in html and f"activity={world['act_b'].pk}" in html


def test_the_list_costs_the_same_number_of_queries_however_long(client, users, world):
    c = client_for(client, users, "manager_a")
    c.get(LIST_URL)  # warm caches (content types, permissions)
    with captured_queries() as short:
        assert c.get(LIST_URL).status_code == 200
    second = ActivityPageFactory(
        parent=world["act_a"].get_parent(), station=world["a"], title="石牌长者课堂", capacity=3
    )
    for n in range(6):
        signups.sign_up(activity=second, name=f"石牌{n}号", mobile=f"1390000011{n}")
        signups.sign_up(activity=world["act_a"], name=f"候补{n}号", mobile=f"1390000012{n}")
    with captured_queries() as long:
        response = c.get(LIST_URL)
    assert response.status_code == 200
    assert "石牌5号" in response.content.decode() and "第 7 位" in response.content.decode()
    assert len(long) == len(short)


# --- inspect and the views that are closed ---------------------------------------------------


@pytest.mark.parametrize("who", ["manager_a", "manager_b", "viewer", "admin"])
def test_inspect_is_a_404_outside_the_users_stations(client, users, world, who):
    c = client_for(client, users, who)
    for key in ("li", "zhang", "wang", "liu"):
        signup = world[key]
        response = c.get(url("inspect", signup))
        if signup.name in EXPECTED[who]:
            assert response.status_code == 200
            assert signup.name in response.content.decode()
        else:
            assert response.status_code == 404
            assert signup.name not in response.content.decode()


def test_inspect_shows_the_signup_and_the_attendance_buttons(client, users, world):
    c = client_for(client, users, "manager_a")
    html = c.get(url("inspect", world["li"])).content.decode()
    for text in (
        "李石牌",
        "13900000001",
        "石牌社区清洁日",
        "已确认",
        "未记录",
        "csrfmiddlewaretoken",
    ):
        assert text in html, text
    assert f'action="{url("attendance", world["li"])}"' in html
    for value in ("yes", "no", "unknown"):
        assert f'name="attended" value="{value}"' in html
    html = c.get(url("inspect", world["zhang"])).content.decode()
    assert "第 1 位" in html and 'name="attended"' not in html


def test_inspect_offers_no_attendance_buttons_without_the_change_permission(client, users, world):
    html = client_for(client, users, "viewer").get(url("inspect", world["li"])).content.decode()
    assert "李石牌" in html and 'name="attended"' not in html


@pytest.mark.parametrize("pk", ["abc", "999999", "9" * 30])
def test_inspect_of_a_missing_signup_is_a_404(client, users, pk):
    assert client_for(client, users, "admin").get(f"{LIST_URL}inspect/{pk}/").status_code == 404


def test_signups_cannot_be_created_edited_or_deleted(client, users, world):
    c = client_for(client, users, "manager_a")
    assert denied(c.get(f"{LIST_URL}create/"))
    assert denied(c.post(f"{LIST_URL}create/", {"name": "新人", "mobile": "13900000009"}))
    assert denied(c.get(url("edit", world["li"])))
    assert denied(c.post(url("edit", world["li"]), {"name": "改名"}))
    assert denied(c.post(url("delete", world["li"])))
    # Another station's sign-up is not there at all.
    for action in ("edit", "delete"):
        assert c.get(url(action, world["wang"])).status_code == 404
        assert c.post(url(action, world["wang"])).status_code == 404
    admin = client_for(Client(), users, "admin")
    assert denied(admin.post(url("delete", world["wang"])))
    assert ActivitySignup.objects.count() == 6
    assert ActivitySignup.objects.get(pk=world["li"].pk).name == "李石牌"


# --- marking attendance ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "stored", "label"), [("yes", True, "出席"), ("no", False, "缺席")]
)
def test_a_manager_marks_attendance_for_a_confirmed_signup(
    client, users, world, value, stored, label
):
    c = client_for(client, users, "manager_a")
    before = tallies()
    response = c.post(url("attendance", world["li"]), {"attended": value})
    assert response.status_code == 302 and response["Location"] == url("inspect", world["li"])
    assert attendance_of(world["li"]) == (SignupStatus.CONFIRMED, stored)
    html = c.get(response["Location"]).content.decode()
    assert f"已将“李石牌”的出席情况记为：{label}。" in html
    assert tallies() == before
    # And back to not recorded.
    c.post(url("attendance", world["li"]), {"attended": "unknown"})
    assert attendance_of(world["li"]) == (SignupStatus.CONFIRMED, None)
    # The filter and the list follow.
    c.post(url("attendance", world["formula"]), {"attended": value})
    assert names_in(c.get(LIST_URL, {"attended": value})) == {FORMULA}


@pytest.mark.parametrize("key", ["zhang", "chen"])
def test_attendance_is_refused_for_a_signup_that_is_not_confirmed(client, users, world, key):
    signup = world[key]
    before = (attendance_of(signup), tallies())
    response = client_for(client, users, "manager_a").post(
        url("attendance", signup), {"attended": "yes"}, follow=True
    )
    assert response.status_code == 200
    assert "只能为已确认的报名记录出席情况。" in response.content.decode()
    assert (attendance_of(signup), tallies()) == before


@pytest.mark.parametrize("data", [{"attended": "maybe"}, {"attended": ""}, {}])
def test_a_bad_attendance_value_changes_nothing(client, users, world, data):
    response = client_for(client, users, "manager_a").post(
        url("attendance", world["li"]), data, follow=True
    )
    assert response.status_code == 200
    assert "出席情况的取值无效，未作更改。" in response.content.decode()
    assert attendance_of(world["li"]) == (SignupStatus.CONFIRMED, None)


@pytest.mark.parametrize(("who", "key"), [("manager_a", "wang"), ("manager_b", "li")])
def test_attendance_for_another_stations_signup_is_a_404(client, users, world, who, key):
    response = client_for(client, users, who).post(
        url("attendance", world[key]), {"attended": "yes"}
    )
    assert response.status_code == 404
    assert attendance_of(world[key]) == (SignupStatus.CONFIRMED, None)


def test_attendance_needs_the_change_permission(client, users, world):
    response = client_for(client, users, "viewer").post(
        url("attendance", world["li"]), {"attended": "yes"}
    )
    assert denied(response)
    assert attendance_of(world["li"]) == (SignupStatus.CONFIRMED, None)
    response = client_for(Client(), users, "admin").post(
        url("attendance", world["wang"]), {"attended": "no"}
    )
    assert attendance_of(world["wang"]) == (SignupStatus.CONFIRMED, False)


def test_attendance_is_post_only_and_checks_csrf(users, world):
    c = client_for(Client(enforce_csrf_checks=True), users, "manager_a")
    assert c.get(url("attendance", world["li"]), {"attended": "yes"}).status_code == 405
    assert c.post(url("attendance", world["li"]), {"attended": "yes"}).status_code == 403
    assert attendance_of(world["li"]) == (SignupStatus.CONFIRMED, None)
    # With the token the inspect page's form carries, it goes through.
    c.get(url("inspect", world["li"]))
    token = c.cookies["csrftoken"].value
    response = c.post(
        url("attendance", world["li"]), {"attended": "yes", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
    assert attendance_of(world["li"]) == (SignupStatus.CONFIRMED, True)


# --- export ----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["manager_a", "manager_b", "viewer", "admin"])
def test_the_csv_export_holds_only_visible_rows(client, users, who):
    response = client_for(client, users, who).get(LIST_URL, {"export": "csv"})
    assert response.status_code == 200
    names = {row["姓名"].removeprefix("'") for row in csv_rows(response)}
    assert names == EXPECTED[who]


def test_the_csv_export_columns_and_defused_formulas(client, users, world):
    c = client_for(client, users, "manager_a")
    c.post(url("attendance", world["li"]), {"attended": "yes"})
    rows = {row["姓名"]: row for row in csv_rows(c.get(LIST_URL, {"export": "csv"}))}
    assert list(next(iter(rows.values()))) == [
        "主办站点",
        "活动",
        "活动开始时间",
        "姓名",
        "手机号码",
        "状态",
        "候补顺序",
        "报名时间",
        "出席",
        "志愿者编号",
    ]
    # A resident's text that a spreadsheet would run as a formula is made inert.
    assert f"'{FORMULA}" in rows and FORMULA not in rows
    li = rows["李石牌"]
    assert li["活动"] == "石牌社区清洁日" and li["手机号码"] == "13900000001"
    assert li["状态"] == "已确认" and li["出席"] == "出席" and li["候补顺序"] == ""
    assert rows["张石牌"]["状态"] == "候补" and rows["张石牌"]["候补顺序"] == "1"
    assert rows["陈石牌"]["状态"] == "已取消" and rows["陈石牌"]["出席"] == ""


def test_a_filtered_export_keeps_the_filter_and_the_scope(client, users, world):
    c = client_for(client, users, "manager_a")
    assert csv_rows(c.get(LIST_URL, {"export": "csv", "activity": world["act_b"].pk})) == []
    rows = csv_rows(c.get(LIST_URL, {"export": "csv", "status__exact": "waitlisted"}))
    assert [row["姓名"] for row in rows] == ["张石牌"]


def test_the_xlsx_export_works_for_a_manager(client, users):
    response = client_for(client, users, "manager_a").get(LIST_URL, {"export": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_no_export_without_permission(client, users):
    assert denied(client_for(client, users, "editor").get(LIST_URL, {"export": "csv"}))
