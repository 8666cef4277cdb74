"""Benchmark activity sign-ups over real HTTP: a burst of residents against gunicorn.

Creates a throwaway PostgreSQL database (test_<name>, the way Django's test runner does, dropped
afterwards, so it never touches real data), one activity with 100 places and the waitlist on,
starts gunicorn on a free local port against it, and fires 500 sign-ups at the same moment, each
with its own mobile and the CSRF cookie and token its own GET of the page gave it:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal .venv/bin/python manage.py \
        benchmark_signups

Exits with status 1 unless exactly `capacity` are confirmed, the counters match the rows, every
303 is a stored sign-up and no request errs. Target: at least 300 sign-ups/s on two cores.

To show where the time goes it also prints: a burst the CSRF check turns away (gunicorn and the
middleware alone), the CPU each process used during the sign-up burst, and, one request at a time
in this process, the commit's disk flush, how long the tally lock is held, and the whole POST and
GET through Django (--profile adds cProfile's busiest functions, -v 2 the SQL).
"""

import cProfile
import datetime
import http.client
import io
import os
import pstats
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from unittest import mock
from urllib.parse import urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, reset_queries, transaction
from django.db.models import F
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone
from wagtail.models import Page, Site

from home.models import HomePage
from portal.benchmarking import BENCH_CACHES, percentile
from stations import signup
from stations.models import (
    ActivityCategory,
    ActivityIndexPage,
    ActivityPage,
    ActivitySignup,
    ActivityTally,
    Area,
    AreaLevel,
    SignupStatus,
    StationIndexPage,
    StationPage,
    StationType,
)

TARGET_PER_SECOND = 300
RATE_LIMIT = "100000/h"  # every request comes from 127.0.0.1
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SIGNUP_LOCATION = re.compile(r"^/activities/signups/[-\w]{16,64}/$")
# What a sign-up may rightly get: 303 to its page (a place or the waitlist), 409 refused by the
# rules. 400 (bad input) and 429 (rate limit) cannot be right here and count as errors.
EXPECTED_STATUSES = {303, 409}


def ms(seconds: list[float]) -> str:
    return (
        f"p50 {statistics.median(seconds) * 1000:6.1f} ms, "
        f"p95 {percentile(seconds, 0.95) * 1000:6.1f} ms"
    )


@dataclass
class Resident:
    """One browser: its mobile, and the CSRF cookie and form token its GET of the page gave."""

    mobile: str
    cookie: str = ""
    token: str = ""


@dataclass
class Answer:
    status: int = 0
    location: str = ""
    seconds: float = 0.0
    finished: float = 0.0
    error: str = ""


@dataclass
class Burst:
    answers: list[Answer]
    wall: float
    cpu: dict[str, float]  # seconds of CPU per party during the burst

    @property
    def statuses(self) -> Counter:
        return Counter(answer.status for answer in self.answers if not answer.error)

    def rate(self, status: int) -> float:
        return self.statuses[status] / self.wall if self.wall else 0.0

    def latencies(self) -> list[float]:
        return [answer.seconds for answer in self.answers if answer.status]


class Command(BaseCommand):
    help = "Fire a burst of concurrent activity sign-ups at gunicorn and report the figures."

    def add_arguments(self, parser):
        parser.add_argument("--attempts", type=int, default=500, help="Sign-ups in the burst.")
        parser.add_argument("--capacity", type=int, default=100, help="The activity's places.")
        parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes.")
        parser.add_argument("--worker-class", default="sync", choices=["sync", "gthread"])
        parser.add_argument("--threads", type=int, default=1, help="Threads per gthread worker.")
        parser.add_argument(
            "--server-settings",
            default="portal.settings.test",
            help="DJANGO_SETTINGS_MODULE for gunicorn. The default has DEBUG off and the "
            "production middleware, without production's HTTPS redirect and collectstatic.",
        )
        parser.add_argument(
            "--synchronous-commit",
            default="on",
            choices=["on", "off"],
            help="PostgreSQL's synchronous_commit in the throwaway database; 'off' shows what "
            "the disk flush at every commit costs.",
        )
        parser.add_argument("--samples", type=int, default=30, help="In-process requests each.")
        parser.add_argument("--profile", action="store_true", help="cProfile in-process POSTs.")

    def handle(self, *args, **options):
        if connection.vendor != "postgresql" or not os.environ.get("DATABASE_URL"):
            raise CommandError(
                "benchmark_signups runs on PostgreSQL only: set DATABASE_URL=postgres://… "
                "(it creates and drops its own test_… database there)."
            )
        if not 1 <= options["capacity"] <= options["attempts"]:
            raise CommandError("Need 1 ≤ --capacity ≤ --attempts.")
        self.options = options
        old_name = connection.settings_dict["NAME"]
        self.stdout.write("Creating a throwaway PostgreSQL database (migrations)…")
        connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
        try:
            # For the in-process measurements; gunicorn gets its settings from the environment.
            with override_settings(
                DEBUG=False,
                ALLOWED_HOSTS=["testserver"],
                CACHES=BENCH_CACHES,
                ACTIVITY_SIGNUP_RATE_LIMIT=RATE_LIMIT,
            ):
                failures = self.run()
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0)
        if failures:
            raise CommandError("; ".join(failures))

    def run(self) -> list[str]:
        out, options = self.stdout.write, self.options
        self.make_site()
        activity = self.make_activity(slug="bench", capacity=options["capacity"])
        with connection.cursor() as cursor:
            name = connection.ops.quote_name(connection.settings_dict["NAME"])
            setting = options["synchronous_commit"]  # "on" or "off", from argparse's choices
            # For gunicorn's connections, all opened from now on, and for this one.
            cursor.execute(f"ALTER DATABASE {name} SET synchronous_commit = {setting}")
            cursor.execute(f"SET synchronous_commit = {setting}")
        out(
            f"database: PostgreSQL {'.'.join(map(str, connection.get_database_version()))}, "
            f"synchronous_commit {setting}; CPUs: {os.cpu_count()}"
        )
        server = Server(self.options, self.server_environment())
        try:
            server.wait_until_ready(activity.url)
            out(f"gunicorn: {server.describe()}, http://127.0.0.1:{server.port}{activity.url}")
            residents = [Resident(mobile=f"139{n:08d}") for n in range(options["attempts"])]
            # Each resident opens the form first, a few at a time, so that the burst is nothing
            # but sign-ups; this also warms every worker up.
            with ThreadPoolExecutor(max_workers=8) as pool:
                opened = list(pool.map(lambda r: server.open_form(activity.url, r), residents))
            out(f"GET the form ×{len(residents)}, 8 at a time: {ms(opened)}")
            # The same burst without CSRF cookies: refused (403) before any view or query runs.
            bare = [Resident(mobile=r.mobile) for r in residents]
            baseline = server.burst(activity.url, bare)
            burst = server.burst(activity.url, residents)
        finally:
            server.stop()
        out(
            f"\nbaseline, {len(bare)} POSTs at once that the CSRF check refuses: "
            f"{baseline.rate(403):.0f}/s ({baseline.statuses[403]} × 403); "
            f"gunicorn workers' CPU {baseline.cpu['workers'] * 1000 / len(bare):.1f} ms a request"
        )
        failures = self.report_burst(activity, burst, server)
        self.report_breakdown()
        server.log_path.unlink(missing_ok=True)
        return failures

    # --- data -----------------------------------------------------------------------------

    def make_site(self):
        root = Page.get_first_root_node()
        home = root.add_child(instance=HomePage(title="社区志愿服务门户", slug="bench-home"))
        Site.objects.update_or_create(
            is_default_site=True,
            defaults={"hostname": "localhost", "port": 80, "root_page": home, "site_name": "测"},
        )
        stations = home.add_child(instance=StationIndexPage(title="志愿服务站点", slug="stations"))
        district = Area.objects.create(name="天河区", level=AreaLevel.DISTRICT)
        street = Area.objects.create(
            name="石牌街", level=AreaLevel.STREET, parent=district, latitude=23.13, longitude=113.34
        )
        self.station = stations.add_child(
            instance=StationPage(
                title="石牌街学雷锋志愿服务站",
                slug="shipai",
                station_type=StationType.objects.get_or_create(name="学雷锋志愿服务站")[0],
                street=street,
                address="广州市天河区石牌街龙口西路1号",
                latitude=23.1345,
                longitude=113.3420,
                phone="020-12345678",
            )
        )
        self.index = home.add_child(
            instance=ActivityIndexPage(title="志愿服务活动", slug="activities")
        )
        self.category = ActivityCategory.objects.get_or_create(name="社区治理")[0]

    def make_activity(self, *, slug, capacity) -> ActivityPage:
        starts = timezone.now() + datetime.timedelta(days=7)
        return self.index.add_child(
            instance=ActivityPage(
                title=f"社区清洁志愿活动（{slug}）",
                slug=slug,
                station=self.station,
                category=self.category,
                starts_at=starts,
                ends_at=starts + datetime.timedelta(hours=3),
                capacity=capacity,
                waitlist_enabled=True,
                summary="清理社区公共区域，倡导垃圾分类",
            )
        )

    def server_environment(self) -> dict:
        # The given URL with the throwaway database's name: credentials and options carry over.
        given = urlsplit(os.environ["DATABASE_URL"])
        throwaway = urlunsplit(given._replace(path="/" + connection.settings_dict["NAME"]))
        return {
            **os.environ,
            "DATABASE_URL": throwaway,
            "DJANGO_SETTINGS_MODULE": self.options["server_settings"],
            "ACTIVITY_SIGNUP_RATE_LIMIT": RATE_LIMIT,
        }

    # --- reports --------------------------------------------------------------------------

    def report_burst(self, activity, burst: Burst, server) -> list[str]:
        out, capacity = self.stdout.write, self.options["capacity"]
        answers, statuses = burst.answers, burst.statuses
        errors = [a.error for a in answers if a.error]
        errors += [f"HTTP {a.status}" for a in answers if a.status not in EXPECTED_STATUSES | {0}]
        errors += [
            f"303 to {a.location!r}"
            for a in answers
            if a.status == 303 and not SIGNUP_LOCATION.match(urlsplit(a.location).path)
        ]
        rows = list(
            ActivitySignup.objects.filter(activity=activity)
            .order_by("pk")
            .values_list("status", "created_at")
        )
        stored = Counter(status for status, _ in rows)
        confirmed, waitlisted = stored[SignupStatus.CONFIRMED], stored[SignupStatus.WAITLISTED]
        tally = ActivityTally.objects.get(activity=activity)
        first_hold_places = {status for status, _ in rows[:capacity]} == {SignupStatus.CONFIRMED}
        times = [created for _, created in rows]
        per_second = burst.rate(303)

        out(f"\n== burst: {len(answers)} sign-ups at once for {capacity} places, waitlist on")
        out(f"confirmed    {confirmed:5}   (tally {tally.confirmed})")
        out(f"waitlisted   {waitlisted:5}   (tally {tally.waitlisted})")
        out(f"refused      {statuses[409]:5}   (409)")
        out(f"errors       {len(errors):5}" + (f"   first: {errors[0]}" if errors else ""))
        out(f"303 answers  {statuses[303]:5}   (each a stored sign-up)")
        out(
            f"arrival order: the first {capacity} hold the places: {yesno(first_hold_places)}; "
            f"sign-up times follow it: {yesno(times == sorted(times))}"
        )
        if burst.latencies():
            verdict = "met" if per_second >= TARGET_PER_SECOND else "NOT met"
            out(
                f"wall {burst.wall:.2f} s, {per_second:.0f} sign-ups/s "
                f"(target ≥ {TARGET_PER_SECOND}: {verdict}); latency "
                f"p50 {statistics.median(burst.latencies()) * 1000:.0f} ms, "
                f"p95 {percentile(burst.latencies(), 0.95) * 1000:.0f} ms"
            )
        cpu = burst.cpu
        out(
            f"CPU used during it, of {os.cpu_count()} cores × {burst.wall:.2f} s: "
            f"gunicorn workers {cpu['workers']:.1f} s "
            f"({cpu['workers'] * 1000 / len(answers):.1f} ms a sign-up), "
            f"PostgreSQL {cpu['database']:.1f} s "
            f"({cpu['database'] * 1000 / len(answers):.1f} ms), this client {cpu['client']:.1f} s"
        )
        if errors:
            out(f"gunicorn's log:\n{server.log_tail()}")

        failures = []
        if confirmed != capacity:
            failures.append(f"{confirmed} confirmed, not {capacity}")
        if errors:
            failures.append(f"{len(errors)} errors")
        if (tally.confirmed, tally.waitlisted) != (confirmed, waitlisted):
            failures.append("the tally's counters differ from the rows")
        if statuses[303] != confirmed + waitlisted:
            failures.append("303 answers differ from the sign-ups stored")
        return failures

    def report_breakdown(self):
        """One request at a time, in this process, on an activity of its own."""
        out, samples = self.stdout.write, self.options["samples"]
        activity = self.make_activity(slug="breakdown", capacity=100_000)
        out(f"\n== where a sign-up's time goes (in process, one at a time, {samples} each)")

        def commit(_n):
            with transaction.atomic():
                ActivityTally.objects.filter(pk=activity.pk).update(confirmed=F("confirmed"))

        commits = timed(samples, commit)

        # Stamp the moment sign_up() has the lock by wrapping the step that takes it: from
        # there to its return is what every other sign-up for the activity waits for.
        locked_at, take_lock = [], signup._locked_tally

        def stamped(activity_id):
            tally = take_lock(activity_id)
            locked_at.append(time.perf_counter())
            return tally

        calls, held = [], []
        with mock.patch.object(signup, "_locked_tally", stamped):
            reset_queries()  # a full query log stops growing, and a capture would count nothing
            with CaptureQueriesContext(connection) as captured:
                signup.sign_up(activity=activity, name="志愿者", mobile="13700000000")
            call_sql = list(captured)  # a request clears the log the capture is a view of
            for n in range(1, samples + 1):
                started = time.perf_counter()
                signup.sign_up(activity=activity, name="志愿者", mobile=f"137{n:08d}")
                ended = time.perf_counter()
                calls.append(ended - started)
                held.append(ended - locked_at[-1])

        client, path = Client(enforce_csrf_checks=True), activity.url
        with CaptureQueriesContext(connection) as captured:
            page = client.get(path)
        get_sql = list(captured)
        gets = timed(samples, lambda n: client.get(path))
        token = CSRF_INPUT.search(page.content.decode()).group(1)
        with CaptureQueriesContext(connection) as captured:
            post_statuses = Counter([post_form(client, path, token, "13800000000").status_code])
        post_sql = list(captured)

        def post(n):
            post_statuses[post_form(client, path, token, f"138{n:08d}").status_code] += 1

        posts = timed(samples, post)

        out(f"{'write transaction commit (disk flush)':40} {ms(commits)}")
        out(f"{'sign_up()':40} {ms(calls)}, {len(call_sql)} SQL queries")
        out(f"{'  of which it holds the tally lock':40} {ms(held)}")
        out(f"{'POST sign-up through Django, no HTTP':40} {ms(posts)}, {len(post_sql)} SQL queries")
        out(f"{'GET the activity page, no HTTP':40} {ms(gets)}, {len(get_sql)} SQL queries")
        out(f"POST statuses: {dict(post_statuses)}")
        out(
            "one activity's ceiling, sign-ups passing its lock one by one: "
            f"{1 / statistics.median(held):.0f}/s"
        )
        if self.options["verbosity"] >= 2:
            for label, queries in [("sign_up()", call_sql), ("POST", post_sql)]:
                out(f"SQL of one {label}:")
                for query in queries:
                    out(f"  {query['time']} s  {query['sql'][:150]}")
        if self.options["profile"]:
            profile = cProfile.Profile()
            for n in range(1, samples + 1):
                profile.runcall(post_form, client, path, token, f"136{n:08d}")
            report = io.StringIO()
            stats = pstats.Stats(profile, stream=report)
            stats.sort_stats("cumulative").print_stats(40)
            out(f"\n== cProfile of {samples} POSTs (the profiler slows every call)")
            out(report.getvalue())


class Server:
    """gunicorn on a free local port, and the client side of the bursts."""

    def __init__(self, options, environment):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.options = options
        self.log_path = Path(tempfile.gettempdir()) / f"benchmark_signups-{os.getpid()}.log"
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "portal.wsgi:application",
            f"--bind=127.0.0.1:{self.port}",
            f"--workers={options['workers']}",
            f"--worker-class={options['worker_class']}",
            f"--threads={options['threads']}",
            "--backlog=2048",  # the whole burst waits in the queue rather than being turned away
            "--timeout=120",
            "--log-level=warning",
            f"--error-logfile={self.log_path}",
        ]
        self.process = subprocess.Popen(
            command,
            cwd=settings.BASE_DIR,
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def describe(self) -> str:
        options = self.options
        threads = f" × {options['threads']} threads" if options["worker_class"] == "gthread" else ""
        return (
            f"{options['workers']} {options['worker_class']} workers{threads}, "
            f"{options['server_settings']}"
        )

    def wait_until_ready(self, path):
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise CommandError(f"gunicorn exited:\n{self.log_tail()}")
            try:
                status = request(self.port, "GET", path).status
            except OSError:
                status = None  # not listening yet
            if status == 200:
                return
            if status is not None:
                raise CommandError(f"GET {path} answered {status}:\n{self.log_tail()}")
            time.sleep(0.2)
        raise CommandError(f"gunicorn did not answer within 90 s:\n{self.log_tail()}")

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()  # gunicorn's graceful stop: workers finish, then exit
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def log_tail(self) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-30:])
        except OSError:
            return "(no log)"

    def open_form(self, path, resident: Resident) -> float:
        """GET the page as the resident's browser would; keep its cookie and form token."""
        started = time.perf_counter()
        response = request(self.port, "GET", path)
        seconds = time.perf_counter() - started
        cookies = SimpleCookie()
        for header in response.headers("Set-Cookie"):
            cookies.load(header)
        found = CSRF_INPUT.search(response.body.decode())
        if response.status != 200 or "csrftoken" not in cookies or not found:
            raise CommandError(f"GET {path} ({response.status}) gave no form with a CSRF token.")
        resident.cookie, resident.token = cookies["csrftoken"].value, found.group(1)
        return seconds

    def post_signup(self, path, resident: Resident) -> "Response":
        origin = f"http://127.0.0.1:{self.port}"
        fields = {"name": "志愿者", "mobile": resident.mobile, "consent": "on", "homepage": ""}
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": origin,
            "Referer": origin + path,
        }
        if resident.cookie:
            fields["csrfmiddlewaretoken"] = resident.token
            headers["Cookie"] = f"csrftoken={resident.cookie}"
        return request(self.port, "POST", path, body=urlencode(fields), headers=headers)

    def burst(self, path, residents: list[Resident]) -> Burst:
        """Every resident posts at the same moment, each on a connection of its own."""
        answers = [Answer() for _ in residents]
        released = []
        barrier = threading.Barrier(len(residents), action=lambda: released.append(time.time()))

        def post(resident, answer):
            try:
                barrier.wait(timeout=120)
                started = time.perf_counter()
                response = self.post_signup(path, resident)
                answer.seconds = time.perf_counter() - started
                answer.status = response.status
                answer.location = response.header("Location") or ""
            except Exception as error:  # counted and shown, never lost in the thread
                answer.error = f"{type(error).__name__}: {error}"
            answer.finished = time.time()

        threads = [
            threading.Thread(target=post, args=pair, daemon=True)
            for pair in zip(residents, answers, strict=True)
        ]
        # Who uses the cores meanwhile: the workers, the database backends serving them (their
        # persistent connections are open since the GETs) or this client.
        workers, backends = self.worker_pids(), database_backends()
        before = cpu_seconds(workers), cpu_seconds(backends), time.process_time()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)
        after = cpu_seconds(workers), cpu_seconds(backends), time.process_time()
        if not released:
            raise CommandError("The burst never started: a client thread failed.")
        used = [end - start for start, end in zip(before, after, strict=True)]
        return Burst(
            answers=answers,
            wall=max(answer.finished for answer in answers) - released[0],
            cpu=dict(zip(["workers", "database", "client"], used, strict=True)),
        )

    def worker_pids(self) -> list[int]:
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(pid) for pid in path.read_text().split()]
        except OSError:
            return []


def database_backends() -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return [pid for (pid,) in cursor.fetchall()]


def cpu_seconds(pids) -> float:
    """User and system CPU time the processes have used so far (Linux /proc)."""
    ticks = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone meanwhile
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def timed(samples, call) -> list[float]:
    seconds = []
    for n in range(1, samples + 1):
        started = time.perf_counter()
        call(n)
        seconds.append(time.perf_counter() - started)
    return seconds


def post_form(client, path, token, mobile):
    fields = {"name": "志愿者", "mobile": mobile, "consent": "on", "homepage": ""}
    return client.post(path, {**fields, "csrfmiddlewaretoken": token})


def yesno(value: bool) -> str:
    return "yes" if value else "NO"


@dataclass
class Response:
    status: int
    header_list: list[tuple[str, str]]
    body: bytes

    def headers(self, name) -> list[str]:
        return [value for key, value in self.header_list if key.lower() == name.lower()]

    def header(self, name) -> str | None:
        return next(iter(self.headers(name)), None)


def request(port, method, path, body=None, headers=None) -> Response:
    """One request on a fresh connection: gunicorn's sync workers close every one anyway."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return Response(response.status, response.getheaders(), response.read())
    finally:
        conn.close()
