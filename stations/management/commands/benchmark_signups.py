"""Benchmark activity sign-ups over real HTTP: a burst of residents against gunicorn.

Creates a throwaway PostgreSQL database (test_<name>, the way Django's test runner does, dropped
afterwards, so it never touches real data), one activity with 100 places and the waitlist on,
starts gunicorn on a free local port against it, and fires 500 sign-ups at the same moment, each
with its own mobile and the CSRF cookie and token its own GET of the page gave it, to where the
page's form posts (its own URL, activities/signup/<id>/):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal .venv/bin/python manage.py \
        benchmark_signups

Exits with status 1 unless exactly `capacity` are confirmed, the counters match the rows, every
303 is a stored sign-up and no request errs. Targets: at least 300 sign-ups/s on two cores, and
at least 75 % of the rate at which the same server refuses POSTs at the CSRF check.

To show where the time goes it also prints: a burst the CSRF check turns away (gunicorn and the
middleware alone), the CPU each process used during the sign-up burst, and, one request at a time
in this process, the commit's disk flush, how long the statement holding the tally lock takes,
and the whole POST and GET through Django (--profile adds cProfile's busiest functions, -v 2 the
SQL). A sign-up is one statement (stations/signup.py), prepared once per connection where the
database settings allow prepared statements (OPTIONS prepare_threshold, off by Django's default):
run with --server-settings naming settings that allow them to see what parsing and planning it
on every sign-up costs.
"""

import cProfile
import datetime
import io
import os
import pstats
import re
import statistics
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from html import unescape
from unittest import mock
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, reset_queries, transaction
from django.db.models import F
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone
from wagtail.models import Page, Site

from home.models import HomePage
from portal.benchmarking import (
    BENCH_CACHES,
    GunicornServer,
    Latencies,
    LoadError,
    LoadResult,
    Request,
    ServerError,
    Session,
    burst,
    cpu_used,
    current_database_url,
    database_backend_pids,
    form_token,
)
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
# Of the rate at which the same server turns POSTs away at the CSRF check (issue 16): a sign-up
# should cost little more than the middleware every request goes through.
TARGET_SHARE = 0.75
RATE_LIMIT = "100000/h"  # every request comes from 127.0.0.1
FORM_ACTION = re.compile(r'<form\b[^>]*\bmethod="post"[^>]*\baction="([^"]*)"')
SIGNUP_LOCATION = re.compile(r"^/activities/signups/[-\w]{16,64}/$")
# What a sign-up may rightly get: 303 to its page (a place or the waitlist), 409 refused by the
# rules. 400 (bad input) and 429 (rate limit) cannot be right here and count as errors.
EXPECTED_STATUSES = {303, 409}


def ms(seconds: list[float]) -> str:
    return Latencies.of(seconds).text()


@dataclass
class Resident:
    """One browser: its mobile, and the session holding the CSRF cookie and form token its GET
    of the page gave (none for the baseline burst)."""

    mobile: str
    session: Session

    def signup_post(self, path: str) -> Request:
        fields = {"name": "志愿者", "mobile": self.mobile, "consent": "on", "homepage": ""}
        return self.session.form_post(path, fields)


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
                # Every cache the settings name (the page cache's too), each in this process.
                CACHES={**{alias: bench_cache(alias) for alias in settings.CACHES}, **BENCH_CACHES},
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
        server = GunicornServer(
            settings_module=options["server_settings"],
            env={
                "DATABASE_URL": current_database_url(),
                "ACTIVITY_SIGNUP_RATE_LIMIT": RATE_LIMIT,
            },
            workers=options["workers"],
            worker_class=options["worker_class"],
            threads=options["threads"],
            cwd=settings.BASE_DIR,
            name="benchmark_signups",
        )
        path = activity.url
        try:
            with server:
                server.wait_until_ready(path)
                out(f"gunicorn: {server.describe()}, {server.origin}{path}")
                residents = [
                    Resident(mobile=f"139{n:08d}", session=Session(server.port))
                    for n in range(options["attempts"])
                ]
                # Each resident opens the form first, a few at a time, so that the burst is
                # nothing but sign-ups; this also warms every worker up.
                with ThreadPoolExecutor(max_workers=8) as pool:
                    opened = list(pool.map(lambda r: r.session.open_form(path), residents))
                seconds = [response.seconds for response in opened]
                out(f"GET the form ×{len(residents)}, 8 at a time: {ms(seconds)}")
                # Posted where the browser posts it: the form's action.
                action = form_action(opened[0].body)
                out(f"the form posts to {action}")
                # The same burst without CSRF cookies: refused (403) before any view or query.
                bare = [Resident(mobile=r.mobile, session=Session(server.port)) for r in residents]
                baseline, baseline_cpu = self.fire(server, action, bare)
                signups, cpu = self.fire(server, action, residents)
        except (ServerError, LoadError) as error:
            raise CommandError(str(error)) from error
        out(
            f"\nbaseline, {len(bare)} POSTs at once that the CSRF check refuses: "
            f"{baseline.rate(403):.0f}/s ({baseline.statuses[403]} × 403); "
            f"gunicorn workers' CPU {baseline_cpu['workers'] * 1000 / len(bare):.1f} ms a request, "
            f"PostgreSQL's {baseline_cpu['database'] * 1000 / len(bare):.1f} ms, "
            f"this client's {baseline_cpu['client'] * 1000 / len(bare):.1f} ms"
        )
        failures = self.report_burst(activity, signups, cpu, server, baseline.rate(403))
        self.report_breakdown()
        server.remove_log()
        return failures

    def fire(self, server, path, residents: list[Resident]) -> tuple[LoadResult, dict[str, float]]:
        """Every resident posts the form at the same moment, and who uses the cores meanwhile:
        the workers, the database backends serving them (their persistent connections are open
        since the GETs) or this client."""
        requests = [resident.signup_post(path) for resident in residents]
        with cpu_used(workers=server.worker_pids(), database=database_backend_pids()) as cpu:
            result = burst(requests, port=server.port)
        return result, cpu

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

    # --- reports --------------------------------------------------------------------------

    def report_burst(
        self, activity, burst: LoadResult, cpu: dict[str, float], server, refused_rate: float
    ) -> list[str]:
        out, capacity = self.stdout.write, self.options["capacity"]
        answers, statuses = burst.answers, burst.statuses
        errors = burst.errors
        errors += [f"HTTP {a.status}" for a in answers if a.status not in EXPECTED_STATUSES | {0}]
        locations = [a.header("Location") or "" for a in answers if a.status == 303]
        errors += [
            f"303 to {location!r}"
            for location in locations
            if not SIGNUP_LOCATION.match(urlsplit(location).path)
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
                + Latencies.of(burst.latencies()).text(spec=".0f")
            )
        if refused_rate:
            share = per_second / refused_rate
            verdict = "met" if share >= TARGET_SHARE else "NOT met"
            out(
                f"sign-ups/s as a share of the CSRF-refused rate: {share:.0%} "
                f"(target ≥ {TARGET_SHARE:.0%}: {verdict})"
            )
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

        # On PostgreSQL a sign-up is one statement that commits by itself: the tally lock is
        # held for at most that statement (its call is timed here), which is what every other
        # sign-up for the activity waits for.
        held, statement = [], signup._sign_up_in_one_statement

        def timed_statement(**kwargs):
            started = time.perf_counter()
            try:
                return statement(**kwargs)
            finally:
                held.append(time.perf_counter() - started)

        calls = []
        with mock.patch.object(signup, "_sign_up_in_one_statement", timed_statement):
            reset_queries()  # a full query log stops growing, and a capture would count nothing
            with CaptureQueriesContext(connection) as captured:
                signup.sign_up(activity=activity, name="志愿者", mobile="13700000000")
            call_sql = list(captured)  # a request clears the log the capture is a view of
            held.clear()
            for n in range(1, samples + 1):
                started = time.perf_counter()
                signup.sign_up(activity=activity, name="志愿者", mobile=f"137{n:08d}")
                calls.append(time.perf_counter() - started)

        client, path = Client(enforce_csrf_checks=True), activity.url
        with CaptureQueriesContext(connection) as captured:
            page = client.get(path)
        get_sql = list(captured)
        gets = timed(samples, lambda n: client.get(path))
        token, action = form_token(page.content), form_action(page.content)
        with CaptureQueriesContext(connection) as captured:
            post_statuses = Counter([post_form(client, action, token, "13800000000").status_code])
        post_sql = list(captured)

        def post(n):
            post_statuses[post_form(client, action, token, f"138{n:08d}").status_code] += 1

        posts = timed(samples, post)

        out(f"{'write transaction commit (disk flush)':40} {ms(commits)}")
        out(f"{'sign_up()':40} {ms(calls)}, {len(call_sql)} SQL queries")
        out(f"{'  of which the statement holding the lock':40} {ms(held)}")
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
                    out(f"  {query['time']} s  {' '.join(query['sql'].split())[:150]}")
        if self.options["profile"]:
            profile = cProfile.Profile()
            for n in range(1, samples + 1):
                profile.runcall(post_form, client, action, token, f"136{n:08d}")
            report = io.StringIO()
            stats = pstats.Stats(profile, stream=report)
            stats.sort_stats("cumulative").print_stats(40)
            out(f"\n== cProfile of {samples} POSTs (the profiler slows every call)")
            out(report.getvalue())


def bench_cache(alias: str) -> dict:
    return BENCH_CACHES["default"] | {"LOCATION": f"benchmark_signups-{alias}"}


def timed(samples, call) -> list[float]:
    seconds = []
    for n in range(1, samples + 1):
        started = time.perf_counter()
        call(n)
        seconds.append(time.perf_counter() - started)
    return seconds


def form_action(html: bytes) -> str:
    """Where the page's sign-up form posts (its first POST form's action)."""
    found = FORM_ACTION.search(html.decode())
    if not found:
        raise CommandError("The activity page has no sign-up form.")
    return unescape(found.group(1))


def post_form(client, path, token, mobile):
    fields = {"name": "志愿者", "mobile": mobile, "consent": "on", "homepage": ""}
    return client.post(path, {**fields, "csrfmiddlewaretoken": token})


def yesno(value: bool) -> str:
    return "yes" if value else "NO"
