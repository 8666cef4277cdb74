"""Every public form as a screen reader meets it: each hint and message is the element its
field's aria-describedby names (the ids Django's BoundField writes, <id>_helptext and
<id>_error, and the ones the field templates print), no id is used twice and no form posts to
action="". The sign-up form's own cases are in
tests/stations/activities/test_signup_form_html.py."""

import pytest

from tests.factories.home import PolicyDocumentPageFactory
from tests.factories.stations import (
    ActivityIndexPageFactory,
    ActivityPageFactory,
    StationPageFactory,
    make_areas,
    make_registration_form,
    make_station_index,
)
from tests.factories.stories import StoryIndexPageFactory
from tests.html_references import read
from tests.shared_data import shared_fixture

pytestmark = pytest.mark.django_db


@shared_fixture
def pages(site_tree):
    home, policies = site_tree
    make_areas()
    stations = make_station_index(home)
    station = StationPageFactory(parent=stations, title="石牌街学雷锋志愿服务站")
    registration = make_registration_form(home)
    stations.registration_page = registration
    stations.save()
    activities = ActivityIndexPageFactory(parent=home)
    ActivityPageFactory(parent=activities, station=station)
    PolicyDocumentPageFactory(parent=policies)
    return {
        "station": station,
        "stations": stations,
        "registration": registration,
        "activities": activities,
        "stories": StoryIndexPageFactory(parent=home),
        "policies": policies,
    }


def described_by(page, element_id):
    return [element.attrs.get("id") for element in page.described(element_id)]


# --- the registration form ---------------------------------------------------------------------


def test_the_registration_form_ties_every_hint_to_its_field(client, pages):
    response = client.get(f"{pages['registration'].url}?station={pages['station'].pk}")
    page = read(response.content.decode())
    assert page.problems() == []
    hints = [e for e in page.elements if e.tag == "p" and e.attrs.get("class") == "hint"]
    field_hints = [hint for hint in hints if hint.attrs.get("id", "").endswith("_helptext")]
    assert field_hints, "the default fields have hints"
    for hint in field_hints:
        field_id = hint.attrs["id"].removesuffix("_helptext")
        described = page.by_id[field_id].attrs.get("aria-describedby", "").split()
        if not described:  # a group of boxes: its fieldset carries the description
            fieldsets = [
                e
                for e in page.elements
                if e.tag == "fieldset" and hint.attrs["id"] in e.attrs.get("aria-describedby", "")
            ]
            assert fieldsets, f"nothing is described by {hint.attrs['id']}"
        else:
            assert hint.attrs["id"] in described


def test_the_registration_form_reads_each_message_with_its_field(client, pages):
    response = client.post(
        pages["registration"].url,
        {"station": str(pages["station"].pk), "homepage": ""},
    )
    page = read(response.content.decode())
    assert "error-summary" in page.by_id
    assert page.problems() == []
    errors = [
        e for e in page.elements if e.attrs.get("class") == "field__error" and "id" in e.attrs
    ]
    assert len(errors) >= 3  # name, mobile and the privacy consent at least
    for error in errors:
        field_id = error.attrs["id"].removesuffix("_error")
        holder = page.by_id[field_id]
        if holder.attrs.get("aria-describedby"):
            assert error.attrs["id"] in holder.attrs["aria-describedby"].split()
            assert holder.attrs["aria-invalid"] == "true"
        else:
            assert any(
                e.tag == "fieldset" and error.attrs["id"] in e.attrs.get("aria-describedby", "")
                for e in page.elements
            ), f"nothing is described by {error.attrs['id']}"


def test_the_registration_form_names_no_old_style_ids(client, pages):
    html = client.get(f"{pages['registration'].url}?station={pages['station'].pk}").content
    assert b"-hint" not in html and b"-error" not in html


# --- the volunteers' sign-in ---------------------------------------------------------------------


def test_the_sign_in_form_reads_its_hint_and_message(client, pages):
    page = read(client.get("/volunteer/login/").content.decode())
    assert page.problems() == []

    response = client.post("/volunteer/login/", {"action": "send", "mobile": "12345"})
    assert response.status_code == 400
    page = read(response.content.decode())
    assert page.problems() == []
    assert "id_mobile_error" in described_by(page, "id_mobile")
    assert page.by_id["id_mobile"].attrs["aria-invalid"] == "true"


def test_the_code_form_reads_its_message(client, pages):
    response = client.post("/volunteer/login/", {"action": "send", "mobile": "13800138000"})
    page = read(response.content.decode())
    assert page.problems() == []
    token = page.by_id["id_token"].attrs["value"]
    response = client.post("/volunteer/login/", {"action": "verify", "token": token, "code": "x"})
    page = read(response.content.decode())
    assert page.problems() == []
    assert "id_code_error" in described_by(page, "id_code")


# --- the GET filter forms ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "query", "field"),
    [
        ("policies", "?level=nonsense&year=abc", "id_level"),
        ("stories", "?year=abc", "id_year"),
        ("activities", "?district=abc", "id_district"),
        ("stations", "?district=abc", "id_district"),
    ],
)
def test_a_filter_s_message_is_read_with_its_field(client, pages, name, query, field):
    response = client.get(pages[name].url + query)
    assert response.status_code == 200
    page = read(response.content.decode())
    assert page.problems() == []
    [error] = page.described(field)
    assert error.attrs["id"] == f"{field}_error" and error.text.strip()


@pytest.mark.parametrize("name", ["policies", "stories", "activities", "stations", "registration"])
def test_the_forms_as_first_shown_have_no_broken_reference(client, pages, name):
    page = read(client.get(pages[name].url).content.decode())
    assert page.problems() == []
