"""Lighthouse (mobile, its default) on one page, and its JSON report read into four scores and
the audits that kept each category from full marks."""

import json
import math
import os
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from .findings import LOOPBACK_HOSTS, shorten

CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
SHORT = {"performance": "perf", "accessibility": "a11y", "best-practices": "BP", "seo": "SEO"}
TIMEOUT = 240  # seconds for one page


class LighthouseError(RuntimeError):
    """Lighthouse did not run, or wrote something that is not its report."""


@dataclass(frozen=True)
class LighthouseResult:
    scores: Mapping[str, int | None]  # category → 0–100; None when Lighthouse gave none
    # category → the weighted audits short of full marks, e.g. "largest-contentful-paint
    # (Largest Contentful Paint: 3.1 s)".
    short_of: Mapping[str, Sequence[str]] = field(default_factory=dict)
    error: str = ""  # Lighthouse's runtimeError: the page could not be measured
    outside: Sequence[str] = ()  # requests its browser made for other hosts (network-requests)


def lighthouse_command(
    url: str, *, cli: Path, output: Path, chrome_flags: Sequence[str], any_status: bool = False
) -> list[str]:
    # Lighthouse refuses a page that answers other than 2xx unless told: the 404 page is meant.
    return [
        "node",
        str(cli),
        url,
        "--quiet",
        "--form-factor=mobile",
        f"--only-categories={','.join(CATEGORIES)}",
        "--output=json",
        f"--output-path={output}",
        # One argument, split by Lighthouse itself; the quotes keep a flag's spaces.
        "--chrome-flags=" + " ".join(_quoted(flag) for flag in chrome_flags),
    ] + (["--ignore-status-code"] if any_status else [])


def _quoted(flag: str) -> str:
    if " " not in flag:
        return flag
    name, _, value = flag.partition("=")
    return f'{name}="{value}"'


def run_lighthouse(
    url: str,
    *,
    cli: Path,
    chromium: str,
    output: Path,
    chrome_flags: Sequence[str],
    any_status: bool = False,
) -> dict:
    """Lighthouse's JSON report on `url`, also left at `output`."""
    command = lighthouse_command(
        url, cli=cli, output=output, chrome_flags=chrome_flags, any_status=any_status
    )
    output.unlink(missing_ok=True)  # a report left by an earlier run is not this one
    try:
        done = subprocess.run(
            command,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
            env={**os.environ, "CHROME_PATH": chromium},
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise LighthouseError(f"Lighthouse did not run on {url}: {error}") from error
    # A page Lighthouse could not load still gets a report, its runtimeError saying why.
    if not output.exists():
        said = (done.stderr or done.stdout or "").strip().splitlines()
        raise LighthouseError(
            f"exited {done.returncode}: {shorten(said[-1] if said else '(nothing said)', 300)}"
        )
    return parse_report(output.read_text(encoding="utf-8"))


def parse_report(text: str) -> dict:
    try:
        report = json.loads(text)
    except ValueError as error:
        raise LighthouseError(f"Lighthouse's report is not JSON: {shorten(text)}") from error
    if not isinstance(report, dict) or not isinstance(report.get("categories"), dict):
        raise LighthouseError("Lighthouse's report has no categories.")
    return report


def lighthouse_result(report: Mapping) -> LighthouseResult:
    """The four scores (as Lighthouse shows them: score × 100, to the nearest whole) and what
    fell short in each. A category missing from the report is an error, not a pass."""
    categories, audits = report.get("categories") or {}, report.get("audits") or {}
    scores: dict[str, int | None] = {}
    short_of: dict[str, list[str]] = {}
    for name in CATEGORIES:
        category = categories.get(name)
        if not isinstance(category, Mapping):
            raise LighthouseError(f"Lighthouse's report has no {name} category.")
        score = category.get("score")
        scores[name] = None if score is None else _percent(score)
        short_of[name] = [
            _audit_text(ref["id"], audits.get(ref["id"]) or {})
            for ref in category.get("auditRefs") or []
            if ref.get("weight") and _short(audits.get(ref["id"]) or {})
        ]
    runtime = report.get("runtimeError")
    error = ""
    if isinstance(runtime, Mapping) and runtime.get("code"):
        error = f"{runtime.get('code')}: {shorten(runtime.get('message') or '')}"
    return LighthouseResult(
        scores=scores, short_of=short_of, error=error, outside=outside_requests(audits)
    )


def outside_requests(audits: Mapping) -> list[str]:
    """The URLs of the network-requests audit that are not on this machine (data: and the like
    aside): none, when the browser's host rules held."""
    details = (audits.get("network-requests") or {}).get("details") or {}
    urls = [item.get("url") or "" for item in details.get("items") or []]
    return [
        url
        for url in urls
        if url.startswith(("http:", "https:", "ws:", "wss:"))
        and urlsplit(url).hostname not in LOOPBACK_HOSTS
    ]


def _percent(score) -> int:
    """As Lighthouse's report shows it: Math.round(score * 100), halves up (Python's round()
    takes halves to even: 97.5 would be 98, but 96.5 would be 96, not 97)."""
    value = float(score) * 100
    whole = math.floor(value)
    return whole + 1 if value - whole >= 0.5 else whole


def _short(audit: Mapping) -> bool:
    score = audit.get("score")
    return score is not None and float(score) < 1


def _audit_text(audit_id: str, audit: Mapping) -> str:
    title = audit.get("title") or audit_id
    shown = audit.get("displayValue")
    score = audit.get("score")
    mark = f" score {_percent(score)}" if score is not None else ""
    text = f"{audit_id} ({shorten(title, 80)}{': ' + shorten(shown, 60) if shown else ''}){mark}"
    places = audit_places(audit)
    return f"{text} at {'; '.join(places)}" if places else text


def audit_places(audit: Mapping, limit: int = 3) -> list[str]:
    """Where an audit found its trouble: the first items of its details, by URL or element."""
    items = ((audit.get("details") or {}).get("items")) or []
    places = []
    for item in items:
        if not isinstance(item, Mapping):
            continue
        node = item.get("node") if isinstance(item.get("node"), Mapping) else {}
        place = item.get("url") or node.get("selector") or node.get("snippet")
        if isinstance(place, str) and place and place not in places:
            places.append(shorten(place, 120))
        if len(places) == limit:
            break
    return places


def median_run(results: Sequence[LighthouseResult]) -> LighthouseResult:
    """Of several runs on one page, the one with the median performance score (the lower of
    the two middle ones), whole: its scores and audits belong together. A run without a
    performance score sorts last."""
    if not results:
        raise LighthouseError("No Lighthouse run to take the median of.")

    def performance(result: LighthouseResult) -> float:
        score = result.scores.get("performance")
        return float("inf") if score is None else score

    ordered = sorted(results, key=performance)
    return ordered[(len(ordered) - 1) // 2]
