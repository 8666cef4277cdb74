"""The site's top-level sections, cached until the page tree changes."""

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move

from home.base import cache_versions

VERSION_NAME = "site:sections"
CACHE_SECONDS = 60 * 60


def site_sections(site) -> list[Page]:
    key = f"portal:sections:{site.pk}:{cache_versions.current(VERSION_NAME)}"
    sections = cache.get(key)
    if sections is None:
        sections = list(site.root_page.get_children().live().public().in_menu())
        cache.set(key, sections, CACHE_SECONDS)
    return sections


def _tree_changed(sender=None, instance=None, **kwargs):
    if isinstance(instance, Page | PageViewRestriction):
        cache_versions.bump(VERSION_NAME)


def connect_signals() -> None:
    uid = "home.menus"
    page_published.connect(_tree_changed, dispatch_uid=f"{uid}.published")
    page_unpublished.connect(_tree_changed, dispatch_uid=f"{uid}.unpublished")
    post_page_move.connect(_tree_changed, dispatch_uid=f"{uid}.moved")
    # Saves cover pages made outside the publishing workflow (imports, the shell, factories).
    post_save.connect(_tree_changed, dispatch_uid=f"{uid}.saved")
    post_delete.connect(_tree_changed, dispatch_uid=f"{uid}.deleted")
