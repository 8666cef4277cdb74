"""The pluggable SMS gateway (like Django's e-mail backends).

    from stations.sms import send_message, SmsError, get_sender, outbox
    send_message(mobile, template, params)  # -> None, or SmsError

- `mobile`: an 11-digit mainland mobile in ASCII digits; anything else is refused (SmsError).
- `template`: login_code (code, minutes), signup_confirmed (activity, starts),
  signup_waitlisted (activity, position), waitlist_promoted (activity, starts),
  registration_received (station). Parameters are text (numbers may be ints); text is checked by
  the input policy (control characters refused) and shortened to 20 characters, a code and a
  number are refused unless well formed. The texts are in `texts.py`.
- Confirmations (all but login_code) are sent only with settings.SMS_NOTIFICATIONS on.
- `SmsError`: str() is a Chinese sentence for the resident; the detail is logged with the
  number masked (138****0000) and never a code or the text.
- settings.SMS_SENDER names the sender: `ConsoleSender` (development: the text, code included,
  on the runserver console), `MemorySender` (tests: `outbox`, a list of `Message`s to read and
  clear), `AliyunSender` (阿里云短信服务, configured by SMS_ALIYUN_* variables).
"""

from .aliyun import AliyunSender
from .base import (
    BaseSender,
    Message,
    SmsError,
    get_sender,
    mask_mobile,
    send_message,
    sender_options,
)
from .local import ConsoleSender, MemorySender, outbox
from .texts import TEMPLATES

__all__ = [
    "TEMPLATES",
    "AliyunSender",
    "BaseSender",
    "ConsoleSender",
    "MemorySender",
    "Message",
    "SmsError",
    "get_sender",
    "mask_mobile",
    "outbox",
    "send_message",
    "sender_options",
]
