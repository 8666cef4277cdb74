"""Fault drill: the site under gunicorn while Redis, Elasticsearch and the database fail.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python manage.py fault_drill

On the PostgreSQL server of DATABASE_URL it drops and creates a database of its own (--database,
default portal_fault_drill; dropped again at the end unless --keep-database), migrates it, loads
the demo and adds two activities per phase with 5 places each, one keeping a waitlist and one
not. It starts its own redis-server on a free port of 6391–6399 and gunicorn with 2 sync workers
under portal.settings.production, with plain HTTP on 127.0.0.1 and ELASTICSEARCH_URL at a closed
port, and puts a bounded load on it (--seconds a phase, at most 30) while the faults come:

    baseline             nothing fails
    redis-stopped        Redis is killed halfway through
    redis-restarted      Redis starts again; the cache must fill again
    search-unreachable   searches above all (Elasticsearch is unreachable throughout)
    database-cut         every connection to the database is cut every --cut-every seconds
    recovery             nothing fails

Elasticsearch points at the closed port for the whole drill rather than for one phase: there is
no Elasticsearch here to be up, so the only state to test is "configured but unreachable", and
giving gunicorn a new environment would mean restarting it under load, a fault of its own that
would blur the figures. Every phase then also runs with search falling back, the other faults
coming on top of it.

Then it checks: every request answered, 200 for a page (303 or 409 for a sign-up), 503 only in
database-cut and only as the site's own outage answer; every sign-up the client was told was
stored (303) is stored exactly once and in the state its page showed; refused ones are absent;
never more confirmed than places; gunicorn's log holds no traceback but those the faults explain.
Exit status 1 on any failure.
"""

import datetime
import io
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test.utils import override_settings
from django.utils import timezone

from portal.benchmarking import BENCH_CACHES, LoadError, ServerError, Session, current_database_url
from portal.benchmarking.faults import (
    COLUMNS,
    REDIS_PORTS,
    ActivityPlaces,
    BackendTerminator,
    Drill,
    Expected,
    FaultError,
    LoggedServer,
    Phase,
    Probe,
    RedisServer,
    SignupForm,
    SignupTarget,
    StoredSignup,
    answer_failures,
    capacity_failures,
    closed_port,
    during_outage,
    label_rows,
    phase_rows,
    refuses_connections,
    scan_log,
    signup_check,
    table,
    unused_port,
)
from stations.models import (
    ActivityCategory,
    ActivityIndexPage,
    ActivityPage,
    ActivitySignup,
    ActivityTally,
    StationIndexPage,
    StationPage,
)

DATABASE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
CAPACITY = 5
SIGNUP_CLIENTS = 4
ADMIN_USERNAME = "fault-drill-admin"
# The site search's note when it answered from the database index (search/templates).
SEARCH_FELL_BACK = "全文检索服务暂时不可用"
SIGNUP_FORM = SignupForm(
    fields=lambda mobile: {"name": "演练志愿者", "mobile": mobile, "consent": "on", "homepage": ""},
    link=re.compile(r"/activities/signups/[-\w]{16,64}/"),
    duplicate="已经报名了本活动",
    full="名额已满",
    state=re.compile(r'class="signup-status signup-status--(\w+)"'),
)
# Tracebacks the faults rightly leave in the log.
DATABASE_ERROR = re.compile(r"^(django\.db\.utils\.|psycopg\.)(OperationalError|InterfaceError)")
EXPECTED_TRACEBACKS = [
    Expected(
        "Exception ignored",
        re.compile(r"^redis\.exceptions\.(ConnectionError|TimeoutError)"),
        "django-redis: a cache call skipped while Redis is down",
    ),
    Expected(
        "Search backend failed for",
        re.compile(r"^elastic_transport\.(ConnectionError|ConnectionTimeout)"),
        "site search: Elasticsearch unreachable, answered from the database index",
    ),
    Expected(
        "Search backend failed for",
        DATABASE_ERROR,
        "site search: the database cut mid-search",
    ),
    Expected("The fallback search failed too", DATABASE_ERROR, "site search: the database cut"),
    Expected(
        "Retrying request after failure",
        re.compile(r"^elastic_transport\.(ConnectionError|ConnectionTimeout)"),
        "elastic_transport: a retry against the closed port",
    ),
    Expected("Service Unavailable", DATABASE_ERROR, "503: the database cut mid-request"),
]


def interrupted(signum, frame):
    raise KeyboardInterrupt


def search_path(query: str) -> str:
    return "/search/?" + urlencode({"q": query})


class Command(BaseCommand):
    help = "Run the site under gunicorn while Redis, Elasticsearch and the database fail."

    def add_arguments(self, parser):
        parser.add_argument(
            "--database",
            default="portal_fault_drill",
            help="Name of the drill's own database on DATABASE_URL's server (dropped first).",
        )
        parser.add_argument("--keep-database", action="store_true", help="Leave it afterwards.")
        parser.add_argument(
            "--seconds", type=float, default=8.0, help="Length of each phase, 1–30 s."
        )
        parser.add_argument("--clients", type=int, default=3, help="Threads GETting pages.")
        parser.add_argument(
            "--signups",
            type=int,
            default=10,
            help=f"Sign-ups per activity per phase ({CAPACITY} places).",
        )
        parser.add_argument(
            "--cut-every", type=float, default=0.5, help="Seconds between the database cuts."
        )

    def handle(self, *args, **options):
        if connection.vendor != "postgresql" or not os.environ.get("DATABASE_URL"):
            raise CommandError(
                "fault_drill runs on PostgreSQL only: set DATABASE_URL=postgres://… (it creates "
                "and drops its own database there). SQLite has no server whose connections "
                "could be cut."
            )
        if not DATABASE_NAME.match(options["database"]):
            raise CommandError("--database: lower-case letters, digits and _, at most 63.")
        if options["database"] == connection.settings_dict["NAME"]:
            raise CommandError("--database must differ from DATABASE_URL's own database.")
        if not 1 <= options["seconds"] <= 30:
            raise CommandError("--seconds: between 1 and 30.")
        if options["signups"] <= CAPACITY:
            raise CommandError(f"--signups: more than the {CAPACITY} places.")
        if not 0.1 <= options["cut_every"] <= options["seconds"]:
            raise CommandError("--cut-every: between 0.1 s and --seconds.")
        if options["clients"] < 1:
            raise CommandError("--clients: at least 1.")
        self.redis_server = shutil.which("redis-server")
        if not self.redis_server:
            raise CommandError("fault_drill needs redis-server (apt-get install redis-server).")
        self.options, self.steps = options, {}
        started = time.monotonic()
        with ExitStack() as stack:
            # A CI runner cancels with SIGTERM: stop Redis, gunicorn and the database as on ^C.
            previous = signal.signal(signal.SIGTERM, interrupted)
            stack.callback(signal.signal, signal.SIGTERM, previous)
            self.work = tempfile.mkdtemp(prefix="fault-drill-")
            stack.callback(shutil.rmtree, self.work, ignore_errors=True)
            media = os.path.join(self.work, "media")
            # This process writes the demo with a memory cache and the database index only,
            # whatever REDIS_URL or ELASTICSEARCH_URL the shell has, and files in a temp folder.
            stack.enter_context(
                override_settings(
                    DEBUG=False,
                    CACHES=BENCH_CACHES,
                    MEDIA_ROOT=media,
                    WAGTAILSEARCH_BACKENDS={"default": {**settings.DATABASE_SEARCH}},
                )
            )
            failures = self.drill(stack, media)
        self.stdout.write(f"\nwhole drill: {time.monotonic() - started:.0f} s")
        if failures:
            raise CommandError(f"{len(failures)} checks failed: " + "; ".join(failures[:5]))
        self.stdout.write(self.style.SUCCESS("fault drill passed"))

    # --- setting up -----------------------------------------------------------------------

    def drill(self, stack: ExitStack, media: str) -> list[str]:
        out, name = self.stdout.write, self.options["database"]
        static = os.path.join(self.work, "static")
        redis_port, search_port = unused_port(REDIS_PORTS), closed_port()
        server_env = {
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "false",
            "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
            "ELASTICSEARCH_URL": f"http://127.0.0.1:{search_port}",
            "ACTIVITY_SIGNUP_RATE_LIMIT": "100000/h",  # every client is 127.0.0.1
            "STATIC_ROOT": static,
            "MEDIA_ROOT": media,
            "DJANGO_SETTINGS_MODULE": "portal.settings.production",
        }
        # collectstatic (production's hashed, compressed files) runs beside the migrations.
        collecting = subprocess.Popen(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=settings.BASE_DIR,
            env={**os.environ, **server_env},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        stack.callback(collecting.kill)
        setup_started = time.monotonic()
        out(f"Creating the database {name} (migrations, demo content)…")
        self.create_database(stack, name)
        self.make_content()
        if collecting.wait() != 0:
            raise CommandError(f"collectstatic failed:\n{collecting.stderr.read().decode()}")
        steps = ", ".join(f"{step} {seconds:.0f} s" for step, seconds in self.steps.items())
        out(f"set-up: {time.monotonic() - setup_started:.0f} s ({steps}; collectstatic beside)")

        redis_server = stack.enter_context(RedisServer(redis_port, executable=self.redis_server))
        server = LoggedServer(
            settings_module="portal.settings.production",
            env={**server_env, "DATABASE_URL": current_database_url()},
            workers=2,
            timeout=30,
            cwd=settings.BASE_DIR,
            config=settings.BASE_DIR / "portal" / "gunicorn.conf.py",
            name="fault_drill",
        )
        stack.enter_context(server)
        try:
            booting = time.monotonic()
            server.wait_until_ready("/")
            out(
                f"gunicorn: {server.describe()}, up in {time.monotonic() - booting:.1f} s, "
                f"{server.origin}; Redis {redis_server.url} "
                f"(pid {redis_server.process.pid}); Elasticsearch http://127.0.0.1:{search_port} "
                f"(closed); PostgreSQL database {name}"
            )
            result, phases, notes = self.run_phases(server, redis_server, search_port)
        except (ServerError, LoadError, FaultError) as error:
            raise CommandError(f"{error}\ngunicorn's log:\n{server.log_tail()}") from error
        finally:
            workers_at_end = server.worker_pids()
            server.stop()
        return self.report(server, result, phases, notes, workers_at_end)

    def timed(self, step: str, call, *args, **kwargs) -> None:
        started = time.monotonic()
        call(*args, **kwargs)
        self.steps[step] = time.monotonic() - started

    def create_database(self, stack: ExitStack, name: str) -> None:
        """Drop and create `name` on the server, point this process at it and migrate it.
        Commits skip the disk flush while it is filled, then flush again for the drill."""
        quoted = connection.ops.quote_name(name)
        old_name = connection.settings_dict["NAME"]
        with connection._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)")
            cursor.execute(f"CREATE DATABASE {quoted}")
            cursor.execute(f"ALTER DATABASE {quoted} SET synchronous_commit = off")
        connection.close()
        connection.settings_dict["NAME"] = name

        def drop():
            connection.close()
            connection.settings_dict["NAME"] = old_name
            if self.options["keep_database"]:
                self.stdout.write(f"Kept the database {name}.")
                return
            with connection._nodb_cursor() as cursor:
                cursor.execute(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)")

        stack.callback(drop)
        self.timed("migrate", call_command, "migrate", verbosity=0, interactive=False)

    def make_content(self) -> None:
        """The demo, the drill's activities and an admin account, then the search index in one
        go (faster than page by page)."""
        backends = {"default": {**settings.DATABASE_SEARCH, "AUTO_UPDATE": False}}
        quiet = io.StringIO()  # load_demo's own report
        with override_settings(WAGTAILSEARCH_BACKENDS=backends):
            self.timed("load_demo", call_command, "load_demo", verbosity=0, stdout=quiet)
            index = ActivityIndexPage.objects.live().first()
            station = StationPage.objects.live().order_by("path").first()
            category = ActivityCategory.objects.order_by("pk").first()
            starts = timezone.now() + datetime.timedelta(days=7)
            self.activities: dict[str, list[ActivityPage]] = {}
            for phase in PHASE_NAMES:
                self.activities[phase] = [
                    index.add_child(
                        instance=ActivityPage(
                            title=f"故障演练活动（{phase}，{'有' if waitlist else '无'}候补）",
                            slug=f"drill-{phase}-{'waitlist' if waitlist else 'no-waitlist'}",
                            station=station,
                            category=category,
                            starts_at=starts,
                            ends_at=starts + datetime.timedelta(hours=2),
                            capacity=CAPACITY,
                            waitlist_enabled=waitlist,
                            summary="故障演练用的活动",
                        )
                    )
                    for waitlist in (True, False)
                ]
        self.timed("update_index", call_command, "update_index", verbosity=0, stdout=quiet)
        self.password = secrets.token_urlsafe(18)
        get_user_model().objects.create_superuser(ADMIN_USERNAME, "", self.password)
        self.station = station
        with connection.cursor() as cursor:
            cursor.execute(
                f"ALTER DATABASE {connection.ops.quote_name(connection.settings_dict['NAME'])}"
                " RESET synchronous_commit"
            )

    def sign_in(self, port: int) -> Session:
        session = Session(port)
        session.open_form("/admin/login/")
        fields = {"username": ADMIN_USERNAME, "password": self.password, "next": "/admin/"}
        response = session.send(session.form_post("/admin/login/", fields))
        if response.status != 302 or "sessionid" not in session.cookies:
            raise LoadError(f"Signing in to the admin answered {response.status}.")
        return session

    # --- the phases -----------------------------------------------------------------------

    def run_phases(self, server, redis_server, search_port):
        out, options = self.stdout.write, self.options
        demo_activity = (
            ActivityPage.objects.live().exclude(slug__startswith="drill-").order_by("path").first()
        )
        stations = StationIndexPage.objects.live().first()
        lat, lng = self.station.latitude, self.station.longitude
        pages = [
            Probe("home", "/"),
            Probe("station index", stations.url),
            Probe("station page", self.station.url),
            Probe("activity index", "/activities/"),
            Probe("activity page", demo_activity.url),
            Probe("search", search_path("志愿"), expect=SEARCH_FELL_BACK),
            Probe("nearby.json", f"{stations.url}nearby.json?lat={lat}&lng={lng}"),
            Probe("map.geojson", f"{stations.url}map.geojson"),
        ]
        searches = [
            Probe("search", search_path(query), expect=SEARCH_FELL_BACK)
            for query in ("志愿", "義工", "社区志愿服务站", "石牌 助老", "嘉许")
        ] + pages[:2]
        notes: dict[str, object] = {}
        terminator = BackendTerminator(options["database"], interval=options["cut_every"])

        def keys(label):
            def count():
                notes[label] = redis_server.keys()

            return count

        def search_closed():
            notes["search port closed"] = refuses_connections(search_port)

        actions = {
            "baseline": {"end": keys("Redis keys after baseline")},
            "redis-stopped": {"middle": redis_server.kill},
            "redis-restarted": {
                "start": redis_server.start,
                "end": keys("Redis keys after its restart"),
            },
            "search-unreachable": {"start": search_closed},
            "database-cut": {"start": terminator.start, "end": terminator.stop},
            "recovery": {},
        }
        phases = []
        for name in PHASE_NAMES:
            activities = self.activities[name]
            targets = [SignupTarget(a.slug, a.url) for a in activities]
            probes = (searches if name == "search-unreachable" else pages) + [
                Probe("drill activity", activities[0].url)
            ]
            phases.append(
                Phase(
                    name,
                    outage=name == "database-cut",
                    probes=probes,
                    signups=targets,
                    **actions[name],
                )
            )
        drill = Drill(
            port=server.port,
            phases=phases,
            seconds=options["seconds"],
            probes=pages,
            form=SIGNUP_FORM,
            signups_per_target=options["signups"],
            clients=options["clients"],
            signup_clients=SIGNUP_CLIENTS,
            admin_session=self.sign_in(server.port),
            admin_probes=[
                Probe("admin search", "/admin/pages/search/?" + urlencode({"q": "志愿"})),
                Probe("admin home", "/admin/"),
            ],
        )
        drill.prepare()
        workers = server.worker_pids()
        connection.close()  # the cuts spare only the terminator's own connection
        out(
            f"phases of {options['seconds']:g} s: {', '.join(PHASE_NAMES)}; {options['clients']} "
            f"page clients, 1 admin, {SIGNUP_CLIENTS} sign-up clients, {options['signups']} "
            f"sign-ups per activity per phase for {CAPACITY} places"
        )
        running = time.monotonic()
        try:
            result = drill.run()
        finally:
            terminator.stop()
        out(f"phases and the last sign-ups: {time.monotonic() - running:.0f} s")
        notes["workers"] = workers
        notes["cuts"] = (terminator.rounds, terminator.terminated, terminator.errors)
        return result, phases, notes

    # --- the report -----------------------------------------------------------------------

    def report(self, server, result, phases, notes, workers_at_end) -> list[str]:
        out = self.stdout.write
        out("")
        for line in table(phase_rows(result, phases), ("phase", "s") + COLUMNS):
            out(line)
        out("(told: sign-ups answered 303, confirmed + waitlisted as their pages said)\n")
        for line in table(label_rows(result), ("request", "count", "p50 ms", "p95 ms", "max ms")):
            out(line)

        connection.close()  # cut during the drill, maybe: the checks read on a fresh one
        answers = answer_failures(result.records, phases, result.windows)
        failures = list(answers)
        rows = [
            StoredSignup(activity, mobile, status, pk)
            for activity, mobile, status, pk in ActivitySignup.objects.filter(
                activity__slug__startswith="drill-"
            ).values_list("activity__slug", "mobile", "status", "pk")
        ]
        tallies = {
            slug: (confirmed, waitlisted)
            for slug, confirmed, waitlisted in ActivityTally.objects.filter(
                activity__slug__startswith="drill-"
            ).values_list("activity__slug", "confirmed", "waitlisted")
        }
        places = [
            ActivityPlaces(a.slug, a.capacity, a.waitlist_enabled, *tallies.get(a.slug, (0, 0)))
            for activities in self.activities.values()
            for a in activities
        ]
        signups = signup_check(result.attempts, rows)
        capacity = capacity_failures(places, rows)
        failures += signups.failures + capacity
        full = sum(1 for p in places if p.tally_confirmed == p.capacity)
        rounds, cut, cut_errors = notes["cuts"]
        unknown = sum(1 for a in result.attempts if a.link and not a.told)

        out("\nchecks")
        out(
            f"  answers: {len(result.records)} requests, "
            + ("all as expected" if not answers else f"{len(answers)} kinds wrong")
        )
        in_flight = [
            r
            for r in result.records
            if r.status == 503
            and r.phase != "database-cut"
            and during_outage(r, phases, result.windows)
        ]
        if in_flight:
            out(
                f"  of which {len(in_flight)} × 503 sent just before database-cut began, "
                "answered during it"
            )
        out(
            f"  sign-ups: {len(result.attempts)} posts; {signups.told} numbers told stored, "
            f"{signups.stored} rows stored; told ⇒ stored once: "
            f"{'yes' if not signups.failures else 'NO'}"
            + (f" ({unknown} told states unread)" if unknown else "")
        )
        out(
            f"  stored without an answer: {len(signups.unacknowledged)}"
            + (f" {signups.unacknowledged[:3]}" if signups.unacknowledged else "")
            + f"; unanswered and not stored: {signups.not_stored}"
        )
        out(
            f"  places: {len(places)} activities of {CAPACITY}, {full} full, "
            f"over capacity or out of order: {'none' if not capacity else len(capacity)}"
        )
        for label in ("Redis keys after baseline", "Redis keys after its restart"):
            out(f"  {label}: {notes.get(label)}")
            if not notes.get(label):
                failures.append(f"{label}: none (the cache was not used)")
        out(f"  Elasticsearch port refused connections: {notes.get('search port closed')}")
        if not notes.get("search port closed"):
            failures.append("the Elasticsearch port was not closed")
        out(
            f"  database cuts: {rounds} rounds, {cut} connections cut"
            + (f", errors {cut_errors[:2]}" if cut_errors else "")
        )
        if not cut:
            failures.append("no database connection was cut")
        restarted = sorted(workers_at_end) != sorted(notes["workers"])
        out(f"  gunicorn workers: {len(workers_at_end)}, restarted: {'yes' if restarted else 'no'}")
        if restarted:
            failures.append(f"gunicorn workers changed: {notes['workers']} → {workers_at_end}")
        access = server.access_statuses()
        server_errors = sum(n for status, n in access.items() if status >= 500 and status != 503)
        out(
            f"  gunicorn access log: {sum(access.values())} requests, {access[503]} × 503, "
            f"{server_errors} × other 5xx"
        )
        if server_errors:
            failures.append(f"gunicorn's access log: {server_errors} × 5xx other than 503")

        scan = scan_log(server.error_log(), EXPECTED_TRACEBACKS)
        expected, unexpected = sum(scan.expected.values()), sum(scan.unexpected.values())
        out(f"  gunicorn error log: {expected + unexpected} tracebacks, {unexpected} unexpected")
        for why, count in scan.expected.most_common():
            out(f"    {count:5} × {why}")
        out("  and lines without a traceback (warnings):")
        for line, count in scan.messages.most_common(5):
            out(f"    {count:5} × {line}")
        if scan.unexpected:
            out(f"  UNEXPECTED tracebacks: {sum(scan.unexpected.values())}")
            for kind, count in scan.unexpected.most_common():
                out(f"    {count:5} × {kind}")
                out("      " + scan.examples[kind].replace("\n", "\n      "))
            failures.append(f"{sum(scan.unexpected.values())} unexpected tracebacks in the log")
        if failures:
            out("\nFAILED")
            for failure in failures:
                out(f"  {failure}")
            out(f"gunicorn's logs kept: {server.log_path}, {server.access_log_path}")
        else:
            server.remove_log()
        return failures


PHASE_NAMES = (
    "baseline",
    "redis-stopped",
    "redis-restarted",
    "search-unreachable",
    "database-cut",
    "recovery",
)
