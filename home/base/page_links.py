"""Links that pages show to other pages (a page's parent in its breadcrumb, a section's index
behind “查看全部”, the form a station links to), cached until the page tree changes.

Each costs a query when read from the database, on nearly every page: a tree version, bumped on
every publish, unpublish, move, save or delete of a page, view restriction or site, keys them
instead (the section menu, home.menus, is cached under the same version). Not the content
version (home.base.content): snippets and reference data, which it also counts, change no link.
"""

from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from home.base import cache_versions
from home.base.restrictions import exclude_private

TREE_VERSION = "site:sections"
CACHE_SECONDS = 60 * 60

T = TypeVar("T")


def remember(name: str, read: Callable[[], T]) -> T:
    """`read()`, kept in the cache under `name` until the page tree changes (None included)."""
    key = f"portal:links:{name}:{cache_versions.current(TREE_VERSION)}"
    found = cache.get(key)
    if found is None:
        found = (read(),)
        cache.set(key, found, CACHE_SECONDS)
    return found[0]


def parent_of(page) -> Page | None:
    """What page.get_parent() gives (a plain Page), from the cache."""
    if not page.path or (page.depth or 0) <= 1:
        return None
    path = page.path[: -Page.steplen]
    return remember(f"page:{path}", lambda: Page.objects.filter(path=path).first())


def attach_parent(page) -> None:
    """Let page.get_parent() answer from the cache, as it does after Wagtail's own routing (which
    leaves the parent it walked through on the page)."""
    if getattr(page, "_cached_parent_obj", None) is None:
        parent = parent_of(page)
        if parent is not None:
            page._cached_parent_obj = parent


def first_live_url(model) -> str | None:
    """The URL of the first live, public page of `model` in tree order (a section's index)."""

    def read():
        page = exclude_private(model.objects.live()).order_by("path").first()
        return page.url if page is not None else None

    return remember(f"first:{model._meta.label_lower}", read)


def _tree_changed(sender=None, instance=None, **kwargs):
    if isinstance(instance, Page | PageViewRestriction | Site):
        cache_versions.bump(TREE_VERSION)


def connect_signals() -> None:
    uid = "home.base.page_links"
    page_published.connect(_tree_changed, dispatch_uid=f"{uid}.published")
    page_unpublished.connect(_tree_changed, dispatch_uid=f"{uid}.unpublished")
    post_page_move.connect(_tree_changed, dispatch_uid=f"{uid}.moved")
    # Saves cover pages made outside the publishing workflow (imports, the shell, factories).
    post_save.connect(_tree_changed, dispatch_uid=f"{uid}.saved")
    post_delete.connect(_tree_changed, dispatch_uid=f"{uid}.deleted")
