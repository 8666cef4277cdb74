"""Editors create, check and publish stations through the Wagtail admin's own views."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.test.utils.form_data import inline_formset, rich_text

from stations import standard
from stations.models import StationIndexPage, StationPage, StationType, TeamLevel, VolunteerTeam
from tests.admin_forms import add_url, publish
from tests.factories.stations import StationPageFactory, make_areas, make_station_index
from tests.shared_data import shared_fixture

pytestmark = pytest.mark.django_db


@shared_fixture
def areas():
    return make_areas()


@shared_fixture
def station_index(site_tree):
    home_page, _policies = site_tree
    return make_station_index(home_page)


def seven_checks(**overrides):
    """Form rows for all seven items, holding, checked today, with a note as evidence."""
    today = timezone.localdate().isoformat()
    rows = []
    for item in standard.ITEMS:
        row = {
            "item": item.value,
            "holds": "on",
            "checked_on": today,
            "evidence_note": "见台账",
            "evidence_image": "",
            "evidence_document": "",
        }
        row.update(overrides.get(item.value, {}))
        rows.append({key: value for key, value in row.items() if value is not None})
    return rows


def station_fields(areas, **overrides):
    fields = {
        "title": "石牌街学雷锋志愿服务站",
        "slug": "shipai",
        "station_type": StationType.objects.get(name="学雷锋志愿服务站").pk,
        "street": areas["shipai"].pk,
        "community": areas["longkou"].pk,
        "address": "广州市天河区石牌街龙口西路1号",
        "latitude": "23.1345",
        "longitude": "113.3420",
        "opening_hours": "周一至周五 9:00–17:30",
        "phone": "020-12345678",
        "summary": "便民志愿服务",
        "service_content": rich_text("<ul><li>义剪</li></ul>"),
        "standard_checks": inline_formset(seven_checks()),
        "teams": inline_formset([{"name": "石牌街学雷锋志愿服务队", "level": TeamLevel.SQUAD}]),
        "photos": inline_formset([]),
    }
    fields.update(overrides)
    return fields


def publish_station(client, station_index, areas, **overrides):
    """Publish a new station through the admin, valid fields unless overridden."""
    return publish(client, StationPage, station_index, **station_fields(areas, **overrides))


def assert_refused(response, message):
    """The form came back with the message and nothing was saved."""
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not StationPage.objects.exists()


def test_editor_creates_and_publishes_a_station_index(editor_client, home_page):
    response = publish(
        editor_client,
        StationIndexPage,
        home_page,
        title="志愿服务站点",
        slug="stations",
        intro=rich_text("<p>找到离您最近的站点。</p>"),
        registration_page="",
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert StationIndexPage.objects.get(slug="stations").live


def test_editor_creates_and_publishes_a_station_that_meets_the_standard(
    editor_client, station_index, areas
):
    response = publish(editor_client, StationPage, station_index, **station_fields(areas))
    assert response.status_code == 302, response.content.decode()[:3000]
    station = StationPage.objects.get(slug="shipai")
    assert station.live
    assert station.district == areas["tianhe"]
    assert station.standard_checks.count() == 7
    assert station.meets_standard
    assert station.standard_valid_until == standard.check_expires(timezone.localdate())
    assert [team.name for team in station.teams.all()] == ["石牌街学雷锋志愿服务队"]


def test_new_station_form_offers_one_row_per_item(editor_client, station_index, areas):
    response = editor_client.get(add_url(StationPage, station_index))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="standard_checks-TOTAL_FORMS" value="7"' in html
    for index, item in enumerate(standard.ITEMS):
        assert (
            f'<option value="{item.value}" selected>'
            in html.split(f'name="standard_checks-{index}-item"')[1].split("</select>")[0]
        )


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("latitude", "北纬23度", "纬度必须是数字"),
        ("longitude", "", "请填写经度"),
        ("latitude", "113.3420", "纬度 113.342 不在中国境内"),
        ("longitude", "23.1345", "经度 23.1345 不在中国境内"),
        ("phone", "1234", "不是有效的电话号码"),
    ],
)
def test_bad_location_or_phone_is_refused_naming_the_field(
    editor_client, station_index, areas, field, value, message
):
    response = publish(
        editor_client, StationPage, station_index, **station_fields(areas, **{field: value})
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not StationPage.objects.exists()


def test_holding_an_item_without_evidence_is_refused_naming_the_item(
    editor_client, station_index, areas
):
    checks = seven_checks(ledger={"evidence_note": ""})
    response = publish_station(
        editor_client, station_index, areas, standard_checks=inline_formset(checks)
    )
    assert_refused(response, "“有工作台账”标为已具备，但没有佐证")


def test_an_item_given_twice_is_refused(editor_client, station_index, areas):
    checks = seven_checks()
    checks[1]["item"] = checks[0]["item"]
    response = publish_station(
        editor_client, station_index, areas, standard_checks=inline_formset(checks)
    )
    assert_refused(response, "“有统一标识”填写了不止一次")


def test_an_item_not_holding_needs_no_evidence_but_fails_the_standard(
    editor_client, station_index, areas
):
    checks = seven_checks(activities={"holds": None, "evidence_note": "", "checked_on": ""})
    response = publish_station(
        editor_client, station_index, areas, standard_checks=inline_formset(checks)
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    station = StationPage.objects.get()
    assert not station.meets_standard
    page = editor_client.get(station.url).content.decode()
    assert "未具备“有志愿服务活动”" in page


def test_community_must_belong_to_the_street(editor_client, station_index, areas):
    response = publish_station(
        editor_client, station_index, areas, street=areas["liede"].pk, community=areas["longkou"].pk
    )
    assert_refused(response, "社区（村）“龙口西社区”不属于街道（镇）“猎德街”")


def test_a_district_cannot_be_chosen_as_the_street(editor_client, station_index, areas):
    response = publish_station(
        editor_client, station_index, areas, street=areas["tianhe"].pk, community=""
    )
    assert response.status_code == 200
    assert not StationPage.objects.exists()


def test_team_parent_must_rank_higher(editor_client, station_index, areas):
    other = StationPageFactory(parent=station_index)
    other.teams.add(VolunteerTeam(name="石牌街学雷锋小队", level=TeamLevel.SQUAD))
    other.save()
    squad = VolunteerTeam.objects.get(station=other)
    teams = inline_formset([{"name": "新小队", "level": TeamLevel.SQUAD, "parent": squad.pk}])
    response = publish(
        editor_client, StationPage, station_index, **station_fields(areas, teams=teams)
    )
    assert response.status_code == 200
    assert "不高于本队的小队" in response.content.decode()
    assert StationPage.objects.count() == 1


def test_a_stale_check_drops_the_station_out_of_the_standard(editor_client, station_index, areas):
    old = (timezone.localdate() - datetime.timedelta(days=400)).isoformat()
    checks = seven_checks(office={"checked_on": old})
    response = publish_station(
        editor_client, station_index, areas, standard_checks=inline_formset(checks)
    )
    assert response.status_code == 302
    station = StationPage.objects.get()
    assert not station.meets_standard
    assert "“有办公场所”上次核查于" in editor_client.get(station.url).content.decode()


def test_editing_a_station_keeps_its_checks(editor_client, station_index, areas):
    publish(editor_client, StationPage, station_index, **station_fields(areas))
    station = StationPage.objects.get()
    response = editor_client.get(reverse("wagtailadmin_pages:edit", args=(station.pk,)))
    assert response.status_code == 200
    assert 'name="standard_checks-TOTAL_FORMS" value="7"' in response.content.decode()


def test_a_manager_cannot_attach_another_stations_file_by_its_id(
    client, editor_client, station_index, areas
):
    """A forged id in the evidence field would publish another station's private document."""
    from django.core.files.base import ContentFile
    from wagtail.documents import get_document_model
    from wagtail.test.utils.form_data import nested_form_data

    from stations.access import ensure_manager_user, ensure_station_collection
    from tests.admin_forms import edit_url

    assert publish_station(editor_client, station_index, areas).status_code == 302
    mine = StationPage.objects.get(slug="shipai")
    theirs = StationPageFactory(parent=station_index, title="猎德街社工站", slug="liede")
    Document = get_document_model()
    private = Document.objects.create(
        title="猎德站工作台账",
        file=ContentFile(b"ledger", name="liede-ledger.txt"),
        collection=ensure_station_collection(theirs),
    )
    own = Document.objects.create(
        title="石牌站管理制度",
        file=ContentFile(b"rules", name="shipai-rules.txt"),
        collection=ensure_station_collection(mine),
    )
    from django.contrib.auth import get_user_model

    ensure_manager_user(station=mine, username="shipai-manager")
    client.force_login(get_user_model().objects.get(username="shipai-manager"))

    def edit_with(document):
        ids = dict(mine.standard_checks.values_list("item", "pk"))
        checks = [
            {**row, "id": ids[row["item"]]}
            for row in seven_checks(rules={"evidence_document": document.pk})
        ]
        data = {"action-publish": "action-publish", **station_fields(areas)}
        data["standard_checks"] = inline_formset(checks, initial=len(checks))
        return client.post(edit_url(mine), nested_form_data(data))

    refused = edit_with(private)
    assert refused.status_code == 200
    assert "只能选择本站点资料中的文件" in refused.content.decode()
    mine.refresh_from_db()
    assert not mine.standard_checks.filter(evidence_document=private).exists()

    assert edit_with(own).status_code == 302
    assert (
        StationPage.objects.get(pk=mine.pk).standard_checks.filter(evidence_document=own).exists()
    )
