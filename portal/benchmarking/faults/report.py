"""The fault drill's figures: per phase and per kind of request."""

from collections import Counter, defaultdict
from collections.abc import Sequence

from ..stats import percentile
from .drill import DrillResult, Outcome, Phase

COLUMNS = ("requests", "200", "3xx", "4xx", "503", "5xx", "none", "told", "p50 ms", "p95 ms")


def phase_rows(result: DrillResult, phases: Sequence[Phase]) -> list[tuple]:
    """Per phase: its seconds, requests and their statuses (none: no answer), sign-ups told
    stored (confirmed + waitlisted as their pages said), and latency."""
    rows = []
    for phase in phases:
        records = [record for record in result.records if record.phase == phase.name]
        statuses = [record.status for record in records]
        told = [a for a in result.attempts if a.phase == phase.name and a.outcome == Outcome.STORED]
        states = Counter(attempt.told for attempt in told)
        seconds = [record.seconds for record in records if record.status]
        rows.append(
            (
                phase.name,
                f"{result.seconds(phase.name):.1f}",
                len(records),
                sum(1 for s in statuses if s == 200),
                sum(1 for s in statuses if 300 <= s < 400),
                sum(1 for s in statuses if 400 <= s < 500),
                sum(1 for s in statuses if s == 503),
                sum(1 for s in statuses if s >= 500 and s != 503),
                sum(1 for s in statuses if s == 0),
                f"{len(told)} ({states['confirmed']}+{states['waitlisted']})",
                f"{percentile(seconds, 0.5) * 1000:.0f}" if seconds else "-",
                f"{percentile(seconds, 0.95) * 1000:.0f}" if seconds else "-",
            )
        )
    return rows


def label_rows(result: DrillResult) -> list[tuple]:
    """Per kind of request over the whole drill: how many, and latency, slowest first."""
    seconds: dict[str, list[float]] = defaultdict(list)
    for record in result.records:
        if record.status:
            seconds[record.label].append(record.seconds)
    rows = [
        (label, len(values), *(f"{percentile(values, p) * 1000:.0f}" for p in (0.5, 0.95, 1)))
        for label, values in seconds.items()
    ]
    return sorted(rows, key=lambda row: -float(row[3]))


def table(rows: Sequence[tuple], headings: Sequence[str]) -> list[str]:
    cells = [list(map(str, headings))] + [[str(cell) for cell in row] for row in rows]
    widths = [max(len(row[column]) for row in cells) for column in range(len(headings))]
    lines = [
        "  ".join(
            cell.ljust(width) if column == 0 else cell.rjust(width)
            for column, (cell, width) in enumerate(zip(row, widths, strict=True))
        )
        for row in cells
    ]
    return lines[:1] + ["-" * len(lines[0])] + lines[1:]
