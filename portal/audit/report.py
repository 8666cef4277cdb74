"""The audit's results, page by page: the table it prints, the findings listed under it, and
what fails the run.

A run fails on any axe violation (every impact), any HTML error, an answer other than the page's
expected status, a request for another host, a script or console error, a page that could not be
checked and, when Lighthouse ran, any judged score below the threshold. A page kept out of search
engines (noindex, robots.txt, not a 200) has its SEO score shown in brackets, not judged; a page
meant to answer other than 200 (the 404 page) its best-practices score too, since Lighthouse counts
the browser's note of that status as a console error (the audit's own console check still holds
it to no other)."""

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from portal.benchmarking.stats import text_table

from .findings import Finding, Target
from .lighthouse import CATEGORIES, SHORT, LighthouseResult

NOT_JUDGED_WHEN_KEPT_OUT = ("seo",)
NOT_JUDGED_WHEN_NOT_200 = ("seo", "best-practices")
# The last line of a Python traceback: "ValueError: Missing staticfiles manifest entry …".
EXCEPTION_LINE = re.compile(r"^[A-Za-z_][\w.]*(?:Error|Exception|Exit|Interrupt)\b.*")


def exception_lines(log: str) -> list[str]:
    """Each exception a server log records, once, in the order first met."""
    found = (
        match.group(0).strip() for line in log.splitlines() if (match := EXCEPTION_LINE.match(line))
    )
    return list(dict.fromkeys(found))


@dataclass
class PageReport:
    target: Target
    status: int | None = None
    not_indexed: str = ""  # why search engines are kept out (indexing.indexing_refusal)
    axe: list[Finding] = field(default_factory=list)
    html: list[Finding] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    error: str = ""  # the page could not be checked
    lighthouse: LighthouseResult | None = None
    lighthouse_error: str = ""

    @property
    def axe_rules(self) -> list[str]:
        return sorted({finding.rule for finding in self.axe})

    @property
    def html_errors(self) -> list[Finding]:
        return [finding for finding in self.html if finding.severity == "error"]

    @property
    def html_warnings(self) -> list[Finding]:
        return [finding for finding in self.html if finding.severity == "warning"]

    @property
    def measured(self) -> bool:
        """Lighthouse opens pages by their URL; a form's answer is not one."""
        return not self.target.submit

    def judged(self, category: str) -> bool:
        if 200 not in self.target.statuses and category in NOT_JUDGED_WHEN_NOT_200:
            return False
        return not (self.not_indexed and category in NOT_JUDGED_WHEN_KEPT_OUT)

    def problems(self, *, lighthouse: bool, threshold: int) -> list[str]:
        found = []
        if self.error:
            found.append(f"could not be checked: {self.error}")
        if self.status is not None and self.status not in self.target.statuses:
            expected = " or ".join(map(str, self.target.statuses))
            found.append(f"answered {self.status}, not {expected}")
        if self.axe:
            found.append(f"{len(self.axe_rules)} axe violations ({', '.join(self.axe_rules)})")
        if self.html_errors:
            found.append(f"{len(self.html_errors)} HTML errors")
        if self.outside:
            found.append(f"{len(self.outside)} requests for other hosts")
        if self.console:
            found.append(f"{len(self.console)} script or console errors")
        if lighthouse and self.measured:
            if self.lighthouse_error or self.lighthouse is None:
                found.append(f"Lighthouse: {self.lighthouse_error or 'no result'}")
            else:
                if self.lighthouse.error:
                    found.append(f"Lighthouse: {self.lighthouse.error}")
                if self.lighthouse.outside:
                    found.append(
                        f"Lighthouse: {len(self.lighthouse.outside)} requests for other hosts"
                    )
                for category in CATEGORIES:
                    score = self.lighthouse.scores.get(category)
                    if self.judged(category) and (score is None or score < threshold):
                        shown = "no score" if score is None else str(score)
                        found.append(f"Lighthouse {category} {shown} < {threshold}")
        return found


def failures(reports: Sequence[PageReport], *, lighthouse: bool, threshold: int) -> list[str]:
    """One line per page that fails, saying why; empty when the run passes."""
    return [
        f"{report.target.label} ({report.target.shown_path}): {'; '.join(problems)}"
        for report in reports
        if (problems := report.problems(lighthouse=lighthouse, threshold=threshold))
    ]


def _count(items) -> str:
    return str(len(items))


def _axe_cell(report: PageReport) -> str:
    if report.error and not report.axe:
        return "?"
    rules, elements = len(report.axe_rules), len(report.axe)
    return f"{rules} ({elements})" if elements != rules else str(rules)


def _score_cell(report: PageReport, category: str) -> str:
    if not report.measured:
        return "–"
    result = report.lighthouse
    if result is None:
        return "?"
    score = result.scores.get(category)
    shown = "?" if score is None else str(score)
    return shown if report.judged(category) else f"({shown})"


def table(reports: Sequence[PageReport], *, lighthouse: bool) -> list[str]:
    header = ["page", "URL", "HTTP", "axe", "HTML err", "HTML warn", "console", "outside"]
    if lighthouse:
        header += [SHORT[category] for category in CATEGORIES]
    rows = []
    for report in reports:
        unchecked = bool(report.error) and not report.html
        row = [
            report.target.label,
            report.target.shown_path,
            str(report.status) if report.status is not None else "?",
            _axe_cell(report),
            "?" if unchecked else _count(report.html_errors),
            "?" if unchecked else _count(report.html_warnings),
            _count(report.console),
            _count(report.outside),
        ]
        if lighthouse:
            row += [_score_cell(report, category) for category in CATEGORIES]
        rows.append(row)
    return text_table(header, rows, left=2)


def details(reports: Sequence[PageReport], *, lighthouse: bool, threshold: int) -> list[str]:
    """Everything found, page by page: each axe element, HTML message, refused request,
    console error, and the Lighthouse audits short of full marks in a category below the
    threshold."""
    lines = []
    for report in reports:
        entries = [finding.line() for finding in report.axe + report.html]
        entries += [f"outside request refused: {url}" for url in report.outside]
        entries += report.console
        if report.error:
            entries.append(f"not checked: {report.error}")
        if lighthouse and report.measured:
            entries += _lighthouse_lines(report, threshold)
        if entries:
            kept_out = f"; kept out of search engines: {report.not_indexed}"
            lines.append(
                f"{report.target.label} ({report.target.shown_path})"
                f"{kept_out if report.not_indexed else ''}"
            )
            lines += [f"  - {entry}" for entry in entries]
    return lines


def _lighthouse_lines(report: PageReport, threshold: int) -> list[str]:
    if report.lighthouse_error or report.lighthouse is None:
        return [f"Lighthouse: {report.lighthouse_error or 'no result'}"]
    result, lines = report.lighthouse, []
    if result.error:
        lines.append(f"Lighthouse: {result.error}")
    lines += [f"Lighthouse's browser asked another host: {url}" for url in result.outside]
    for category in CATEGORIES:
        score = result.scores.get(category)
        if score is not None and score >= threshold:
            continue
        judged = "" if report.judged(category) else " (not judged)"
        audits = ", ".join(result.short_of.get(category) or []) or "no weighted audit below 1"
        lines.append(f"Lighthouse {category} {score}{judged}: {audits}")
    return lines
