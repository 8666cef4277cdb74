"""Logging filters that keep an outage or an attack from burying the log (LOGGING in
portal/settings/base.py). They import no app, so logging can be set up before Django is."""

import logging
import threading
import time


class BriefRefusals(logging.Filter):
    """Django logs each request it refuses as suspicious (a body over DATA_UPLOAD_MAX_MEMORY_SIZE,
    too many fields, a bad Host header …) at ERROR with the exception's traceback. The request was
    answered with a 400 and the message names what was wrong; a traceback per hostile request
    only buries real errors, so these records keep their message and lose the traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.startswith("django.security."):
            record.exc_info = None
            record.exc_text = None
        return True


class OncePerInterval(logging.Filter):
    """At most one record per `seconds` from the logger it is set on, without its traceback, and
    saying how many were left out since the last one. For django-redis, which logs every cache
    call it skips while Redis is away (thousands a minute): the first one says Redis is down,
    then one line every `seconds` while it stays down."""

    def __init__(self, seconds: float = 30.0, clock=time.monotonic):
        super().__init__()
        self.seconds = float(seconds)
        self.clock = clock
        self._lock = threading.Lock()
        self._last: float | None = None
        self._left_out = 0

    def filter(self, record: logging.LogRecord) -> bool:
        now = self.clock()
        with self._lock:
            if self._last is not None and now - self._last < self.seconds:
                self._left_out += 1
                return False
            left_out, self._left_out, self._last = self._left_out, 0, now
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            record.msg = f"{record.getMessage()}: {type(error).__name__}: {error}"
            record.args = None
        record.exc_info = None
        record.exc_text = None
        if left_out:
            record.msg = f"{record.getMessage()} ({left_out} more like it in the last interval)"
            record.args = None
        return True
