"""Demo sign-ups are stamped as if made before load_demo ran and before their activity began."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from stations.demo.activities import SIGNUP_LEAD, signup_times
from stations.models import ActivitySignup

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 3, 5, 10, 0, tzinfo=datetime.UTC)
HOUR = datetime.timedelta(hours=1)


@pytest.mark.parametrize(
    "starts",
    [
        NOW - datetime.timedelta(days=30),  # a past activity
        NOW + datetime.timedelta(hours=30),  # tomorrow: less than two days away
        NOW + datetime.timedelta(days=2) - HOUR,
        NOW + datetime.timedelta(days=24),  # weeks ahead: two days before is still to come
    ],
)
def test_signup_times_are_before_now_and_the_activity_in_order(starts):
    times = signup_times(starts=starts, count=9, now=NOW)
    assert len(times) == 9
    assert times == sorted(times) and len(set(times)) == 9
    assert times[-1] <= NOW - SIGNUP_LEAD
    assert times[-1] <= starts - datetime.timedelta(days=2)


def test_a_past_activity_was_signed_up_for_two_days_before_it():
    starts = NOW - datetime.timedelta(days=9)
    assert signup_times(starts=starts, count=1, now=NOW) == [starts - datetime.timedelta(days=2)]


def test_no_demo_signup_is_stamped_in_the_future():
    call_command("load_demo", stdout=io.StringIO())
    now = timezone.now()
    rows = list(ActivitySignup.objects.select_related("activity"))
    assert len(rows) > 50
    future = [(r.activity.title, r.created_at) for r in rows if r.created_at > now]
    assert future == []
    late = [r.activity.title for r in rows if r.created_at >= r.activity.starts_at]
    assert late == []
    # Upcoming activities' sign-ups are recent, in the order places were given.
    upcoming = [r for r in rows if r.activity.starts_at > now and r.name.startswith("演示报名者")]
    assert upcoming and all(now - r.created_at < datetime.timedelta(days=1) for r in upcoming)
    by_activity = {}
    for row in sorted(upcoming, key=lambda r: r.pk):
        by_activity.setdefault(row.activity_id, []).append(row.created_at)
    assert all(times == sorted(times) for times in by_activity.values())
