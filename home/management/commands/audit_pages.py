"""Check every public page type of the served demo with axe-core and the Nu HTML Checker, and
with Lighthouse when asked.

    .venv/bin/python manage.py audit_pages [--lighthouse] [--save-to DIR]

gunicorn serves the demo content as production runs it (portal.settings.production, 2 sync
workers, portal/gunicorn.conf.py, collected static files, image renditions from MEDIA_ROOT
through portal/media.py) from a SQLite file in a temporary folder; map tiles come from a tile
server of the audit's own on 127.0.0.1, and the browser resolves no other host. The checkers are
installed from the npm registry into .audit-tools/ the first time (portal/audit/tools.py).
Prints a table and every finding; exits 1 on any axe violation, HTML error or other failure
(portal/audit/report.py). README, "Accessibility and HTML checks".
"""

import argparse
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from portal.audit import (
    BrowserError,
    LighthouseError,
    PageReport,
    Target,
    TileServer,
    ToolError,
    VnuError,
    axe_findings,
    check_vnu_canary,
    details,
    ensure_tools,
    exception_lines,
    failures,
    html_findings,
    indexing_refusal,
    lighthouse_result,
    median_run,
    robots_rules,
    run_lighthouse,
    run_vnu,
    table,
    visit_pages,
)
from portal.audit.axe import AxeError
from portal.audit.browser import CHROMIUM_ARGS, OFFLINE_FLAG
from portal.audit.vnu import VNU_CANARY, VNU_CANARY_NAME
from portal.benchmarking import GunicornServer, ServerError, get

SERVER_SETTINGS = "portal.settings.production"
GUNICORN_CONFIG = Path(settings.BASE_DIR) / "portal" / "gunicorn.conf.py"
TOOLS_FOLDER = Path(settings.BASE_DIR) / ".audit-tools"
THRESHOLD = 98
NEAR = "?lat=23.13&lng=113.26"  # the directory's list by distance from a point in Guangzhou
MISSING_PATH = "/audit-no-such-page/"
SIGNUP_NAME, SIGNUP_MOBILE = "审核员", "13800138000"
# What the server never takes from this shell: the audit's own database and files, no real
# search cluster, bucket, cache or tile provider.
DROPPED = {"DATABASE_URL", "REDIS_URL", "STATIC_ROOT", "MEDIA_ROOT", "SECURE_SSL_REDIRECT",
           "DJANGO_SETTINGS_MODULE", "PAGE_CACHE_SECONDS", "CONTENT_MEMO"}  # fmt: skip
DROPPED_PREFIXES = ("ELASTICSEARCH_", "MEDIA_S3_", "MAP_TILE_", "CSP_")
FORM_ANSWERS = (200, 400)  # a form sent empty is shown again with its messages


def audit_targets() -> list[Target]:
    """One page of each public type (benchmark_pages' list, its data files left out), and the
    states a resident meets beyond them: the directory by distance, a sign-up's own page and its
    cancel step, each form sent empty, the search without a query, the sign-in by code, the
    certificate lookup and a page that does not exist. Run against the audit's database: it
    signs one resident up."""
    from home.management.commands.benchmark_pages import page_targets
    from stations import signup
    from stations.activities.views import signup_url
    from stations.models import ActivityPage, StationPage
    from stations.volunteers.registration import registration_url

    found = dict(page_targets())
    station = StationPage.objects.live().public().order_by("path").first()
    form_for_station = registration_url(station=station) if station else None
    if form_for_station is None:
        raise CommandError("The demo has no registration form for its first station.")
    search = next(path for label, path in found.items() if label.startswith("search"))
    open_activity = next(
        (
            activity
            for activity in ActivityPage.objects.live().public().order_by("starts_at", "path")
            if signup.availability_of(activity).accepts_signups
        ),
        None,
    )
    if open_activity is None:
        raise CommandError("The demo has no activity open for sign-up.")
    signed_up = signup.sign_up(activity=open_activity, name=SIGNUP_NAME, mobile=SIGNUP_MOBILE)
    status_page = signup_url(open_activity, signed_up.token)

    targets = [Target(label, found[label]) for label in ("home", "stations index")]
    targets.append(Target("stations by distance", found["stations index"] + NEAR))
    targets += [
        Target(label, found[label])
        for label in ("activities index", "stories index", "policies index", "station")
    ]
    targets.append(Target("activity", found["activity"]))
    if open_activity.url != found["activity"]:
        targets.append(Target("activity, sign-up open", open_activity.url))
    targets += [
        Target("activity, sign-up sent empty", open_activity.url, True, FORM_ANSWERS),
        Target("sign-up status", status_page),
        Target("sign-up, cancel step", status_page + "?cancel=1"),
    ]
    targets += [
        Target(label, found[label])
        for label in ("story", "policy document", "standard page", "registration form")
    ]
    login = reverse("volunteers:login")
    targets += [
        Target("registration form, a station chosen", form_for_station),
        Target("registration form sent empty", form_for_station, True, FORM_ANSWERS),
        Target("search", search),
        Target("search, no query", reverse("search")),
        Target("volunteer sign-in", login),
        Target("volunteer sign-in sent empty", login, True, FORM_ANSWERS),
        Target("certificate lookup", reverse("certificate_lookup")),
        Target("page not found", MISSING_PATH, statuses=(404,)),
    ]
    return targets


def file_stem(number: int, label: str) -> str:
    return f"{number:02d}-{re.sub(r'[^a-z0-9]+', '-', label.lower()).strip('-')}"


class Command(BaseCommand):
    help = "Serve the demo and check each public page type with axe-core and the HTML checker."

    def add_arguments(self, parser):
        parser.add_argument(
            "--lighthouse",
            action="store_true",
            help="Also run Lighthouse (mobile) on each page: about 20 s a page.",
        )
        parser.add_argument(
            "--runs",
            type=int,
            default=1,
            help="Lighthouse runs per page; the median run (by performance) is reported.",
        )
        parser.add_argument(
            "--threshold", type=int, default=THRESHOLD, help="Lowest judged Lighthouse score."
        )
        parser.add_argument(
            "--save-to",
            type=Path,
            help="Keep each page's HTML, axe result and Lighthouse report in this folder.",
        )
        parser.add_argument("--print-targets", action="store_true", help=argparse.SUPPRESS)

    def handle(self, *args, **options):
        if options["print_targets"]:  # run by the audit itself, against its database
            self.stdout.write(json.dumps([t.as_json() for t in audit_targets()]))
            return
        started = self.started = time.monotonic()
        self.options, out = options, self.stdout.write
        lighthouse = options["lighthouse"]
        if not 0 <= options["threshold"] <= 100:
            raise CommandError("--threshold takes 0 to 100.")
        if not 1 <= options["runs"] <= 9:
            raise CommandError("--runs takes 1 to 9.")
        chromium = shutil.which("chromium") or "/usr/bin/chromium"
        if not os.path.exists(chromium):
            raise CommandError("Debian's chromium is not installed (apt-get install chromium).")
        try:
            tools = ensure_tools(TOOLS_FOLDER, lighthouse=lighthouse, write=out)
        except ToolError as error:
            raise CommandError(str(error)) from error
        with ExitStack() as stack:
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="audit-pages-")))
            work = options["save_to"] or folder / "results"
            for part in ("html", "axe", "lighthouse"):
                (work / part).mkdir(parents=True, exist_ok=True)
            tiles = stack.enter_context(TileServer())
            env = self.environment(folder, tiles)
            targets = self.prepare(env)
            server = GunicornServer(
                settings_module=SERVER_SETTINGS,
                workers=2,
                cwd=settings.BASE_DIR,
                name="audit_pages",
                config=GUNICORN_CONFIG,
            )
            server.environment = env  # the whole of it: dropped names stay out
            # Django's own log (a 500's traceback) into gunicorn's error log; no access log.
            server.command += ["--capture-output", f"--access-logfile={os.devnull}"]
            try:
                with server:
                    server.wait_until_ready("/", timeout=180)
                    reports = self.audit(server, targets, tools, work, chromium)
            except (ServerError, OSError) as error:
                raise CommandError(f"{error}\ngunicorn's log: {server.log_path}") from error
            if any(report.status and report.status >= 500 for report in reports):
                # The server's side of a 500 is in its log: its exceptions shown, the log kept.
                out(f"\nA page answered 5xx; the exceptions in gunicorn's log ({server.log_path}):")
                log = (
                    server.log_path.read_text(errors="replace") if server.log_path.exists() else ""
                )
                for line in exception_lines(log) or ["(none recorded)"]:
                    out(f"  {line}")
            else:
                server.remove_log()
        self.print_results(reports, started, tiles.served[0], work if options["save_to"] else None)

    # --- the site --------------------------------------------------------------------------

    def clock(self) -> str:
        return f"{time.monotonic() - self.started:.0f} s"

    def environment(self, folder: Path, tiles: TileServer) -> dict[str, str]:
        env = {
            name: value
            for name, value in os.environ.items()
            if name not in DROPPED and not name.startswith(DROPPED_PREFIXES)
        }
        return env | {
            "DJANGO_SETTINGS_MODULE": SERVER_SETTINGS,
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            # Plain HTTP on the loopback, which browsers treat as secure (its cookies too).
            "SECURE_SSL_REDIRECT": "false",
            "DATABASE_URL": f"sqlite:///{folder / 'audit.sqlite3'}",
            "MEDIA_ROOT": str(folder / "media"),
            "STATIC_ROOT": str(folder / "static"),
            "MAP_TILE_URL": tiles.url_template,
            "MAP_TILE_SUBDOMAINS": "",
            # Every form is sent from 127.0.0.1.
            "REGISTRATION_RATE_LIMIT": "1000/h",
            "ACTIVITY_SIGNUP_RATE_LIMIT": "1000/h",
        }

    def prepare(self, env: dict[str, str]) -> list[Target]:
        self.stdout.write("Migrations, the demo content and collectstatic (about a minute)…")
        collecting = subprocess.Popen(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            for command in (["migrate", "--noinput"], ["load_demo"]):
                self.manage(env, *command, "-v0")
            self.stdout.write(f"{self.clock()}: the demo is loaded")
            listed = self.manage(env, "audit_pages", "--print-targets").strip().splitlines()[-1]
            _, errors = collecting.communicate(timeout=300)
        finally:
            if collecting.poll() is None:
                collecting.kill()
                collecting.wait()
        if collecting.returncode != 0:
            raise CommandError(f"manage.py collectstatic failed:\n{(errors or '')[-3000:]}")
        return [Target.from_json(item) for item in json.loads(listed)]

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

    # --- the checks ------------------------------------------------------------------------

    def audit(self, server, targets, tools, work: Path, chromium: str) -> list[PageReport]:
        out = self.stdout.write
        out(f"{self.clock()}: axe-core in Chromium on {len(targets)} pages at {server.origin}…")
        try:
            visits = visit_pages(
                targets, origin=server.origin, axe_script=tools.axe_script, chromium=chromium
            )
        except (BrowserError, AxeError) as error:
            raise CommandError(str(error)) from error
        robots = robots_rules(get("/robots.txt", port=server.port).body.decode())
        reports, names = [], {VNU_CANARY_NAME: "canary"}
        (work / "html" / VNU_CANARY_NAME).write_text(VNU_CANARY, encoding="utf-8")
        for number, visit in enumerate(visits, 1):
            stem = file_stem(number, visit.target.label)
            report = PageReport(
                visit.target,
                status=visit.status,
                outside=visit.outside,
                console=visit.console,
                error=visit.error,
            )
            if visit.axe is not None:
                (work / "axe" / f"{stem}.json").write_text(
                    json.dumps(visit.axe, ensure_ascii=False, indent=1), encoding="utf-8"
                )
                try:
                    report.axe = axe_findings(visit.axe)
                except AxeError as error:
                    report.error = report.error or str(error)
            if visit.html:
                (work / "html" / f"{stem}.html").write_bytes(visit.html)
                names[f"{stem}.html"] = stem
                report.not_indexed = indexing_refusal(
                    status=visit.status,
                    headers=visit.headers,
                    html=visit.html.decode("utf-8", "replace"),
                    path=visit.target.request_path,
                    robots=robots,
                )
            reports.append((stem, report))
        out(f"{self.clock()}: the Nu HTML Checker on {len(names) - 1} pages…")
        try:
            found, elsewhere = html_findings(
                run_vnu([work / "html" / name for name in names], jar=tools.vnu_jar), names
            )
            check_vnu_canary(found.pop("canary"))
        except VnuError as error:
            raise CommandError(str(error)) from error
        if elsewhere:
            lines = "\n  ".join(finding.line() for finding in elsewhere)
            raise CommandError(f"The HTML checker reported on no page it was given:\n  {lines}")
        for stem, report in reports:
            report.html = found.get(stem, [])
        if self.options["lighthouse"]:
            self.measure(server, reports, tools, work, chromium)
        return [report for _, report in reports]

    def measure(self, server, reports, tools, work: Path, chromium: str) -> None:
        measured = [(stem, r) for stem, r in reports if r.measured and not r.error]
        runs = self.options["runs"]
        each = f", {runs} runs each (the median by performance)" if runs > 1 else ""
        self.stdout.write(
            f"{self.clock()}: Lighthouse (mobile) on {len(measured)} pages, one at a time{each}…"
        )
        for stem, report in measured:
            results, errors = [], []
            for run in range(1, runs + 1):
                name = f"{stem}.json" if runs == 1 else f"{stem}-{run}.json"
                try:
                    raw = run_lighthouse(
                        server.origin + report.target.request_path,
                        cli=tools.lighthouse_cli,
                        chromium=chromium,
                        output=work / "lighthouse" / name,
                        chrome_flags=[*CHROMIUM_ARGS, OFFLINE_FLAG],
                        any_status=200 not in report.target.statuses,
                    )
                    results.append(lighthouse_result(raw))
                except LighthouseError as error:
                    errors.append(str(error))
            if results:
                report.lighthouse = median_run(results)
            else:
                report.lighthouse_error = errors[-1]

    # --- the report ------------------------------------------------------------------------

    def print_results(self, reports, started: float, tiles: int, saved: Path | None) -> None:
        out, options = self.stdout.write, self.options
        lighthouse, threshold = options["lighthouse"], options["threshold"]
        out("")
        for line in table(reports, lighthouse=lighthouse):
            out(line)
        notes = [
            "axe: rules violated (elements, when more); HTML: the Nu HTML Checker's errors and "
            "warnings; console: script and console errors; outside: requests for other hosts"
        ]
        if lighthouse:
            notes.append(
                f"Lighthouse mobile scores, judged ≥ {threshold}; a score in brackets is not "
                "judged: SEO of a page kept out of search engines, best practices and SEO of the "
                "404 page; – a form's answer, which Lighthouse cannot open"
            )
        out("\n".join(notes))
        found = details(reports, lighthouse=lighthouse, threshold=threshold)
        if found:
            out("\nFindings:")
            for line in found:
                out(line)
        out(f"\n{tiles} map tiles served locally; whole audit {time.monotonic() - started:.0f} s")
        if saved:
            out(f"HTML, axe results and Lighthouse reports kept in {saved}")
        failed = failures(reports, lighthouse=lighthouse, threshold=threshold)
        if failed:
            raise CommandError(
                f"{len(failed)} of {len(reports)} pages fail:\n  " + "\n  ".join(failed)
            )
        self.stdout.write(self.style.SUCCESS(f"All {len(reports)} pages pass."))
