"""Station managers' own activities in the admin, beyond the permission matrix
(tests/stations/test_access.py): where the explorer, the admin search, the admin API and the
page chooser let them go, what the activity form offers them, what they may delete and copy,
review by a reviewer, the demo's managers and what `load_demo` prints about them."""

import io
from types import SimpleNamespace
from unittest import mock

import pytest
import wagtail_factories
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse
from wagtail.models import Page, WorkflowState
from wagtail.permissions import policy_registry

from stations.access import ensure_manager_group, ensure_manager_user
from stations.activities.access import ActivityPagePermissionPolicy
from stations.models import ActivityPage
from stories.review import REVIEWERS_GROUP
from tests.admin_forms import add_url, denied, edit_url
from tests.factories.stations import (
    MANAGER_PASSWORD,
    ActivityPageFactory,
    StationPageFactory,
    VolunteerTeamFactory,
    make_activity_site,
)
from tests.queries import captured_queries
from tests.shared_data import shared_fixture
from tests.stations.activities.activity_forms import activity_form

pytestmark = pytest.mark.django_db


@shared_fixture
def world():
    """Stations A and B, each with a team and a live activity; A also has a draft activity
    never published."""
    index, a, _areas = make_activity_site()
    b = StationPageFactory(parent=a.get_parent(), title="猎德街社工站", slug="liede")
    return dict(
        index=index,
        a=a,
        b=b,
        team_a=VolunteerTeamFactory(station=a, name="石牌助老小队"),
        team_b=VolunteerTeamFactory(station=b, name="猎德助学小队"),
        act_a=ActivityPageFactory(parent=index, station=a, title="石牌社区清洁日", slug="sp"),
        act_b=ActivityPageFactory(parent=index, station=b, title="猎德长者探访", slug="ld"),
        draft_a=ActivityPageFactory(
            parent=index, station=a, title="石牌草稿活动", slug="sp-draft", live=False
        ),
    )


def login(client, users, who):
    client.force_login(users[who])
    return client


def fresh(user):
    return get_user_model().objects.get(pk=user.pk)


# --- where a manager may go ------------------------------------------------------------------


def test_the_policy_is_wagtails_for_pages_with_the_managers_activities():
    assert isinstance(policy_registry.get_by_type(Page), ActivityPagePermissionPolicy)
    assert isinstance(policy_registry.get_by_type(ActivityPage), ActivityPagePermissionPolicy)


def test_the_explorer_opens_above_the_station_and_the_activities(client, users, world):
    c = login(client, users, "manager_a")
    home = world["index"].get_parent()
    response = c.get("/admin/pages/")
    assert response.status_code == 302 and response["Location"] == f"/admin/pages/{home.pk}/"
    html = c.get(response["Location"]).content.decode()
    assert f"/admin/pages/{world['index'].pk}/" in html  # the activity list
    assert f"/admin/pages/{world['a'].get_parent().pk}/" in html  # the station directory


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("manager_a", {"石牌社区清洁日", "石牌草稿活动"}),
        ("manager_b", {"猎德长者探访"}),
        ("editor", {"石牌社区清洁日", "石牌草稿活动", "猎德长者探访"}),
    ],
)
def test_the_activity_list_in_the_explorer_and_the_admin_api(client, users, world, who, expected):
    titles = {"石牌社区清洁日", "石牌草稿活动", "猎德长者探访"}
    c = login(client, users, who)
    html = c.get(f"/admin/pages/{world['index'].pk}/").content.decode()
    assert {t for t in titles if t in html} == expected
    # The sidebar's page explorer reads the admin API.
    api = c.get("/admin/api/main/pages/", {"child_of": world["index"].pk, "for_explorer": 1})
    assert {item["title"] for item in api.json()["items"]} == expected
    # And the explorer's own search, across the whole tree.
    found = c.get(
        f"/admin/pages/{world['index'].pk}/", {"q": "石牌", "search_all": 1}
    ).content.decode()
    assert ("石牌社区清洁日" in found) == ("石牌社区清洁日" in expected)
    found = c.get(
        f"/admin/pages/{world['index'].pk}/", {"q": "猎德", "search_all": 1}
    ).content.decode()
    assert ("猎德长者探访" in found) == ("猎德长者探访" in expected)


def test_the_explorable_pages_are_the_station_and_its_activities(users, world):
    policy = policy_registry.get_by_type(Page)
    pages = set(policy.explorable_instances(fresh(users["manager_a"])).values_list("pk", flat=True))
    home = world["index"].get_parent()
    expected = {home, world["a"].get_parent(), world["a"], world["index"]}
    expected |= {world["act_a"], world["draft_a"]}
    assert pages == {page.pk for page in expected}
    changeable = policy.instances_user_has_permission_for(fresh(users["manager_a"]), "change")
    assert set(changeable.values_list("pk", flat=True)) == {
        world["a"].pk,
        world["act_a"].pk,
        world["draft_a"].pk,
    }
    assert not policy.user_has_permission_for_instance(
        fresh(users["manager_a"]), "change", world["act_b"]
    )


def chooser_html(response) -> str:
    assert response.status_code == 200
    if response["Content-Type"].startswith("application/json"):
        return response.json()["html"]
    return response.content.decode()


@pytest.mark.parametrize("who", ["manager_a", "editor"])
def test_the_page_chooser_hides_other_stations_activities_from_managers(client, users, world, who):
    c = login(client, users, who)
    browse = chooser_html(c.get(f"/admin/choose-page/{world['index'].pk}/"))
    search = chooser_html(c.get("/admin/choose-page/search/", {"q": "猎德"}))
    assert "石牌社区清洁日" in browse
    if who == "manager_a":
        assert "猎德长者探访" not in browse and "猎德长者探访" not in search
        assert "猎德街社工站" in search  # the station page itself is public and choosable
    else:
        assert "猎德长者探访" in browse and "猎德长者探访" in search


def test_the_explorer_costs_the_same_number_of_queries_however_many_activities(
    client, users, world
):
    c = login(client, users, "manager_a")
    url = f"/admin/pages/{world['index'].pk}/"
    c.get(url)
    with captured_queries() as short:
        assert c.get(url).status_code == 200
    for n in range(8):
        ActivityPageFactory(parent=world["index"], station=world["a"], slug=f"more-{n}")
        ActivityPageFactory(parent=world["index"], station=world["b"], slug=f"other-{n}")
    with captured_queries() as long:
        assert c.get(url).status_code == 200
    # The rights are read once per request (access.py caches them on the user), not per row.
    assert len(long) == len(short)


# --- the activity form ------------------------------------------------------------------------


def station_options(html: str) -> str:
    start = html.find('name="station"')
    return html[start : html.find("</select>", start)]


def test_a_manager_picks_from_their_own_station_and_its_teams(client, users, world):
    html = login(client, users, "manager_a").get(add_url(ActivityPage, world["index"])).content
    html = html.decode()
    stations = station_options(html)
    assert '<select name="station"' in html  # a list of their stations, not the page chooser
    assert f'value="{world["a"].pk}" selected' in stations and "猎德" not in stations
    teams = html[html.find('name="team"') : html.find("</select>", html.find('name="team"'))]
    assert "石牌助老小队" in teams and "猎德助学小队" not in teams


def test_a_manager_of_two_stations_chooses_between_them(client, users, world):
    ensure_manager_user(station=world["b"], username="manager-a", password=MANAGER_PASSWORD)
    html = login(client, users, "manager_a").get(add_url(ActivityPage, world["index"])).content
    stations = station_options(html.decode())
    assert "石牌" in stations and "猎德街社工站" in stations
    assert 'value="" selected' in stations  # no station chosen for them


def test_a_forged_team_of_another_station_is_refused(client, users, world):
    c = login(client, users, "manager_a")
    data = activity_form(station=world["a"], action="action-submit", team=world["team_b"].pk)
    response = c.post(add_url(ActivityPage, world["index"]), data)
    assert response.status_code == 200
    assert "只能选择你管理的站点的队伍" in response.content.decode()
    assert not ActivityPage.objects.filter(slug="clean-up").exists()


@pytest.mark.parametrize(("whose", "accepted"), [("a", True), ("b", False)])
def test_an_activity_photo_comes_from_the_own_station_files(client, users, world, whose, accepted):
    from stations.access import ensure_station_collection

    ensure_manager_group(world["b"])
    image = wagtail_factories.ImageFactory(
        title="照片", collection=ensure_station_collection(world[whose])
    )
    data = activity_form(
        station=world["a"],
        action="action-submit",
        **{
            "images-TOTAL_FORMS": "1",
            "images-0-image": str(image.pk),
            "images-0-caption": "",
            "images-0-ORDER": "1",
            "images-0-id": "",
        },
    )
    response = login(client, users, "manager_a").post(add_url(ActivityPage, world["index"]), data)
    created = ActivityPage.objects.filter(slug="clean-up").first()
    if accepted:
        assert response.status_code == 302, response.content.decode()[:3000]
        assert [i.image_id for i in created.images.all()] == [image.pk]
    else:
        assert response.status_code == 200
        assert "只能选择本站点资料中的图片" in response.content.decode()
        assert created is None


# --- delete, copy, review ---------------------------------------------------------------------


def test_a_manager_deletes_only_a_draft_never_published(client, users, world):
    c = login(client, users, "manager_a")
    assert denied(c.post(reverse("wagtailadmin_pages:delete", args=(world["act_a"].pk,))))
    response = c.post(reverse("wagtailadmin_pages:delete", args=(world["draft_a"].pk,)))
    assert response.status_code == 302 and not denied(response)
    assert not ActivityPage.objects.filter(pk=world["draft_a"].pk).exists()
    # Once it was online it may have sign-ups: unpublished again, it still stays.
    act_a = ActivityPage.objects.get(pk=world["act_a"].pk)
    act_a.save_revision().publish()
    ActivityPage.objects.get(pk=act_a.pk).unpublish()
    assert denied(c.post(reverse("wagtailadmin_pages:delete", args=(act_a.pk,))))
    assert ActivityPage.objects.filter(pk=act_a.pk).exists()


def test_a_manager_copies_their_activity_as_a_new_draft(client, users, world):
    c = login(client, users, "manager_a")
    response = c.post(
        reverse("wagtailadmin_pages:copy", args=(world["act_a"].pk,)),
        {
            "new_title": "石牌社区清洁日（第二期）",
            "new_slug": "sp-2",
            "new_parent_page": world["index"].pk,
        },
    )
    assert response.status_code == 302
    copy = ActivityPage.objects.get(slug="sp-2")
    assert copy.station_id == world["a"].pk and not copy.live  # publishing needs review
    assert copy.owner_id == users["manager_a"].pk
    # Another station's activity cannot be copied, nor copied under their station.
    assert denied(c.get(reverse("wagtailadmin_pages:copy", args=(world["act_b"].pk,))))


def test_a_reviewer_approves_what_a_manager_submits(client, users, world, django_user_model):
    from django.test import Client

    c = login(client, users, "manager_a")
    data = activity_form(station=world["a"], action="action-submit")
    assert c.post(add_url(ActivityPage, world["index"]), data).status_code == 302
    activity = ActivityPage.objects.get(slug="clean-up")
    reviewer = django_user_model.objects.create_user("checker", password=MANAGER_PASSWORD)
    reviewer.groups.add(Group.objects.get(name=REVIEWERS_GROUP))
    checker = Client()
    checker.force_login(reviewer)
    assert "社区清洁日" in checker.get(reverse("wagtailadmin_home")).content.decode()
    state = WorkflowState.objects.active().get(object_id=str(activity.pk))
    url = reverse(
        "wagtailadmin_pages:workflow_action",
        args=(activity.pk, "approve", state.current_task_state.pk),
    )
    assert checker.post(url, {"comment": ""}).status_code == 302
    activity.refresh_from_db()
    assert activity.live and activity.station_id == world["a"].pk
    # The manager keeps editing it; their changes wait for review again.
    assert c.get(edit_url(activity)).status_code == 200


def test_bulk_actions_work_for_an_editor_and_not_across_stations(client, users, world):
    # The same request the matrix test makes as a manager does unpublish for an editor.
    act_b = world["act_b"]
    url = f"/admin/bulk/wagtailcore/page/unpublish/?id={act_b.pk}&next=/admin/"
    login(client, users, "manager_a").post(url)
    assert ActivityPage.objects.get(pk=act_b.pk).live
    login(client, users, "editor").post(url)
    assert not ActivityPage.objects.get(pk=act_b.pk).live


# --- the demo's managers ----------------------------------------------------------------------


def test_the_demos_managers_may_add_and_edit_their_activities(world):
    from stations.demo.loader import ensure_managers

    report = SimpleNamespace(record=lambda created, label: None)
    names = ensure_managers([world["a"], world["b"]], password=MANAGER_PASSWORD, report=report)
    assert names == [f"manager-{world['a'].slug}", "manager-liede"]
    manager = get_user_model().objects.get(username=names[0])
    assert world["index"].permissions_for_user(manager).can_add_subpage()
    assert world["act_a"].permissions_for_user(fresh(manager)).can_edit()
    assert not world["act_b"].permissions_for_user(fresh(manager)).can_edit()


def test_load_demo_prints_every_managers_user_name(settings):
    names = [f"manager-station-{n}" for n in range(47)]
    report = SimpleNamespace(created=[], existing=[], manager_usernames=names, staff_usernames=[])
    out = io.StringIO()
    with (
        mock.patch("home.management.commands.load_demo.load_demo", return_value=report),
        mock.patch("stations.demo.service.certificate_note", return_value=""),
        mock.patch("stations.demo.volunteers.sign_in_note", return_value=""),
    ):
        call_command("load_demo", "--manager-password", "Station-demo-2026", stdout=out)
    output = out.getvalue()
    assert "Station managers: 47 accounts" in output
    for name in names:
        assert name in output
    listed = [line for line in output.splitlines() if "manager-station-" in line]
    assert all(len(line) <= 100 for line in listed)
