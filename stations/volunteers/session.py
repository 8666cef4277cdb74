"""A volunteer's session: its own cookie and table, apart from the admin's.

Signing in as a volunteer never touches `request.session` or `request.user`, so an admin's
log-out does not end it and its log-out does not end the admin's. The session lives in the
database (`VolunteerSession`), so it works whatever the cache does. `request.volunteer` is set by
middleware.py; the sign-in time is kept so that rights over one's data can ask for a fresh code
when it is older than FRESH_SIGN_IN (`volunteer_session_age`).
"""

from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.middleware.csrf import rotate_token
from django.utils import timezone

from stations.models import Volunteer, VolunteerSession

COOKIE_NAME = "volunteer_session"
SESSION_AGE = timedelta(days=14)
FRESH_SIGN_IN = timedelta(minutes=15)

VOLUNTEER_KEY = "volunteer"
SIGNED_IN_KEY = "signed_in_at"


class VolunteerSessionStore(DatabaseSessionStore):
    """Django's database sessions in the VolunteerSession table, with the volunteer's id in a
    column of its own."""

    @classmethod
    def get_model_class(cls):
        return VolunteerSession

    def create_model_instance(self, data):
        instance = super().create_model_instance(data)
        instance.volunteer_id = data.get(VOLUNTEER_KEY)
        return instance


def cookie_settings() -> dict:
    """Secure where the admin's cookie is (production), never readable by scripts, not sent on
    other sites' posts."""
    return {
        "path": "/",
        "domain": settings.SESSION_COOKIE_DOMAIN,
        "secure": settings.SESSION_COOKIE_SECURE,
        "httponly": True,
        "samesite": "Lax",
    }


def volunteer_of(session) -> Volunteer | None:
    """The active volunteer a session belongs to, or None (and the session is emptied when its
    volunteer can no longer sign in, e.g. after erasure)."""
    volunteer_id = session.get(VOLUNTEER_KEY)
    if not isinstance(volunteer_id, int):
        return None
    volunteer = Volunteer.objects.active().filter(pk=volunteer_id).first()
    if volunteer is None:
        session.flush()
    return volunteer


def sign_in(request, volunteer: Volunteer, *, now=None) -> None:
    """Start a new session for `volunteer`: a new key (an old or planted one is dropped, against
    session fixation) and a new CSRF token, as Django's own log-in does."""
    now = now or timezone.now()
    session = request.volunteer_session
    session.flush()
    session[VOLUNTEER_KEY] = volunteer.pk
    session[SIGNED_IN_KEY] = now.timestamp()
    session.set_expiry(int(SESSION_AGE.total_seconds()))
    request.volunteer = volunteer
    rotate_token(request)
    # Expired sessions would otherwise stay: `clearsessions` only knows the admin's table.
    VolunteerSession.objects.filter(expire_date__lt=now).delete()


def refresh_sign_in(request, now=None) -> None:
    """The signed-in volunteer entered a fresh code (a data right asked for one): the sign-in
    time is now, under a new session key, as at sign-in."""
    session = request.volunteer_session
    session.cycle_key()
    session[SIGNED_IN_KEY] = (now or timezone.now()).timestamp()


def sign_out(request) -> None:
    request.volunteer_session.flush()
    request.volunteer = None


def volunteer_session_age(request, *, now=None) -> timedelta | None:
    """How long ago the signed-in volunteer entered their code; None when nobody is signed in."""
    if getattr(request, "volunteer", None) is None:
        return None
    signed_in = request.volunteer_session.get(SIGNED_IN_KEY)
    if not isinstance(signed_in, int | float):
        return None
    return (now or timezone.now()) - datetime.fromtimestamp(signed_in, tz=UTC)


def is_fresh(request, *, now=None) -> bool:
    """Whether the volunteer signed in within FRESH_SIGN_IN (a data right may go ahead)."""
    age = volunteer_session_age(request, now=now)
    return age is not None and age <= FRESH_SIGN_IN
