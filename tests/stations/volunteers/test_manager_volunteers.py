"""Station managers see which of their rows belong to a verified volunteer: the 志愿者编号 in the
registrations and sign-ups lists, filters, search, inspect and exports, and nothing else of the
volunteer: not their name as they gave it, not their rows at other stations, not how many."""

import csv
import io
import re

import openpyxl
import pytest
from django.db import reset_queries

from stations import signup as signups
from stations.access import ensure_manager_user
from stations.models import ActivitySignup, VolunteerRegistration
from stations.volunteers import accounts
from tests.admin_forms import login, table_of
from tests.factories.stations import (
    MANAGER_PASSWORD,
    ActivityPageFactory,
    StationPageFactory,
    VolunteerRegistrationFactory,
    make_activity_site,
    make_registration_form,
)
from tests.queries import captured_queries
from tests.shared_data import shared_fixture

pytestmark = pytest.mark.django_db

REGISTRATIONS = "/admin/stations/volunteerregistration/"
SIGNUPS = "/admin/stations/activitysignup/"
LISTS = (REGISTRATIONS, SIGNUPS)
VOLUNTEER_ADMIN = "/admin/stations/volunteer/"

ZHOU, WU, ZHENG = "13800000001", "13800000002", "13800000003"
# 周小芳 at station A; the same volunteer's rows at station B carry another name, and the name
# she gave when signing in is a third: none but the first may reach A's manager.
ZHOU_AT_B, ZHOU_OWN_NAME = "周芳芳", "周晓芳"
NAMES = ("周小芳", "吴未验", ZHOU_AT_B, "郑猎德")
A_NAMES = {"周小芳", "吴未验"}
B_NAMES = {ZHOU_AT_B, "郑猎德"}
# What station B's rows would show if they leaked.
B_TEXTS = ("猎德街社工站", "猎德长者探访", ZHOU_AT_B, ZHOU_OWN_NAME, ZHENG)


@shared_fixture
def world():
    """Station A: 周小芳 (verified) and 吴未验 (not) signed up and registered. Station B: the
    same volunteer as 周芳芳, and 郑猎德 (verified)."""
    activities, a, _areas = make_activity_site()
    b = StationPageFactory(parent=a.get_parent(), title="猎德街社工站", slug="liede")
    form_page = make_registration_form(activities.get_parent())
    act_a = ActivityPageFactory(parent=activities, station=a, title="石牌社区清洁日")
    act_b = ActivityPageFactory(parent=activities, station=b, title="猎德长者探访")
    rows = {}
    for key, station, activity, name, mobile in (
        ("zhou_a", a, act_a, "周小芳", ZHOU),
        ("wu_a", a, act_a, "吴未验", WU),
        ("zhou_b", b, act_b, ZHOU_AT_B, ZHOU),
        ("zheng_b", b, act_b, "郑猎德", ZHENG),
    ):
        rows[f"{key}_signup"] = signups.sign_up(activity=activity, name=name, mobile=mobile).signup
        rows[f"{key}_registration"] = VolunteerRegistrationFactory(
            page=form_page, station=station, name=name, mobile=mobile
        )
    zhou = accounts.volunteer_for_verified_mobile(mobile=ZHOU)
    accounts.set_name_once(volunteer=zhou, name=ZHOU_OWN_NAME)
    zheng = accounts.volunteer_for_verified_mobile(mobile=ZHENG)
    return dict(
        a=a, b=b, act_a=act_a, act_b=act_b, form_page=form_page, zhou=zhou, zheng=zheng, **rows
    )


def names_in(response):
    table = table_of(response)
    return {name for name in NAMES if name in table}


def exported(response, kind) -> list[dict]:
    body = b"".join(response.streaming_content)
    if kind == "csv":
        return list(csv.DictReader(io.StringIO(body.decode("utf-8").lstrip("\ufeff"))))
    sheet = openpyxl.load_workbook(io.BytesIO(body)).active
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def inspect_url(url, row):
    return f"{url}inspect/{row.pk}/"


def row_of(world, url, key):
    return world[f"{key}_registration" if url == REGISTRATIONS else f"{key}_signup"]


# Django masks the CSRF token afresh in every response.
_CSRF = re.compile(r'(name="csrfmiddlewaretoken" value="|"CSRF_TOKEN": ")[^"]+')


def without_tokens(text: str) -> str:
    return _CSRF.sub(r"\1…", text)


# --- the list ----------------------------------------------------------------------------------


@pytest.mark.parametrize("url", LISTS)
def test_a_manager_sees_the_number_on_their_own_rows_only(client, users, world, url):
    html = login(client, users, "manager_a").get(url).content.decode()
    table = table_of(client.get(url))
    assert "志愿者编号" in table
    assert world["zhou"].number in table and "未验证" in table
    for text in B_TEXTS + (world["zheng"].number,):
        assert text not in html, text
    # The number is text: no way from it to the volunteer, and no menu to look them up.
    assert VOLUNTEER_ADMIN not in html
    assert f'href="{VOLUNTEER_ADMIN}' not in table


@pytest.mark.parametrize("url", LISTS)
def test_a_superuser_sees_every_stations_numbers(client, users, world, url):
    table = table_of(login(client, users, "admin").get(url))
    assert table.count(world["zhou"].number) == 2
    assert world["zheng"].number in table


@pytest.mark.parametrize("url", LISTS)
def test_a_volunteers_rows_elsewhere_change_nothing_a_manager_sees(client, users, world, url):
    """Manager A's list, inspect and export are the same, byte for byte, whether or not the
    volunteer also has rows at station B: nothing of them is shown, counted or hinted at."""
    c = login(client, users, "manager_a")
    own = row_of(world, url, "zhou_a")

    def pages():
        export = b"".join(c.get(url, {"export": "csv"}).streaming_content).decode()
        return [
            without_tokens(c.get(url).content.decode()),
            without_tokens(c.get(inspect_url(url, own)).content.decode()),
            export,
        ]

    with_rows_elsewhere = pages()
    ActivitySignup.objects.filter(mobile=ZHOU, activity=world["act_b"]).delete()
    VolunteerRegistration.objects.filter(mobile=ZHOU, station=world["b"]).delete()
    assert pages() == with_rows_elsewhere


# --- inspect -----------------------------------------------------------------------------------


@pytest.mark.parametrize("url", LISTS)
def test_inspect_shows_the_number_and_nothing_else_of_the_volunteer(client, users, world, url):
    c = login(client, users, "manager_a")
    html = c.get(inspect_url(url, row_of(world, url, "zhou_a"))).content.decode()
    assert "志愿者编号" in html and world["zhou"].number in html
    for text in B_TEXTS:
        assert text not in html, text
    assert VOLUNTEER_ADMIN not in html
    html = c.get(inspect_url(url, row_of(world, url, "wu_a"))).content.decode()
    assert "未验证" in html
    # Another station's row of the same volunteer stays a 404.
    assert c.get(inspect_url(url, row_of(world, url, "zhou_b"))).status_code == 404


# --- exports -----------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
@pytest.mark.parametrize("url", LISTS)
def test_exports_carry_the_number_and_nothing_of_other_stations(client, users, world, url, kind):
    response = login(client, users, "manager_a").get(url, {"export": kind})
    assert response.status_code == 200
    rows = exported(response, kind)
    numbers = {row["姓名"]: row["志愿者编号"] for row in rows}
    assert numbers == {"周小芳": world["zhou"].number, "吴未验": "未验证"}
    cells = " ".join(str(value) for row in rows for value in row.values())
    for text in B_TEXTS + (world["zheng"].number,):
        assert text not in cells, text


# --- filter and search ------------------------------------------------------------------------


@pytest.mark.parametrize("url", LISTS)
@pytest.mark.parametrize(
    ("who", "params", "expected"),
    [
        ("manager_a", {}, A_NAMES),
        ("manager_a", {"verified": "yes"}, {"周小芳"}),
        ("manager_a", {"verified": "no"}, {"吴未验"}),
        ("manager_a", {"verified": "maybe"}, set()),
        ("manager_b", {"verified": "yes"}, B_NAMES),
        ("manager_b", {"verified": "no"}, set()),
        ("admin", {"verified": "yes"}, {"周小芳"} | B_NAMES),
        # The volunteer's own columns cannot be probed: undeclared parameters are ignored.
        ("manager_a", {"volunteer__mobile__startswith": "1380"}, A_NAMES),
        ("manager_a", {"volunteer__name": ZHOU_OWN_NAME}, A_NAMES),
        ("manager_a", {"volunteer__signups__activity__station": "0"}, A_NAMES),
        # Sorted by the number column.
        ("manager_a", {"o": "1"}, A_NAMES),
        ("manager_a", {"o": "-1"}, A_NAMES),
    ],
)
def test_the_verified_filter_stays_within_the_users_rows(client, users, url, who, params, expected):
    assert names_in(login(client, users, who).get(url, params)) == expected


@pytest.mark.parametrize("url", LISTS)
def test_the_filter_is_offered(client, users, url):
    html = login(client, users, "manager_a").get(url).content.decode()
    assert "verified=yes" in html and "verified=no" in html
    assert "已验证" in html


def spaced(number: str) -> str:
    """'v385 920 1746': how someone reads a number out, in lower case."""
    return f"v{number[1:4]} {number[4:7]} {number[7:]}"


def full_width(number: str) -> str:
    return number[0] + "".join(chr(ord(digit) + 0xFEE0) for digit in number[1:])


def typo(number: str) -> str:
    last = (int(number[-1]) + 1) % 10
    return number[:-1] + str(last)


@pytest.mark.parametrize("url", LISTS)
@pytest.mark.parametrize(
    ("who", "whose", "write", "expected"),
    [
        ("manager_a", "zhou", str, {"周小芳"}),
        ("manager_a", "zhou", spaced, {"周小芳"}),
        ("manager_a", "zhou", str.lower, {"周小芳"}),
        ("manager_a", "zhou", lambda n: f"{n[:4]}-{n[4:7]}-{n[7:]}", {"周小芳"}),
        ("manager_a", "zhou", full_width, {"周小芳"}),
        ("manager_a", "zhou", lambda n: n[:6], {"周小芳"}),  # the start of a number
        ("manager_a", "zhou", typo, set()),  # the check digit catches it: nobody's rows
        # Pasted with invisible characters; a NUL would be refused by PostgreSQL.
        ("manager_a", "zhou", lambda n: f"{n[:5]}\u200b{n[5:]}\x00", {"周小芳"}),
        ("manager_a", "zhou", lambda n: "周\x00", {"周小芳"}),
        ("manager_a", "zheng", str, set()),  # another station's volunteer
        ("manager_a", "zheng", spaced, set()),
        ("manager_b", "zhou", spaced, {ZHOU_AT_B}),
        ("admin", "zhou", spaced, {"周小芳", ZHOU_AT_B}),
        ("editor", "zhou", str, None),  # no list at all
    ],
)
def test_search_by_number_stays_within_the_users_rows(
    client, users, world, url, who, whose, write, expected
):
    response = login(client, users, who).get(url, {"q": write(world[whose].number)})
    if expected is None:
        assert response.status_code == 302
        return
    assert names_in(response) == expected


# --- cost ----------------------------------------------------------------------------------


@pytest.mark.parametrize("url", LISTS)
def test_numbers_cost_no_query_per_row(
    client, world, url, django_user_model, django_assert_max_num_queries
):
    """1 row, then 30, each of its own volunteer: the list and the export take no more queries."""
    c_station = StationPageFactory(parent=world["a"].get_parent(), title="员村街社工站")
    ensure_manager_user(station=c_station, username="manager-c", password=MANAGER_PASSWORD)
    manager = django_user_model.objects.get(username="manager-c")
    activity = ActivityPageFactory(
        parent=world["act_a"].get_parent(), station=c_station, title="员村长者课堂", capacity=40
    )

    def add_verified(n):
        mobile = f"1360000{n:04d}"
        signups.sign_up(activity=activity, name=f"员村{n}号", mobile=mobile)
        VolunteerRegistrationFactory(
            page=world["form_page"], station=c_station, name=f"员村{n}号", mobile=mobile
        )
        return accounts.volunteer_for_verified_mobile(mobile=mobile)

    first = add_verified(0)
    client.force_login(manager)

    def list_and_export():
        listed = client.get(url)
        export = b"".join(client.get(url, {"export": "csv"}).streaming_content).decode()
        return listed.content.decode(), export

    list_and_export()  # warm caches (content types, permissions)
    with captured_queries() as captured:
        html, export = list_and_export()
    one_row = len(captured)  # now: the log it reads is emptied by the next request
    assert first.number in html and first.number in export

    last = [add_verified(n) for n in range(1, 30)][-1]
    reset_queries()  # the capture below must start from an empty log (tests/queries.py)
    with django_assert_max_num_queries(one_row):
        html, export = list_and_export()
    assert last.number in html and last.number in export
    assert export.count("\n") == 31  # the heading and 30 rows
