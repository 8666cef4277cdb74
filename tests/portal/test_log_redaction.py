"""Secret links stay out of gunicorn's access and error logs and Django's request logs."""

import datetime
import io
import logging
import runpy
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils.log import log_response
from gunicorn.config import Config

from portal.log_redaction import RedactSecrets, redact

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "Zk3q9_Xr-T0kenTok3nT0ken1234567"
SIGNUP_PATH = f"/activities/signups/{TOKEN}/"
REDACTED_PATH = "/activities/signups/[redacted]/"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (SIGNUP_PATH, REDACTED_PATH),
        (
            f"/stations/a/activities/signups/{TOKEN}/?x=1",
            "/stations/a/activities/signups/[redacted]/?x=1",
        ),
        (f'"POST {SIGNUP_PATH} HTTP/1.1" 200', f'"POST {REDACTED_PATH} HTTP/1.1" 200'),
        (f"https://portal.example.cn{SIGNUP_PATH}", f"https://portal.example.cn{REDACTED_PATH}"),
        (
            "/admin/password_reset/confirm/MQ/cbx9-1234abcd/",
            "/admin/password_reset/confirm/MQ/[redacted]/",
        ),
        ("/activities/", "/activities/"),
        ("no path here", "no path here"),
    ],
)
def test_redact(text, expected):
    assert redact(text) == expected


def gunicorn_logger(tmp_path, **settings):
    """The logger class portal/gunicorn.conf.py gives gunicorn, set up as gunicorn does."""
    conf = runpy.run_path(str(ROOT / "portal" / "gunicorn.conf.py"))
    cfg = Config()
    for name in ("accesslog", "logger_class"):
        cfg.set(name, conf[name])
    for name, value in settings.items():
        cfg.set(name, value)
    return cfg.logger_class(cfg)


def test_the_gunicorn_config_redacts_its_access_log(tmp_path):
    log_file = tmp_path / "access.log"
    logger = gunicorn_logger(tmp_path, accesslog=str(log_file), errorlog=str(tmp_path / "error"))
    response = SimpleNamespace(status="200 OK", headers=[("Content-Type", "text/html")], sent=512)
    environ = {
        "REMOTE_ADDR": "198.51.100.7",
        "REQUEST_METHOD": "GET",
        "RAW_URI": SIGNUP_PATH,
        "PATH_INFO": SIGNUP_PATH,
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        # The page's own stylesheet, asked for with the page as Referer.
        "HTTP_REFERER": f"https://portal.example.cn{SIGNUP_PATH}",
        "HTTP_USER_AGENT": "Mozilla/5.0",
    }
    try:
        logger.access(response, [], environ, datetime.timedelta(milliseconds=12))
        logger.error("Error handling request %s", SIGNUP_PATH)
    finally:
        for log in (logger.access_log, logger.error_log):
            for handler in list(log.handlers):
                handler.close()
                log.removeHandler(handler)

    line = log_file.read_text()
    # The combined format, every field in place, the token gone from the request and Referer.
    assert f'"GET {REDACTED_PATH} HTTP/1.1" 200 512 "https://portal.example.cn{REDACTED_PATH}"' in (
        line
    )
    assert line.startswith("198.51.100.7 - - [") and '"Mozilla/5.0"' in line
    assert TOKEN not in line
    error_line = (tmp_path / "error").read_text()
    assert REDACTED_PATH in error_line and TOKEN not in error_line
    assert any(isinstance(f, RedactSecrets) for f in logging.getLogger("gunicorn.access").filters)


@contextmanager
def captured(logger_name):
    """What the handlers of LOGGING (portal/settings/base.py) write for this logger."""
    # pytest's own capturing handlers sit beside them.
    handlers = [
        h for h in logging.getLogger(logger_name).handlers if type(h) is logging.StreamHandler
    ]
    assert handlers and all(
        any(isinstance(f, RedactSecrets) for f in handler.filters) for handler in handlers
    )
    stream = io.StringIO()
    previous = [handler.setStream(stream) for handler in handlers]
    try:
        yield stream
    finally:
        for handler, old in zip(handlers, previous, strict=True):
            handler.setStream(old)


def test_django_request_errors_are_logged_without_the_token():
    request = RequestFactory().post(SIGNUP_PATH)
    with captured("django.request") as stream:
        # What Django's handler logs when the view raises.
        log_response(
            "%s: %s",
            "Internal Server Error",
            request.path,
            response=HttpResponse(status=500),
            request=request,
        )
    assert stream.getvalue() == f"Internal Server Error: {REDACTED_PATH}\n"


def test_runserver_request_lines_are_logged_without_the_token():
    with captured("django.server") as stream:
        logging.getLogger("django.server").info(
            '"%s" %s %s', f"GET {SIGNUP_PATH} HTTP/1.1", "200", "2048", extra={"status_code": 200}
        )
    assert f'"GET {REDACTED_PATH} HTTP/1.1" 200 2048' in stream.getvalue()
    assert TOKEN not in stream.getvalue()


@pytest.mark.django_db
def test_refused_requests_are_logged_briefly_without_a_traceback(client):
    """An oversized body is a 400 and one line in the log, not a traceback per hostile request."""
    # The record propagates to the root logger's handler.
    with captured("") as stream:
        response = client.post(
            "/admin/login/",
            "x=" + "y" * 3_000_000,
            content_type="application/x-www-form-urlencoded",
        )
    assert response.status_code == 400
    logged = stream.getvalue()
    assert "DATA_UPLOAD_MAX_MEMORY_SIZE" in logged
    assert "Traceback" not in logged
