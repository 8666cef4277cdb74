"""The site search: one query over every page type, with facets and exact matches first; what
each result shows is built by search/hits.py. Called by the view and the benchmarks."""

from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db.models import F
from django.utils.translation import gettext as _
from wagtail.models import Page

from home.base.inputs import parse_int, without_refused
from search import overview, searchers, types
from search.analysis import fold, query_characters, query_tokens
from search.hits import Hit, build_hits
from search.overview import Section

MAX_QUERY_LENGTH = 100
PER_PAGE = 20
# Below this many pages holding every word, pages holding some of them follow.
OR_TAIL_BELOW = 50


class SearchUnavailable(Exception):
    """The search backend failed (Elasticsearch unreachable, a database error): the view then
    tries the fallback backend, or says search is unavailable."""


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
    hits: list[Hit] = field(default_factory=list)  # on the overview: its sections' hits in order
    page: object = None  # the Paginator page (None on the overview)
    # The overview: the best of each type, when an unfiltered search finds several types.
    sections: list[Section] = field(default_factory=list)
    total: int = 0
    loose: bool = False  # found by single characters, as no page held all the words
    approximate: bool = False  # the total is an estimate (shown as 约 …)
    type_facets: list[FacetValue] = field(default_factory=list)
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)  # year / district
    chosen_type: str = ""


def check_query(raw: str) -> tuple[str, str]:
    """(cleaned query, message): a message means there is nothing to search for."""
    # Invisible characters (zero-width, bidi, control, U+FFFD from bad UTF-8) are dropped: the
    # query is not stored, and what is searched for is shown back (home/base/inputs.py).
    query = " ".join(without_refused(raw or "").split())
    if len(query) > MAX_QUERY_LENGTH:
        return "", _("搜索词太长了，请控制在 %(n)s 个字以内。") % {"n": MAX_QUERY_LENGTH}
    if not query:
        return "", _("请输入要搜索的内容，例如“志愿服务条例”或“时间银行”。")
    if not query_tokens(query):
        return "", _("搜索词里没有可以查找的文字，请输入中文、英文或数字。")
    return query, ""


def _pinned(query: str, kind: str, facets) -> list[int]:
    """The pages a type pins above the results for this query (the document with this 文号), as
    found within the chosen type and facets."""
    pinned: list[int] = []
    for each in [types.by_key(kind)] if kind else types.registered():
        pages = each.pinned(query) if each.pinned else None
        if pages is not None:
            scope = searchers.kind_scope(kind, facets).filter(pk__in=pages.values("pk"))
            pinned += scope.values_list("pk", flat=True)
    return list(dict.fromkeys(pinned))


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

    chosen = types.by_key(params.get("type", ""))
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
            labels = {t.key: t.label for t in [*types.registered(), types.OTHER]}
            kind_counts = searcher.kind_counts(counted)
            outcome.type_facets = _facet_values(kind_counts, labels, outcome.chosen_type)

            if chosen is not None:
                facets = _apply_facets(searcher, counted.narrowed(kind=chosen.key), params, outcome)
                segments, _ = _retrieve(searcher, query, words, chosen.key, facets)
            outcome.approximate = any(getattr(s, "approximate", False) for s in segments)
            if chosen is None and len(kind_counts) > 1:
                # One page, no pagination: each section's “更多…” leads to its type's list.
                outcome.total = _Chain(segments).count()
                found = _best_of_each_kind(searcher, query, words, counted, kind_counts)
                pages = [page for _kind, _count, shown in found for page in shown]
            else:
                paginator = Paginator(_Chain(segments), PER_PAGE)
                outcome.total = paginator.count
                outcome.page = paginator.get_page(parse_int(params.get("page")))
                pages = _pages(list(outcome.page.object_list))
                if outcome.page.number == 1:
                    pages = _exact_titles_first(pages, query)
                outcome.page.object_list = pages
    except Exception as error:
        raise SearchUnavailable from error
    outcome.hits = build_hits(pages, words)
    if outcome.page is None and outcome.hits:
        hits = iter(outcome.hits)
        outcome.sections = [
            Section(kind, count, [next(hits) for _page in shown]) for kind, count, shown in found
        ]
    return outcome


def _best_of_each_kind(searcher, query, words, counted, kind_counts):
    """[(type, its count, its best pages)] in the order shown (search/overview.py); the pages
    of every section in one query."""
    pinned = {key: _pinned(query, key, ()) for key in kind_counts}
    heads, ranked = overview.heads(
        searcher, words=words, counted=counted, kind_counts=kind_counts, pinned=pinned
    )
    by_id = {page.pk: page for page in _pages([i for ids in heads.values() for i in ids])}
    found = []
    for key, ids in heads.items():
        pages = _exact_titles_first([by_id[i] for i in ids if i in by_id], query)
        found.append((types.by_key(key), kind_counts[key], pages))
    every_pinned = {i for ids in pinned.values() for i in ids}
    return overview.in_order(found, query=query, words=words, pinned=every_pinned, ranked=ranked)


# What every result shows of its page (search/hits.py, the results' template).
SHOWN_FIELDS = ("title", "url_path", "search_description", "content_type")


def _pages(ids: list[int]) -> list[Page]:
    """The pages of these ids, in this order, each checked again (only live public pages), in one
    query whatever their types: plain pages, with the fields a registered type's snippet and date
    are cut from joined in from its own table and set on its pages as those attributes."""
    joined = {}  # alias → (search type key, attribute, the column as reached from Page)
    for kind in types.registered():
        table = kind.model_class()._meta.model_name  # the reverse link from Page to its type
        for name in (*kind.text, *([kind.date] if kind.date else [])):
            joined[f"_{kind.key}_{name}"] = (kind.key, name, f"{table}__{name}")
    pages = (
        searchers.visible_pages()
        .filter(pk__in=ids)
        .only(*SHOWN_FIELDS)
        .annotate(**{alias: F(path) for alias, (_key, _name, path) in joined.items()})
    )
    by_ct = types.content_types()
    found = {}
    for page in pages:
        kind = by_ct.get(page.content_type_id)
        for alias, (key, name, _path) in joined.items():
            value = getattr(page, alias)
            delattr(page, alias)
            if kind is not None and key == kind.key:
                setattr(page, name, value)
        found[page.pk] = page
    return [found[pk] for pk in ids if pk in found]


def _apply_facets(searcher, counted, params, outcome) -> tuple:
    """Counts for the chosen type's facets (year, district), and the picked ones."""
    chosen = types.by_key(counted.kind)
    picked_facets = []
    for key in chosen.facets:
        counts = searcher.facet_counts(counted, key)
        if key in chosen.facet_labels:
            labels = chosen.facet_labels[key]([k for k in counts if k])
        else:
            labels = {year: _("%(year)s 年") % {"year": year} for year in counts}
        picked = params.get(key, "")
        outcome.facets[key] = _facet_values(counts, labels, picked)
        number = parse_int(picked)  # ASCII digits only: "²" passes isdigit(), not int()
        if number is not None:
            picked_facets.append((key, number))
    return tuple(picked_facets)
