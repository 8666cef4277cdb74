"""Log-in throttling for the admin, on django-axes (settings: the AXES_* block in base.py).

Axes counts failed log-ins in its own tables and locks a client out through Django's
authentication backends, so the Wagtail admin's log-in, the Django admin's and any later one are
covered alike. What is ours is only what Axes leaves to the project: which address a client has
(the same one the form rate limits count), a per-IP limit higher than the per-account one, and
the Chinese page a locked-out client sees.
"""

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_cool_off, get_failure_limit, get_lockout_parameters
from django.conf import settings
from django.db.models import Sum
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers

from stations.antispam import client_ip as rate_limit_ip

LOCKOUT_TEMPLATE = "login_locked_out.html"


def client_ip(request) -> str | None:
    """The client address Axes records: the one the form rate limits use (CLIENT_IP_HEADER
    behind a proxy, IPv6 by its /64), or None when there is no usable one."""
    address = rate_limit_ip(request)
    return None if address == "unknown" else address


class PerIPLimitHandler(AxesDatabaseHandler):
    """Axes' database handler, with the address alone held to its own, higher limit.

    Axes compares every lockout parameter with one AXES_FAILURE_LIMIT. The per-account count
    (username and address together) keeps that limit; the count over every account from one
    address gets LOGIN_FAILURE_LIMIT_PER_IP, since a community centre's computers share one
    address. The count reported is in units of AXES_FAILURE_LIMIT, so each of Axes' own
    comparisons (`failures >= AXES_FAILURE_LIMIT`) applies the right limit to each count.
    """

    def get_failures(self, request, credentials=None) -> int:
        limit = get_failure_limit(request, credentials)
        ip_limit = max(int(settings.LOGIN_FAILURE_LIMIT_PER_IP), 1)
        parameters = get_lockout_parameters(request, credentials)
        worst = 0
        for parameter, attempts in zip(
            parameters, self.get_user_attempts(request, credentials), strict=True
        ):
            failures = attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            if parameter == "ip_address":
                failures = failures * limit // ip_limit
            worst = max(worst, failures)
        return worst


def lockout_response(request, original_response=None, credentials=None):
    """The page a locked-out log-in gets instead of the form: 429, in Chinese, never cached."""
    cool_off = get_cool_off(request)
    minutes = int(cool_off.total_seconds() // 60) if cool_off else None
    # Rendered now: it replaces the view's response after the template-response phase.
    response = render(
        request,
        LOCKOUT_TEMPLATE,
        {"cool_off_minutes": minutes},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
    add_never_cache_headers(response)
    return response
