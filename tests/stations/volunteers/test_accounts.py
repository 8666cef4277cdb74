"""Volunteer accounts: the 志愿者编号, linking a number's rows, the volunteer's own session and
the 我的志愿服务 page. (Codes and limits: test_accounts_codes.py; bad input:
test_accounts_input.py.)"""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

from stations import numbers
from stations.models import ActivitySignup, Volunteer, VolunteerRegistration, VolunteerSession
from stations.signup import sign_up
from stations.sms import outbox
from stations.volunteers import accounts, session
from stations.volunteers.models import VolunteerDeletionRefused
from tests.factories.stations import (
    ActivityPageFactory,
    StationPageFactory,
    VolunteerRegistrationFactory,
)
from tests.queries import captured_queries
from tests.shared_data import shared_fixture
from tests.stations.volunteers.signing_in import (
    HOME,
    LOGIN,
    LOGOUT,
    MOBILE,
    ask_for_code,
    build_site,
    registration_data,
    sign_in,
)

pytestmark = pytest.mark.django_db


@shared_fixture
def place():
    return build_site()


# --- the number -------------------------------------------------------------------------------


def test_a_number_is_V_and_ten_digits_the_last_a_check_digit():
    drawn = {numbers.new_number() for _ in range(50)}
    assert len(drawn) == 50  # 10⁹ numbers: a repeat among 50 draws is a one-in-a-million event
    for number in drawn:
        assert re.fullmatch(r"V[0-9]{10}", number)
        assert numbers.is_valid_number(number)
    # Damm's published example: 572 takes the check digit 4.
    assert numbers.check_digit("572") == "4"


def test_the_check_digit_catches_every_single_typo_and_every_swap_of_neighbours():
    number = "V" + "385920174" + numbers.check_digit("385920174")
    digits = number[1:]
    for place_ in range(10):
        for other in "0123456789":
            if other != digits[place_]:
                typo = digits[:place_] + other + digits[place_ + 1 :]
                assert not numbers.is_valid_number("V" + typo), typo
    for place_ in range(9):
        if digits[place_] != digits[place_ + 1]:
            swapped = digits[:place_] + digits[place_ + 1] + digits[place_] + digits[place_ + 2 :]
            assert not numbers.is_valid_number("V" + swapped), swapped


def test_a_number_is_read_however_it_is_typed_and_refused_when_wrong():
    number = "V3859201749"
    assert numbers.is_valid_number(number)
    assert numbers.parse_number(" v385-920-1749 ") == number
    assert numbers.parse_number("Ｖ３８５９２０１７４９") == number  # full-width folds
    assert numbers.parse_number("V٣859201749") is None  # other scripts' digits do not
    assert numbers.parse_number("V3859201748") is None  # the check digit catches it
    assert numbers.parse_number("V385920174") is None
    assert numbers.parse_number("13859201749") is None


def test_numbers_are_unique_and_a_collision_draws_again(monkeypatch):
    first = accounts.volunteer_for_verified_mobile(mobile="13800000001")
    with pytest.raises(IntegrityError), transaction.atomic():
        Volunteer.objects.create(number=first.number, mobile="13800000002")
    fresh = "V" + "123456789" + numbers.check_digit("123456789")
    draws = iter([first.number, first.number, fresh])
    monkeypatch.setattr(accounts, "new_number", lambda: next(draws))
    second = accounts.volunteer_for_verified_mobile(mobile="13800000002")
    assert second.number == fresh
    assert Volunteer.objects.count() == 2


def test_a_volunteer_is_never_deleted_so_no_number_is_issued_twice():
    volunteer = accounts.volunteer_for_verified_mobile(mobile=MOBILE)
    with pytest.raises(VolunteerDeletionRefused):
        volunteer.delete()
    with pytest.raises(VolunteerDeletionRefused):
        Volunteer.objects.all().delete()
    # Erasure (a later step) blanks the mobile and keeps the row: the number stays taken, and
    # the same mobile verified again is a new volunteer with a new number.
    Volunteer.objects.filter(pk=volunteer.pk).update(mobile=None, name="")
    again = accounts.volunteer_for_verified_mobile(mobile=MOBILE)
    assert again.pk != volunteer.pk and again.number != volunteer.number
    assert Volunteer.objects.filter(number=volunteer.number).exists()


# --- linking a number's rows --------------------------------------------------------------------


def test_the_first_verification_links_the_numbers_earlier_rows_and_no_one_elses(client, place):
    mine = sign_up(activity=place["activity"], name="陈小明", mobile=MOBILE).signup
    theirs = sign_up(activity=place["activity"], name="李四", mobile="13900000000").signup
    registration = VolunteerRegistrationFactory(
        page=place["form_page"], station=place["station"], mobile=MOBILE
    )
    other_registration = VolunteerRegistrationFactory(
        page=place["form_page"], station=place["station"], mobile="13900000000"
    )
    sign_in(client)

    volunteer = Volunteer.objects.get(mobile=MOBILE)
    assert volunteer.verified_at is not None
    assert ActivitySignup.objects.get(pk=mine.pk).volunteer == volunteer
    assert ActivitySignup.objects.get(pk=theirs.pk).volunteer is None
    assert VolunteerRegistration.objects.get(pk=registration.pk).volunteer == volunteer
    assert VolunteerRegistration.objects.get(pk=other_registration.pk).volunteer is None
    page = client.get(HOME).content.decode()
    assert "社区清洁日" in page and place["station"].title in page


def test_later_signups_and_registrations_with_a_verified_number_link_as_they_are_stored(
    client, place
):
    sign_in(client)
    volunteer = Volunteer.objects.get(mobile=MOBILE)
    signup = sign_up(activity=place["other_activity"], name="陈小明", mobile="138 1234 5678")
    assert signup.signup.volunteer_id == volunteer.pk
    other = sign_up(activity=place["other_activity"], name="李四", mobile="13900000000")
    assert other.signup.volunteer_id is None

    form_page, station = place["form_page"], place["station"]
    response = client.post(form_page.url, registration_data(form_page, station, MOBILE))
    assert response.status_code == 200
    assert VolunteerRegistration.objects.get(mobile=MOBILE).volunteer == volunteer
    client.post(form_page.url, registration_data(form_page, station, "13900000000"))
    assert VolunteerRegistration.objects.get(mobile="13900000000").volunteer is None


def test_a_row_stored_unlinked_in_between_is_linked_at_the_next_sign_in(client, place):
    sign_in(client)
    volunteer = Volunteer.objects.get(mobile=MOBILE)
    missed = sign_up(activity=place["activity"], name="陈小明", mobile=MOBILE).signup
    ActivitySignup.objects.filter(pk=missed.pk).update(volunteer=None)
    client.post(LOGOUT)
    outbox.clear()
    from django.core.cache import cache

    cache.clear()  # the minute between codes
    sign_in(client)
    assert ActivitySignup.objects.get(pk=missed.pk).volunteer == volunteer


# --- the session --------------------------------------------------------------------------------


def test_signing_in_lands_on_my_page_with_my_number(client, place):
    response = sign_in(client)
    assert response["Location"] == HOME
    volunteer = Volunteer.objects.get(mobile=MOBILE)
    page = client.get(HOME)
    assert page.status_code == 200
    assert volunteer.number in page.content.decode()
    assert "138****5678" in page.content.decode()
    assert page.wsgi_request.volunteer == volunteer


def test_signed_out_there_is_no_volunteer_and_my_page_asks_to_sign_in(client, place):
    response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next={HOME}"
    assert response.wsgi_request.volunteer is None
    assert client.get(LOGIN).wsgi_request.volunteer is None


def test_the_volunteer_session_is_apart_from_the_admins_both_ways(client, place):
    admin = get_user_model().objects.create_superuser("admin", password="pw-admin-123")
    client.force_login(admin)
    sign_in(client)
    # Signing in as a volunteer left the admin signed in as the admin, and only that.
    assert client.get("/admin/").status_code == 200
    assert client.get(HOME).wsgi_request.user == admin

    # The admin logs out: the volunteer stays signed in.
    assert client.post("/admin/logout/").status_code == 302
    assert client.get("/admin/").status_code == 302
    assert client.get(HOME).status_code == 200

    # And the other way: the volunteer signs out, the admin (signed in again) stays.
    client.force_login(admin)
    assert client.post(LOGOUT).status_code == 303
    assert client.get(HOME).status_code == 302
    assert client.get("/admin/").status_code == 200


def test_a_volunteer_is_not_a_user_and_never_reaches_the_admin(client, place):
    sign_in(client)
    assert get_user_model().objects.count() == 0
    assert "_auth_user_id" not in client.session
    response = client.get(HOME)
    assert response.wsgi_request.user.is_anonymous
    for path in ("/admin/", "/admin/pages/", "/django-admin/"):
        reached = client.get(path)
        assert reached.status_code == 302 and "login" in reached["Location"], path


def test_the_session_key_is_new_at_sign_in_and_a_planted_one_is_dropped(client, place):
    planted = session.VolunteerSessionStore()
    planted["planted"] = True
    planted.create()
    client.cookies[session.COOKIE_NAME] = planted.session_key
    csrf_before = client.get(LOGIN).wsgi_request.META.get("CSRF_COOKIE")

    response = sign_in(client)
    key = response.cookies[session.COOKIE_NAME].value
    assert key and key != planted.session_key
    assert not VolunteerSession.objects.filter(session_key=planted.session_key).exists()
    stored = VolunteerSession.objects.get(session_key=key)
    assert stored.volunteer == Volunteer.objects.get(mobile=MOBILE)
    # The CSRF token is new too, as at Django's own log-in.
    assert response.wsgi_request.META.get("CSRF_COOKIE") != csrf_before


def test_the_cookie_is_httponly_lax_and_secure_where_the_admins_is(client, place, settings):
    settings.SESSION_COOKIE_SECURE = True
    cookie = sign_in(client).cookies[session.COOKIE_NAME]
    assert cookie["httponly"] and cookie["secure"]
    assert cookie["samesite"] == "Lax"
    assert int(cookie["max-age"]) == int(session.SESSION_AGE.total_seconds())
    assert cookie["path"] == "/"


def test_signing_out_takes_a_post_and_ends_the_session(client, place):
    response = sign_in(client)
    key = response.cookies[session.COOKIE_NAME].value
    assert client.get(LOGOUT).status_code == 302  # a link alone never signs out
    assert client.get(HOME).status_code == 200
    out = client.post(LOGOUT)
    assert out.status_code == 303 and out["Location"] == LOGIN + "?signed_out=1"
    assert out.cookies[session.COOKIE_NAME].value == ""
    assert not VolunteerSession.objects.filter(session_key=key).exists()
    assert "您已退出登录" in client.get(out["Location"]).content.decode()
    assert client.get(HOME).status_code == 302


def test_the_session_knows_when_the_code_was_entered(client, place, monkeypatch):
    signed_in_at = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: signed_in_at)
    sign_in(client)
    request = client.get(HOME).wsgi_request
    later = signed_in_at + timedelta(minutes=1)
    assert session.volunteer_session_age(request, now=later) == timedelta(minutes=1)
    assert session.is_fresh(request, now=later)
    stale = signed_in_at + timedelta(minutes=15, seconds=1)
    assert not session.is_fresh(request, now=stale)
    client.post(LOGOUT)
    assert session.volunteer_session_age(client.get(LOGIN).wsgi_request) is None


def test_an_erased_volunteers_session_ends(client, place):
    sign_in(client)
    Volunteer.objects.filter(mobile=MOBILE).update(mobile=None)
    response = client.get(HOME)
    assert response.status_code == 302
    assert response.wsgi_request.volunteer is None
    assert response.cookies[session.COOKIE_NAME].value == ""


def test_after_signing_in_it_goes_where_it_was_asked_on_this_site_only(client, place):
    activity_url = place["activity"].url
    asked = client.post(LOGIN, {"action": "send", "mobile": MOBILE, "next": activity_url})
    from tests.stations.volunteers.signing_in import last_code, token_of

    token = token_of(asked)
    assert f'name="next" value="{activity_url}"' in asked.content.decode()
    done = client.post(
        LOGIN, {"action": "verify", "token": token, "code": last_code(), "next": activity_url}
    )
    assert done["Location"] == activity_url
    # Signed in, the log-in page sends one on.
    assert client.get(LOGIN + "?next=" + activity_url)["Location"] == activity_url
    for elsewhere in ("https://evil.example.com/", "//evil.example.com/", "javascript:alert(1)"):
        assert client.get(LOGIN, {"next": elsewhere})["Location"] == HOME


# --- the page -------------------------------------------------------------------------------------


def test_my_page_asks_for_the_name_once_and_then_shows_it(client, place):
    sign_in(client)
    page = client.get(HOME).content.decode()
    assert 'name="name"' in page and "请告诉我们您的姓名" in page
    saved = client.post(HOME, {"name": "  陈  小明 "})
    assert saved.status_code == 303
    volunteer = Volunteer.objects.get(mobile=MOBILE)
    assert volunteer.name == "陈 小明"
    page = client.get(HOME).content.decode()
    assert 'name="name"' not in page and "陈 小明" in page
    # Known now: a second name changes nothing (correcting it is a later step's, with a code).
    assert client.post(HOME, {"name": "王五"}).status_code == 303
    assert Volunteer.objects.get(pk=volunteer.pk).name == "陈 小明"


def test_my_page_says_when_there_is_nothing_yet(client, place):
    sign_in(client)
    page = client.get(HOME).content.decode()
    assert "这里还没有您的记录" in page and "注册成为志愿者" in page
    assert f'href="{place["activities"].url}"' in page


def test_pages_with_a_volunteers_data_are_never_cached(client, place):
    first = ask_for_code(client)
    responses = [client.get(LOGIN), first]
    responses.append(sign_in(client, "13900000000"))
    responses.append(client.get(HOME))
    for response in responses:
        assert response["Cache-Control"] == "private, no-store"
        assert "noindex" in response["X-Robots-Tag"]


def _page_queries(client):
    client.get(HOME)  # the site menu, cached after the pages changed, is not the page's cost
    with captured_queries() as queries:
        response = client.get(HOME)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_my_page_takes_as_many_queries_for_many_rows_as_for_one(client, place):
    sign_in(client)
    volunteer = Volunteer.objects.get(mobile=MOBILE)
    sign_up(activity=place["activity"], name="陈小明", mobile=MOBILE)
    VolunteerRegistrationFactory(
        page=place["form_page"], station=place["station"], mobile=MOBILE, volunteer=volunteer
    )
    few, page = _page_queries(client)
    assert page.count('class="volunteer__item"') == 2

    index = place["station"].get_parent()
    for n in range(5):
        station = StationPageFactory(parent=index, title=f"站点{n}")
        activity = ActivityPageFactory(parent=place["activities"], station=station)
        sign_up(activity=activity, name="陈小明", mobile=MOBILE)
        VolunteerRegistrationFactory(
            page=place["form_page"], station=station, mobile=MOBILE, volunteer=volunteer
        )
    many, page = _page_queries(client)
    assert page.count('class="volunteer__item"') == 12
    assert many == few, (few, many)


def test_with_the_database_down_a_signed_in_volunteer_is_told_to_try_again(place):
    from django.test import Client

    from tests.portal.test_database_outage import database_down

    browser = Client(raise_request_exception=False)
    sign_in(browser)
    with database_down():
        response = browser.get(HOME)
        code = ask_for_code(browser, "13900000000")
    assert response.status_code == 503 and "服务暂时不可用" in response.content.decode()
    assert code.status_code == 503 and not outbox[1:]
    # Nothing was sent, so the number need not wait its minute once the database is back.
    assert ask_for_code(browser, "13900000000").status_code == 200
