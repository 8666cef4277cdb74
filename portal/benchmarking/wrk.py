"""wrk (Debian's `wrk` package) as a benchmark's load: a closed loop of connections on one URL
for some seconds, and the figures read from its `--latency` report; `loop_load` falls back on
load.closed_loop where wrk is not installed."""

import re
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass

from .load import LOOPBACK, Request, closed_loop
from .stats import Latencies

UNITS = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}
_NUMBER_UNIT = r"([\d.]+)(us|ms|s|m|h)"
_TOTAL = re.compile(rf"^\s*(\d+) requests in {_NUMBER_UNIT}", re.MULTILINE)
_RATE = re.compile(r"^Requests/sec:\s+([\d.]+)", re.MULTILINE)
_PERCENTILE = re.compile(rf"^\s+(\d+(?:\.\d+)?)%\s+{_NUMBER_UNIT}\s*$", re.MULTILINE)
_SOCKET_ERRORS = re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")
_NON_2XX_3XX = re.compile(r"Non-2xx or 3xx responses: (\d+)")


class WrkError(RuntimeError):
    """wrk failed, or printed nothing this module can read."""


@dataclass(frozen=True)
class WrkResult:
    requests: int
    seconds: float  # how long it ran
    per_second: float
    percentiles: dict[float, float]  # 50, 75, 90, 99 → seconds
    socket_errors: dict[str, int]  # connect, read, write, timeout
    non_2xx_3xx: int  # answers with a status of 400 or more

    def latency(self, percent: float) -> float:
        return self.percentiles[percent]

    @property
    def failed(self) -> int:
        """Requests that got no answer, or an error status."""
        return self.non_2xx_3xx + sum(self.socket_errors.values())


def seconds_of(number: str, unit: str) -> float:
    return float(number) * UNITS[unit]


def parse_wrk(output: str) -> WrkResult:
    """The figures of a `wrk --latency` report; WrkError if it is not one."""
    total, rate = _TOTAL.search(output), _RATE.search(output)
    if not total or not rate:
        raise WrkError(f"Not a wrk report:\n{output.strip()[-2000:]}")
    errors = _SOCKET_ERRORS.search(output)
    non_ok = _NON_2XX_3XX.search(output)
    return WrkResult(
        requests=int(total.group(1)),
        seconds=seconds_of(total.group(2), total.group(3)),
        per_second=float(rate.group(1)),
        percentiles={
            float(percent): seconds_of(number, unit)
            for percent, number, unit in _PERCENTILE.findall(output)
        },
        socket_errors=dict(
            zip(("connect", "read", "write", "timeout"), map(int, errors.groups()), strict=True)
        )
        if errors
        else {},
        non_2xx_3xx=int(non_ok.group(1)) if non_ok else 0,
    )


def wrk_executable() -> str | None:
    return shutil.which("wrk")


def run_wrk(
    url: str,
    *,
    seconds: float,
    connections: int = 8,
    threads: int = 2,
    headers: Mapping[str, str] | None = None,
    timeout: float = 30.0,
    executable: str = "wrk",
) -> WrkResult:
    """wrk on `url` for `seconds`; a request unanswered after `timeout` seconds counts as a
    socket error (wrk's default of 2 s would drop a slow page's tail from its latencies)."""
    command = [
        executable,
        "--threads", str(threads),
        "--connections", str(connections),
        "--duration", f"{seconds:g}s",
        "--timeout", f"{timeout:g}s",
        "--latency",
    ]  # fmt: skip
    for name, value in (headers or {}).items():
        command += ["--header", f"{name}: {value}"]
    command.append(url)
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=seconds + timeout + 30, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise WrkError(f"wrk did not run: {error}") from error
    if done.returncode != 0:
        raise WrkError(
            f"wrk exited with {done.returncode}:\n{(done.stderr or done.stdout)[-2000:]}"
        )
    return parse_wrk(done.stdout)


@dataclass(frozen=True)
class LoopFigures:
    per_second: float  # answers of any status
    p50: float  # seconds; nan when nothing was answered
    p99: float
    failures: dict[str, int]  # what went wrong, how often; empty when every answer was a 200


def loop_load(
    path: str,
    *,
    port: int,
    seconds: float,
    connections: int = 8,
    threads: int = 2,
    headers: Mapping[str, str] | None = None,
    wrk: str | None = None,
) -> LoopFigures:
    """`connections` clients each sending GET `path` again as soon as the last is answered,
    for `seconds`: wrk's (`wrk` is its executable) or, without it, load.closed_loop's."""
    if wrk:
        result = run_wrk(
            f"http://{LOOPBACK}:{port}{path}",
            seconds=seconds,
            connections=connections,
            threads=threads,
            headers=headers,
            executable=wrk,
        )
        failures = {"status ≥ 400": result.non_2xx_3xx} | result.socket_errors
        nan = float("nan")
        p50, p99 = result.percentiles.get(50.0, nan), result.percentiles.get(99.0, nan)
        per_second = result.per_second
    else:
        loop = closed_loop(
            Request("GET", path, headers=dict(headers or {})),
            port=port,
            seconds=seconds,
            clients=connections,
        )
        answered = loop.latencies()
        summary = Latencies.of(answered) if answered else None
        p50, p99 = (summary.p50, summary.p99) if summary else (float("nan"), float("nan"))
        per_second = len(answered) / loop.wall if loop.wall else 0.0
        not_ok = sum(count for status, count in loop.statuses.items() if status != 200)
        failures = {"not 200": not_ok, "errors": len(loop.errors)}
    return LoopFigures(
        per_second, p50, p99, {name: count for name, count in failures.items() if count}
    )
