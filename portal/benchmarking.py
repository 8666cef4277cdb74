"""What the benchmark commands share: a throwaway database, pages inserted in bulk, percentiles."""

import tempfile
import uuid
from contextlib import contextmanager
from pathlib import Path

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import override_settings
from django.utils import timezone
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


def bulk_children(parent, model, numbered_titles, slug_prefix: str) -> list[Page]:
    """Live pages of `model`'s type under `parent`, numbered, written as treebeard would lay
    them out (path, depth, url_path) but without add_child's one-by-one bookkeeping, which would
    take hours at 100,000 pages. Their own rows come from `insert_specific`; the caller sets the
    parent's numchild once all are in."""
    content_type = ContentType.objects.get_for_model(model)
    now = timezone.now()
    return Page.objects.bulk_create(
        [
            Page(
                content_type=content_type,
                title=title,
                draft_title=title,
                slug=f"{slug_prefix}-{number}",
                path=parent.path + path_step(number),
                depth=parent.depth + 1,
                numchild=0,
                url_path=f"{parent.url_path}{slug_prefix}-{number}/",
                live=True,
                has_unpublished_changes=False,
                first_published_at=now,
                last_published_at=now,
                locale_id=parent.locale_id,
                translation_key=uuid.uuid4(),
            )
            for number, title in numbered_titles
        ]
    )


def insert_specific(model, instances) -> None:
    """The page type's own rows for pages made by `bulk_children` (bulk_create refuses
    multi-table inheritance), in one executemany."""
    fields = model._meta.local_concrete_fields
    quote = connection.ops.quote_name
    insert = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(model._meta.db_table),
        ", ".join(quote(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    rows = [
        [f.get_db_prep_save(getattr(instance, f.attname), connection) for f in fields]
        for instance in instances
    ]
    with connection.cursor() as cursor:
        cursor.executemany(insert, rows)


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
