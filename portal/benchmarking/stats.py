"""Figures from timings: percentiles and latency summaries."""

import statistics
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
