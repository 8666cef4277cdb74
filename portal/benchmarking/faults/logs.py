"""The fault drill's reading of gunicorn's error log: tracebacks the faults explain, and others."""

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Expected:
    """Tracebacks a fault rightly causes: the log line before it starts with `message`, and one
    of the exceptions in its chain matches `exception`."""

    message: str
    exception: re.Pattern
    why: str


@dataclass
class LogScan:
    expected: Counter = field(default_factory=Counter)  # why → count
    unexpected: Counter = field(default_factory=Counter)  # "message | exception" → count
    examples: dict[str, str] = field(default_factory=dict)  # the first of each unexpected kind
    messages: Counter = field(default_factory=Counter)  # other lines (warnings), digits as N


@dataclass(frozen=True)
class Traceback:
    message: str  # the line logged just before it
    exceptions: list[str]  # the exception line of each link of its chain
    text: str
    first: int  # its message's line and the line after its end
    end: int


TRACEBACK = "Traceback (most recent call last):"
CHAINED = (
    "During handling of the above exception, another exception occurred:",
    "The above exception was the direct cause of the following exception:",
)


def tracebacks(text: str) -> list[Traceback]:
    """Each traceback in the log, a chain of them counting as one. A link ends at the first line
    at the margin after its frames: its exception (further lines of the exception's message
    are indented, as psycopg's are)."""
    lines, found, index, previous = text.splitlines(), [], 0, -1

    def inside(line: str) -> bool:  # a frame, a source line, a marker or a blank
        return not line.strip() or line[:1].isspace() or line.strip() in (TRACEBACK, *CHAINED)

    def continues(line: str) -> bool:  # the exception message's further lines
        return not line.strip() or line[:1].isspace()

    while index < len(lines):
        if lines[index].strip() != TRACEBACK:
            if lines[index].strip():
                previous = index
            index += 1
            continue
        start, exceptions = index, []
        index += 1
        while index < len(lines):
            if inside(lines[index]):
                index += 1
                continue
            exceptions.append(lines[index].strip())
            index += 1
            while index < len(lines) and continues(lines[index]):
                index += 1
            if index >= len(lines) or lines[index].strip() not in CHAINED:
                break
        message = lines[previous].strip() if previous >= 0 else ""
        text_of = "\n".join(lines[start:index]).rstrip()
        found.append(Traceback(message, exceptions, text_of, max(previous, 0), index))
        previous = -1
    return found


def scan_log(text: str, expected: Sequence[Expected]) -> LogScan:
    """Tracebacks sorted into those `expected` explains (by why) and the others (by message and
    last exception, with the first of each kind in full); the remaining lines counted."""
    scan, covered = LogScan(), set()
    for found in tracebacks(text):
        covered.update(range(found.first, found.end))
        rule = next(
            (
                rule
                for rule in expected
                if found.message.startswith(rule.message)
                and any(rule.exception.search(line) for line in found.exceptions)
            ),
            None,
        )
        if rule:
            scan.expected[rule.why] += 1
            continue
        last = found.exceptions[-1] if found.exceptions else "(no exception line)"
        kind = f"{found.message[:80]} | {last[:160]}"
        scan.unexpected[kind] += 1
        scan.examples.setdefault(kind, found.text)
    for number, line in enumerate(text.splitlines()):
        if number not in covered and line.strip():
            scan.messages[re.sub(r"\d+", "N", line.strip())[:90]] += 1
    return scan
