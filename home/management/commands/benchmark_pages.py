"""Benchmark the public pages over loopback HTTP, page type by page type, against a bare view.

    .venv/bin/python manage.py benchmark_pages [--seconds 5] [--rounds 2]

gunicorn as production runs it (2 sync workers, portal/gunicorn.conf.py, DEBUG off, collected
static files, a redis-server of its own) serves the demo content under portal.settings.benchmark:
production plus the bare view (portal/benchmarking/bare.py) and an X-Bench-Queries header. Each
round starts a server with the page cache off, then one with it on; every page gets its first
request, three more, then wrk's load (or a closed loop of Python clients without wrk). README,
"Speed", says what each column means. Exits 1 if any answer is not a 200.
"""

import argparse
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from wagtail.models import Page

from portal.benchmarking import (
    GunicornServer,
    ServerError,
    WrkError,
    get,
    loop_load,
    scratch_postgres_database,
    text_table,
    wrk_executable,
)
from portal.benchmarking.bare import BARE_PATH
from portal.benchmarking.faults.processes import FaultError, RedisServer, unused_port
from portal.benchmarking.middleware import QUERIES_HEADER

SERVER_SETTINGS = "portal.settings.benchmark"
GUNICORN_CONFIG = Path(settings.BASE_DIR) / "portal" / "gunicorn.conf.py"
REDIS_PORTS = range(6392, 6395)
POSTGRES_NAME = "portal_bench_pages"
SEARCHES = ("志愿服务", "党群服务中心")
NEARBY = "nearby.json?lat=23.13&lng=113.26"
PROBES = 3  # requests after the first, before the load: status, size, queries
MODES = {
    "bare": {"PAGE_CACHE_SECONDS": "0", "CONTENT_MEMO": "0"},
    "cold": {"PAGE_CACHE_SECONDS": "0"},
    "cached": {},
}
MODE_TEXT = {
    "bare": "page cache and content memo off (PAGE_CACHE_SECONDS=0 CONTENT_MEMO=0)",
    "cold": "page cache off (PAGE_CACHE_SECONDS=0)",
    "cached": "page cache on (default)",
}
# What the servers never take from this shell: the benchmark's own database, cache and files,
# and no real search cluster, bucket or redirect setting.
DROPPED = {"DATABASE_URL", "REDIS_URL", "PAGE_CACHE_SECONDS", "CONTENT_MEMO", "STATIC_ROOT",
           "MEDIA_ROOT", "SECURE_SSL_REDIRECT", "DJANGO_SETTINGS_MODULE"}  # fmt: skip
DROPPED_PREFIXES = ("ELASTICSEARCH_", "MEDIA_S3_")


@dataclass(frozen=True)
class Target:
    label: str
    path: str  # as shown

    @property
    def request_path(self) -> str:
        return quote(self.path, safe="/?=&.-_")


# Loaded before the pages and after them: its req/s in a run is the mean of the two.
BARE_FIRST = Target("bare view, first", BARE_PATH)
BARE_LAST = Target("bare view, last", BARE_PATH)


@dataclass
class Measure:
    target: Target
    rate: float = 0.0
    p50: float = float("nan")
    p99: float = float("nan")
    queries: str = "?"
    size: int = 0
    first: float = 0.0  # seconds: this page's first request on the fresh server
    cache: str = ""  # X-Page-Cache of the last probe
    failed: str = ""  # why not every answer was a 200


def page_targets() -> list[tuple[str, str]]:
    """The first live public page of each type, by tree order, then the searches and the
    station directory's data files."""
    from home.models import HomePage, PolicyDocumentPage, PolicyIndexPage, StandardPage
    from stations.models import (
        ActivityIndexPage,
        ActivityPage,
        RegistrationFormPage,
        StationIndexPage,
        StationPage,
    )
    from stories.models import StoryIndexPage, StoryPage

    kinds = [("home", HomePage), ("stations index", StationIndexPage),
             ("activities index", ActivityIndexPage), ("stories index", StoryIndexPage),
             ("policies index", PolicyIndexPage), ("station", StationPage),
             ("activity", ActivityPage), ("story", StoryPage),
             ("policy document", PolicyDocumentPage), ("standard page", StandardPage),
             ("registration form", RegistrationFormPage)]  # fmt: skip
    found = {}
    for label, model in kinds:
        page = Page.objects.live().public().exact_type(model).order_by("path").first()
        if page is None:
            raise CommandError(f"The demo has no live public {model.__name__}.")
        found[label] = page.url
    stations = found["stations index"]
    found.update({f"search {query}": f"/search/?q={query}" for query in SEARCHES})
    found.update({"nearby.json": stations + NEARBY, "map.geojson": stations + "map.geojson"})
    return list(found.items())


def bare_rate(measures: list[Measure]) -> float:
    """The bare view's req/s in a server's run: the mean of its loads before and after the
    pages, so drift during the run moves the pages' fractions less."""
    return (measures[0].rate + measures[-1].rate) / 2


def load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


class Command(BaseCommand):
    help = "Serve the demo with gunicorn and load each page type; req/s, latency, SQL, bytes."

    def add_arguments(self, parser):
        parser.add_argument("--seconds", type=float, default=5.0, help="Load on each page.")
        parser.add_argument("--rounds", type=int, default=2, help="Rounds of servers.")
        parser.add_argument("--modes", default="cold,cached", help="Servers of each round.")
        parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers.")
        parser.add_argument("--connections", type=int, default=8, help="Concurrent clients.")
        parser.add_argument("--threads", type=int, default=2, help="wrk's threads.")
        parser.add_argument(
            "--database-url", help="postgres://… server for a portal_bench_pages database."
        )
        parser.add_argument("--no-redis", action="store_true", help="Per-process cache.")
        parser.add_argument("--builtin-load", action="store_true", help="Never wrk.")
        parser.add_argument("--gzip", action="store_true", help="Send Accept-Encoding: gzip.")
        parser.add_argument("--print-targets", action="store_true", help=argparse.SUPPRESS)

    def handle(self, *args, **options):
        if options["print_targets"]:  # run by the benchmark itself, against its database
            self.stdout.write(json.dumps(page_targets(), ensure_ascii=False))
            return
        modes = [mode.strip() for mode in options["modes"].split(",") if mode.strip()]
        if not modes or set(modes) - set(MODES):
            raise CommandError(f"--modes takes {', '.join(MODES)}, comma-separated.")
        if options["seconds"] <= 0 or options["rounds"] < 1 or options["workers"] < 1:
            raise CommandError("Need --seconds > 0, --rounds ≥ 1 and --workers ≥ 1.")
        self.options, out = options, self.stdout.write
        self.wrk = None if options["builtin_load"] else wrk_executable()
        self.headers = {"X-Forwarded-Proto": "https"}
        if options["gzip"]:
            self.headers["Accept-Encoding"] = "gzip"
        runs: dict[tuple[int, str], list[Measure]] = {}
        with ExitStack() as stack:
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-pages-")))
            self.redis = self.start_redis(stack)
            env = self.environment(folder, self.database(folder, stack))
            targets = self.prepare(env)
            load = (
                f"wrk, {options['connections']} connections, {options['threads']} threads"
                if self.wrk
                else f"a closed loop of {options['connections']} Python clients (no wrk)"
            )
            cache = f"redis {self.redis.url}" if self.redis else "per process"
            database = f"PostgreSQL {POSTGRES_NAME}" if options["database_url"] else "SQLite"
            out(
                f"{len(targets) - 2} pages and the bare view, {options['seconds']:g} s each with "
                f"{load}; {options['workers']} sync workers, {SERVER_SETTINGS}; {database}; "
                f"cache: {cache}; {os.cpu_count()} CPUs"
            )
            for line in text_table(["page", "path"], [[t.label, t.path] for t in targets], left=2):
                out(f"  {line}")
            for number in range(1, options["rounds"] + 1):
                out(f"\n== round {number} of {options['rounds']}: load average {load_average()}")
                for mode in modes:
                    runs[(number, mode)] = self.serve(number, mode, env, targets)
        self.summary(runs, targets)
        failures = [
            f"round {number} {mode}: {m.target.label} ({m.target.path}): {m.failed}"
            for (number, mode), measures in runs.items()
            for m in measures
            if m.failed
        ]
        if failures:
            raise CommandError(
                "Pages answered other than 200 during the run:\n  " + "\n  ".join(failures)
            )

    # --- what the servers run on --------------------------------------------------------

    def start_redis(self, stack: ExitStack) -> RedisServer | None:
        if self.options["no_redis"]:
            return None
        if not shutil.which("redis-server"):
            self.stdout.write("No redis-server installed: each worker caches on its own.")
            return None
        try:
            return stack.enter_context(RedisServer(unused_port(REDIS_PORTS)))
        except FaultError as error:
            raise CommandError(f"{error} (or pass --no-redis)") from error

    def database(self, folder: Path, stack: ExitStack) -> str:
        url = self.options["database_url"]
        if not url:
            return f"sqlite:///{folder / 'portal_bench_pages.sqlite3'}"
        if not url.startswith(("postgres://", "postgresql://")):
            raise CommandError("--database-url takes a postgres://… URL (default: SQLite).")
        return stack.enter_context(scratch_postgres_database(url, POSTGRES_NAME))

    def environment(self, folder: Path, database_url: str) -> dict[str, str]:
        env = {
            name: value
            for name, value in os.environ.items()
            if name not in DROPPED and not name.startswith(DROPPED_PREFIXES)
        }
        env |= {
            "DJANGO_SETTINGS_MODULE": SERVER_SETTINGS,
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_URL": database_url,
            "MEDIA_ROOT": str(folder / "media"),
            "STATIC_ROOT": str(folder / "static"),
        }
        if self.redis:
            env["REDIS_URL"] = self.redis.url
        return env

    def prepare(self, env: dict[str, str]) -> list[Target]:
        self.stdout.write("Migrations, the demo content and collectstatic (about a minute)…")
        for command in (["migrate", "--noinput"], ["load_demo"], ["collectstatic", "--noinput"]):
            self.manage(env, *command, "-v0")
        listed = self.manage(env, "benchmark_pages", "--print-targets").strip().splitlines()[-1]
        pages = [Target(label, path) for label, path in json.loads(listed)]
        return [BARE_FIRST, *pages, BARE_LAST]

    def manage(self, env: dict[str, str], *args: str) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=settings.BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            output = (done.stderr or done.stdout)[-3000:]
            raise CommandError(f"manage.py {' '.join(args)} failed:\n{output}")
        return done.stdout

    # --- one server ---------------------------------------------------------------------

    def serve(self, number: int, mode: str, env: dict[str, str], targets) -> list[Measure]:
        out, options = self.stdout.write, self.options
        if self.redis:
            self.redis.client.flushall()  # each server starts from an empty cache
        server = GunicornServer(
            settings_module=SERVER_SETTINGS,
            workers=options["workers"],
            cwd=settings.BASE_DIR,
            name="benchmark_pages",
            config=GUNICORN_CONFIG,
        )
        server.environment = {**env, **MODES[mode]}  # the whole of it: dropped names stay out
        out(f"\n-- round {number}, {MODE_TEXT[mode]}; load average {load_average()}")
        started = time.perf_counter()
        try:
            with server:
                home = targets[1]
                first = server.wait_until_ready(
                    home.request_path, timeout=180, headers=self.headers
                )
                ready = time.perf_counter() - started
                measures = [self.probe(server, target) for target in targets]
                measures[1].first = first.seconds
                for measure in measures:
                    self.load(server, measure)
        except (ServerError, WrkError, OSError) as error:
            raise CommandError(f"{error}\ngunicorn's log: {server.log_path}") from error
        server.remove_log()
        search = next(m for m in measures if m.target.label.startswith("search"))
        out(
            f"first answer ({home.path}) {ready:.1f} s after the server started (the "
            f"request took {first.seconds * 1000:.0f} ms); first search "
            f"{search.first * 1000:.0f} ms"
        )
        self.table(measures)
        return measures

    def probe(self, server: GunicornServer, target: Target) -> Measure:
        responses = [
            get(target.request_path, port=server.port, headers=self.headers)
            for _ in range(1 + PROBES)
        ]
        last, statuses = responses[-1], sorted({response.status for response in responses})
        return Measure(
            target,
            queries=last.header(QUERIES_HEADER) or "?",
            size=len(last.body),
            first=responses[0].seconds,
            cache=last.header("X-Page-Cache") or "",
            failed="" if statuses == [200] else f"answered {statuses}",
        )

    def load(self, server: GunicornServer, measure: Measure) -> None:
        options = self.options
        figures = loop_load(
            measure.target.request_path,
            port=server.port,
            seconds=options["seconds"],
            connections=options["connections"],
            threads=options["threads"],
            headers=self.headers,
            wrk=self.wrk,
        )
        measure.rate, measure.p50, measure.p99 = figures.per_second, figures.p50, figures.p99
        if figures.failures:
            found = ", ".join(f"{count} {name}" for name, count in figures.failures.items())
            measure.failed = "; ".join(filter(None, [measure.failed, f"under load: {found}"]))

    # --- reports ------------------------------------------------------------------------

    def table(self, measures: list[Measure]) -> None:
        bare = bare_rate(measures)
        header = ["page", "req/s", "p50 ms", "p99 ms", "SQL", "KB", "× bare", "1st ms", "cache"]
        rows = [
            [
                m.target.label,
                f"{m.rate:.1f}",
                f"{m.p50 * 1000:.1f}",
                f"{m.p99 * 1000:.1f}",
                m.queries,
                f"{m.size / 1024:.1f}",
                f"{m.rate / bare:.2f}" if bare else "-",
                f"{m.first * 1000:.0f}",
                m.cache or "-",
            ]  # fmt: skip
            for m in measures
        ]
        for line in text_table(header, rows):
            self.stdout.write(line)
        for m in measures:
            if m.failed:
                self.stdout.write(f"FAILED {m.target.label} ({m.target.path}): {m.failed}")

    def summary(self, runs: dict[tuple[int, str], list[Measure]], targets) -> None:
        """req/s of every page in every run side by side, so drift between rounds shows."""
        self.stdout.write("\n== req/s in each run (× the bare view's in the same run)")
        header = ["page"] + [f"r{number} {mode}" for number, mode in runs]
        rows = []
        for n, target in enumerate(targets):
            row = [target.label]
            for measures in runs.values():
                bare = bare_rate(measures)
                ratio = f" ({measures[n].rate / bare:.2f})" if bare else ""
                row.append(f"{measures[n].rate:.1f}{ratio}")
            rows.append(row)
        for line in text_table(header, rows):
            self.stdout.write(line)
