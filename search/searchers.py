"""How the site search asks a search backend for what it wants (a `Want`): how many pages match,
how many of each type and facet value, and a ranked slice of page ids.

- `IndexSearcher` (the database backend on SQLite and PostgreSQL) asks Wagtail's index tables
  directly, with the marker words of search/markers.py: a count, even of 100,000 matches, reads
  the full-text index alone; ranking reads the full-text index and then only the pages shown.
- `BackendSearcher` (Elasticsearch, or any other backend) goes through Wagtail's search API.

Neither decides what is shown: the caller checks every id against the page table.
"""

from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, replace

from django.db import connections, transaction
from wagtail.models import Page
from wagtail.search.backends import get_search_backend

from home.restrictions import exclude_private
from search import markers, types
from search.analysis import Analysed

# Up to this many matches all are ranked; past it a pool (IndexSearcher.ranked_ids).
RANKED_POOL = 500
# PostgreSQL reads a wide row, and the body vector to rank it, for each candidate (~25 µs): it
# ranks all matches only up to RANKED_POOL_POSTGRESQL and pools the newest title matches.
RANKED_POOL_POSTGRESQL = 200
TITLE_POOL_POSTGRESQL = 100
# PostgreSQL: counts past this are estimated from sampled pages; below FEW_MATCHES the matches are
# gathered from the GIN index before ordering.
APPROXIMATE_ABOVE = 2000
FEW_MATCHES = 5000


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
    kind: str = ""  # a type key from search/types.py; empty: every type
    facets: tuple[tuple[str, str], ...] = ()  # (facet key, value) picked within the kind

    def narrowed(self, **changes) -> "Want":
        return replace(self, **changes)


def searcher_for(backend_name: str):
    backend = get_search_backend(backend_name)
    vendor = getattr(backend, "index_vendor", None)
    if vendor == "sqlite":
        return SQLiteIndexSearcher(backend)
    if vendor == "postgresql":
        return PostgresIndexSearcher(backend)
    return BackendSearcher(backend)


def visible_pages():
    """Every page the public may find: live, not the root, no view restriction above it."""
    return exclude_private(Page.objects.live()).filter(depth__gt=1)


def kind_scope(kind: str, facets=()):
    if not kind:
        return visible_pages()
    chosen = types.BY_KEY[kind]
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


class _Searcher:
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


class BackendSearcher(_Searcher):
    """Through Wagtail's search API: what Elasticsearch does fast on its own."""

    def _results(self, want: Want, scope=None):
        scope = kind_scope(want.kind, want.facets) if scope is None else scope
        if want.unless:
            # The OR tail: only asked for when the pages holding every word are few.
            held = self.backend.search(Analysed(" ".join(want.unless)), scope, operator="and")
            scope = scope.exclude(pk__in=[p.pk for p in held])
        operator = "or" if want.any_word else "and"
        return self.backend.search(Analysed(" ".join(want.words)), scope, operator=operator)

    def _count_one(self, want: Want) -> int:
        return self._results(want).count()

    def _kind_counts(self, want: Want) -> dict[str, int]:
        by_ct = types.content_types()
        counts: dict[str, int] = {}
        for ct_id, count in self._results(want).facet("content_type_id").items():
            key = by_ct[ct_id].key if ct_id in by_ct else types.OTHER.key
            counts[key] = counts.get(key, 0) + count
        return counts

    def facet_counts(self, want: Want, key: str) -> dict:
        attname = types.BY_KEY[want.kind].facet_attname(key)
        counts = self._results(want.narrowed(facets=())).facet(attname)
        return {value: count for value, count in counts.items() if value is not None and count}

    def ranked_ids(self, want: Want, start: int, stop: int, total: int) -> list[int]:
        return [page.pk for page in self._results(want)[start:stop]]

    def matching(self, want: Want, page_ids: list[int]) -> set[int]:
        scope = kind_scope(want.kind, want.facets).filter(pk__in=page_ids)
        return {page.pk for page in self._results(want, scope)}


class IndexSearcher(_Searcher):
    """Straight against the index tables of Wagtail's database backend."""

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
        kinds = [*types.TYPES, types.OTHER]
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


def _fts_term(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


def _fts_all(words) -> str:
    return "(" + " AND ".join(_fts_term(w) for w in words) + ")"


def _fts_any(words) -> str:
    return "(" + " OR ".join(_fts_term(w) for w in words) + ")"


class SQLiteIndexSearcher(IndexSearcher):
    """FTS5: counting a match reads its doclists only; bm25 runs inside the FTS table."""

    def __init__(self, backend):
        super().__init__(backend)
        from modelsearch.backends.database.sqlite.sqlite import SQLiteFTSIndexEntry

        from search.backends.database import TITLE_WEIGHT

        self.fts = SQLiteFTSIndexEntry._meta.db_table
        entry = SQLiteFTSIndexEntry._meta.get_field("index_entry").related_model
        self.entries = entry._meta.db_table
        self.rank = f"bm25({self.fts}, 0.0, 1.0, {TITLE_WEIGHT})"

    def _words(self, want: Want) -> str:
        return _fts_any(want.words) if want.any_word else _fts_all(want.words)

    def expression(self, want: Want, kind: str = "") -> str:
        words = self._words(want)
        required = self._required(want.narrowed(kind=kind or want.kind))
        parts = [words, *(_fts_any(group) for group in required)]
        found = "(" + " AND ".join(parts) + ")"
        if want.unless:
            found = f"{found} NOT {_fts_all(want.unless)}"
        return found

    def _count_part(self, expression: str) -> tuple[str, list]:
        return f"(SELECT count(*) FROM {self.fts} WHERE {self.fts} MATCH %s)", [expression]

    def _titled_newest(self, want: Want, expression: str) -> list[tuple[int, int]]:
        """(entry id, title length) of the newest matches whose titles hold the words."""
        words = self._words(want)
        sql = (
            f"SELECT rowid, length(title) FROM {self.fts} WHERE {self.fts} MATCH %s "
            f"ORDER BY rowid DESC LIMIT %s"
        )
        return self._one(sql, [f"{{title}} : {words} AND {expression}", self.title_pool()])

    def _ranked(self, expression, want, start, stop) -> list[int]:
        sql = (
            f"SELECT e.object_id FROM (SELECT rowid AS id, {self.rank} AS score FROM {self.fts} "
            f"WHERE {self.fts} MATCH %s ORDER BY score, rowid DESC LIMIT %s OFFSET %s) AS hit "
            f"JOIN {self.entries} AS e ON e.id = hit.id ORDER BY hit.score, hit.id DESC"
        )
        return [int(row[0]) for row in self._one(sql, [expression, stop - start, start])]

    def _rest(self, expression, pool, offset, limit, total) -> list[int]:
        sql = (
            f"SELECT e.object_id FROM (SELECT rowid AS id FROM {self.fts} "
            f"WHERE {self.fts} MATCH %s AND rowid NOT IN ({', '.join(['%s'] * len(pool))}) "
            f"ORDER BY rowid DESC LIMIT %s OFFSET %s) AS hit "
            f"JOIN {self.entries} AS e ON e.id = hit.id ORDER BY hit.id DESC"
        )
        return [int(row[0]) for row in self._one(sql, [expression, *pool, limit, offset])]

    def matching(self, want: Want, page_ids: list[int]) -> set[int]:
        found = set()
        expression = self.expression(want)
        for page in Page.objects.filter(pk__in=page_ids).only("pk", "content_type_id"):
            # CROSS JOIN keeps the entry as the outer loop: FTS5 then checks one row.
            sql = (
                f"SELECT 1 FROM {self.entries} AS e CROSS JOIN {self.fts} "
                f"ON {self.fts}.rowid = e.id WHERE e.content_type_id = %s AND e.object_id = %s "
                f"AND {self.fts} MATCH %s"
            )
            if self._one(sql, [page.content_type_id, str(page.pk), expression]):
                found.add(page.pk)
        return found


def _ts_term(word: str) -> str:
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


def _ts_all(words) -> str:
    return "(" + " & ".join(_ts_term(w) for w in words) + ")"


def _ts_any(words) -> str:
    return "(" + " | ".join(_ts_term(w) for w in words) + ")"


class PostgresIndexSearcher(IndexSearcher):
    """tsvector + GIN: the body vector holds the title's words and the markers too, so one GIN
    index answers a whole query; counts need no ranking and no page rows."""

    def __init__(self, backend):
        super().__init__(backend)
        from modelsearch.conf import get_app_config

        self.entries = get_app_config().get_model("IndexEntry")._meta.db_table
        self.config = getattr(backend, "config", None)

    def ranked_up_to(self) -> int:
        return min(RANKED_POOL, RANKED_POOL_POSTGRESQL)

    def title_pool(self) -> int:
        return min(RANKED_POOL, TITLE_POOL_POSTGRESQL)

    @contextmanager
    def session(self):
        """One read transaction for a search (counts and results agree), without parallel
        workers: starting them costs ~10 ms, more than these small scans gain."""
        with transaction.atomic(using=self.connection.alias):
            with self.connection.cursor() as cursor:
                cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
            yield

    def _tsquery(self, text: str) -> tuple[str, list]:
        if self.config:
            return "to_tsquery(%s::regconfig, %s)", [self.config, text]
        return "to_tsquery(%s)", [text]

    def _words(self, want: Want) -> str:
        return _ts_any(want.words) if want.any_word else _ts_all(want.words)

    def expression(self, want: Want, kind: str = "") -> str:
        words = self._words(want)
        required = self._required(want.narrowed(kind=kind or want.kind))
        found = " & ".join([words, *(_ts_any(group) for group in required)])
        if want.unless:
            found = f"{found} & !{_ts_all(want.unless)}"
        return found

    def _counts(self, expressions: list[str]) -> list[int]:
        """Exact up to about APPROXIMATE_ABOVE; past it estimated from the sampled pages. A
        count visits every matching row (no index-only scans on GIN): 170 ms for 96,000."""
        sample = _ts_term(markers.SAMPLE)
        sampled = super()._counts([f"{e} & {sample}" for e in expressions])
        counts = [
            Count.estimate(n * markers.SAMPLE_EVERY)
            if n * markers.SAMPLE_EVERY >= APPROXIMATE_ABOVE
            else None
            for n in sampled
        ]
        exact = [e for e, c in zip(expressions, counts, strict=True) if c is None]
        found = iter(super()._counts(exact) if exact else [])
        return [c if c is not None else next(found) for c in counts]

    def _count_part(self, expression: str) -> tuple[str, list]:
        query, params = self._tsquery(expression)
        return f"(SELECT count(*) FROM {self.entries} WHERE body @@ {query})", params

    def _match(self, expression: str) -> tuple[str, list]:
        body, params = self._tsquery(expression)
        return f"body @@ {body}", params

    def _rank(self, want: Want) -> tuple[str, list]:
        from search.backends.database import TITLE_WEIGHT

        words, params = self._tsquery(_ts_any(want.words))
        rank = f"ts_rank(title, {words}) * {TITLE_WEIGHT:g} + ts_rank(body, {words})"
        return rank, [*params, *params]

    def _titled_newest(self, want: Want, expression: str) -> list[tuple[int, int]]:
        """(entry id, title length) of the newest matches whose titles hold the words. The title
        vector holds the markers too, so this reads no body vector (they are large)."""
        required = (_ts_any(group) for group in self._required(want))
        title_expression = " & ".join([self._words(want), *required])
        title, params = self._tsquery(title_expression)
        where = f"title @@ {title}"
        if want.unless:  # the OR tail: leaving out pages with every word needs the body
            body, body_params = self._tsquery(expression)
            where, params = f"{where} AND body @@ {body}", [*params, *body_params]
        sql = (
            f"SELECT id, length(title_text) FROM {self.entries} WHERE {where} "
            f"ORDER BY id DESC LIMIT %s"
        )
        return self._one(sql, [*params, self.title_pool()])

    def _ranked(self, expression, want, start, stop) -> list[int]:
        where, params = self._match(expression)
        rank, rank_params = self._rank(want)
        sql = (
            f"SELECT object_id FROM {self.entries} WHERE {where} "
            f"ORDER BY {rank} DESC, id DESC LIMIT %s OFFSET %s"
        )
        return [int(r[0]) for r in self._one(sql, [*params, *rank_params, stop - start, start])]

    def _rest(self, expression, pool, offset, limit, total) -> list[int]:
        where, params = self._match(expression)
        matches = f"SELECT id, object_id FROM {self.entries} WHERE {where}"
        if total < FEW_MATCHES:
            # Walking the primary key backwards reads a body vector per row until enough
            # match: slow when matches are sparse, which the planner misjudges. Gather the
            # matches from the GIN index first.
            matches = f"WITH m AS MATERIALIZED ({matches}) SELECT id, object_id FROM m"
        sql = (
            f"SELECT object_id FROM ({matches}) AS hit WHERE NOT (id = ANY(%s)) "
            f"ORDER BY id DESC LIMIT %s OFFSET %s"
        )
        return [int(row[0]) for row in self._one(sql, [*params, list(pool), limit, offset])]

    def matching(self, want: Want, page_ids: list[int]) -> set[int]:
        query, params = self._tsquery(self.expression(want))
        found = set()
        for page in Page.objects.filter(pk__in=page_ids).only("pk", "content_type_id"):
            sql = (
                f"SELECT 1 FROM {self.entries} WHERE content_type_id = %s AND object_id = %s "
                f"AND body @@ {query}"
            )
            if self._one(sql, [page.content_type_id, str(page.pk), *params]):
                found.add(page.pk)
        return found
