"""The database backend's index tables on PostgreSQL: tsvector and GIN."""

from contextlib import contextmanager

from django.db import transaction
from wagtail.models import Page

from search import markers
from search.searchers import Count, IndexSearcher, Want

# PostgreSQL reads a wide row, and the body vector to rank it, for each candidate (~25 µs): it
# ranks all matches only up to RANKED_POOL_POSTGRESQL (at most RANKED_POOL) and pools the newest
# title matches.
RANKED_POOL_POSTGRESQL = 200
TITLE_POOL_POSTGRESQL = 100
# Counts past this are estimated from sampled pages; below FEW_MATCHES the matches are gathered
# from the GIN index before ordering.
APPROXIMATE_ABOVE = 2000
FEW_MATCHES = 5000


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
        return min(super().ranked_up_to(), RANKED_POOL_POSTGRESQL)

    def title_pool(self) -> int:
        return min(super().title_pool(), TITLE_POOL_POSTGRESQL)

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

    def _head(self, number: int, expression: str, want: Want, n: int) -> tuple[str, list]:
        """One part of `heads`: _ranked's first n, with its sort key (rank, newest first)."""
        where, params = self._match(expression)
        rank, rank_params = self._rank(want)
        sql = (
            f"(SELECT {number:d}, object_id, -({rank}) AS score, -id FROM {self.entries} "
            f"WHERE {where} ORDER BY score, id DESC LIMIT %s)"
        )
        return sql, [*rank_params, *params, n]

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
