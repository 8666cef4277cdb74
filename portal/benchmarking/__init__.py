"""What the benchmark commands share: a throwaway database, pages inserted in bulk, percentiles,
a gunicorn server on a local port and the load to put on it (our own or wrk's).

portal sits below every app: nothing here imports one (no page models either); commands pass
their own models and settings in.
"""

from .database import (
    BENCH_CACHES,
    analyse_tables,
    current_database_url,
    database_backend_pids,
    scratch_postgres_database,
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
    closed_loop,
    form_token,
    get,
    send,
    steady,
)
from .pages import bulk_children, insert_specific, path_step
from .server import GunicornServer, ServerError, cpu_seconds, cpu_used, free_port
from .stats import Latencies, percentile, text_table
from .wrk import LoopFigures, WrkError, WrkResult, loop_load, parse_wrk, run_wrk, wrk_executable

__all__ = [
    "BENCH_CACHES",
    "Answer",
    "GunicornServer",
    "Latencies",
    "LoadError",
    "LoadResult",
    "LoopFigures",
    "Request",
    "Response",
    "ServerError",
    "Session",
    "WrkError",
    "WrkResult",
    "analyse_tables",
    "bulk_children",
    "burst",
    "closed_loop",
    "cpu_seconds",
    "cpu_used",
    "current_database_url",
    "database_backend_pids",
    "form_token",
    "free_port",
    "get",
    "insert_specific",
    "loop_load",
    "parse_wrk",
    "path_step",
    "percentile",
    "run_wrk",
    "scratch_postgres_database",
    "send",
    "steady",
    "text_table",
    "throwaway_database",
    "wrk_executable",
]
