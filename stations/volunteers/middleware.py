"""`request.volunteer`: the signed-in volunteer, or None (session.py).

Read from the volunteer's own cookie, after Django's session and authentication middleware and
independent of them. A request without the cookie costs no query; one with it, two (the session,
the volunteer). The session is saved and its cookie set or removed the way Django's
SessionMiddleware does it for the admin's.
"""

import time

from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.exceptions import SessionInterrupted
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date

from stations.volunteers.session import (
    COOKIE_NAME,
    VolunteerSessionStore,
    cookie_settings,
    volunteer_of,
)


class VolunteerSessionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = request.COOKIES.get(COOKIE_NAME)
        request.volunteer_session = VolunteerSessionStore(key)
        request.volunteer = volunteer_of(request.volunteer_session) if key else None
        response = self.get_response(request)
        return self._save(request, response)

    def _save(self, request, response):
        session = request.volunteer_session
        had_cookie = COOKIE_NAME in request.COOKIES
        options = cookie_settings()
        if had_cookie and session.is_empty():
            response.delete_cookie(
                COOKIE_NAME,
                path=options["path"],
                domain=options["domain"],
                samesite=options["samesite"],
            )
            patch_vary_headers(response, ("Cookie",))
            return response
        if session.accessed:
            patch_vary_headers(response, ("Cookie",))
        if not session.modified or session.is_empty() or response.status_code >= 500:
            return response
        try:
            session.save()
        except UpdateError:
            raise SessionInterrupted(
                "The volunteer's session was deleted before the request completed."
            ) from None
        max_age = session.get_expiry_age()
        response.set_cookie(
            COOKIE_NAME,
            session.session_key,
            max_age=max_age,
            expires=http_date(time.time() + max_age),
            **options,
        )
        return response
