"""The managers' CSV and XLSX exports (stations/spreadsheets.py) never fail on stored data: rows
stored before the input policy may hold control, bidi and zero-width characters, which openpyxl
refuses (IllegalCharacterError) and which would mislead whoever reads the sheet."""

import csv
import io

import openpyxl
import pytest

from stations import signup as signups
from stations.models import ActivitySignup
from tests.factories.stations import (
    ActivityPageFactory,
    StationPageFactory,
    VolunteerRegistrationFactory,
    make_activity_site,
    make_registration_form,
)
from tests.shared_data import shared_fixture

pytestmark = pytest.mark.django_db

REGISTRATIONS = "/admin/stations/volunteerregistration/"
SIGNUPS = "/admin/stations/activitysignup/"
BAD_NAME = "李\x01石\x0b牌\u202e\u200b"
BAD_SKILLS = "护理\x1b[31m\n驾驶\x07\ufffd"
FORMULA = "\x01=SUM(1+2)"  # a control character in front must not hide a formula


@shared_fixture
def world():
    activities, a, _areas = make_activity_site()
    home = activities.get_parent()
    b = StationPageFactory(parent=a.get_parent(), title="猎德街社工站", slug="liede")
    form_page = make_registration_form(home)
    labels = {f.label: f.clean_name for f in form_page.form_fields.all()}
    VolunteerRegistrationFactory(
        page=form_page,
        station=a,
        name=BAD_NAME,
        mobile="13900000001",
        form_data={labels["专业技能"]: BAD_SKILLS, labels["联系地址"]: FORMULA},
    )
    activity = ActivityPageFactory(parent=activities, station=a, title="社区清洁日", capacity=5)
    made = signups.sign_up(activity=activity, name="李石牌", mobile="13900000001").signup
    ActivitySignup.objects.filter(pk=made.pk).update(name=BAD_NAME)  # as stored long ago
    return {"a": a, "b": b, "labels": labels}


def export(client, users, url, kind):
    client.force_login(users["manager_a"])
    response = client.get(url, {"export": kind})
    assert response.status_code == 200
    return response


def csv_rows(response):
    body = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.DictReader(io.StringIO(body.lstrip("\ufeff"))))


def xlsx_rows(response):
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_registrations_export_drops_characters_a_sheet_cannot_hold(client, users, world, kind):
    response = export(client, users, REGISTRATIONS, kind)
    (row,) = csv_rows(response) if kind == "csv" else xlsx_rows(response)
    assert row["姓名"] == "李石牌"
    assert row["专业技能"] == "护理[31m\n驾驶\ufffd"
    assert row["联系地址"] == "'=SUM(1+2)"


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_signups_export_drops_characters_a_sheet_cannot_hold(client, users, world, kind):
    response = export(client, users, SIGNUPS, kind)
    (row,) = csv_rows(response) if kind == "csv" else xlsx_rows(response)
    assert row["姓名"] == "李石牌"
