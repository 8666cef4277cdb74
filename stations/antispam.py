"""Spam defences for the public forms (registration now, activity sign-up later).

Two cheap checks that need no third-party service, which residents in mainland China may not
reach: a honeypot field that people never see, and a per-IP limit on submissions counted on
Django's cache (Redis in production, so every app process shares the count; while Redis is away
each process counts on its own).
"""

import ipaddress
import logging
import time
from enum import Enum

from django import forms
from django.conf import settings
from django.core.cache.backends.locmem import LocMemCache
from django.utils.translation import gettext_lazy as _
from django_ratelimit.core import EXPIRATION_FUDGE, _get_window, _split_rate, get_usage

logger = logging.getLogger(__name__)

# Named like something a bot wants to fill in, but matching none of the patterns browsers
# autofill from (name, email, tel, address, organisation, postal code).
HONEYPOT_NAME = "homepage"

HONEYPOT_MESSAGE = _(
    "提交未被接受：表单中一个应当留空的隐藏项被填写了，这通常是自动填表工具造成的。"
    "请关闭自动填表后重新填写并提交。"
)
RATE_LIMIT_MESSAGE = _(
    "提交未被接受：您所在的网络在短时间内提交次数过多。请稍后再试；如需帮助，请直接联系站点。"
)


def honeypot_field() -> forms.CharField:
    """The field to add to a public form under HONEYPOT_NAME; it must stay empty.

    Render it with {% include "stations/includes/honeypot.html" with field=form.homepage %},
    which keeps it out of sight and out of the accessibility tree; here it leaves the tab order
    and autofill.
    """
    return forms.CharField(
        label=_("个人主页（请勿填写）"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )


def honeypot_tripped(data) -> bool:
    """True when the hidden field came back with anything in it."""
    return bool((data.get(HONEYPOT_NAME) or "").strip())


def client_ip(request) -> str:
    """The address a limit is counted against: IPv4 as is, IPv6 by its /64 network.

    Behind a proxy, settings.RATELIMIT_IP_META_KEY names the header the proxy sets; the
    right-most address in it is the one the proxy saw, the rest can be forged by the client.
    A missing or malformed address falls back to REMOTE_ADDR, then to one shared bucket, so a
    misconfigured proxy means a stricter limit rather than an error page.
    """
    candidates = []
    meta_key = getattr(settings, "RATELIMIT_IP_META_KEY", None)
    if isinstance(meta_key, str) and meta_key:
        candidates.append(request.META.get(meta_key, "").split(",")[-1])
    candidates.append(request.META.get("REMOTE_ADDR", ""))
    for candidate in candidates:
        try:
            address = ipaddress.ip_address(candidate.strip())
        except ValueError:
            continue
        if address.version == 6:
            return str(ipaddress.ip_network(f"{address}/64", strict=False).network_address)
        return str(address)
    return "unknown"


# What get_usage returns when the shared cache did not answer (and RATELIMIT_FAIL_OPEN is not set):
# django-redis, ignoring the error, hands back None from add and incr.
_NO_ANSWER = {"count": 0, "limit": 0, "should_limit": True, "time_left": -1}

# Where submissions are counted while the shared cache is away: this process's memory. Room for
# many clients; culling drops whole entries, which only forgets some counts early.
_LOCAL_COUNTS = LocMemCache("stations.antispam.local-counts", {"OPTIONS": {"MAX_ENTRIES": 20_000}})


class RateLimit(Enum):
    OK = "ok"
    EXCEEDED = "exceeded"


def count_submission(request, *, group: str, rate: str | None = None) -> RateLimit:
    """Count one POST from this client against `rate` (default REGISTRATION_RATE_LIMIT).

    Every attempt counts, valid or not, so a bot cannot probe the form for free. The count lives
    on the shared cache; while that cannot be reached (Redis down) each app process counts on
    its own with the same rate, so forms keep working and a flood is still held back (by at most
    the number of processes times the rate). With RATELIMIT_FAIL_OPEN set nothing is counted then.
    """
    rate = rate or getattr(settings, "REGISTRATION_RATE_LIMIT", "20/h")
    try:
        usage = get_usage(
            request,
            group=group,
            key=_client_key,
            rate=rate,
            method="POST",
            increment=True,
        )
    except Exception:
        # A cache backend that raises rather than ignoring the error (not the production one).
        logger.exception("Rate limit cache unavailable for group %s", group)
        usage = None if getattr(settings, "RATELIMIT_FAIL_OPEN", False) else _NO_ANSWER
    if usage == _NO_ANSWER:
        logger.warning("Rate limit cache unavailable for group %s: counting in-process", group)
        usage = _count_locally(request, group=group, rate=rate)
    if usage is None:  # RATELIMIT_ENABLE = False, failing open, or not a POST
        return RateLimit.OK
    return RateLimit.EXCEEDED if usage["should_limit"] else RateLimit.OK


def _client_key(_group, request) -> str:
    return client_ip(request)


def _count_locally(request, *, group: str, rate: str) -> dict:
    """get_usage's answer, counted in this process's memory: the same fixed windows and the same
    client address as the shared count (django-ratelimit's own rate and window helpers)."""
    limit, period = _split_rate(rate)
    value = _client_key(group, request)
    window = _get_window(value, period)
    key = f"{group}:{rate}:{value}:{window}"
    if _LOCAL_COUNTS.add(key, 1, period + EXPIRATION_FUDGE):
        count = 1
    else:
        try:
            count = _LOCAL_COUNTS.incr(key)
        except ValueError:  # expired between add and incr: a new window
            _LOCAL_COUNTS.set(key, 1, period + EXPIRATION_FUDGE)
            count = 1
    return {
        "count": count,
        "limit": limit,
        "should_limit": count > limit,
        "time_left": window - int(time.time()),
    }


def clear_local_counts() -> None:
    """Forget the in-process counts (tests)."""
    _LOCAL_COUNTS.clear()


def rate_limit_message(result: RateLimit):
    """What the form says when `result` refuses the submission."""
    return RATE_LIMIT_MESSAGE
