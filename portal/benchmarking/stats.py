"""Figures from timings: percentiles, latency summaries and the text tables that show them."""

import statistics
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


@dataclass(frozen=True)
class Latencies:
    """A summary of timings in seconds: p50 is the median, p95 and p99 the nearest rank."""

    count: int
    p50: float
    p95: float
    p99: float
    max: float

    @classmethod
    def of(cls, seconds: Sequence[float]) -> "Latencies":
        if not seconds:
            raise ValueError("No timings to summarise.")
        values = list(seconds)
        return cls(
            count=len(values),
            p50=statistics.median(values),
            p95=percentile(values, 0.95),
            p99=percentile(values, 0.99),
            max=max(values),
        )

    def text(self, *, spec: str = "6.1f", points: Sequence[str] = ("p50", "p95")) -> str:
        """E.g. "p50   12.3 ms, p95   45.6 ms": the given points in milliseconds."""
        return ", ".join(f"{point} {getattr(self, point) * 1000:{spec}} ms" for point in points)


def text_width(text: str) -> int:
    """Columns a terminal gives `text`: two for each wide (Chinese) character."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def text_table(header: Sequence[str], rows: Sequence[Sequence[str]], *, left: int = 1) -> list[str]:
    """Lines of a plain-text table: each column as wide as its widest cell, the first `left`
    columns aligned left and the others (figures) right."""
    cells = [[str(cell) for cell in row] for row in [header, *rows]]
    widths = [max(text_width(row[n]) for row in cells) for n in range(len(header))]

    def line(row) -> str:
        padded = []
        for n, (cell, width) in enumerate(zip(row, widths, strict=True)):
            pad = " " * (width - text_width(cell))
            padded.append(cell + pad if n < left else pad + cell)
        return "  ".join(padded).rstrip()

    return [line(row) for row in cells]
