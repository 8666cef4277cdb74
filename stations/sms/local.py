"""The senders that send nothing: the console (development) and the memory outbox (tests)."""

import sys
import threading

from django.conf import settings

from .base import BaseSender, Message, logger, mask_mobile

# Every message MemorySender took, oldest first. Tests read and clear it (outbox.clear()).
outbox: list[Message] = []


class MemorySender(BaseSender):
    """Appends each message to `outbox`: the test settings' sender."""

    def send(self, message: Message) -> None:
        outbox.append(message)


class ConsoleSender(BaseSender):
    """Writes each message, text and code included, to standard output: in development the
    runserver console is where the sign-in code appears. With DEBUG off it also logs a warning
    (without the code) for each message, since a production site must set SMS_SENDER."""

    _lock = threading.Lock()  # messages from concurrent requests do not interleave

    def __init__(self, stream=None, **options):
        super().__init__(**options)
        self.stream = stream  # sys.stdout at the time of sending, unless given

    def send(self, message: Message) -> None:
        if not settings.DEBUG:
            logger.warning(
                "SMS %s written to the console, not sent: set SMS_SENDER for production "
                "(README, SMS); sign-in codes are in the console output",
                message.masked,
            )
        stream = self.stream or sys.stdout
        block = (
            f"----- SMS {message.template} to {mask_mobile(message.mobile)} "
            f"(console sender, not sent) -----\n{message.text}\n{'-' * 30}\n"
        )
        with self._lock:
            stream.write(block)
            stream.flush()
