"""What the benchmark commands share: a throwaway database, pages inserted in bulk, percentiles,
a gunicorn server on a local port and the load to put on it.

portal sits below every app: nothing here imports one (no page models either); commands pass
their own models and settings in.
"""

from .database import (
    BENCH_CACHES,
    analyse_tables,
    current_database_url,
    database_backend_pids,
    throwaway_database,
)
from .load import (
    Answer,
    LoadError,
    LoadResult,
    Request,
    Response,
    Session,
    burst,
    form_token,
    get,
    send,
    steady,
)
from .pages import bulk_children, insert_specific, path_step
from .server import GunicornServer, ServerError, cpu_seconds, cpu_used, free_port
from .stats import Latencies, percentile

__all__ = [
    "BENCH_CACHES",
    "Answer",
    "GunicornServer",
    "Latencies",
    "LoadError",
    "LoadResult",
    "Request",
    "Response",
    "ServerError",
    "Session",
    "analyse_tables",
    "bulk_children",
    "burst",
    "cpu_seconds",
    "cpu_used",
    "current_database_url",
    "database_backend_pids",
    "form_token",
    "free_port",
    "get",
    "insert_specific",
    "path_step",
    "percentile",
    "send",
    "steady",
    "throwaway_database",
]
