"""What each result of the site search shows: its type's label, its title and a snippet with the
matched words marked, and its date."""

import datetime
import re
from dataclasses import dataclass

from django.utils import timezone
from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from wagtail.models import Page

from search import types
from search.analysis import fold_aligned
from search.fields import flatten

SNIPPET_LENGTH = 90
EXCERPT_SEARCHED = 2000  # characters of a result's text searched for the snippet's first word


@dataclass
class Hit:
    page: Page
    kind: types.SearchType
    title: SafeString
    snippet: SafeString
    date: str = ""  # as shown: 2025年3月5日, or a policy's date as written (2021, 2021-03)


def build_hits(pages: list[Page], words: list[str]) -> list[Hit]:
    """Each result's label, date and snippet (the pages as their own types)."""
    by_ct = types.content_types()
    hits = []
    for page in pages:
        kind = by_ct.get(page.content_type_id, types.OTHER)
        text = " ".join(_plain(getattr(page, name, "")) for name in kind.text)
        text = text or _plain(page.search_description)
        hits.append(
            Hit(
                page=page,
                kind=kind,
                title=highlight(page.title, words),
                snippet=highlight(excerpt(text, words), words),
                date=date_label(getattr(page, kind.date, None) if kind.date else None),
            )
        )
    return hits


def date_label(value) -> str:
    if not value:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date()
    return _("%(y)s年%(m)s月%(d)s日") % {"y": value.year, "m": value.month, "d": value.day}


def _plain(value) -> str:
    if hasattr(value, "stream_block"):  # a StreamField
        value = value.stream_block.get_searchable_content(value)
    return " ".join(strip_tags(flatten(value)).split())


def _terms(words: list[str]) -> list[str]:
    """The words to mark: not the 文号 token (the text has its parts, not it), and single
    characters only when the query is nothing but (a partial word typed alone)."""
    terms = [w for w in words if not re.search(r"\d年\d+号$|令第\d+号$", w)]
    longer = [w for w in terms if len(w) > 1]
    return sorted(set(longer or terms), key=len, reverse=True)


def excerpt(text: str, words: list[str], length: int = SNIPPET_LENGTH) -> str:
    """A stretch of `text` around the first matched word (looked for near the start: a long
    body need not be folded whole to cut a snippet)."""
    haystack = fold_aligned(text[:EXCERPT_SEARCHED])
    positions = [haystack.find(w) for w in _terms(words)]
    first = min((p for p in positions if p >= 0), default=0)
    start = max(first - length // 3, 0)
    piece = text[start : start + length]
    return ("…" if start else "") + piece + ("…" if start + length < len(text) else "")


def highlight(text: str, words: list[str]) -> SafeString:
    """`text` escaped, with the matched words in <mark>; traditional text matches its simplified
    words."""
    folded = fold_aligned(text)
    terms = _terms(words)
    if not terms:
        return escape(text)
    marked = [False] * len(text)
    for term in terms:
        for found in re.finditer(re.escape(term), folded):
            for i in range(found.start(), found.end()):
                marked[i] = True
    out, i = [], 0
    while i < len(text):
        j = i
        while j < len(text) and marked[j] == marked[i]:
            j += 1
        piece = escape(text[i:j])
        out.append(f"<mark>{piece}</mark>" if marked[i] else piece)
        i = j
    return mark_safe("".join(out))
