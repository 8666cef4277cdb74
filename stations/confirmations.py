"""Confirmations by SMS: a sign-up made, a waitlisted place given, a registration received.

Off unless settings.SMS_NOTIFICATIONS is on (the check comes first, so a site without them does
no work on the sign-up path). A message goes out only once the transaction that made the change
has committed, so nobody is told of a place that was rolled back; and a message that cannot be
sent is logged (the number masked, never the text) and never undoes or fails what was stored:
the resident's page says the same thing.
"""

import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from stations.sms import SmsError, mask_mobile, send_message

logger = logging.getLogger(__name__)


def enabled() -> bool:
    return bool(getattr(settings, "SMS_NOTIFICATIONS", False))


def short_time(value) -> str:
    """'12月5日 09:30': short enough for a 20-character parameter, with the activity's title."""
    local = timezone.localtime(value)
    return f"{local.month}月{local.day}日 {local:%H:%M}"


def _send_after_commit(mobile: str, template: str, params: dict) -> None:
    def send():
        try:
            send_message(mobile, template, params)
        except SmsError as error:
            logger.warning(
                "SMS %s to %s not sent (%s)", template, mask_mobile(mobile), error.reason
            )
        except Exception:  # a sender's bug must not turn a stored sign-up into an error page
            logger.exception("SMS %s to %s failed", template, mask_mobile(mobile))

    transaction.on_commit(send)


def signup_made(signup, *, activity, position: int | None = None) -> None:
    """Tell the resident their place, or their place on the waitlist."""
    if not enabled() or not signup.mobile:
        return
    if position is None:
        _send_after_commit(
            signup.mobile,
            "signup_confirmed",
            {"activity": activity.title, "starts": short_time(activity.starts_at)},
        )
    else:
        _send_after_commit(
            signup.mobile, "signup_waitlisted", {"activity": activity.title, "position": position}
        )


def places_given(signups, *, activity) -> None:
    """Tell each promoted resident that their waitlisted place is now confirmed."""
    if not enabled():
        return
    for signup in signups:
        if signup.mobile:
            _send_after_commit(
                signup.mobile,
                "waitlist_promoted",
                {"activity": activity.title, "starts": short_time(activity.starts_at)},
            )


def registration_received(registration) -> None:
    if not enabled() or not registration.mobile:
        return
    _send_after_commit(
        registration.mobile, "registration_received", {"station": registration.station.title}
    )
