"""The demo volunteers: signed in once, so their sign-ups and registrations at the demo stations
carry a 志愿者编号; loaded again, nothing is duplicated."""

import io

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from stations import numbers
from stations.demo.service import certificate_note
from stations.demo.volunteers import DEMO_MOBILES, demo_volunteers, sign_in_note
from stations.models import (
    ActivitySignup,
    CheckIn,
    ExchangeItem,
    PointTransfer,
    ServiceCertificate,
    ServiceRecord,
    SignupStatus,
    StationPage,
    Volunteer,
    VolunteerRegistration,
)
from stations.sms import outbox
from stations.validators import validate_mainland_mobile
from stations.volunteers import levels, timebank
from tests.stations.volunteers.signing_in import HOME, sign_in

pytestmark = pytest.mark.django_db

REGISTRATIONS = "/admin/stations/volunteerregistration/"
SIGNUPS = "/admin/stations/activitysignup/"
MANAGER_PASSWORD = "Station-demo-2026"


def run(*args):
    out = io.StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def demo_rows():
    signups = ActivitySignup.objects.filter(mobile__in=DEMO_MOBILES)
    registrations = VolunteerRegistration.objects.filter(mobile__in=DEMO_MOBILES)
    return signups, registrations


def snapshot():
    signups, registrations = demo_rows()
    return (
        sorted(demo_volunteers().values_list("mobile", "number", "name")),
        sorted(signups.values_list("pk", "activity_id", "status", "attended", "volunteer_id")),
        sorted(registrations.values_list("pk", "station_id", "volunteer_id")),
    )


# One test, as in test_demo.py: loading the demo takes most of a minute, and the suite's workers
# would each load it again for a test of their own.
def test_load_demo_makes_demo_volunteers_once_with_linked_rows_in_every_state(
    client, django_user_model
):
    run("--manager-password", MANAGER_PASSWORD)
    volunteers = list(demo_volunteers())
    assert 4 <= len(volunteers) <= 5
    assert Volunteer.objects.count() == len(volunteers)
    for volunteer in volunteers:
        validate_mainland_mobile(volunteer.mobile)  # the input policy takes the made-up numbers
        assert numbers.is_valid_number(volunteer.number)
        assert volunteer.name and volunteer.verified_at

    signups, registrations = demo_rows()
    # Every row of theirs is linked, and each of them has both kinds.
    assert signups.exists() and not signups.filter(volunteer=None).exists()
    assert registrations.exists() and not registrations.filter(volunteer=None).exists()
    for volunteer in volunteers:
        assert volunteer.signups.exists() and volunteer.registrations.exists()
        assert set(volunteer.signups.values_list("mobile", flat=True)) == {volunteer.mobile}
    # Every state a manager meets, all at demo stations.
    now = timezone.now()
    assert {SignupStatus.CONFIRMED, SignupStatus.WAITLISTED, SignupStatus.CANCELLED} <= set(
        signups.values_list("status", flat=True)
    )
    assert signups.filter(attended=True, activity__ends_at__lt=now).exists()
    assert signups.filter(status=SignupStatus.CONFIRMED, activity__starts_at__gt=now).exists()
    assert all(s.activity.is_demo and s.activity.station.is_demo for s in signups)
    assert all(r.station.is_demo for r in registrations)
    # The activities' tallies still agree with their rows.
    for signup in signups.select_related("activity__tally"):
        activity = signup.activity
        rows = list(activity.signups.values_list("status", flat=True))
        assert activity.tally.confirmed == rows.count(SignupStatus.CONFIRMED)
        assert activity.tally.waitlisted == rows.count(SignupStatus.WAITLISTED)

    # One of them registered at two stations: each station's manager sees only their own row.
    two = next(v for v in demo_volunteers() if v.registrations.count() == 2)
    here, there = (r.station for r in two.registrations.order_by("station__path"))
    client.force_login(django_user_model.objects.get(username=f"manager-{here.slug}"))
    elsewhere = [s.activity.title for s in two.signups.exclude(activity__station=here)]
    assert elsewhere
    for url in (REGISTRATIONS, SIGNUPS):
        html = client.get(url).content.decode()
        assert two.number in html
        assert there.title not in html
        assert all(title not in html for title in elsewhere)

    # A demo volunteer signs in with a code (the developer's way in) and sees their rows.
    client.logout()
    outbox.clear()
    volunteer = demo_volunteers().get(mobile=DEMO_MOBILES[0])
    sign_in(client, mobile=volunteer.mobile)
    html = client.get(HOME).content.decode()
    assert volunteer.number in html
    for signup in volunteer.signups.select_related("activity"):
        assert signup.activity.title in html
    for station in StationPage.objects.filter(registrations__volunteer=volunteer):
        assert station.title in html
    outbox.clear()

    # Service records: confirmed hours with their points, 一星 and 二星 reached, a catalogue,
    # a donation, and one certificate whose public page verifies it.
    progress = {v.mobile: levels.progress(v) for v in demo_volunteers()}
    assert progress["13900000001"].level == 1 and progress["13900000004"].level == 2
    assert CheckIn.objects.filter(volunteer__in=demo_volunteers()).exists()
    assert ExchangeItem.objects.filter(station__is_demo=True).count() >= 3
    top = demo_volunteers().get(mobile="13900000004")
    assert timebank.balance(timebank.account_for_volunteer(volunteer=top)) > 0
    certificate = ServiceCertificate.objects.get(volunteer=top)
    assert certificate.verify_code in certificate_note()
    page = client.get(f"/v/{certificate.verify_code}/").content.decode()
    assert certificate.number in page and "有效" in page

    # Loaded again: the same volunteers and rows, nothing added.
    before = snapshot()
    service_before = (
        ServiceRecord.objects.count(),
        PointTransfer.objects.count(),
        ServiceCertificate.objects.count(),
        ExchangeItem.objects.count(),
    )
    run("--manager-password", MANAGER_PASSWORD)
    assert snapshot() == before
    assert service_before == (
        ServiceRecord.objects.count(),
        PointTransfer.objects.count(),
        ServiceCertificate.objects.count(),
        ExchangeItem.objects.count(),
    )


def test_the_sign_in_note_names_the_demo_mobiles_and_where_codes_show():
    with override_settings(SMS_SENDER="stations.sms.ConsoleSender"):
        note = sign_in_note()
    assert DEMO_MOBILES[0] in note and "/volunteer/login/" in note
    assert "runserver console" in note
    assert "\n" not in note
    with override_settings(SMS_SENDER="stations.sms.AliyunSender"):
        note = sign_in_note()
    assert "AliyunSender" in note and "ConsoleSender" in note
