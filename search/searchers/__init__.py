"""How the site search asks a search backend for what it wants (a `Want`): how many pages match,
how many of each type and facet value, and a ranked slice of page ids.

- `IndexSearcher` (the database backend on SQLite and PostgreSQL) asks Wagtail's index tables
  directly, with the marker words of search/markers.py: a count, even of 100,000 matches, reads
  the full-text index alone; ranking reads the full-text index and then only the pages shown.
  What the two databases share is here; their queries are in `sqlite.py` and `postgres.py`.
- `BackendSearcher` (Elasticsearch, or any other backend) goes through Wagtail's search API
  (`backend.py`).

Neither decides what is shown: the caller checks every id against the page table.
"""

from contextlib import nullcontext
from dataclasses import dataclass, replace

from django.db import connections
from wagtail.models import Page
from wagtail.search.backends import get_search_backend

from home.base.restrictions import exclude_private
from search import markers, types

# Up to this many matches all are ranked; past it a pool (IndexSearcher.ranked_ids).
RANKED_POOL = 500


class Count(int):
    """A number of results; `approximate` when estimated (shown as 约 …)."""

    approximate = False

    @classmethod
    def estimate(cls, value: int) -> "Count":
        digits = max(len(str(value)) - 2, 0)  # two significant figures: 96,384 → 96,000
        count = cls(round(value, -digits))
        count.approximate = True
        return count


@dataclass(frozen=True)
class Want:
    words: tuple[str, ...]
    any_word: bool = False  # some of the words rather than all of them
    unless: tuple[str, ...] = ()  # …but not pages holding all of these
    kind: str = ""  # a registered type's key (search/types.py); empty: every type
    facets: tuple[tuple[str, str], ...] = ()  # (facet key, value) picked within the kind

    def narrowed(self, **changes) -> "Want":
        return replace(self, **changes)


def visible_pages():
    """Every page the public may find: live, not the root, no view restriction above it."""
    return exclude_private(Page.objects.live()).filter(depth__gt=1)


def kind_scope(kind: str, facets=()):
    if not kind:
        return visible_pages()
    chosen = types.by_key(kind)
    if chosen is types.OTHER:  # 栏目页面: every visible page of no registered type
        return visible_pages().exclude(content_type_id__in=list(types.content_types()))
    scope = exclude_private(chosen.model_class().objects.live())
    for key, value in facets:
        scope = scope.filter(**{chosen.facet_attname(key): value})
    return scope


def facet_values(kind: str, key: str) -> list:
    """The values a facet of a type takes on its live pages (few: years, districts)."""
    chosen = types.BY_KEY[kind]
    attname = chosen.facet_attname(key)
    values = chosen.model_class().objects.live().exclude(**{f"{attname}__isnull": True})
    return sorted(values.order_by().values_list(attname, flat=True).distinct())


class Searcher:
    """What every searcher shares: a search's type counts, and the total as their sum."""

    def __init__(self, backend):
        self.backend = backend
        self._kinds: dict[Want, dict] = {}  # one search's type counts, asked for twice

    def session(self):
        return nullcontext()

    def kind_counts(self, want: Want) -> dict[str, int]:
        key = want.narrowed(kind="")
        if key not in self._kinds:
            self._kinds[key] = self._kind_counts(key)
        return self._kinds[key]

    def count(self, want: Want) -> int:
        known = self._kinds.get(want.narrowed(kind=""))
        if want.kind or known is None:
            return self._count_one(want)
        # Every visible page has one type: the type counts add up to the total.
        total = sum(known.values())
        if any(getattr(count, "approximate", False) for count in known.values()):
            return Count.estimate(total)
        return Count(total)

    def heads(self, requests: list[tuple[Want, int, int]]) -> list[list[int]]:
        """For each (want, its count, n): the first n ranked ids, as `ranked_ids(want, 0, n,
        count)` lists them (the first page of an unfiltered search shows each type's best)."""
        return [
            self.ranked_ids(want, 0, n, total) if total and n > 0 else []
            for want, total, n in requests
        ]


class IndexSearcher(Searcher):
    """Straight against the index tables of Wagtail's database backend. A subclass builds the
    full-text expression of a Want (`expression`) and the statements its database runs."""

    def __init__(self, backend):
        super().__init__(backend)
        self.connection = connections["default"]

    def ranked_up_to(self) -> int:
        return RANKED_POOL

    def title_pool(self) -> int:
        return RANKED_POOL

    def _required(self, want: Want) -> list[list[str]]:
        """The marker words a match must hold: each inner list is one of which must be there."""
        required = [[markers.kind_marker(want.kind)] if want.kind else [markers.VISIBLE]]
        required += [[markers.facet_marker(key, value)] for key, value in want.facets]
        return required

    def _one(self, sql: str, params) -> list[tuple]:
        with self.connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def _count_one(self, want: Want) -> int:
        return self._counts([self.expression(want)])[0]

    def _kind_counts(self, want: Want) -> dict[str, int]:
        kinds = [*types.registered(), types.OTHER]
        found = self._counts([self.expression(want, kind.key) for kind in kinds])
        return {kind.key: count for kind, count in zip(kinds, found, strict=True) if count}

    def _counts(self, expressions: list[str]) -> list[int]:
        """Several counts in one statement (one round trip)."""
        parts, params = zip(*(self._count_part(e) for e in expressions), strict=True)
        return list(self._one("SELECT " + ", ".join(parts), [p for ps in params for p in ps])[0])

    def ranked_ids(self, want: Want, start: int, stop: int, total: int) -> list[int]:
        """Up to `ranked_up_to` matches — every query of the quality benchmark — all are
        ranked (bm25 on SQLite, ts_rank on PostgreSQL, the title weighted). Ranking reads each
        match's positions (on SQLite about 25 µs a match for a few words: 2.5 s for a word that
        100,000 pages hold), so past it the order is: the newest matches whose titles hold the
        words (`title_pool` of them), shortest title first (a station named as the query comes
        first, however old), then every other match, newest first. It is the same order on
        every results page."""
        expression = self.expression(want)
        if total <= self.ranked_up_to():
            return self._ranked(expression, want, start, stop)
        titled = self._titled_newest(want, expression)
        order = [i for i, _ in sorted(titled, key=lambda row: (row[1], -row[0]))]
        ids = self._object_ids(order[start:stop])
        if stop > len(order):
            offset = max(start - len(order), 0)
            ids += self._rest(expression, order, offset, stop - max(start, len(order)), total)
        return ids

    def heads(self, requests: list[tuple[Want, int, int]]) -> list[list[int]]:
        """Those that rank all their matches in one statement (a UNION ALL of each one's ranked
        LIMIT), whatever their number; those past `ranked_up_to` as ranked_ids does them."""
        found: list[list[int]] = [[] for _ in requests]
        parts, params = [], []
        for number, (want, total, n) in enumerate(requests):
            if not total or n <= 0:
                continue
            if total > self.ranked_up_to():
                found[number] = self.ranked_ids(want, 0, n, total)
                continue
            sql, part_params = self._head(number, self.expression(want), want, n)
            parts.append(sql)
            params += part_params
        if parts:
            # Each row: (request, object id, sort key…); sorted here as _ranked's ORDER BY.
            rows = sorted(self._one(" UNION ALL ".join(parts), params), key=lambda r: r[2:])
            for number, object_id, *_order in rows:
                found[number].append(int(object_id))
        return found

    def _object_ids(self, entry_ids: list[int]) -> list[int]:
        if not entry_ids:
            return []
        marks = ", ".join(["%s"] * len(entry_ids))
        sql = f"SELECT id, object_id FROM {self.entries} WHERE id IN ({marks})"
        found = dict(self._one(sql, entry_ids))
        return [int(found[i]) for i in entry_ids if i in found]

    def facet_counts(self, want: Want, key: str) -> dict:
        values = facet_values(want.kind, key)
        if not values:
            return {}
        found = self._counts([self.expression(want.narrowed(facets=((key, v),))) for v in values])
        return {value: count for value, count in zip(values, found, strict=True) if count}


# The searchers of each engine build on the classes above.
from search.searchers.backend import BackendSearcher  # noqa: E402
from search.searchers.postgres import PostgresIndexSearcher  # noqa: E402
from search.searchers.sqlite import SQLiteIndexSearcher  # noqa: E402


def searcher_for(backend_name: str) -> Searcher:
    backend = get_search_backend(backend_name)
    vendor = getattr(backend, "index_vendor", None)
    if vendor == "sqlite":
        return SQLiteIndexSearcher(backend)
    if vendor == "postgresql":
        return PostgresIndexSearcher(backend)
    # Elasticsearch's results would quietly come from the database when the cluster is down;
    # the site search does better itself (the index-table searchers, and a notice).
    backend.falls_back_to_database = False
    return BackendSearcher(backend)


__all__ = [
    "RANKED_POOL",
    "BackendSearcher",
    "Count",
    "IndexSearcher",
    "PostgresIndexSearcher",
    "SQLiteIndexSearcher",
    "Searcher",
    "Want",
    "facet_values",
    "kind_scope",
    "searcher_for",
    "visible_pages",
]
