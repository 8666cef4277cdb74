"""Marker words in the full-text index: what the site search may show, and of which type.

A page that the public may see (live, no view restriction on it or above it) is indexed with the
word `zzvis`, a word for its type (`zzkpolicy` …) and one for each of its type's facet values
(`zzyear2021`, `zzdistrict12`), in its title and in its body. The database search then counts
results, per type and per facet value, with the full-text index alone: no join to the page table
for each of 100,000 matches.

Counts trust the markers; what is shown never does: every result is checked against the page
table before it is returned. Publishing and unpublishing re-index a page (Wagtail saves it); a
view restriction added or removed, or a move into or out of a private section, re-indexes the
pages below it (see `connect_signals`).
"""

from django.db.models.signals import post_delete, post_save
from wagtail.models import Page, PageViewRestriction
from wagtail.search import index

from home.base.restrictions import is_public
from search import types
from search.analysis import index_text

VISIBLE = "zzvis"
PREFIX = "zz"
# One visible page in SAMPLE_EVERY (by id) also holds SAMPLE: PostgreSQL estimates a large count
# from the sampled pages instead of visiting every match (search/searchers/postgres.py).
SAMPLE = "zzsample"
SAMPLE_EVERY = 64


def kind_marker(key: str) -> str:
    return f"{PREFIX}k{key}"


def facet_marker(key: str, value) -> str:
    return f"{PREFIX}{key}{value}"


def markers(page) -> list[str]:
    """The marker words for a page: none unless the public may see it."""
    if not (page.live and page.depth and page.depth > 1 and is_public(page)):
        return []
    kind = types.for_model(type(page))
    found = [VISIBLE, kind_marker(kind.key)]
    for key in kind.facets:
        value = getattr(page, kind.facet_attname(key), None)
        if value is not None and value != "":
            found.append(facet_marker(key, value))
    return found


class SiteSearchable:
    """Mixed into every page model: the marker words, plus the title's words again so that a
    query whose words are split between title and body matches one indexed column (PostgreSQL's
    GIN index on the body can then answer it alone)."""

    def site_search_words(self) -> str:
        found = markers(self)
        if found and self.pk % SAMPLE_EVERY == 0:
            found.append(SAMPLE)
        return " ".join([*found, index_text(self.title)])

    def title_markers(self) -> str:
        return " ".join(markers(self))


def reindex_below(page) -> int:
    """Re-index a page and every page below it (their markers may have changed)."""
    pages = Page.objects.filter(path__startswith=page.path, depth__gte=page.depth).specific()
    done = 0
    for each in pages.iterator(chunk_size=200):
        index.insert_or_update_object(each)
        done += 1
    return done


def _restriction_changed(instance, **kwargs):
    # home.base.restrictions' handler (connected first) has already dropped its cached list.
    page = Page.objects.filter(pk=instance.page_id).first()
    if page is not None:
        reindex_below(page)


def _moved(instance, parent_page_before=None, parent_page_after=None, **kwargs):
    if parent_page_before is None or is_public(parent_page_before) != is_public(parent_page_after):
        reindex_below(instance)


def connect_signals() -> None:
    from wagtail.signals import post_page_move

    uid = "search.markers"
    post_save.connect(_restriction_changed, sender=PageViewRestriction, dispatch_uid=f"{uid}.s")
    post_delete.connect(_restriction_changed, sender=PageViewRestriction, dispatch_uid=f"{uid}.d")
    post_page_move.connect(_moved, dispatch_uid=f"{uid}.m")
