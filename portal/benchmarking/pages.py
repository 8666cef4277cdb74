"""Pages inserted in bulk: a benchmark's 100,000 pages in seconds rather than hours."""

import uuid

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.utils import timezone
from wagtail.models import Page

# treebeard's materialised path: fixed-width steps in base 36.
_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


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
