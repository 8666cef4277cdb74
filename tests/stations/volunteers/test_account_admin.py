"""Volunteers and their sign-in codes in the admin: superusers look them up, read-only; nobody
else sees the menus or the pages, and no code's hash or salt is ever shown."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone
from wagtail import hooks

from stations.models import LoginCode, Volunteer
from stations.volunteers import accounts
from stations.volunteers.account_admin import outcome_of
from tests.admin_forms import denied, login, table_of
from tests.factories.stations import (
    StationPageFactory,
    VolunteerRegistrationFactory,
    make_activity_site,
    make_registration_form,
)
from tests.shared_data import shared_fixture

pytestmark = pytest.mark.django_db

VOLUNTEERS = "/admin/stations/volunteer/"
CODES = "/admin/stations/logincode/"
ZHOU, ZHENG = "13800000001", "13800000009"
HASH, SALT = "c0de" * 16, "5a17" * 8
# One code in each way a code ends, told apart by the address that asked for it.
OUTCOMES = {
    "203.0.113.1": "已使用",
    "203.0.113.2": "输错次数用完",
    "203.0.113.3": "被新验证码取代",
    "203.0.113.4": "已过期",
    "203.0.113.5": "有效，未使用",
}
FILTER_VALUES = {
    "203.0.113.1": "used",
    "203.0.113.2": "tried",
    "203.0.113.3": "superseded",
    "203.0.113.4": "expired",
    "203.0.113.5": "pending",
}


@shared_fixture
def world():
    activities, a, _areas = make_activity_site()
    b = StationPageFactory(parent=a.get_parent(), title="猎德街社工站", slug="liede")
    form_page = make_registration_form(activities.get_parent())
    VolunteerRegistrationFactory(page=form_page, station=a, name="周小芳", mobile=ZHOU)
    VolunteerRegistrationFactory(page=form_page, station=b, name="周芳芳", mobile=ZHOU)
    zhou = accounts.volunteer_for_verified_mobile(mobile=ZHOU)
    accounts.set_name_once(volunteer=zhou, name="周晓芳")
    zheng = accounts.volunteer_for_verified_mobile(mobile=ZHENG)
    # Erased: the number stays, the mobile goes.
    Volunteer.objects.filter(pk=zheng.pk).update(mobile=None, name="")
    now = timezone.now()
    sent = now - timedelta(hours=1)
    rows = {
        "203.0.113.1": dict(mobile=ZHOU, attempts=1, used_at=sent + timedelta(minutes=1)),
        "203.0.113.2": dict(mobile=ZHENG, attempts=5),
        "203.0.113.3": dict(mobile=ZHENG, superseded_at=sent + timedelta(minutes=2)),
        "203.0.113.4": dict(mobile=ZHENG, attempts=2),
        # Pending for a day, so the test never races its expiry.
        "203.0.113.5": dict(mobile=ZHOU, created_at=now, expires_at=now + timedelta(days=1)),
    }
    codes = {}
    for ip, fields in rows.items():
        fields = {"created_at": sent, "expires_at": sent + timedelta(minutes=5), **fields}
        codes[ip] = LoginCode.objects.create(ip=ip, code_hash=HASH, salt=SALT, **fields)
    return {"a": a, "b": b, "zhou": zhou, "zheng": zheng, "codes": codes}


def ips_in(response):
    table = table_of(response)
    return {ip for ip in OUTCOMES if ip in table}


# --- who sees them -----------------------------------------------------------------------------


def test_only_superusers_get_the_menus(client, users):
    html = login(client, users, "admin").get("/admin/").content.decode()
    assert VOLUNTEERS in html and CODES in html
    for who in ("manager_a", "editor", "viewer"):
        html = login(client, users, who).get("/admin/").content.decode()
        assert VOLUNTEERS not in html and CODES not in html, who


@pytest.mark.parametrize("who", ["manager_a", "editor", "viewer"])
def test_nobody_else_reaches_the_pages(client, users, world, who):
    c = login(client, users, who)
    assert denied(c.get(VOLUNTEERS))
    assert denied(c.get(CODES))
    assert c.get(f"{VOLUNTEERS}inspect/{world['zhou'].pk}/").status_code == 404
    code = world["codes"]["203.0.113.5"]
    assert c.get(f"{CODES}inspect/{code.pk}/").status_code == 404


def test_anonymous_is_sent_to_log_in(client, world):
    for url in (VOLUNTEERS, CODES, f"{VOLUNTEERS}inspect/{world['zhou'].pk}/"):
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_the_views_cannot_be_granted_to_a_group():
    offered = Permission.objects.none()
    for hook in hooks.get_hooks("register_permissions"):
        offered = offered | hook()
    models = set(offered.values_list("content_type__model", flat=True))
    assert "volunteer" not in models and "logincode" not in models
    assert "volunteerregistration" in models  # the managers' own list still is


# --- volunteers ---------------------------------------------------------------------------------


def test_the_volunteer_list_masks_mobiles(client, users, world):
    table = table_of(login(client, users, "admin").get(VOLUNTEERS))
    assert world["zhou"].number in table and world["zheng"].number in table
    assert "周晓芳" in table
    assert "138****0001" in table and ZHOU not in table
    assert "已注销" in table  # the erased volunteer


def number_spaced(number):
    return f"v{number[1:4]} {number[4:7]} {number[7:]}"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (lambda w: w["zhou"].number, {"zhou"}),
        (lambda w: number_spaced(w["zhou"].number), {"zhou"}),
        (lambda w: number_spaced(w["zheng"].number), {"zheng"}),  # erased, still found
        (lambda w: "+86 138 0000 0001", {"zhou"}),  # the whole mobile
        (lambda w: "13800000", set()),  # never part of one: the list masks them
        (lambda w: "0001", set()),
        (lambda w: "周晓", {"zhou"}),
        (lambda w: "周晓\x00", {"zhou"}),  # a NUL, which PostgreSQL refuses, is dropped
        (lambda w: "\u200b" + w["zhou"].number, {"zhou"}),
    ],
)
def test_a_superuser_looks_a_volunteer_up(client, users, world, query, expected):
    table = table_of(login(client, users, "admin").get(VOLUNTEERS, {"q": query(world)}))
    assert {key for key in ("zhou", "zheng") if world[key].number in table} == expected


def test_inspect_shows_the_volunteer_and_links_their_rows(client, users, world):
    zhou = world["zhou"]
    html = login(client, users, "admin").get(f"{VOLUNTEERS}inspect/{zhou.pk}/").content.decode()
    assert zhou.number in html and "周晓芳" in html and "138****0001" in html
    assert ZHOU not in html
    # Two registrations, no sign-ups: the station lists, searched by the number.
    assert f"/admin/stations/volunteerregistration/?q={zhou.number}" in html
    assert f"/admin/stations/activitysignup/?q={zhou.number}" in html
    assert "2 条" in html and "0 条" in html


@pytest.mark.parametrize("url", [VOLUNTEERS, CODES])
def test_nothing_is_created_edited_or_deleted(client, users, world, url):
    c = login(client, users, "admin")
    row = world["zhou"] if url == VOLUNTEERS else world["codes"]["203.0.113.1"]
    html = table_of(c.get(url))
    assert "inspect/" in html and f"edit/{row.pk}/" not in html and f"delete/{row.pk}/" not in html
    assert f"{url}create/" not in c.get(url).content.decode()
    assert denied(c.get(f"{url}create/"))
    assert denied(c.post(f"{url}create/", {"number": "V0000000000", "mobile": "13900000000"}))
    assert denied(c.get(f"{url}edit/{row.pk}/"))
    assert denied(c.post(f"{url}edit/{row.pk}/", {"name": "改名"}))
    assert denied(c.get(f"{url}delete/{row.pk}/"))
    assert denied(c.post(f"{url}delete/{row.pk}/"))
    assert row.__class__.objects.filter(pk=row.pk).exists()
    assert Volunteer.objects.get(pk=world["zhou"].pk).name == "周晓芳"


@pytest.mark.parametrize("pk", ["abc", "0", "99999999", "1%2F..%2F"])
def test_inspect_of_a_missing_row_is_a_404(client, users, pk):
    c = login(client, users, "admin")
    assert c.get(f"{VOLUNTEERS}inspect/{pk}/").status_code == 404
    assert c.get(f"{CODES}inspect/{pk}/").status_code == 404


# --- sign-in codes -----------------------------------------------------------------------------


def test_the_code_list_shows_each_outcome_and_never_the_hash(client, users, world):
    html = login(client, users, "admin").get(CODES).content.decode()
    table = table_of(client.get(CODES))
    for ip, outcome in OUTCOMES.items():
        assert ip in table and outcome in table
    assert "138****0001" in table and "138****0009" in table
    assert ZHOU not in html and ZHENG not in html
    assert HASH not in html and SALT not in html
    assert "已尝试次数" in table


def test_code_inspect_shows_the_record_and_never_the_hash(client, users, world):
    c = login(client, users, "admin")
    for ip, outcome in OUTCOMES.items():
        code = world["codes"][ip]
        html = c.get(f"{CODES}inspect/{code.pk}/").content.decode()
        assert ip in html and outcome in html and "138****00" in html
        assert HASH not in html and SALT not in html
        assert code.mobile not in html


@pytest.mark.parametrize(("ip", "key"), list(FILTER_VALUES.items()))
def test_outcomes_agree_with_the_filter(client, users, world, ip, key):
    assert outcome_of(world["codes"][ip]) == OUTCOMES[ip]
    assert ips_in(login(client, users, "admin").get(CODES, {"outcome": key})) == {ip}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"outcome": "bogus"}, set()),
        # Hidden columns cannot be read by filtering on them: undeclared parameters are ignored.
        ({"code_hash__startswith": "c0"}, set(OUTCOMES)),
        ({"salt": SALT}, set(OUTCOMES)),
        ({"mobile__startswith": "1380000000"}, set(OUTCOMES)),
        ({"q": "+86 138-0000-0001"}, {"203.0.113.1", "203.0.113.5"}),
        ({"q": "13800000"}, set()),  # never part of a number
        ({"q": "203.0.113.4"}, {"203.0.113.4"}),
        ({"q": "203.0.113"}, set()),
        ({"q": "203.0.113.4\x00"}, {"203.0.113.4"}),
        ({"q": "\x00"}, set(OUTCOMES)),
        ({"o": "2"}, set(OUTCOMES)),
    ],
)
def test_codes_filter_and_search(client, users, params, expected):
    assert ips_in(login(client, users, "admin").get(CODES, params)) == expected
