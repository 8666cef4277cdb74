"""The gateway itself: what a message is, the sender interface, and send_message.

A sender is a class named by the SMS_SENDER setting (a dotted path, like EMAIL_BACKEND), built
with the SMS_SENDER_OPTIONS that settings read from the environment at start-up
(`sender_options`), so a missing variable stops the app when it starts, not at the first
sign-in.
"""

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from .texts import TEMPLATES, ParamProblem, clean_params, render

logger = logging.getLogger("stations.sms")

_MAINLAND_MOBILE = re.compile(r"1[3-9][0-9]{9}")  # as stations/validators.py, ASCII digits only


class SmsError(Exception):
    """Sending failed. str() is a Chinese sentence to show the resident; what went wrong
    technically is in the log. `reason`: invalid, rate_limited, refused or unavailable."""

    def __init__(self, message, *, reason: str = "refused"):
        super().__init__(str(message))
        self.reason = reason


# What residents are told. Nothing here says whether the number is known to the portal.
MESSAGE_INVALID = _("短信内容或手机号码有误，未能发送。")
MESSAGE_RATE_LIMITED = _("短信发送过于频繁，请稍后再试。")
MESSAGE_REFUSED = _("短信发送失败，请稍后再试。")
MESSAGE_UNAVAILABLE = _("短信服务暂时无法使用，请稍后再试。")


@dataclass(frozen=True)
class Message:
    """One SMS as the portal composed it: `params` checked and shortened, `text` rendered."""

    mobile: str
    template: str
    params: dict[str, str]
    text: str

    @property
    def masked(self) -> str:
        """What the log may say about the message: "login_code to 138****0000"."""
        return f"{self.template} to {mask_mobile(self.mobile)}"


def mask_mobile(mobile) -> str:
    """138****0000: enough to tell numbers apart in a log, not enough to call one."""
    text = str(mobile)
    if _MAINLAND_MOBILE.fullmatch(text):
        return f"{text[:3]}****{text[-4:]}"
    return f"<not a mobile, {len(text)} characters>"


class BaseSender:
    """What every sender implements. `send` delivers one message or raises SmsError (with a
    Chinese message and the detail logged); it never logs a parameter or the text, except the
    console sender, whose output is where a developer reads the code by design."""

    def __init__(self, **options):
        if options:
            raise ImproperlyConfigured(
                f"{type(self).__name__} takes no options, got {', '.join(sorted(options))}."
            )

    @classmethod
    def options_from_environ(cls, environ: Mapping[str, str], *, notifications: bool) -> dict:
        """The keyword arguments for __init__, read from the environment at start-up;
        ImproperlyConfigured naming what is missing or wrong."""
        return {}

    def send(self, message: Message) -> None:
        raise NotImplementedError


def sender_options(path: str, environ: Mapping[str, str], *, notifications: bool) -> dict:
    """SMS_SENDER_OPTIONS for the sender class at `path`; called from settings at start-up."""
    try:
        sender_class = import_string(path)
    except ImportError as exc:
        raise ImproperlyConfigured(f"SMS_SENDER={path!r} cannot be imported: {exc}") from exc
    if not (isinstance(sender_class, type) and issubclass(sender_class, BaseSender)):
        raise ImproperlyConfigured(f"SMS_SENDER={path!r} is not an SMS sender class.")
    return sender_class.options_from_environ(environ, notifications=notifications)


def get_sender() -> BaseSender:
    """The configured sender, built afresh (cheap), so tests may change the settings."""
    sender_class = import_string(settings.SMS_SENDER)
    return sender_class(**getattr(settings, "SMS_SENDER_OPTIONS", {}))


def compose(mobile: str, template: str, params: Mapping[str, str]) -> Message:
    """The message to send, or SmsError (reason invalid) for an odd number, an unknown template
    or a parameter that cannot be sent; the reason is logged without the values."""
    if not isinstance(mobile, str) or not _MAINLAND_MOBILE.fullmatch(mobile):
        logger.warning("SMS %s refused: %s", template, mask_mobile(mobile))
        raise SmsError(MESSAGE_INVALID, reason="invalid")
    sms_template = TEMPLATES.get(template) if isinstance(template, str) else None
    if sms_template is None:
        logger.warning("SMS to %s refused: no template %r", mask_mobile(mobile), template)
        raise SmsError(MESSAGE_INVALID, reason="invalid")
    try:
        cleaned = clean_params(sms_template, params)
    except ParamProblem as problem:
        logger.warning("SMS %s to %s refused: %s", template, mask_mobile(mobile), problem)
        raise SmsError(MESSAGE_INVALID, reason="invalid") from None
    return Message(mobile, template, cleaned, render(sms_template, cleaned))


def send_message(mobile: str, template: str, params: Mapping[str, str]) -> None:
    """Send the SMS `template` with `params` to `mobile` through the configured sender.

    Raises SmsError (its str() a Chinese sentence for the resident) when the message cannot be
    sent. A confirmation (every template but login_code) is checked and then silently not sent
    while settings.SMS_NOTIFICATIONS is off; the sign-in code is always sent.
    """
    message = compose(mobile, template, params)
    if TEMPLATES[template].notification and not getattr(settings, "SMS_NOTIFICATIONS", False):
        logger.debug("SMS %s not sent: SMS_NOTIFICATIONS is off", message.masked)
        return
    get_sender().send(message)
    logger.info("SMS %s sent", message.masked)
