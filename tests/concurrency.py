"""Calls raced in parallel threads, each with its own database connection: the tests that
prove no place, serial, point or stock is given twice under concurrency."""

import threading
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.db import connection, connections

# PostgreSQL allows 100 connections here, shared with other test runs and the test's own
# connection; the threads still start together, but at most this many hold a connection at once.
PG_MAX_CONNECTIONS = 50
# A thread that has not finished by then is stuck on a lock: fail rather than hang the suite.
RACE_TIMEOUT = 60

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL (set DATABASE_URL); the SQLite variant runs on SQLite",
)
sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the SQLite variant; PostgreSQL has its own tests"
)


@dataclass
class Outcome:
    result: object = None  # what the call returned
    refused: str | None = None  # the refusal's code or message, as `reason` reads it
    error: BaseException | None = None  # anything else: always a failure


def race(
    calls: list[Callable[[], object]],
    *,
    refusal: type[Exception],
    reason: Callable[[Exception], str] = lambda refused: refused.code,
    max_connections: int = PG_MAX_CONNECTIONS,
    timeout: float = RACE_TIMEOUT,
    in_turn_on_sqlite: bool = False,
) -> list[Outcome]:
    """Run every call in its own thread, all released at the same moment by a barrier; a
    `refusal` is an answer (its reason kept), anything else fails the test. With
    `in_turn_on_sqlite`, SQLite (whose write transactions queue anyway) runs them one by one."""
    if in_turn_on_sqlite and connection.vendor != "postgresql":
        outcomes = [Outcome() for _ in calls]
        for call, outcome in zip(calls, outcomes, strict=True):
            try:
                outcome.result = call()
            except refusal as refused:
                outcome.refused = reason(refused)
        return outcomes
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("connections cannot wait their turn on an in-memory SQLite database")
    barrier = threading.Barrier(len(calls))
    limit = max_connections if connection.vendor == "postgresql" else len(calls)
    gate = threading.BoundedSemaphore(limit)
    outcomes = [Outcome() for _ in calls]

    def run(call, outcome):
        try:
            barrier.wait(timeout=timeout)
            with gate:
                try:
                    outcome.result = call()
                except refusal as refused:
                    outcome.refused = reason(refused)
                finally:
                    # Each thread has its own connection: close it, or the test database
                    # cannot be flushed or dropped afterwards.
                    connections.close_all()
        except Exception as error:  # reported below, not lost in the thread
            outcome.error = error

    threads = [
        threading.Thread(target=run, args=(call, outcome), daemon=True)
        for call, outcome in zip(calls, outcomes, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    assert not any(thread.is_alive() for thread in threads), "a thread is stuck"
    errors = [outcome.error for outcome in outcomes if outcome.error]
    assert not errors, f"{len(errors)} calls failed, the first with {errors[0]!r}"
    return outcomes
