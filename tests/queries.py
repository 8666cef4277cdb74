"""Counting SQL queries around test-client requests."""

from contextlib import contextmanager

from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext


@contextmanager
def captured_queries():
    """Like CaptureQueriesContext, but safe around a request.

    Django empties the query log when a request starts; a capture begun on a log that already held
    queries would then slice past its end and report none. Starting from an empty log avoids that.
    """
    reset_queries()
    with CaptureQueriesContext(connection) as context:
        yield context
