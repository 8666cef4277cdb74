"""The sign-up form's own URL (activities/signup/<id>/, stations/activities/views.py): it does
what the activity page's form always did, and a sign-up there costs a few queries whatever the
number of sign-ups before it."""

import datetime

import pytest
from django.core.cache import cache
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone
from wagtail.models import PageViewRestriction, Site

from stations import signup
from stations.activities.views import signup_post
from stations.models import ActivitySignup, ActivityTally, SignupStatus, Volunteer
from tests.concurrency import postgresql_only
from tests.factories.stations import ActivityPageFactory, make_activity_site
from tests.queries import captured_queries
from tests.shared_data import shared_fixture

pytestmark = pytest.mark.django_db

GOOD = {"name": "陈小明", "mobile": "139 1234 5678", "consent": "on", "homepage": ""}
# What the sign-up adds to what every request costs: BEGIN, the locked read, the insert, the
# tally's update and COMMIT (on PostgreSQL a sign-up that succeeds is one statement).
SIGNUP_QUERIES = 5


@shared_fixture
def site():
    return make_activity_site()


@pytest.fixture
def index(site):
    return site[0]


@pytest.fixture
def station(site):
    return site[1]


@pytest.fixture
def make_activity(index, station):
    def make(**fields):
        return ActivityPageFactory(parent=index, station=station, **fields)

    return make


@pytest.fixture
def activity(make_activity):
    return make_activity(capacity=2, title="社区清洁日")


def post_url(activity) -> str:
    return reverse("activity_signup", args=[activity.pk])


def tally(activity):
    row = ActivityTally.objects.get(activity=activity)
    return row.confirmed, row.waitlisted


def test_the_activity_page_form_posts_to_its_own_url(client, activity):
    html = client.get(activity.url).content.decode()
    assert f'method="post" action="{post_url(activity)}"' in html


def test_a_sign_up_there_goes_to_the_signups_own_page(client, activity):
    response = client.post(post_url(activity), GOOD)
    assert response.status_code == 303
    assert response["Location"].startswith("/activities/signups/")
    assert response["Cache-Control"] == "private, no-store"
    row = ActivitySignup.objects.get()
    assert (row.name, row.mobile, row.status) == ("陈小明", "13912345678", SignupStatus.CONFIRMED)
    page = client.get(response["Location"]).content.decode()
    assert "报名成功，名额已确认" in page and "139****5678" in page
    assert tally(activity) == (1, 0)


def test_when_the_places_are_gone_the_next_ones_wait_in_line(client, activity):
    for n in range(2):
        client.post(post_url(activity), GOOD | {"mobile": f"1380000000{n}"})
    response = client.post(post_url(activity), GOOD)
    assert response.status_code == 303
    assert "已进入候补名单，目前排第 1 位" in client.get(response["Location"]).content.decode()
    assert tally(activity) == (2, 1)


def test_bad_input_comes_back_on_the_activity_page_and_stores_nothing(client, activity):
    response = client.post(post_url(activity), GOOD | {"mobile": "12345"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "不是有效的手机号码" in html and "陈小明" in html and "社区清洁日" in html
    assert f'action="{post_url(activity)}"' in html  # the corrected form posts here again
    assert "no-store" in response["Cache-Control"]
    assert not ActivitySignup.objects.exists() and tally(activity) == (0, 0)


def test_the_rules_refuse_with_409_and_the_reason(client, make_activity, activity):
    client.post(post_url(activity), GOOD)
    duplicate = client.post(post_url(activity), GOOD | {"mobile": "+86 139-1234-5678"})
    assert duplicate.status_code == 409 and "已经报名了本活动" in duplicate.content.decode()
    full = make_activity(capacity=1, waitlist_enabled=False)
    signup.sign_up(activity=full, name="张三", mobile="13800000001")
    refused = client.post(post_url(full), GOOD)
    assert refused.status_code == 409 and "名额已满，本活动不设候补" in refused.content.decode()
    # Already holding a place is what a resident is told, full or not.
    again = client.post(post_url(full), GOOD | {"mobile": "13800000001"})
    assert again.status_code == 409 and "已经报名了本活动" in again.content.decode()
    assert full.signups.count() == 1 and tally(full) == (1, 0)


def test_full_width_digits_are_the_same_number(client, activity):
    assert (
        client.post(post_url(activity), GOOD | {"mobile": "１３９１２３４５６７８"}).status_code
        == 303
    )
    assert client.post(post_url(activity), GOOD).status_code == 409
    assert list(ActivitySignup.objects.values_list("mobile", flat=True)) == ["13912345678"]


def test_a_verified_number_makes_the_sign_up_the_volunteers(client, make_activity):
    volunteer = Volunteer.objects.create(number="V0000000001", mobile="13912345678")
    first, second = make_activity(capacity=1), make_activity(capacity=1)
    client.post(post_url(first), GOOD | {"mobile": "13800000009"})
    client.post(post_url(first), GOOD)  # waitlisted
    client.post(post_url(second), GOOD)  # confirmed
    linked = ActivitySignup.objects.filter(mobile="13912345678")
    assert {row.volunteer_id for row in linked} == {volunteer.pk} and linked.count() == 2
    assert ActivitySignup.objects.get(mobile="13800000009").volunteer_id is None


def test_anything_but_a_post_goes_to_the_activity_page(client, activity):
    response = client.get(post_url(activity))
    assert response.status_code == 302 and response["Location"] == activity.url


def test_unknown_unpublished_and_private_activities_are_not_found(client, make_activity):
    unpublished, private = make_activity(), make_activity()
    unpublished.unpublish()
    PageViewRestriction.objects.create(page=private, restriction_type="login")
    paths = [post_url(unpublished), post_url(private), "/activities/signup/999999/"]
    paths.append("/activities/signup/" + "9" * 30 + "/")  # past any database's integers
    for path in paths:
        assert client.get(path).status_code == 404
        assert client.post(path, GOOD).status_code == 404
    assert not ActivitySignup.objects.exists()


def test_a_restriction_above_the_activity_closes_it_too(client, index, activity):
    PageViewRestriction.objects.create(page=index, restriction_type="login")
    assert client.post(post_url(activity), GOOD).status_code == 404
    with pytest.raises(signup.SignupRefused) as refused:
        signup.sign_up(activity=activity, name="张三", mobile="13800000001")
    assert refused.value.code == "gone" and not ActivitySignup.objects.exists()


def test_csrf_is_enforced(activity):
    assert Client(enforce_csrf_checks=True).post(post_url(activity), GOOD).status_code == 403
    assert not ActivitySignup.objects.exists()


def test_the_rate_limit_and_the_honeypot_hold(client, settings, make_activity):
    settings.ACTIVITY_SIGNUP_RATE_LIMIT = "2/h"
    cache.clear()
    activity = make_activity(capacity=10)
    spam = client.post(post_url(activity), GOOD | {"homepage": "http://spam.example"})
    assert spam.status_code == 400 and "应当留空的隐藏项被填写了" in spam.content.decode()
    assert client.post(post_url(activity), GOOD).status_code == 303
    limited = client.post(post_url(activity), GOOD | {"mobile": "13800000009"})
    assert limited.status_code == 429 and "提交次数过多" in limited.content.decode()
    assert activity.signups.count() == 1


def test_the_sms_goes_out_once_the_sign_up_is_committed(
    client, settings, activity, django_capture_on_commit_callbacks
):
    from stations.sms import outbox

    settings.SMS_NOTIFICATIONS = True
    outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(post_url(activity), GOOD)
    assert [message.template for message in outbox] == ["signup_confirmed"]
    assert outbox[0].mobile == "13912345678"
    outbox.clear()


# --- what a sign-up costs ---------------------------------------------------------------------


def filled(make_activity, *, status, before):
    """An activity where the next sign-up gets `status`, with `before` sign-ups already (at least
    one, to take the place, when the next is to wait)."""
    if status == SignupStatus.CONFIRMED:
        activity = make_activity(capacity=before + 1)
    else:
        activity, before = make_activity(capacity=1), max(before, 1)
    for n in range(before):
        signup.sign_up(activity=activity, name="张三", mobile=f"1380000{n:04d}")
    return activity


@pytest.mark.parametrize("before", [0, 30])
@pytest.mark.parametrize("status", [SignupStatus.CONFIRMED, SignupStatus.WAITLISTED])
def test_a_sign_up_takes_five_queries_however_many_came_before(
    make_activity, django_assert_max_num_queries, before, status
):
    activity = filled(make_activity, status=status, before=before)
    Site.get_site_root_paths()  # in the cache for every request after the site's first
    request = RequestFactory().post(post_url(activity), GOOD)
    # The view alone: what the middleware costs every request is not the sign-up's.
    with django_assert_max_num_queries(SIGNUP_QUERIES):
        response = signup_post(request, activity.pk)
    assert response.status_code == 303
    assert ActivitySignup.objects.get(mobile="13912345678").status == status


@pytest.mark.parametrize("status", [SignupStatus.CONFIRMED, SignupStatus.WAITLISTED])
def test_through_the_whole_stack_a_sign_up_adds_at_most_five_queries_to_a_refused_post(
    make_activity, status
):
    activity = filled(make_activity, status=status, before=0)
    with captured_queries() as floor:  # the middleware's own, for a POST the CSRF check refuses
        assert Client(enforce_csrf_checks=True).post(post_url(activity), GOOD).status_code == 403
    browser = Client(enforce_csrf_checks=True)
    browser.get(activity.url)
    fields = GOOD | {"csrfmiddlewaretoken": browser.cookies["csrftoken"].value}
    with captured_queries() as made:
        assert browser.post(post_url(activity), fields).status_code == 303
    assert len(made) <= len(floor) + SIGNUP_QUERIES, [query["sql"][:80] for query in made]
    assert ActivitySignup.objects.get(mobile="13912345678").status == status


# --- PostgreSQL's one statement keeps the rules ------------------------------------------------


def one_statement(activity, mobile="13912345678", **kwargs):
    return signup._sign_up_in_one_statement(
        activity_id=activity.pk,
        name="张三",
        mobile=mobile,
        now=kwargs.pop("now", timezone.now()),
        created_at=kwargs.pop("created_at", None),
        token=signup.new_token(),
    )


@postgresql_only
def test_the_one_statement_writes_nothing_where_the_rules_refuse(index, make_activity):
    now = timezone.now()
    days = datetime.timedelta(days=1)
    unpublished = make_activity()
    unpublished.unpublish()
    private = make_activity()
    PageViewRestriction.objects.create(page=private, restriction_type="login")
    full = make_activity(capacity=1, waitlist_enabled=False)
    signup.sign_up(activity=full, name="张三", mobile="13800000001")
    taken = make_activity()
    signup.sign_up(activity=taken, name="张三", mobile="13912345678")
    refused = {
        "gone": [unpublished, private],
        "not_open": [make_activity(signup_opens_at=now + days)],
        "closed": [make_activity(signup_closes_at=now - days / 24)],
        "started": [
            make_activity(starts_at=now - days / 24, ends_at=now + days / 24),
            make_activity(starts_at=now - 2 * days, ends_at=now - days),
        ],
        "full": [full],
        "duplicate": [taken],
    }
    for code, activities in refused.items():
        for activity in activities:
            before = list(ActivitySignup.objects.values_list("pk", flat=True)), tally(activity)
            assert one_statement(activity) is None, code
            after = list(ActivitySignup.objects.values_list("pk", flat=True)), tally(activity)
            assert after == before, code
            with pytest.raises(signup.SignupRefused) as refusal:
                signup.sign_up(activity=activity, name="张三", mobile="13912345678")
            assert refusal.value.code == code


@postgresql_only
def test_the_one_statement_gives_places_then_the_waitlist(make_activity):
    volunteer = Volunteer.objects.create(number="V0000000002", mobile="13900000002")
    activity = make_activity(capacity=2)
    stamp = timezone.now() - datetime.timedelta(minutes=5)
    made = [one_statement(activity, f"1390000000{n}", created_at=stamp) for n in range(4)]
    assert [m.signup.status for m in made] == ["confirmed", "confirmed"] + ["waitlisted"] * 2
    assert tally(activity) == (2, 2)
    rows = list(ActivitySignup.objects.filter(activity=activity).order_by("pk"))
    assert [row.pk for row in rows] == [m.signup.pk for m in made]
    assert [row.volunteer_id for row in rows] == [None, None, volunteer.pk, None]
    assert {row.created_at for row in rows} == {stamp}
    assert [signup.waitlist_position(row) for row in rows] == [None, None, 1, 2]
    assert made[0].signup.activity.get_url() == activity.url
    assert signup.signup_for_token(made[3].token).pk == rows[3].pk


@postgresql_only
def test_where_the_settings_allow_prepared_statements_the_one_statement_is_prepared_once(
    make_activity,
):
    from django.db import connection

    activity = make_activity(capacity=2)
    connection.ensure_connection()
    raw = connection.connection
    before = raw.prepare_threshold  # Django's default: None, nothing prepared
    raw.prepare_threshold = 5  # as DATABASES OPTIONS {"prepare_threshold": 5} would set it
    try:
        made = [one_statement(activity, f"1390000000{n}") for n in range(4)]
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
                ["%stations_activitytally%"],
            )
            prepared = cursor.fetchone()[0]
    finally:
        raw.prepare_threshold = before
    assert prepared == 1
    assert [m.signup.status for m in made] == ["confirmed", "confirmed"] + ["waitlisted"] * 2
    assert tally(activity) == (2, 2)
