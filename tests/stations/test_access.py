"""Who sees which registrations, who edits which station and which activities: the permission
matrix.

Station A's manager, station B's manager, an editor with page permissions on the whole tree, a
user allowed to see all registrations, a superuser and an anonymous visitor, through the
registrations admin (list, search, filters, inspect, export), Wagtail's own form submissions
views and the page editor, and the activities' add, edit, submit, delete, move, copy and publish.
"""

import csv
import io

import pytest
import wagtail_factories
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.urls import reverse
from wagtail.images import get_image_model
from wagtail.models import Collection, GroupPagePermission, ModelLogEntry, Page, WorkflowState
from wagtail.permissions import policy_registry

from stations.access import (
    MODEL_PERMISSIONS,
    ensure_manager_group,
    ensure_manager_user,
    managed_stations,
)
from stations.models import ActivityPage, StationPage, VolunteerRegistration
from stations.volunteers.admin import registrations_visible_to
from tests.admin_forms import add_url, denied, edit_url
from tests.factories.stations import (
    MANAGER_PASSWORD,
    ActivityIndexPageFactory,
    ActivityPageFactory,
    StationPageFactory,
    VolunteerRegistrationFactory,
    VolunteerTeamFactory,
    make_registration_form,
    make_station_index,
)
from tests.queries import captured_queries
from tests.shared_data import shared_fixture
from tests.stations.activities.activity_forms import activity_form

pytestmark = pytest.mark.django_db

LIST_URL = "/admin/stations/volunteerregistration/"
PASSWORD = MANAGER_PASSWORD


def inspect_url(registration):
    return f"{LIST_URL}inspect/{registration.pk}/"


@pytest.fixture(autouse=True)
def clear_cache():
    cache.clear()


@shared_fixture
def world(site_tree):
    """Two stations, each with a team and registrations, and one registration form."""
    home_page, _policies = site_tree
    index = make_station_index(home_page)
    form_page = make_registration_form(home_page)
    a = StationPageFactory(parent=index, title="石牌街学雷锋志愿服务站", slug="shipai")
    b = StationPageFactory(parent=index, title="猎德街社工站", slug="liede")
    team_a = VolunteerTeamFactory(station=a, name="石牌助老小队")
    team_b = VolunteerTeamFactory(station=b, name="猎德助学小队")
    activities = ActivityIndexPageFactory(parent=home_page)
    act_a = ActivityPageFactory(
        parent=activities, station=a, title="石牌社区清洁日", slug="shipai-clean"
    )
    act_b = ActivityPageFactory(
        parent=activities, station=b, title="猎德长者探访", slug="liede-visit"
    )
    labels = {f.label: f.clean_name for f in form_page.form_fields.all()}

    def answers(**by_label):
        return {labels[label]: value for label, value in by_label.items()}

    a1 = VolunteerRegistrationFactory(
        page=form_page,
        station=a,
        team=team_a,
        name="李石牌",
        mobile="13900000001",
        sensitive_consent=True,
        form_data=answers(政治面貌="群众", 健康状况="身体健康", 可服务时间=["周末", "工作日晚上"]),
    )
    a2 = VolunteerRegistrationFactory(
        page=form_page,
        station=a,
        name="张石牌",
        mobile="13900000002",
        form_data=answers(政治面貌="共青团员", 专业技能='=HYPERLINK("http://x")'),
    )
    b1 = VolunteerRegistrationFactory(
        page=form_page,
        station=b,
        team=team_b,
        name="王猎德",
        mobile="13700000001",
        sensitive_consent=True,
        form_data=answers(政治面貌="中共党员", 健康状况="有慢性病，可参加轻体力服务"),
    )
    return dict(
        index=index, form_page=form_page, a=a, b=b, team_a=team_a, team_b=team_b,
        a1=a1, a2=a2, b1=b1, activities=activities, act_a=act_a, act_b=act_b,
    )  # fmt: skip


def client_for(client, users, who):
    if who != "anonymous":
        client.force_login(users[who])
    return client


def names_in(response):
    """The registrations listed in the results table (not, say, echoed in the search box)."""
    html = response.content.decode()
    table = html[html.find("<table") : html.rfind("</table>")] if "<table" in html else ""
    return {name for name in ("李石牌", "张石牌", "王猎德") if name in table}


def csv_rows(response):
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")  # Excel reads the file as UTF-8
    return list(csv.DictReader(io.StringIO(body.lstrip("\ufeff"))))


# --- the rule itself -------------------------------------------------------------------------

EXPECTED = {
    "manager_a": {"李石牌", "张石牌"},
    "manager_b": {"王猎德"},
    "editor": set(),
    "viewer": {"李石牌", "张石牌", "王猎德"},
    "admin": {"李石牌", "张石牌", "王猎德"},
}


@pytest.mark.parametrize("who", EXPECTED)
def test_registrations_visible_to(users, who):
    visible = set(registrations_visible_to(users[who]).values_list("name", flat=True))
    assert visible == EXPECTED[who]


def test_anonymous_sees_no_registrations(world):
    from django.contrib.auth.models import AnonymousUser

    assert not registrations_visible_to(AnonymousUser()).exists()
    assert not registrations_visible_to(None).exists()


def test_only_page_permissions_on_the_station_itself_make_a_manager(world, users):
    assert list(managed_stations(users["manager_a"])) == [world["a"]]
    assert list(managed_stations(users["manager_b"])) == [world["b"]]
    assert not managed_stations(users["editor"]).exists()
    assert not managed_stations(users["admin"]).exists()


def test_a_draft_station_is_still_managed(world, users):
    world["a"].unpublish()
    assert list(managed_stations(users["manager_a"])) == [StationPage.objects.get(pk=world["a"].pk)]


def test_an_inactive_manager_sees_nothing(users):
    manager = users["manager_a"]
    manager.is_active = False
    manager.save()
    assert not registrations_visible_to(manager).exists()


# --- the manager group -----------------------------------------------------------------------


def test_the_manager_group_is_idempotent_and_follows_renames(world):
    group = ensure_manager_group(world["a"])
    assert group.name == f"站点管理员：石牌街学雷锋志愿服务站（#{world['a'].pk}）"
    counts = (
        group.permissions.count(),
        group.page_permissions.count(),
        group.collection_permissions.count(),
    )
    # Admin access, view registrations, view and change (attendance) activity sign-ups; add,
    # change and choose images and documents in the station's collection.
    assert counts == (len(MODEL_PERMISSIONS), 2, 6) == (20, 2, 6)
    assert {p.permission.codename for p in group.page_permissions.all()} == {
        "change_page",
        "publish_page",
    }
    assert {p.page_id for p in group.page_permissions.all()} == {world["a"].pk}

    world["a"].title = "石牌街志愿服务站"
    world["a"].save()
    again = ensure_manager_group(world["a"])
    assert again.pk == group.pk
    assert again.name == f"站点管理员：石牌街志愿服务站（#{world['a'].pk}）"
    assert (
        again.permissions.count(),
        again.page_permissions.count(),
        again.collection_permissions.count(),
    ) == counts
    assert Group.objects.filter(name__startswith="站点管理员：").count() == 1


def test_each_station_has_its_own_collection_under_station_files(world, users):
    ensure_manager_group(world["b"])
    parent = Collection.objects.get(name="站点资料")
    children = {c.name for c in parent.get_children()}
    assert children == {
        f"石牌街学雷锋志愿服务站（#{world['a'].pk}）",
        f"猎德街社工站（#{world['b'].pk}）",
    }
    collection_a = parent.get_children().get(name__endswith=f"（#{world['a'].pk}）")
    collection_b = parent.get_children().get(name__endswith=f"（#{world['b'].pk}）")
    image_a = wagtail_factories.ImageFactory(title="石牌站牌照片", collection=collection_a)
    image_b = wagtail_factories.ImageFactory(title="猎德站牌照片", collection=collection_b)
    image_policy = policy_registry.get_by_type(get_image_model())
    for who, own, other in (("manager_a", image_a, image_b), ("manager_b", image_b, image_a)):
        choosable = image_policy.instances_user_has_any_permission_for(users[who], ["choose"])
        assert own in choosable and other not in choosable
        assert image_policy.user_has_permission(users[who], "add")
    assert get_image_model().objects.count() == 2


def test_ensure_manager_user_creates_once_and_keeps_the_password(world, django_user_model):
    assert ensure_manager_user(station=world["a"], username="m", password="first-pw-123") is True
    assert ensure_manager_user(station=world["a"], username="m", password="other-pw-456") is False
    user = django_user_model.objects.get(username="m")
    assert user.check_password("first-pw-123")
    assert user.groups.count() == 1
    assert ensure_manager_user(station=world["b"], username="nopw") is True
    assert not django_user_model.objects.get(username="nopw").has_usable_password()


# --- the registrations admin: list, search, filters --------------------------------------------


@pytest.mark.parametrize("who", EXPECTED)
def test_the_list_shows_only_visible_registrations(client, users, who):
    response = client_for(client, users, who).get(LIST_URL)
    if EXPECTED[who]:
        assert response.status_code == 200
        assert names_in(response) == EXPECTED[who]
    else:
        # No registration permission at all: no list.
        assert denied(response)


def test_anonymous_is_sent_to_log_in(client, world):
    response = client.get(LIST_URL)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    response = client.get(inspect_url(world["a1"]))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_the_list_shows_the_full_mobile_team_and_consent(client, users):
    response = client_for(client, users, "manager_a").get(LIST_URL)
    html = response.content.decode()
    assert "13900000001" in html and "石牌助老小队" in html
    assert "13700000001" not in html


@pytest.mark.parametrize(
    ("who", "query", "expected"),
    [
        ("manager_a", "李", {"李石牌"}),
        ("manager_a", "王猎德", set()),
        ("manager_a", "13700000001", set()),
        ("manager_a", "+86 139 0000 0001", {"李石牌"}),
        ("manager_a", "猎德", set()),
        ("manager_b", "石牌", set()),
        ("admin", "13700000001", {"王猎德"}),
        ("admin", "猎德街", {"王猎德"}),
    ],
)
def test_search_stays_within_visible_registrations(client, users, who, query, expected):
    response = client_for(client, users, who).get(LIST_URL, {"q": query})
    assert response.status_code == 200
    assert names_in(response) == expected


@pytest.mark.parametrize(
    ("who", "params", "expected"),
    [
        ("manager_a", {"station": "B"}, set()),
        ("manager_a", {"team": "team_b"}, set()),
        ("manager_a", {"team": "team_a"}, {"李石牌"}),
        ("manager_a", {"sensitive_consent__exact": "1"}, {"李石牌"}),
        ("manager_a", {"station": "abc"}, set()),
        ("admin", {"station": "B"}, {"王猎德"}),
        ("admin", {"team": "team_a"}, {"李石牌"}),
        ("admin", {"sensitive_consent__exact": "0"}, {"张石牌"}),
        # Anything but a declared filter is ignored, never passed to .filter().
        ("manager_a", {"station__title": "猎德街社工站"}, {"李石牌", "张石牌"}),
        ("manager_a", {"page__owner__password__startswith": "x"}, {"李石牌", "张石牌"}),
        ("manager_a", {"submit_time__gte": "2000-01-01T00:00:00+08:00"}, {"李石牌", "张石牌"}),
    ],
)
def test_filters_stay_within_visible_registrations(client, users, world, who, params, expected):
    ids = {"B": str(world["b"].pk), "team_a": str(world["team_a"].pk)}
    ids["team_b"] = str(world["team_b"].pk)
    params = {key: ids.get(value, value) for key, value in params.items()}
    response = client_for(client, users, who).get(LIST_URL, params)
    assert response.status_code == 200
    assert names_in(response) == expected


def test_the_station_filter_lists_only_stations_the_user_can_see(client, users, world):
    response = client_for(client, users, "admin").get(LIST_URL)
    html = response.content.decode()
    assert f"station={world['a'].pk}" in html and f"station={world['b'].pk}" in html
    client.force_login(users["manager_a"])
    html = client.get(LIST_URL).content.decode()
    assert f"station={world['b'].pk}" not in html
    assert f"team={world['team_b'].pk}" not in html
    assert f"team={world['team_a'].pk}" in html


def test_a_malformed_filter_value_is_a_message_not_an_error(client, users):
    response = client_for(client, users, "manager_a").get(
        LIST_URL, {"submit_time__gte": "not-a-date"}
    )
    assert response.status_code == 302 and response["Location"] == LIST_URL


# --- inspect ---------------------------------------------------------------------------------


@pytest.mark.parametrize("who", EXPECTED)
def test_inspect_is_a_404_outside_the_users_stations(client, users, world, who):
    c = client_for(client, users, who)
    for key in ("a1", "b1"):
        response = c.get(inspect_url(world[key]))
        name = world[key].name
        if name in EXPECTED[who]:
            assert response.status_code == 200
            assert name in response.content.decode()
        else:
            assert response.status_code == 404
            assert name not in response.content.decode()


def test_inspect_shows_every_answer_by_its_label(client, users, world):
    response = client_for(client, users, "manager_a").get(inspect_url(world["a1"]))
    html = response.content.decode()
    for text in ("政治面貌", "群众", "健康状况", "身体健康", "可服务时间", "周末、工作日晚上"):
        assert text in html
    assert "13900000001" in html and "石牌助老小队" in html


def test_inspect_withholds_sensitive_answers_without_consent(client, users, world):
    registration = world["a2"]
    labels = {f.label: f.clean_name for f in world["form_page"].form_fields.all()}
    # Even if something slipped into the stored data, it is not shown without consent.
    registration.form_data[labels["健康状况"]] = "不该出现"
    registration.save()
    html = client_for(client, users, "manager_a").get(inspect_url(registration)).content.decode()
    assert "不该出现" not in html and "未单独同意，未收集" in html


@pytest.mark.parametrize("pk", ["abc", "999999", "9" * 30])
def test_inspect_of_a_missing_registration_is_a_404(client, users, pk):
    response = client_for(client, users, "admin").get(f"{LIST_URL}inspect/{pk}/")
    assert response.status_code == 404


# --- export ----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["manager_a", "manager_b", "viewer", "admin"])
def test_the_csv_export_holds_only_visible_rows(client, users, who):
    response = client_for(client, users, who).get(LIST_URL, {"export": "csv"})
    assert response.status_code == 200
    rows = csv_rows(response)
    assert {row["姓名"] for row in rows} == EXPECTED[who]


def test_the_csv_export_has_a_column_per_answer(client, users, world):
    response = client_for(client, users, "manager_a").get(LIST_URL, {"export": "csv"})
    rows = {row["姓名"]: row for row in csv_rows(response)}
    columns = list(next(iter(rows.values())))
    assert columns[:6] == [
        "站点",
        "加入的队伍",
        "提交时间",
        "姓名",
        "手机号码",
        "已单独同意处理敏感信息",
    ]
    assert {"年龄", "政治面貌", "可服务时间", "健康状况", "专业技能"} <= set(columns)
    li = rows["李石牌"]
    assert li["站点"] == "石牌街学雷锋志愿服务站" and li["加入的队伍"] == "石牌助老小队"
    assert li["手机号码"] == "13900000001" and li["健康状况"] == "身体健康"
    assert li["可服务时间"] == "周末、工作日晚上"
    # A resident's text that a spreadsheet would run as a formula is made inert.
    assert rows["张石牌"]["专业技能"].startswith("'=")


def test_a_filtered_export_keeps_the_filter_and_the_scope(client, users, world):
    response = client_for(client, users, "manager_a").get(
        LIST_URL, {"export": "csv", "station": world["b"].pk}
    )
    assert csv_rows(response) == []


def test_the_xlsx_export_works_for_a_manager(client, users):
    response = client_for(client, users, "manager_a").get(LIST_URL, {"export": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


@pytest.mark.parametrize("who", ["editor", "anonymous"])
def test_no_export_without_permission(client, users, who):
    response = client_for(client, users, who).get(LIST_URL, {"export": "csv"})
    assert response.status_code == 302
    assert denied(response) or "/admin/login/" in response["Location"]


# --- no create or edit; delete only with the permission, only visible rows ----------------------


def test_registrations_cannot_be_created_or_edited_in_the_admin(client, users, world):
    c = client_for(client, users, "admin")
    assert denied(c.get(f"{LIST_URL}create/"))
    assert denied(c.get(f"{LIST_URL}edit/{world['a1'].pk}/"))
    assert "inspect/" in c.get(LIST_URL).content.decode()
    assert f"edit/{world['a1'].pk}/" not in c.get(LIST_URL).content.decode()


def test_deleting_needs_the_permission_and_a_visible_row(client, users, world):
    manager = users["manager_a"]
    c = client_for(client, users, "manager_a")
    assert denied(c.post(f"{LIST_URL}delete/{world['a2'].pk}/"))
    group = manager.groups.get()
    group.permissions.add(Permission.objects.get(codename="delete_volunteerregistration"))
    assert c.post(f"{LIST_URL}delete/{world['b1'].pk}/").status_code == 404
    assert c.post(f"{LIST_URL}delete/{world['a2'].pk}/").status_code == 302
    assert set(VolunteerRegistration.objects.values_list("name", flat=True)) == {"李石牌", "王猎德"}
    # The audit log, which other stations' managers can read, keeps no name.
    entry = ModelLogEntry.objects.get(object_id=str(world["a2"].pk), action="wagtail.delete")
    assert "张石牌" not in entry.label and "石牌街学雷锋志愿服务站" in entry.label


def test_the_list_costs_the_same_number_of_queries_however_long(client, users, world):
    c = client_for(client, users, "manager_a")
    c.get(LIST_URL)  # warm caches (content types, permissions)
    with captured_queries() as short:
        assert c.get(LIST_URL).status_code == 200
    for _ in range(10):
        VolunteerRegistrationFactory(
            page=world["form_page"], station=world["a"], team=world["team_a"]
        )
    with captured_queries() as long:
        assert c.get(LIST_URL).status_code == 200
    assert len(long) == len(short)


# --- Wagtail's own form submissions views -----------------------------------------------------


@pytest.mark.parametrize("who", ["manager_a", "editor", "admin"])
def test_the_forms_index_does_not_list_registration_forms(client, users, world, who):
    response = client_for(client, users, who).get("/admin/forms/")
    assert f"/admin/forms/submissions/{world['form_page'].pk}/" not in response.content.decode()


@pytest.mark.parametrize("who", ["manager_a", "manager_b", "editor", "admin"])
def test_the_page_submissions_list_sends_everyone_to_the_scoped_list(client, users, world, who):
    c = client_for(client, users, who)
    url = f"/admin/forms/submissions/{world['form_page'].pk}/"
    for params in ({}, {"export": "csv"}, {"export": "xlsx"}):
        response = c.get(url, params)
        assert response.status_code == 302 and response["Location"] == LIST_URL
    followed = c.get(url, follow=True)
    assert names_in(followed) == EXPECTED[who]


def test_the_page_submissions_delete_is_closed(client, users, world):
    c = client_for(client, users, "editor")
    url = f"/admin/forms/submissions/{world['form_page'].pk}/delete/"
    assert denied(c.post(f"{url}?selected-submissions={world['b1'].pk}"))
    assert VolunteerRegistration.objects.filter(pk=world["b1"].pk).exists()
    assert denied(c.get(f"{url}?selected-submissions={world['b1'].pk}"))


# --- editing station pages --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "can_edit_a", "can_edit_b"),
    [
        ("manager_a", True, False),
        ("manager_b", False, True),
        ("editor", True, True),
        ("viewer", False, False),
        ("admin", True, True),
    ],
)
def test_who_edits_which_station_page(client, users, world, who, can_edit_a, can_edit_b):
    c = client_for(client, users, who)
    for station, allowed in ((world["a"], can_edit_a), (world["b"], can_edit_b)):
        response = c.get(f"/admin/pages/{station.pk}/edit/")
        if allowed:
            assert response.status_code == 200, station.title
            assert station.title in response.content.decode()
        else:
            assert denied(response), station.title


def test_a_manager_cannot_save_another_stations_page(client, users, world):
    c = client_for(client, users, "manager_a")
    response = c.post(
        f"/admin/pages/{world['b'].pk}/edit/", {"title": "被改掉了", "action-publish": "1"}
    )
    assert denied(response)
    assert StationPage.objects.get(pk=world["b"].pk).title == "猎德街社工站"
    assert not world["b"].revisions.filter(content__title="被改掉了").exists()


def test_a_manager_may_publish_their_own_station(users, world):
    perms = world["a"].permissions_for_user(users["manager_a"])
    assert perms.can_edit() and perms.can_publish()
    assert not perms.can_add_subpage()
    other = world["b"].permissions_for_user(users["manager_a"])
    assert not other.can_edit() and not other.can_publish()
    # Their rights sit on the station page itself, nowhere above it.
    assert set(
        GroupPagePermission.objects.filter(group__user=users["manager_a"]).values_list(
            "page_id", flat=True
        )
    ) == {world["a"].pk}


def test_a_manager_cannot_delete_their_station_and_its_registrations(client, users, world):
    c = client_for(client, users, "manager_a")
    url = f"/admin/pages/{world['a'].pk}/delete/"
    for response in (c.get(url), c.post(url)):
        assert response.status_code == 302
        assert response["Location"] == f"/admin/pages/{world['a'].pk}/edit/"
    assert StationPage.objects.filter(pk=world["a"].pk).exists()
    assert VolunteerRegistration.objects.filter(station=world["a"]).count() == 2

    bulk = (
        "/admin/bulk/wagtailcore/page/delete/"
        f"?id={world['a'].pk}&next=/admin/pages/{world['index'].pk}/"
    )
    c.post(bulk)
    assert StationPage.objects.filter(pk=world["a"].pk).exists()


def test_an_editor_above_the_stations_may_still_delete_one(client, users, world):
    c = client_for(client, users, "editor")
    response = c.get(f"/admin/pages/{world['b'].pk}/delete/")
    assert response.status_code == 200


def test_groups_made_before_activities_get_the_signups_admin_by_migration(world):
    import importlib

    from django.apps import apps

    group = ensure_manager_group(world["a"])
    group.permissions.remove(*group.permissions.filter(codename__endswith="activitysignup"))
    migration = importlib.import_module("stations.migrations.0005_managers_see_signups")
    migration.grant(apps, None)
    migration.grant(apps, None)  # twice changes nothing
    granted = set(group.permissions.values_list("codename", flat=True))
    assert {"view_activitysignup", "change_activitysignup"} <= granted
    assert group.permissions.count() == len(MODEL_PERMISSIONS)


# --- activities: a manager adds, edits and submits their own station's, nobody else's ---------
# Activities hang under the one activity index with a station foreign key; the rights follow
# from the station page (stations/activities/access.py). Approval by a reviewer publishes.

ALL_RIGHTS = {"edit", "delete", "move", "copy", "publish", "unpublish"}
EXPECTED_ACTIVITY_RIGHTS = {
    # who: (rights on station A's live activity, on station B's)
    "manager_a": ({"edit", "copy"}, set()),
    "manager_b": (set(), {"edit", "copy"}),
    "editor": (ALL_RIGHTS, ALL_RIGHTS),
    "viewer": (set(), set()),
    "admin": (ALL_RIGHTS, ALL_RIGHTS),
}


def fresh(user):
    # Rights are cached on the user object for one request, as the admin sees them.
    return type(user).objects.get(pk=user.pk)


def rights_of(user, page) -> set[str]:
    # A plain Page, as the explorer's rows are: the activity's own tester must still decide.
    perms = Page.objects.get(pk=page.pk).permissions_for_user(fresh(user))
    checks = {
        "edit": perms.can_edit,
        "delete": perms.can_delete,
        "move": perms.can_move,
        "copy": perms.can_copy,
        "publish": perms.can_publish,
        "unpublish": perms.can_unpublish,
    }
    return {name for name, check in checks.items() if check()}


@pytest.mark.parametrize("who", EXPECTED_ACTIVITY_RIGHTS)
def test_who_may_do_what_with_which_activity(users, world, who):
    own, other = EXPECTED_ACTIVITY_RIGHTS[who]
    assert rights_of(users[who], world["act_a"]) == own
    assert rights_of(users[who], world["act_b"]) == other


@pytest.mark.parametrize(
    ("who", "may_add"),
    [
        ("manager_a", True),
        ("manager_b", True),
        ("editor", True),
        ("viewer", False),
        ("admin", True),
    ],
)
def test_who_may_add_activities(client, users, world, who, may_add):
    perms = world["activities"].permissions_for_user(fresh(users[who]))
    assert perms.can_add_subpage() is may_add
    # Adding never lets a manager publish directly, edit the list page or delete it.
    if who.startswith("manager"):
        assert not perms.can_publish_subpage()
        assert not perms.can_edit() and not perms.can_delete()
    response = client_for(client, users, who).get(add_url(ActivityPage, world["activities"]))
    if may_add:
        assert response.status_code == 200
    else:
        assert denied(response)


ACTIVITY_VIEWS = (
    "edit",
    "delete",
    "move",
    "copy",
    "unpublish",
    "history",
    "usage",
    "workflow_history",
)


@pytest.mark.parametrize("view", ACTIVITY_VIEWS)
def test_another_stations_activity_is_out_of_reach_in_every_page_view(client, users, world, view):
    c = client_for(client, users, "manager_a")
    response = c.get(reverse(f"wagtailadmin_pages:{view}", args=(world["act_b"].pk,)))
    assert denied(response), view
    assert "猎德长者探访" not in response.content.decode()


@pytest.mark.parametrize(
    ("view", "allowed"),
    [
        ("edit", True),
        ("copy", True),
        ("history", True),
        ("usage", True),
        ("workflow_history", True),
        ("delete", False),  # it is live: deleting would delete its sign-ups
        ("move", False),
        ("unpublish", False),  # only reviewers' approval and editors decide what is online
    ],
)
def test_the_own_stations_activity_in_the_page_views(client, users, world, view, allowed):
    c = client_for(client, users, "manager_a")
    response = c.get(reverse(f"wagtailadmin_pages:{view}", args=(world["act_a"].pk,)))
    if allowed:
        assert response.status_code == 200, view
    else:
        assert denied(response), view


def test_the_anonymous_visitor_is_sent_to_log_in_for_activities(client, world):
    for url in (add_url(ActivityPage, world["activities"]), edit_url(world["act_a"])):
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_a_manager_adds_an_activity_for_their_station_and_submits_it(client, users, world):
    c = client_for(client, users, "manager_a")
    data = activity_form(station=world["a"], action="action-submit")
    response = c.post(add_url(ActivityPage, world["activities"]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    activity = ActivityPage.objects.get(slug="clean-up")
    assert activity.station_id == world["a"].pk and activity.owner == users["manager_a"]
    # In review, not online: a reviewer's approval publishes it.
    assert not activity.live
    state = WorkflowState.objects.active().get(object_id=str(activity.pk))
    assert state.requested_by == users["manager_a"]
    assert state.current_task_state.task.name == "审核员审核"


def test_a_managers_publish_saves_a_draft_only(client, users, world):
    c = client_for(client, users, "manager_a")
    response = c.post(
        add_url(ActivityPage, world["activities"]),
        activity_form(station=world["a"], action="action-publish"),
    )
    assert response.status_code == 302
    assert not ActivityPage.objects.get(slug="clean-up").live
    # Nor through the edit view of a live activity: the live title stays.
    edit = activity_form(
        station=world["a"], action="action-publish", title="改了标题", slug="shipai-clean"
    )
    assert c.post(edit_url(world["act_a"]), edit).status_code == 302
    live = ActivityPage.objects.get(pk=world["act_a"].pk)
    assert live.title == "石牌社区清洁日"
    assert live.get_latest_revision().content["title"] == "改了标题"


@pytest.mark.parametrize("view", ["add", "edit"])
def test_a_manager_cannot_set_another_station(client, users, world, view):
    c = client_for(client, users, "manager_a")
    if view == "add":
        url = add_url(ActivityPage, world["activities"])
        data = activity_form(station=world["b"], action="action-submit")
    else:
        url = edit_url(world["act_a"])
        data = activity_form(station=world["b"], action="action-submit", slug="shipai-clean")
    response = c.post(url, data)
    assert response.status_code == 200
    assert "只能选择你管理的站点" in response.content.decode()
    assert not ActivityPage.objects.filter(slug="clean-up").exists()
    assert not ActivityPage.objects.filter(station=world["b"]).exclude(pk=world["act_b"].pk)
    act_a = ActivityPage.objects.get(pk=world["act_a"].pk)
    assert act_a.station_id == world["a"].pk
    assert act_a.get_latest_revision() is None or (
        act_a.get_latest_revision().content["station"] == world["a"].pk
    )


def test_a_manager_cannot_save_another_stations_activity(client, users, world):
    c = client_for(client, users, "manager_a")
    for action in ("action-submit", "action-publish", ""):
        data = activity_form(station=world["a"], action=action, title="被改掉了", slug="x")
        assert denied(c.post(edit_url(world["act_b"]), data))
    act_b = ActivityPage.objects.get(pk=world["act_b"].pk)
    assert act_b.title == "猎德长者探访" and act_b.station_id == world["b"].pk
    assert not act_b.revisions.filter(content__title="被改掉了").exists()
    assert not act_b.workflow_in_progress


def test_the_editor_still_chooses_any_station(client, users, world):
    c = client_for(client, users, "editor")
    html = c.get(add_url(ActivityPage, world["activities"])).content.decode()
    assert "只能选择你管理的站点" not in html
    response = c.post(
        add_url(ActivityPage, world["activities"]),
        activity_form(station=world["b"], action="action-publish"),
    )
    assert response.status_code == 302
    activity = ActivityPage.objects.get(slug="clean-up")
    assert activity.station_id == world["b"].pk and activity.live


@pytest.mark.parametrize("action", ["delete", "publish", "unpublish", "move"])
def test_bulk_actions_leave_another_stations_activity_alone(client, users, world, action):
    c = client_for(client, users, "manager_a")
    act_b = world["act_b"]
    url = (
        f"/admin/bulk/wagtailcore/page/{action}/"
        f"?id={act_b.pk}&next=/admin/pages/{world['activities'].pk}/"
    )
    c.post(url, {"move_applicable": "on", "chooser": world["activities"].pk})
    after = ActivityPage.objects.get(pk=act_b.pk)
    assert after.live and after.title == "猎德长者探访"
    assert after.get_parent().pk == world["activities"].pk
