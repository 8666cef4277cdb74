"""我的志愿服务 itself: sign-ups upcoming first with their waitlist places, cancelling in two
steps, the promotion notice, the forms' 登录后自动填写, and confirmations by SMS."""

from datetime import timedelta

import pytest
from django.utils import timezone

from stations import signup
from stations.models import ActivitySignup, SignupStatus, Volunteer
from stations.sms import outbox
from tests.factories.stations import ActivityPageFactory
from tests.queries import captured_queries
from tests.shared_data import shared_fixture
from tests.stations.volunteers.signing_in import (
    HOME,
    LOGIN,
    MOBILE,
    build_site,
    last_code,
    registration_data,
    sign_in,
    token_of,
)

pytestmark = pytest.mark.django_db

OTHER = "13900000002"


@shared_fixture
def place():
    return build_site()


@pytest.fixture
def me(client, place):
    """Signed in as MOBILE, with a name."""
    sign_in(client)
    volunteer = Volunteer.objects.get(mobile=MOBILE)
    volunteer.name = "李小梅"
    volunteer.save()
    outbox.clear()
    return volunteer


def activity_at(place, days, *, capacity=20, title=None, hours=2):
    starts = timezone.now() + timedelta(days=days)
    return ActivityPageFactory(
        parent=place["activities"],
        station=place["station"],
        starts_at=starts,
        ends_at=starts + timedelta(hours=hours),
        capacity=capacity,
        **({"title": title} if title else {}),
    )


def page(client, url=HOME):
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def cancel_url(signup_row):
    return f"/volunteer/signups/{signup_row.pk}/cancel/"


# --- the page -----------------------------------------------------------------------------------


def test_upcoming_sign_ups_come_first_soonest_first_then_history(client, place, me):
    later = activity_at(place, 9, title="九天后的活动")
    sooner = activity_at(place, 2, title="两天后的活动")
    signup.sign_up(activity=later, name="李小梅", mobile=MOBILE)
    signup.sign_up(activity=sooner, name="李小梅", mobile=MOBILE)
    dropped = signup.sign_up(activity=place["activity"], name="李小梅", mobile=MOBILE)
    signup.cancel(token=dropped.token)
    html = page(client)
    upcoming = html.index("即将参加的活动")
    history = html.index("以往和已取消的报名")
    assert upcoming < html.index("两天后的活动") < html.index("九天后的活动") < history
    assert history < html.index(place["activity"].title)
    assert "已取消" in html[history:]


def test_a_waitlisted_sign_up_shows_its_place_in_line(client, place, me):
    full = activity_at(place, 3, capacity=1)
    signup.sign_up(activity=full, name="张三", mobile="13900000011")
    signup.sign_up(activity=full, name="王五", mobile="13900000012")
    signup.sign_up(activity=full, name="李小梅", mobile=MOBILE)
    assert "候补第 2 位" in page(client)


def test_the_empty_state_says_what_to_do(client, place, me):
    html = page(client)
    assert "这里还没有您的记录" in html
    assert place["activities"].url in html  # the way to activities
    assert "即将参加的活动" not in html


def test_registrations_show_what_i_gave(client, place, me):
    response = client.post(
        place["form_page"].url, registration_data(place["form_page"], place["station"], MOBILE)
    )
    assert response.status_code == 200
    html = page(client)
    assert place["station"].title in html and "我填写的信息" in html
    assert "群众" in html and "周末" in html


def test_the_page_costs_the_same_queries_for_one_or_many_sign_ups(client, place, me):
    full = activity_at(place, 3, capacity=1)
    signup.sign_up(activity=full, name="张三", mobile="13900000011")
    signup.sign_up(activity=full, name="李小梅", mobile=MOBILE)
    with captured_queries() as few:
        page(client)
    for day in range(4, 14):
        signup.sign_up(activity=activity_at(place, day, capacity=1), name="甲", mobile=OTHER)
        signup.sign_up(activity=activity_at(place, day), name="李小梅", mobile=MOBILE)
    with captured_queries() as many:
        page(client)
    assert len(many) == len(few), [q["sql"][:120] for q in many]


def test_a_promoted_volunteer_is_told_at_the_top(client, place, me):
    full = activity_at(place, 3, capacity=1, title="周末敬老")
    first = signup.sign_up(activity=full, name="张三", mobile=OTHER)
    signup.sign_up(activity=full, name="李小梅", mobile=MOBILE)
    assert "由候补转为正式报名" not in page(client)
    signup.cancel(token=first.token)
    html = page(client)
    assert "好消息：您已由候补转为正式报名“周末敬老”" in html
    assert html.index("好消息") < html.index("即将参加的活动")


# --- cancelling in two steps ------------------------------------------------------------------


def test_cancelling_asks_first_and_only_the_confirmed_post_cancels(client, place, me):
    mine = signup.sign_up(activity=place["activity"], name="李小梅", mobile=MOBILE).signup
    html = page(client)
    assert cancel_url(mine) in html
    asked = page(client, cancel_url(mine))
    assert "确定要取消这次报名吗？" in asked and 'name="confirm" value="yes"' in asked
    assert ActivitySignup.objects.get(pk=mine.pk).status == SignupStatus.CONFIRMED
    for stray in ({}, {"confirm": ""}, {"confirm": "no"}, {"confirm": "YES"}):
        response = client.post(cancel_url(mine), stray)
        assert response.status_code == 400 and "确认取消报名" in response.content.decode()
        assert ActivitySignup.objects.get(pk=mine.pk).status == SignupStatus.CONFIRMED
    done = client.post(cancel_url(mine), {"confirm": "yes"})
    assert done.status_code == 303 and done["Location"] == f"{HOME}?cancelled={mine.pk}"
    assert done["Cache-Control"] == "private, no-store"
    assert ActivitySignup.objects.get(pk=mine.pk).status == SignupStatus.CANCELLED
    after = page(client, done["Location"])
    assert "已取消报名“社区清洁日”" in after
    again = client.post(cancel_url(mine), {"confirm": "yes"})
    assert again.status_code == 409 and "已经取消过了" in again.content.decode()


def test_cancelling_frees_the_place_for_the_waitlist(client, place, me):
    full = activity_at(place, 3, capacity=1)
    mine = signup.sign_up(activity=full, name="李小梅", mobile=MOBILE).signup
    waiting = signup.sign_up(activity=full, name="张三", mobile=OTHER).signup
    assert client.post(cancel_url(mine), {"confirm": "yes"}).status_code == 303
    waiting.refresh_from_db()
    assert waiting.status == SignupStatus.CONFIRMED and waiting.promoted_at is not None
    full.tally.refresh_from_db()
    assert (full.tally.confirmed, full.tally.waitlisted) == (1, 0)


def test_another_persons_sign_up_is_not_found_and_not_touched(client, place, me):
    theirs = signup.sign_up(activity=place["activity"], name="张三", mobile=OTHER).signup
    assert client.get(cancel_url(theirs)).status_code == 404
    assert client.post(cancel_url(theirs), {"confirm": "yes"}).status_code == 404
    assert ActivitySignup.objects.get(pk=theirs.pk).status == SignupStatus.CONFIRMED
    for odd in (
        "/volunteer/signups/99999999999999999999999/cancel/",
        "/volunteer/signups/0/cancel/",
    ):
        assert client.post(odd, {"confirm": "yes"}).status_code == 404


def test_a_started_activity_cannot_be_cancelled_online(client, place, me):
    started = activity_at(place, 1)
    mine = signup.sign_up(activity=started, name="李小梅", mobile=MOBILE).signup
    started.starts_at = timezone.now() - timedelta(minutes=5)
    started.save()
    html = page(client)
    assert cancel_url(mine) not in html  # still upcoming (not over), but no cancel link
    response = client.post(cancel_url(mine), {"confirm": "yes"})
    assert response.status_code == 409 and "不能在线取消" in response.content.decode()
    assert ActivitySignup.objects.get(pk=mine.pk).status == SignupStatus.CONFIRMED


def test_signed_out_the_cancel_page_asks_to_sign_in_and_comes_back(client, place):
    row = signup.sign_up(activity=place["activity"], name="李小梅", mobile=MOBILE).signup
    response = client.get(cancel_url(row))
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN + "?next=")
    assert response["Location"] == f"{LOGIN}?next=/volunteer/signups/{row.pk}/cancel/"
    assert client.post(cancel_url(row), {"confirm": "yes"}).status_code == 302
    assert ActivitySignup.objects.get(pk=row.pk).status == SignupStatus.CONFIRMED


# --- 登录后自动填写 ------------------------------------------------------------------------------


def test_the_sign_up_form_offers_sign_in_and_comes_back_to_the_form(client, place):
    response = client.get(place["activity"].url)
    html = response.content.decode()
    assert "登录后自动填写" in html
    assert "/volunteer/login/?next=" + place["activity"].url + "%23signup" in html
    # Nothing personal on it: browsers and the page cache may keep it (a proxy may not: its
    # form carries one resident's CSRF token, portal/page_cache.py).
    assert "no-store" not in response.get("Cache-Control", "")
    asked = client.post(LOGIN, {"action": "send", "mobile": MOBILE})
    assert asked.status_code == 200


def test_signed_in_the_forms_are_filled_and_the_page_is_private(client, place, me):
    response = client.get(place["activity"].url)
    html = response.content.decode()
    assert f'value="{MOBILE}"' in html and 'value="李小梅"' in html
    assert f"编号 {me.number}" in html and "登录后自动填写" not in html
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert "Cookie" in response["Vary"]
    registration = client.get(place["form_page"].url + f"?station={place['station'].pk}")
    html = registration.content.decode()
    assert f'value="{MOBILE}"' in html and 'value="李小梅"' in html
    assert "no-store" in registration["Cache-Control"]


def test_after_signing_in_from_the_form_the_volunteer_lands_back_on_it(client, place):
    next_url = place["activity"].url + "#signup"
    asked = client.post(LOGIN, {"action": "send", "mobile": MOBILE, "next": next_url})
    assert f'value="{next_url}"' in asked.content.decode()  # carried to the code step
    response = client.post(
        LOGIN,
        {"action": "verify", "token": token_of(asked), "code": last_code(), "next": next_url},
    )
    assert response.status_code == 303 and response["Location"] == next_url


def test_a_duplicate_sign_up_points_to_my_volunteer_page(client, place):
    signup.sign_up(activity=place["activity"], name="李小梅", mobile=MOBILE)
    response = client.post(
        place["activity"].url, {"name": "李小梅", "mobile": MOBILE, "consent": "on"}
    )
    html = response.content.decode()
    assert response.status_code == 409 and "我的志愿服务" in html and HOME in html
    assert ActivitySignup.objects.filter(mobile=MOBILE).count() == 1


# --- confirmations by SMS ---------------------------------------------------------------------


def test_no_confirmations_while_notifications_are_off(place, settings):
    settings.SMS_NOTIFICATIONS = False
    signup.sign_up(activity=place["activity"], name="李小梅", mobile=MOBILE)
    assert outbox == []
