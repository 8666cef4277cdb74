"""Which parts of the page tree are private (view restrictions), cached until one changes.

Listings that filter pages by hand (rather than with PageQuerySet.public(), which SQLite plans
badly at 100,000 pages) ask here. There are rarely any restrictions, and every search asks.
"""

from django.db.models.signals import post_delete, post_save
from wagtail.models import PageViewRestriction

from home.base import cache_versions

VERSION_NAME = "pages:restrictions"
# Per process, keyed on the version every process reads from the database: a new restriction
# reaches all of them with their next request, and asking costs no round trip to Redis.
_known: dict[str, list[tuple[str, int]]] = {}


def restricted_paths() -> list[tuple[str, int]]:
    """(path, depth) of every page with a view restriction; its descendants are private too."""
    token = cache_versions.current(VERSION_NAME)
    paths = _known.get(token)
    if paths is None:
        paths = list(PageViewRestriction.objects.values_list("page__path", "page__depth"))
        _known.clear()
        _known[token] = paths
    return paths


def is_public(page) -> bool:
    """No view restriction on the page or above it."""
    return not any(
        page.path.startswith(path) and page.depth >= depth for path, depth in restricted_paths()
    )


def exclude_private(pages):
    """The pages of a queryset that no view restriction covers (PageQuerySet.public() without
    its join, which SQLite plans as a scan of every page)."""
    for path, depth in restricted_paths():
        pages = pages.exclude(path__startswith=path, depth__gte=depth)
    return pages


def _restrictions_changed(**kwargs):
    cache_versions.bump(VERSION_NAME)


def connect_signals() -> None:
    uid = "home.base.restrictions"
    post_save.connect(_restrictions_changed, sender=PageViewRestriction, dispatch_uid=f"{uid}.s")
    post_delete.connect(_restrictions_changed, sender=PageViewRestriction, dispatch_uid=f"{uid}.d")
