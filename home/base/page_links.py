"""Links that pages show to other pages (a page's parent in its breadcrumb, a section's index
behind “查看全部”, the form a station links to), cached until the page tree changes.

Each costs a query when read from the database, on nearly every page: the content version
(home.base.content: bumped on every publish, unpublish, move, save or delete of a page, view
restriction or site, among other content) keys them instead (the section menu, home.menus, is
cached under the same version).
"""

from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from wagtail.models import Page

from home.base import cache_versions
from home.base.content import CONTENT_VERSION
from home.base.restrictions import exclude_private

TREE_VERSION = CONTENT_VERSION
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
