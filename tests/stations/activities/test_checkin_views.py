"""/activities/checkin/<token>/: what a volunteer's phone sees after scanning the QR code."""

import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone

from stations.activities import checkin
from stations.models import CheckIn, ServiceRecord
from stations.sms import outbox
from tests.factories.stations import ActivityPageFactory, make_activity_site
from tests.shared_data import shared_fixture
from tests.stations.activities.checkin_helpers import (
    FAR,
    mobile,
    sign_in,
    signed_up,
    starting_in,
    volunteer,
)

pytestmark = pytest.mark.django_db

LOGIN = "/volunteer/login/"


@shared_fixture
def site():
    return make_activity_site()


@pytest.fixture
def make_activity(site):
    index, station, _areas = site

    def make(**fields):
        fields = {**starting_in(30), **fields}
        return ActivityPageFactory(parent=index, station=station, **fields)

    return make


@pytest.fixture
def activity(make_activity):
    return make_activity(title="龙口西社区清洁日", capacity=3, place_name="龙口西公园")


def link(activity) -> str:
    return checkin.checkin_path(activity)


def body(response) -> str:
    return response.content.decode()


def assert_private(response):
    assert response["Cache-Control"] == "private, no-store"
    assert "noindex" in response["X-Robots-Tag"]


def test_a_signed_out_visitor_is_sent_to_sign_in_and_comes_back(client, activity):
    path = link(activity)
    response = client.get(path)
    assert response.status_code == 303
    assert response["Location"].startswith(LOGIN + "?next=")
    assert_private(response)

    # The sign-in page carries the way back through the code step.
    outbox.clear()
    login = client.post(response["Location"], {"action": "send", "mobile": mobile(1)})
    assert login.status_code == 200
    assert f'name="next" value="{path}"' in body(login)
    token = re.search(r'name="token" value="([^"]+)"', body(login)).group(1)
    code = outbox[-1].params["code"]
    done = client.post(LOGIN, {"action": "verify", "token": token, "code": code, "next": path})
    assert done.status_code == 303 and done["Location"] == path
    assert client.get(path).status_code == 200


def test_a_post_while_signed_out_changes_nothing(client, activity):
    response = client.post(link(activity), {"intent": "in"})
    assert response.status_code == 303 and response["Location"].startswith(LOGIN)
    assert not CheckIn.objects.exists()


def test_the_page_shows_the_activity_and_one_big_button(client, activity):
    sign_in(client, signed_up(activity, 1))
    response = client.get(link(activity))
    assert response.status_code == 200
    assert_private(response)
    html = body(response)
    assert "龙口西社区清洁日" in html and "龙口西公园" in html
    local = timezone.localtime(activity.starts_at)
    assert f"{local:%H:%M}" in html
    assert html.count('class="checkin__button"') == 1
    assert re.search(r'<button type="submit" class="checkin__button">\s*签到\s*</button>', html)
    for field in ("lat", "lng", "accuracy", "intent", "csrfmiddlewaretoken"):
        assert f'name="{field}"' in html
    # The only script is the site's own file: no inline script, so the CSP holds.
    scripts = re.findall(r"<script[^>]*>", html)
    assert scripts and all("src=" in tag for tag in scripts)
    assert any("stations/js/checkin.js" in tag for tag in scripts)


def test_tap_in_then_out_then_done(client, activity):
    person = signed_up(activity, 1)
    sign_in(client, person)
    path = link(activity)

    first = client.post(path, {"intent": "in", "lat": FAR[0], "lng": FAR[1], "accuracy": "20"})
    assert first.status_code == 200 and "签到成功" in body(first)
    assert_private(first)
    row = CheckIn.objects.get(volunteer=person)
    assert row.flagged and row.in_accuracy_m == 20
    assert "签退" in body(client.get(path))
    assert "超过 500 米" in body(client.get(path))

    # A repeated 签到 (a refresh, a double tap) does not check out.
    again = client.post(path, {"intent": "in"})
    assert "您已经签到过了" in body(again)
    assert CheckIn.objects.get(pk=row.pk).checked_out_at is None

    out = client.post(path, {"intent": "out"})
    assert out.status_code == 200 and "签退成功" in body(out)
    assert CheckIn.objects.get(pk=row.pk).checked_out_at is not None
    assert ServiceRecord.objects.filter(activity=activity, volunteer=person).exists()

    done = client.post(path, {"intent": "out"})
    assert done.status_code == 200 and "您已完成签到和签退" in body(done)
    assert 'class="checkin__button"' not in body(client.get(path))


def test_without_javascript_no_location_is_needed(client, activity):
    sign_in(client, signed_up(activity, 1))
    response = client.post(link(activity), {"intent": "in", "lat": "", "lng": "", "accuracy": ""})
    assert response.status_code == 200
    row = CheckIn.objects.get()
    assert row.in_latitude is None and not row.flagged


@pytest.mark.parametrize(
    "data",
    [
        {"lat": "abc", "lng": "def"},
        {"lat": "1e9999", "lng": "113"},
        {"lat": "NaN", "lng": "Infinity", "accuracy": "-1"},
        {"lat": "23.1\x00", "lng": "113.3"},
        {"lat": "9" * 5000, "lng": "113.3"},
        {"intent": "签到", "lat": "٢٣", "lng": "١١٣"},
    ],
)
def test_bad_location_input_is_ignored_never_a_500(client, activity, data):
    sign_in(client, signed_up(activity, 1))
    response = client.post(link(activity), data)
    assert response.status_code == 200 and "签到成功" in body(response)
    assert CheckIn.objects.get().in_latitude is None


def test_the_form_needs_its_csrf_token(activity):
    client = Client(enforce_csrf_checks=True)
    sign_in(client, signed_up(activity, 1))
    response = client.post(link(activity), {"intent": "in"})
    assert response.status_code == 403
    assert not CheckIn.objects.exists()


def test_a_forged_link_gets_a_clear_not_found_page(client, activity):
    sign_in(client, volunteer(1))
    token = checkin.checkin_token(activity)
    for bad in (token[:-2] + "xx", "nonsense", "1.abc:" + "A" * 22, "签到"):
        response = client.get(f"/activities/checkin/{bad}/")
        assert response.status_code == 404, bad
        assert "这个签到链接无效" in body(response)
        assert_private(response)
    post = client.post(f"/activities/checkin/{token[:-2]}xx/", {"intent": "in"})
    assert post.status_code == 404 and not CheckIn.objects.exists()


def test_a_link_before_its_window_is_forbidden_and_after_it_gone(client, make_activity):
    sign_in(client, volunteer(1))
    early = make_activity(**starting_in(120))
    response = client.get(link(early))
    assert response.status_code == 403 and "签到尚未开始" in body(response)
    over = make_activity(**starting_in(-300, hours=3))  # ended two hours ago
    response = client.get(link(over))
    assert response.status_code == 410 and "签到已经结束" in body(response)
    assert not CheckIn.objects.exists()


def test_a_moved_activity_s_old_poster_is_gone(client, activity):
    sign_in(client, volunteer(1))
    old = link(activity)
    activity.starts_at += datetime.timedelta(minutes=15)
    activity.save()
    response = client.get(old)
    assert response.status_code == 410 and "二维码已经失效" in body(response)
    assert client.get(link(activity)).status_code == 200


def test_a_walk_in_is_welcomed_and_a_full_activity_says_so(client, make_activity):
    activity = make_activity(capacity=1, waitlist_enabled=False)
    sign_in(client, volunteer(5, name="陈现场"))
    response = client.post(link(activity), {"intent": "in"})
    assert response.status_code == 200 and "已为您现场加入" in body(response)

    other = Client()
    sign_in(other, volunteer(6))
    full = other.post(link(activity), {"intent": "in"})
    assert full.status_code == 409 and "名额已满" in body(full)
    assert_private(full)
    assert CheckIn.objects.count() == 1


def test_a_waitlisted_volunteer_is_told_why(client, make_activity):
    activity = make_activity(capacity=1)
    signed_up(activity, 1)
    sign_in(client, signed_up(activity, 2))
    response = client.post(link(activity), {"intent": "in"})
    assert response.status_code == 409 and "候补名单" in body(response)
    assert not CheckIn.objects.exists()


def test_other_methods_are_not_allowed(client, activity):
    sign_in(client, volunteer(1))
    assert client.put(link(activity)).status_code == 405
