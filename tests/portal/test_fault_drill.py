"""The fault drill's own checks (portal/benchmarking/faults.py), on crafted good and bad data:
a check that cannot fail would let the drill pass whatever the site did. The drill itself runs
in CI (`manage.py fault_drill`, .ci/run), not here: it takes a minute and a half."""

import re
import shutil

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from portal.benchmarking.faults import (
    ActivityPlaces,
    Drill,
    Expected,
    Outcome,
    Phase,
    Probe,
    Record,
    RedisServer,
    SignupAttempt,
    SignupForm,
    StoredSignup,
    answer_failures,
    capacity_failures,
    scan_log,
    signup_check,
    unused_port,
)
from portal.benchmarking.load import Response

PHASES = [Phase("baseline"), Phase("database-cut", outage=True), Phase("recovery")]


def attempt(mobile, outcome, *, activity="a", told="", phase="baseline"):
    status = {"stored": 303, "duplicate": 409, "full": 409, "unanswered": 503}[outcome]
    link = "/activities/signups/x/" if outcome == Outcome.STORED else ""
    return SignupAttempt(phase, activity, mobile, status, outcome, link, told)


def row(mobile, status="confirmed", *, activity="a", order=1):
    return StoredSignup(activity, mobile, status, order)


# --- told stored ⇒ stored once ---------------------------------------------------------------


def test_sign_ups_told_and_stored_alike_pass():
    attempts = [
        attempt("13900000001", Outcome.STORED, told="confirmed"),
        # Unanswered during the outage, stored all the same; the retry hears "already signed up".
        attempt("13900000002", Outcome.UNANSWERED, phase="database-cut"),
        attempt("13900000002", Outcome.DUPLICATE, phase="database-cut"),
        attempt("13900000003", Outcome.FULL),
        attempt("13900000004", Outcome.UNANSWERED, phase="database-cut"),
        attempt("13900000005", Outcome.UNANSWERED, phase="database-cut"),
    ]
    stored = [row("13900000001"), row("13900000002", order=2), row("13900000005", order=3)]
    check = signup_check(attempts, stored)
    assert check.failures == []
    assert (check.told, check.stored, check.not_stored) == (2, 3, 1)
    assert check.unacknowledged == [("a", "13900000005")]


@pytest.mark.parametrize(
    ("attempts", "stored", "failure"),
    [
        ([attempt("13900000001", Outcome.STORED)], [], "was told stored, but is not"),
        ([attempt("13900000001", Outcome.DUPLICATE)], [], "was told stored, but is not"),
        (
            [attempt("13900000001", Outcome.STORED)],
            [row("13900000001"), row("13900000001", "waitlisted", order=2)],
            "2 rows for 13900000001",
        ),
        (
            [attempt("13900000001", Outcome.STORED)] * 2,
            [row("13900000001")],
            "told stored 2 times",
        ),
        (
            [attempt("13900000001", Outcome.STORED, told="confirmed")],
            [row("13900000001", "waitlisted")],
            "was told confirmed, stored waitlisted",
        ),
        ([attempt("13900000001", Outcome.FULL)], [row("13900000001")], "refused as full"),
        ([], [row("13900000009")], "which nobody sent"),
        # Same number, another activity: not the sign-up the client was told about.
        (
            [attempt("13900000001", Outcome.STORED)],
            [row("13900000001", activity="b")],
            "was told stored, but is not",
        ),
    ],
)
def test_a_sign_up_stored_otherwise_than_told_fails(attempts, stored, failure):
    failures = signup_check(attempts, stored).failures
    assert any(failure in text for text in failures), failures


def test_a_cancelled_row_is_not_a_second_sign_up():
    stored = [row("13900000001", "cancelled"), row("13900000001", order=2)]
    assert signup_check([attempt("13900000001", Outcome.STORED)], stored).failures == []


# --- places ---------------------------------------------------------------------------------


def places(*, capacity=2, waitlist=True, tally=(2, 1)):
    return [ActivityPlaces("a", capacity, waitlist, *tally)]


def test_places_given_in_order_within_capacity_pass():
    stored = [row("1", order=1), row("2", order=2), row("3", "waitlisted", order=3)]
    assert capacity_failures(places(), stored) == []


@pytest.mark.parametrize(
    ("activity", "stored", "failure"),
    [
        (
            places(tally=(3, 0)),
            [row("1", order=1), row("2", order=2), row("3", order=3)],
            "3 confirmed for 2 places",
        ),
        (
            places(waitlist=False),
            [row("1", order=1), row("2", order=2), row("3", "waitlisted", order=3)],
            "keeps no waitlist",
        ),
        (
            places(tally=(1, 1)),
            [row("1", order=1), row("3", "waitlisted", order=3)],
            "wait while a place is free",
        ),
        (
            places(),
            [row("1", order=1), row("2", "waitlisted", order=2), row("3", order=3)],
            "came before a confirmed sign-up",
        ),
        (
            places(tally=(2, 0)),
            [row("1", order=1), row("2", order=2), row("3", "waitlisted", order=3)],
            "the tally says (2, 0)",
        ),
    ],
)
def test_places_over_capacity_out_of_order_or_miscounted_fail(activity, stored, failure):
    failures = capacity_failures(activity, stored)
    assert any(failure in text for text in failures), failures


# --- answers --------------------------------------------------------------------------------


def record(phase, label, status, *, error="", problem=""):
    return Record(phase, label, status, 0.01, error, problem)


def test_right_answers_pass():
    records = [
        # While the database is down the search may say it is unavailable, without the note.
        Record("database-cut", "search", 200, 0.01, missing="全文检索服务暂时不可用"),
        record("baseline", "home", 200),
        record("baseline", "sign-up", 303),
        record("baseline", "sign-up", 409),
        record("database-cut", "home", 503),
        record("database-cut", "sign-up", 503),
        record("recovery", "sign-up page", 200),
    ]
    assert answer_failures(records, PHASES) == []


@pytest.mark.parametrize(
    ("wrong", "failure"),
    [
        (record("database-cut", "home", 500), "1 × HTTP 500 for home"),
        (record("recovery", "home", 503), "recovery: 1 × HTTP 503"),
        (record("baseline", "sign-up", 503), "baseline: 1 × HTTP 503"),
        (record("baseline", "home", 302), "HTTP 302"),
        (record("baseline", "sign-up", 200), "HTTP 200 for sign-up"),
        (record("baseline", "sign-up", 429), "HTTP 429"),
        (record("baseline", "home", 0, error="ConnectionResetError: reset"), "no answer"),
        (
            record("database-cut", "home", 503, problem="503 without Retry-After"),
            "503 without Retry-After",
        ),
        (
            Record("baseline", "search", 200, 0.01, missing="全文检索服务暂时不可用"),
            "1 × 200 without “全文检索服务暂时不可用” for search",
        ),
    ],
)
def test_a_wrong_answer_fails(wrong, failure):
    failures = answer_failures([record("baseline", "home", 200), wrong], PHASES)
    assert len(failures) == 1 and failure in failures[0], failures


def test_a_503_in_flight_when_the_outage_began_is_the_outage_too():
    windows = {"baseline": (0.0, 10.0), "database-cut": (10.0, 20.0), "recovery": (20.0, 30.0)}

    def at(phase, began, ended, status=503):
        return Record(phase, "home", status, ended - began, began=began, ended=ended)

    assert answer_failures([at("baseline", 9.9, 10.2)], PHASES, windows) == []
    clear = [at("baseline", 9.0, 9.5), at("recovery", 20.0, 20.2)]
    assert len(answer_failures(clear, PHASES, windows)) == 2


FORM = SignupForm(
    fields=lambda mobile: {"mobile": mobile},
    link=re.compile(r"/activities/signups/[-\w]{16,64}/"),
    duplicate="已经报名了本活动",
    full="名额已满",
    state=re.compile(r"signup-status--(\w+)"),
)


def response(status, body="", **headers):
    return Response(status, list(headers.items()), body.encode(), 0.01)


@pytest.mark.parametrize(
    ("answer", "outcome", "problem"),
    [
        (response(303, Location="/activities/signups/abcdefghijklmnop/"), "stored", ""),
        (response(303, Location="/activities/"), "wrong", "303 to /activities/"),
        # A secret in the link is not repeated in the report.
        (response(303, Location="/a/abcdefghijklmnopq/?x=1"), "wrong", "303 to /a/…/"),
        (response(409, "这个手机号码已经报名了本活动"), "duplicate", ""),
        (response(409, "名额已满，本活动不设候补。"), "full", ""),
        (response(409, "报名已经截止。"), "wrong", "409 to the form"),
        (response(503, "服务暂时不可用", **{"Retry-After": "30"}), "unanswered", ""),
        (response(503, "Service Unavailable"), "unanswered", "503 without Retry-After"),
        (response(400, "请填写姓名。"), "wrong", "400 to the form"),
        (None, "unanswered", ""),
    ],
)
def test_sign_up_answers_are_read_as_the_resident_would(answer, outcome, problem):
    drill = Drill(port=8000, phases=PHASES, seconds=1, probes=[Probe("home", "/")], form=FORM)
    assert drill.classify(answer)[:2] == (outcome, problem)


# --- the log --------------------------------------------------------------------------------

LOG = """\
[2026-01-01 10:00:00 +0800] [10] [INFO] Booting worker with pid: 10
Exception ignored
Traceback (most recent call last):
  File "django_redis/cache.py", line 29, in _decorator
    return method(self, *args, **kwargs)
redis.exceptions.ConnectionError: Error 111 connecting to 127.0.0.1:6391. Connection refused.
Service Unavailable: /stations/
Traceback (most recent call last):
  File "django/db/backends/utils.py", line 105, in _execute
    return self.cursor.execute(sql, params)
psycopg.OperationalError: consuming input failed: terminating connection due to administrator
\tserver closed the connection unexpectedly

The above exception was the direct cause of the following exception:

Traceback (most recent call last):
  File "django/core/handlers/exception.py", line 55, in inner
    response = get_response(request)
django.db.utils.OperationalError: consuming input failed: terminating connection
Internal Server Error: /activities/
Traceback (most recent call last):
  File "stations/activities/views.py", line 1, in serve
    raise KeyError("x")
KeyError: 'x'
"""

RULES = [
    Expected("Exception ignored", re.compile(r"^redis\.exceptions\."), "redis"),
    Expected("Service Unavailable", re.compile(r"^django\.db\.utils\.OperationalError"), "503"),
]


def test_the_log_scan_tells_expected_tracebacks_from_others():
    scan = scan_log(LOG, RULES)
    assert dict(scan.expected) == {"redis": 1, "503": 1}  # the chain counts once
    assert list(scan.unexpected) == ["Internal Server Error: /activities/ | KeyError: 'x'"]
    assert 'raise KeyError("x")' in next(iter(scan.examples.values()))
    # Lines outside tracebacks are counted with their numbers folded, messages excepted.
    assert dict(scan.messages) == {"[N-N-N N:N:N +N] [N] [INFO] Booting worker with pid: N": 1}


def test_an_expected_message_with_another_exception_is_unexpected():
    log = "Exception ignored\nTraceback (most recent call last):\n  File x\nValueError: no\n"
    scan = scan_log(log, RULES)
    assert not scan.expected
    assert list(scan.unexpected) == ["Exception ignored | ValueError: no"]


# --- the drill's pieces ---------------------------------------------------------------------


@pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server is not installed")
def test_its_redis_is_killed_and_restarted_empty_by_its_own_pid():
    server = RedisServer(unused_port(range(6391, 6400)), executable=shutil.which("redis-server"))
    with server:
        pid = server.process.pid
        server.client.set("k", "v")
        assert server.keys() == 1
        server.kill()
        assert not server.answers() and server.keys() == 0
        server.start()
        assert server.process.pid != pid
        assert server.keys() == 0  # no persistence: it comes back empty
    assert not server.running


@pytest.mark.skipif(connection.vendor == "postgresql", reason="checks the SQLite refusal")
def test_the_command_refuses_sqlite_with_a_reason():
    with pytest.raises(CommandError, match="PostgreSQL only"):
        call_command("fault_drill")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="checks an option on PostgreSQL")
@pytest.mark.parametrize(
    ("options", "message"),
    [({"seconds": 31}, "between 1 and 30"), ({"signups": 5}, "more than the 5 places")],
)
def test_the_command_refuses_a_drill_out_of_bounds(options, message):
    with pytest.raises(CommandError, match=message):
        call_command("fault_drill", **options)
