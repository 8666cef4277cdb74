"""Secrets that travel in URLs, kept out of the logs.

A sign-up's page is reached through its secret link (`…/signups/<token>/`) and a password reset
through `…/password_reset/confirm/<uid>/<token>/`; whoever reads an access or error log must not
be able to open either. `RedactSecrets` is a logging filter for Django's handlers (LOGGING in
portal/settings/base.py) and gunicorn's access and error logs (portal/gunicorn.conf.py). It
imports no app, so logging can be set up before Django is.
"""

import logging
import re
from collections.abc import Mapping

REDACTED = "[redacted]"

# A path segment ends at "/", and in a log line also at whitespace, a quote or the query string.
_SEGMENT = r"[^/\s\"'?#]+"
SECRET_PATHS = (
    re.compile(rf"(/signups/){_SEGMENT}"),
    re.compile(rf"(/password_reset/confirm/{_SEGMENT}/){_SEGMENT}"),
)


def redact(text: str) -> str:
    """`text` with every secret path segment replaced by [redacted]."""
    if "/" not in text:
        return text
    for pattern in SECRET_PATHS:
        text = pattern.sub(rf"\g<1>{REDACTED}", text)
    return text


def _redact_value(value):
    return redact(value) if isinstance(value, str) else value


class RedactSecrets(logging.Filter):
    """Redact secret URL segments in a record's message and its arguments; never drops one.

    The arguments keep their shape (gunicorn's access log passes one mapping of atoms, Django a
    tuple), and a mapping is changed in place so that a subclass such as gunicorn's SafeAtoms
    keeps answering "-" for atoms it lacks.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        args = record.args
        if isinstance(args, Mapping):
            if hasattr(args, "__setitem__"):
                for key, value in list(args.items()):
                    args[key] = _redact_value(value)
            else:
                record.args = {key: _redact_value(value) for key, value in args.items()}
        elif isinstance(args, tuple):
            record.args = tuple(_redact_value(value) for value in args)
        return True
