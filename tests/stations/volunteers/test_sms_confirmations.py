"""Confirmations by SMS after a sign-up, a waitlist place, a promotion and a registration:
sent once the change has committed (the tests run the commit hooks the way a real commit
would), never undoing it when the gateway fails."""

import logging
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from stations import signup
from stations.models import ActivitySignup, VolunteerRegistration
from stations.sms import SmsError, outbox
from tests.factories.stations import ActivityPageFactory
from tests.shared_data import shared_fixture
from tests.stations.volunteers.signing_in import MOBILE, build_site, registration_data

pytestmark = pytest.mark.django_db

OTHER = "13900000002"


@shared_fixture
def site():
    return build_site()


def test_confirmations_follow_a_place_a_waitlist_and_a_promotion(
    site, settings, django_capture_on_commit_callbacks
):
    settings.SMS_NOTIFICATIONS = True
    starts = timezone.now() + timedelta(days=3)
    full = ActivityPageFactory(
        parent=site["activities"],
        station=site["station"],
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        capacity=1,
        title="社区义诊",
    )
    with django_capture_on_commit_callbacks(execute=True):
        first = signup.sign_up(activity=full, name="张三", mobile=OTHER)
        signup.sign_up(activity=full, name="李小梅", mobile=MOBILE)
    assert [(m.mobile, m.template) for m in outbox] == [
        (OTHER, "signup_confirmed"),
        (MOBILE, "signup_waitlisted"),
    ]
    assert outbox[1].params == {"activity": "社区义诊", "position": "1"}
    local = timezone.localtime(starts)
    assert outbox[0].params["starts"] == f"{local.month}月{local.day}日 {local:%H:%M}"
    outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        signup.cancel(token=first.token)
    assert [(m.mobile, m.template) for m in outbox] == [(MOBILE, "waitlist_promoted")]
    assert "社区义诊" in outbox[0].text


def test_a_registration_is_confirmed_by_sms(
    client, site, settings, django_capture_on_commit_callbacks
):
    settings.SMS_NOTIFICATIONS = True
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            site["form_page"].url, registration_data(site["form_page"], site["station"], MOBILE)
        )
    assert response.status_code == 200 and VolunteerRegistration.objects.count() == 1
    assert [(m.mobile, m.template) for m in outbox] == [(MOBILE, "registration_received")]
    assert outbox[0].params["station"].rstrip("…") in site["station"].title


def test_a_gateway_failure_keeps_the_sign_up_and_is_logged_without_the_number(
    site, settings, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    settings.SMS_NOTIFICATIONS = True

    def down(*args, **kwargs):
        raise SmsError("短信暂时发不出去", reason="unavailable")

    monkeypatch.setattr("stations.confirmations.send_message", down)
    with (
        caplog.at_level(logging.WARNING, logger="stations.confirmations"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        result = signup.sign_up(activity=site["activity"], name="李小梅", mobile=MOBILE)
    assert ActivitySignup.objects.filter(pk=result.signup.pk).exists()
    assert "not sent" in caplog.text and MOBILE not in caplog.text and "138****5678" in caplog.text


def test_nothing_is_sent_for_a_sign_up_that_was_rolled_back(
    site, settings, django_capture_on_commit_callbacks
):
    """A sign-up made inside a larger transaction that then fails (an import, a bulk change)
    was never made: its resident must not be told of a place."""
    settings.SMS_NOTIFICATIONS = True

    class Failed(Exception):
        pass

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(Failed),
        transaction.atomic(),
    ):
        signup.sign_up(activity=site["activity"], name="李小梅", mobile=MOBILE)
        raise Failed
    assert not ActivitySignup.objects.filter(mobile=MOBILE).exists()
    assert outbox == []
