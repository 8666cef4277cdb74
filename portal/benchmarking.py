"""What the benchmark commands share: a throwaway database, bulk page paths, percentiles."""

import tempfile
from contextlib import contextmanager
from pathlib import Path

from django.db import connection
from django.test.utils import override_settings
from wagtail.models import Page

BENCH_CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# treebeard's materialised path: fixed-width steps in base 36.
_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def path_step(number: int) -> str:
    """The path segment of the `number`th child, for pages inserted in bulk."""
    digits = ""
    while number:
        number, remainder = divmod(number, len(_ALPHABET))
        digits = _ALPHABET[remainder] + digits
    return digits.rjust(Page.steplen, "0")


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
