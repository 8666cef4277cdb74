"""The database a benchmark runs on: a throwaway copy made by migrations, and what it serves."""

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from django.db import connection
from django.test.utils import override_settings

BENCH_CACHES = {
    alias: {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": alias}
    for alias in ("default", "pages")
}


def analyse_tables() -> None:
    """What autovacuum (PostgreSQL) or a periodic ANALYZE (SQLite) keeps current on a site."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


@contextmanager
def throwaway_database(name: str, write, keep: bool = False):
    """A test_… database (or a SQLite file in the temp folder), made by migrations and dropped
    afterwards, so a benchmark never touches real data. With `keep` it is left in place and the
    next run with `keep` starts from it (generating 100,000 pages takes minutes)."""
    old_name = connection.settings_dict["NAME"]
    if connection.vendor == "sqlite":
        # Django's SQLite test database lives in memory; sites run on a file, so measure one.
        test_file = Path(tempfile.gettempdir()) / f"{name}.sqlite3"
        connection.settings_dict.setdefault("TEST", {})["NAME"] = str(test_file)
    write(f"{'Reusing' if keep else 'Creating'} a throwaway {connection.vendor} database…")
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False, keepdb=keep)
    try:
        with override_settings(DEBUG=False, ALLOWED_HOSTS=["localhost"], CACHES=BENCH_CACHES):
            yield
    finally:
        if keep:
            write(f"Kept the database {connection.settings_dict['NAME']} for the next --keep run.")
        connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=keep)


def current_database_url(given: str | None = None) -> str:
    """`given` (default: $DATABASE_URL) naming the database this process is connected to now,
    e.g. the throwaway one, for a server started beside it: credentials and options carry over."""
    parts = urlsplit(os.environ["DATABASE_URL"] if given is None else given)
    return urlunsplit(parts._replace(path="/" + connection.settings_dict["NAME"]))


def database_backend_pids() -> list[int]:
    """PostgreSQL's backend processes serving the current database to other clients (a server's
    workers, once they have connected), for `server.cpu_seconds`."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return [pid for (pid,) in cursor.fetchall()]


@contextmanager
def scratch_postgres_database(url: str, name: str) -> Iterator[str]:
    """An empty PostgreSQL database `name` on the server `url` points at, for the processes a
    benchmark starts (migrations, a server); yields its URL. One a run left behind is dropped
    first, and this one at the end, with whatever is still connected to it."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
    with psycopg.connect(maintenance, autocommit=True) as admin:
        admin.execute(drop)
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield urlunsplit(parts._replace(path="/" + name))
    finally:
        with psycopg.connect(maintenance, autocommit=True) as admin:
            admin.execute(drop)
