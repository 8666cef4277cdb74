"""The site's top-level sections, cached until the page tree changes."""

from django.core.cache import cache
from wagtail.models import Page

from home.base import cache_versions, page_links

# The page tree's version, which the other cached links (home.base.page_links) share.
VERSION_NAME = page_links.TREE_VERSION
CACHE_SECONDS = page_links.CACHE_SECONDS


def site_sections(site) -> list[Page]:
    key = f"portal:sections:{site.pk}:{cache_versions.current(VERSION_NAME)}"
    sections = cache.get(key)
    if sections is None:
        sections = list(site.root_page.get_children().live().public().in_menu())
        cache.set(key, sections, CACHE_SECONDS)
    return sections


def connect_signals() -> None:
    page_links.connect_signals()
