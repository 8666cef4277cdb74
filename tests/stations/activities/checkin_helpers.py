"""What the check-in tests share: volunteers, signing one in without an SMS, the moments around
an activity."""

import datetime

from django.utils import timezone

from stations import signup
from stations.models import Volunteer
from stations.volunteers.accounts import volunteer_for_verified_mobile
from stations.volunteers.session import (
    COOKIE_NAME,
    SIGNED_IN_KEY,
    VOLUNTEER_KEY,
    VolunteerSessionStore,
)

MINUTE = datetime.timedelta(minutes=1)
SECOND = datetime.timedelta(seconds=1)
# 石牌街 station's point in the factories (WGS-84), and points about 100 m and 1 km north of it.
STATION = (23.1345, 113.3420)
NEAR = (23.1354, 113.3420)
FAR = (23.1435, 113.3420)


def mobile(n: int) -> str:
    return f"137{n:08d}"


def volunteer(n: int = 1, *, name: str = "") -> Volunteer:
    found = volunteer_for_verified_mobile(mobile=mobile(n))
    if name and not found.name:
        found.name = name
        found.save(update_fields=["name"])
    return found


def signed_up(activity, n: int, *, name: str = "") -> Volunteer:
    """Volunteer n, signed up for the activity (confirmed or waitlisted, as places go)."""
    person = volunteer(n, name=name)
    signup.sign_up(activity=activity, name=name or f"志愿者{n}", mobile=person.mobile)
    return person


def sign_in(client, person: Volunteer):
    """The test client signed in as the volunteer, as the code sign-in leaves it."""
    store = VolunteerSessionStore()
    store[VOLUNTEER_KEY] = person.pk
    store[SIGNED_IN_KEY] = timezone.now().timestamp()
    store.create()
    client.cookies[COOKIE_NAME] = store.session_key
    return store.session_key


def starting_in(minutes: int, *, hours: int = 3) -> dict:
    """starts_at/ends_at for an activity starting `minutes` from now (negative: under way)."""
    start = timezone.now().replace(microsecond=0) + datetime.timedelta(minutes=minutes)
    return {"starts_at": start, "ends_at": start + datetime.timedelta(hours=hours)}
