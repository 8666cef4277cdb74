"""The site search: one query over every page type, with facets, exact matches first, and
snippets with the matched words highlighted. Called by the view and the benchmarks."""

import datetime
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.utils import timezone
from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from wagtail.models import Page

from home.docnumbers import parse_doc_number
from search import searchers, types
from search.analysis import fold, fold_aligned, query_characters, query_tokens
from search.fields import flatten

MAX_QUERY_LENGTH = 100
PER_PAGE = 20
# Below this many pages holding every word, pages holding some of them follow.
OR_TAIL_BELOW = 50
SNIPPET_LENGTH = 90
EXCERPT_SEARCHED = 2000  # characters of a result's text searched for the snippet's first word


class SearchUnavailable(Exception):
    """The search backend failed (Elasticsearch unreachable, a database error): the view then
    tries the fallback backend, or says search is unavailable."""


@dataclass
class Hit:
    page: Page
    kind: types.SearchType
    title: SafeString
    snippet: SafeString
    date: str = ""  # as shown: 2025年3月5日, or a policy's date as written (2021, 2021-03)


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    active: bool
    approximate: bool = False


@dataclass
class Outcome:
    query: str = ""
    message: str = ""
    hits: list[Hit] = field(default_factory=list)
    page: object = None  # the Paginator page
    total: int = 0
    loose: bool = False  # found by single characters, as no page held all the words
    approximate: bool = False  # the total is an estimate (shown as 约 …)
    type_facets: list[FacetValue] = field(default_factory=list)
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)  # year / district
    chosen_type: str = ""


def check_query(raw: str) -> tuple[str, str]:
    """(cleaned query, message): a message means there is nothing to search for."""
    query = " ".join((raw or "").split())
    if len(query) > MAX_QUERY_LENGTH:
        return "", _("搜索词太长了，请控制在 %(n)s 个字以内。") % {"n": MAX_QUERY_LENGTH}
    if not query:
        return "", _("请输入要搜索的内容，例如“志愿服务条例”或“时间银行”。")
    if not query_tokens(query):
        return "", _("搜索词里没有可以查找的文字，请输入中文、英文或数字。")
    return query, ""


def _pinned(query: str, kind: str, facets) -> list[int]:
    """The document with this 文号, which goes first (found by its indexed parts)."""
    from home.models import PolicyDocumentPage

    if kind not in ("", "policy"):
        return []
    try:
        number = parse_doc_number(query)
    except ValidationError:  # not a 文号
        return []
    documents = PolicyDocumentPage.objects.filter(
        doc_issuer_code=number.issuer_code, doc_year=number.year, doc_serial=number.serial
    )
    scope = searchers.kind_scope(kind, facets)
    return list(scope.filter(pk__in=documents.values("pk")).values_list("pk", flat=True))


def _exact_titles_first(pages: list[Page], query: str) -> list[Page]:
    """A page titled exactly as the query (a station's name) goes first. Titles weigh far more
    than the body in the ranking, so such a page is on the first page of results; looking for it
    there costs nothing, where a lookup by title would scan every page."""
    wanted = fold(query)
    exact = [p for p in pages if fold(p.title) == wanted]
    return exact + [p for p in pages if p not in exact]


class _Segment:
    """The ids of the pages one Want finds, best first, less the pinned pages shown above."""

    def __init__(self, searcher, want: searchers.Want, pinned: list[int]):
        self.searcher, self.want = searcher, want
        self.found = found = searcher.count(want)
        self.approximate = getattr(found, "approximate", False)
        self.skip = searcher.matching(want, pinned) if pinned and found else set()
        self.size = found - len(self.skip)

    def __len__(self):
        return self.size

    def __getitem__(self, window: slice) -> list[int]:
        if not self.skip:
            return self.searcher.ranked_ids(self.want, window.start, window.stop, self.found)
        ids = self.searcher.ranked_ids(self.want, 0, window.stop + len(self.skip), self.found)
        return [i for i in ids if i not in self.skip][window.start : window.stop]


class _Chain:
    """Result segments (the pinned ids, then searches) as one sliceable sequence of page ids for
    the paginator; each segment leaves out what an earlier one holds."""

    def __init__(self, segments):
        self.segments = segments
        self.sizes = [len(s) for s in segments]

    def count(self):
        return sum(self.sizes)

    def __len__(self):
        return self.count()

    def __getitem__(self, window: slice) -> list[int]:
        start, stop = window.start or 0, window.stop
        found, offset = [], 0
        for segment, size in zip(self.segments, self.sizes, strict=True):
            lo, hi = max(start - offset, 0), min(stop - offset, size)
            if lo < hi:
                found += list(segment[lo:hi])
            offset += size
            if offset >= stop:
                break
        return found


def _retrieve(searcher, query: str, words: list[str], kind: str = "", facets=()):
    """(segments in display order, what the facets count).

    Exact matches first; then pages holding every word, best first; and when those are few
    and the query has several words, pages holding some of them."""
    pinned = _pinned(query, kind, facets)
    strict = searchers.Want(tuple(words), kind=kind, facets=facets)
    # Single characters are too common to find anything by on their own.
    some = tuple(w for w in words if len(w) > 1 or w.isascii())
    if not kind:
        # Counted by type first: the type facets usually need these counts, and the total is
        # their sum (when the OR tail follows, the matches are few and counting them is cheap).
        searcher.kind_counts(strict)
    first = _Segment(searcher, strict, pinned)
    if len(words) < 2 or not some or first.size >= OR_TAIL_BELOW:
        return [pinned, first], strict
    tail = strict.narrowed(words=some, any_word=True, unless=tuple(words))
    return [pinned, first, _Segment(searcher, tail, pinned)], tail.narrowed(unless=())


def _facet_values(counts: dict, labels: dict, chosen: str) -> list[FacetValue]:
    values = [
        FacetValue(
            str(value),
            str(labels.get(value, value)),
            count,
            str(value) == chosen,
            getattr(count, "approximate", False),
        )
        for value, count in counts.items()
        if value is not None
    ]
    return sorted(values, key=lambda v: (-v.count, v.label))


def site_search(*, params, backend: str = "default") -> Outcome:
    outcome = Outcome()
    raw = params.get("q", "")
    if "q" not in params:
        return outcome
    query, message = check_query(raw)
    outcome.query = query or " ".join(raw.split())[:MAX_QUERY_LENGTH]
    if message:
        outcome.message = message
        return outcome

    chosen = types.BY_KEY.get(params.get("type", ""))
    outcome.chosen_type = chosen.key if chosen else ""
    words = query_tokens(query)

    try:
        searcher = searchers.searcher_for(backend)
        with searcher.session():
            segments, counted = _retrieve(searcher, query, words)
            if not _Chain(segments).count():
                loose = query_characters(query)
                if loose != words:
                    words, outcome.loose = loose, True
                    segments, counted = _retrieve(searcher, query, words)
            labels = {t.key: t.label for t in [*types.TYPES, types.OTHER]}
            kind_counts = searcher.kind_counts(counted)
            outcome.type_facets = _facet_values(kind_counts, labels, outcome.chosen_type)

            if chosen is not None:
                facets = _apply_facets(searcher, counted.narrowed(kind=chosen.key), params, outcome)
                segments, _ = _retrieve(searcher, query, words, chosen.key, facets)
            paginator = Paginator(_Chain(segments), PER_PAGE)
            outcome.total = paginator.count
            outcome.approximate = any(getattr(s, "approximate", False) for s in segments)
            outcome.page = paginator.get_page(params.get("page"))
            pages = _pages(list(outcome.page.object_list))
            if outcome.page.number == 1:
                pages = _exact_titles_first(pages, query)
            outcome.page.object_list = pages
    except Exception as error:
        raise SearchUnavailable from error
    outcome.hits = build_hits(pages, words)
    return outcome


def _pages(ids: list[int]) -> list[Page]:
    """The pages of these ids, in this order, each checked again (only live public pages), as
    their own types (one query per page type shown)."""
    found = {page.pk: page for page in searchers.visible_pages().filter(pk__in=ids).specific()}
    return [found[pk] for pk in ids if pk in found]


def _apply_facets(searcher, counted, params, outcome) -> tuple:
    """Counts for the chosen type's facets (year, district), and the picked ones."""
    from stations.models import Area

    chosen = types.BY_KEY[counted.kind]
    picked_facets = []
    for key in chosen.facets:
        counts = searcher.facet_counts(counted, key)
        if key == "district":
            areas = Area.objects.filter(pk__in=[k for k in counts if k])
            labels = dict(areas.values_list("pk", "name"))
        else:
            labels = {year: _("%(year)s 年") % {"year": year} for year in counts}
        picked = params.get(key, "")
        outcome.facets[key] = _facet_values(counts, labels, picked)
        if picked.isdigit():
            picked_facets.append((key, int(picked)))
    return tuple(picked_facets)


def build_hits(pages: list[Page], words: list[str]) -> list[Hit]:
    """Each result's label, date and snippet (the pages as their own types, from _pages)."""
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
