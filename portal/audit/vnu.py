"""The Nu HTML Checker (vnu.jar, run by Java) on the pages' HTML as served, and its JSON read
into findings per page: errors (fatal ones too) and warnings, counted apart; plain info is left
out."""

import json
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .findings import Finding, shorten

# A file made to fail (a div inside a span): the checker must report it, or its output is not
# being read and a clean result would mean nothing.
VNU_CANARY = (
    '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>canary</title>'
    "</head><body><span><div>canary</div></span></body></html>"
)
VNU_CANARY_NAME = "00-canary.html"
TIMEOUT = 300  # seconds for every file at once; Java's start-up is most of a small run


class VnuError(RuntimeError):
    """The checker did not run, or said something that is not its JSON report."""


def run_vnu(files: Sequence[Path], *, jar: Path, java: str = "java") -> dict:
    """The checker's JSON report on `files` (one run for them all)."""
    command = [java, "-jar", str(jar), "--format", "json", "--stdout", "--exit-zero-always"]
    try:
        done = subprocess.run(
            [*command, *map(str, files)],
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise VnuError(f"The HTML checker did not run: {error}") from error
    if done.returncode != 0:
        raise VnuError(f"The HTML checker exited {done.returncode}:\n{done.stderr[-2000:]}")
    return parse_report(done.stdout)


def parse_report(text: str) -> dict:
    try:
        report = json.loads(text)
    except ValueError as error:
        raise VnuError(f"The HTML checker's output is not JSON: {shorten(text)}") from error
    if not isinstance(report, dict) or not isinstance(report.get("messages"), list):
        raise VnuError(f"The HTML checker's report has no messages list: {shorten(text)}")
    return report


def _severity(message: Mapping) -> str | None:
    kind, sub = message.get("type"), message.get("subType")
    if kind == "error" or kind == "non-document-error":
        return "error"  # fatal errors and files it could not read are errors too
    if kind == "info" and sub == "warning":
        return "warning"
    if kind == "info":
        return None
    raise VnuError(f"The HTML checker sent a message of an unknown type: {shorten(message)}")


def _where(message: Mapping) -> str:
    line = message.get("lastLine") or message.get("firstLine")
    column = message.get("firstColumn") or message.get("lastColumn")
    if line and column:
        return f"line {line}, column {column}"
    return f"line {line}" if line else ""


def file_name(url: str) -> str:
    """The file name a message's URL (file:/tmp/…/03-home.html) ends in."""
    return Path(unquote(urlsplit(url).path)).name


def html_findings(
    report: Mapping, names: Mapping[str, str]
) -> tuple[dict[str, list[Finding]], list[Finding]]:
    """The report's errors and warnings by page: `names` maps each checked file's name to its
    page's key. Messages about no file of `names` come back apart (the second value): the
    checker's own trouble, which must fail the run rather than vanish."""
    by_page: dict[str, list[Finding]] = {key: [] for key in names.values()}
    elsewhere: list[Finding] = []
    for message in report.get("messages", []):
        if not isinstance(message, Mapping):
            raise VnuError(f"The HTML checker sent a message that is not an object: {message!r}")
        severity = _severity(message)
        if severity is None:
            continue
        finding = Finding(
            tool="html",
            severity=severity,
            rule="",
            message=shorten(message.get("message") or "(no message)"),
            where=_where(message),
            extract=shorten(message.get("extract") or "", 160),
        )
        key = names.get(file_name(message.get("url") or ""))
        (by_page[key] if key is not None else elsewhere).append(finding)
    return by_page, elsewhere


def check_vnu_canary(findings: Sequence[Finding]) -> None:
    """VnuError unless the canary file drew at least one error."""
    if not any(finding.severity == "error" for finding in findings):
        raise VnuError(
            "The HTML checker reported no error in a file made to fail: its report is not "
            "being read."
        )
