"""Wagtail's database backend (FTS5 on SQLite, tsvector on PostgreSQL) with Chinese queries."""

from functools import cache

from wagtail.search.backends import database

from search.backends import ChineseQueryMixin

# How much more a word in the title counts than the same word in the body (SQLite's bm25 column
# weights; PostgreSQL ranks the title vector separately and adds it, to the same effect).
TITLE_WEIGHT = 10.0


def _sqlite_compiler():
    from django.db.models import Exists, F, IntegerField, OuterRef
    from django.db.models.functions import Cast
    from modelsearch.backends.database.sqlite.query import BM25, MatchExpression, normalize
    from modelsearch.backends.database.sqlite.sqlite import (
        SQLiteFTSIndexEntry,
        SQLiteSearchQueryCompiler,
    )
    from modelsearch.query import MatchAll, Not, Phrase, PlainText
    from modelsearch.utils import get_descendants_content_types_pks

    class TitleWeightedBM25(BM25):
        def as_sql(self, compiler, connection, function=None, template=None):
            # The FTS5 table's columns are (autocomplete, body, title).
            table = SQLiteFTSIndexEntry._meta.db_table
            return f"bm25({table}, 0.0, 1.0, {TITLE_WEIGHT})", []

    class TitleFirstCompiler(SQLiteSearchQueryCompiler):
        def search(self, config, start, stop, score_field=None):
            """Rank inside the full-text table in one pass and fetch just the requested slice.

            Wagtail ranks by a correlated subquery that runs the full-text match once per
            matching page, and counts through it too: fine for a few hundred pages, seconds at
            100,000. Counting and facets (no slice) need no ranking at all."""
            query = normalize(self.query)
            if score_field is not None or isinstance(query, (MatchAll, Not)):
                return super().search(config, start, stop, score_field=score_field)
            match = MatchExpression(
                self.fields or self.FTS_TABLE_FIELDS, self.build_search_query(query, config)
            )
            entries = SQLiteFTSIndexEntry.objects.filter(match).filter(
                index_entry__content_type__in=get_descendants_content_types_pks(self.queryset.model)
            )
            if stop is None:
                return self.queryset.filter(pk__in=entries.values("index_entry__object_id"))
            if not self.order_by_relevance:
                return super().search(config, start, stop)
            # Each match is checked against the page filters by primary key: the cost grows with
            # the matches, not with the size of the site.
            allowed = self.queryset.order_by().filter(
                pk=Cast(OuterRef("index_entry__object_id"), output_field=IntegerField())
            )
            ranked = (
                entries.filter(Exists(allowed))
                .annotate(score=self._build_rank_expression(self.get_search_vectors(), config))
                .order_by("score", "-index_entry__object_id")
                .values_list("index_entry__object_id", flat=True)
            )
            ids = [int(key) for key in ranked[start:stop]]
            found = self.queryset.order_by().in_bulk(ids)
            return [found[pk] for pk in ids if pk in found]

        def get_index_vectors(self):
            # One bm25 over the row, its title column weighted. Wagtail adds a second copy scaled
            # by a title-length norm, which lets short titles without the words outrank titles
            # that hold them.
            return [(F("index_entry__title"), 1.0)]

        def build_tsrank(self, vector, query, config=None, boost=1.0):
            if isinstance(query, (Phrase, PlainText, Not)):
                rank = TitleWeightedBM25()
                return rank * boost if boost != 1.0 else rank
            return super().build_tsrank(vector, query, config=config, boost=boost)

    return TitleFirstCompiler


def _postgres_compiler():
    from functools import reduce
    from operator import or_

    from django.contrib.postgres.search import SearchQuery
    from django.db.models import Q
    from modelsearch.backends.database.postgres.postgres import PostgresSearchQueryCompiler
    from modelsearch.query import PlainText

    class IndexedCompiler(PostgresSearchQueryCompiler):
        """Wagtail matches `title || body` against the query: an expression the GIN indexes on
        `title` and on `body` cannot serve, so every search reads every index entry. A filter
        that any of the words is in the title or in the body uses both indexes first."""

        def search(self, config, start, stop, score_field=None, backend=None):
            self._config = config
            return super().search(config, start, stop, score_field=score_field, backend=backend)

        def _apply_ordering_and_scoring(
            self, queryset, rank_expression, start, stop, score_field=None
        ):
            if isinstance(self.query, PlainText) and self.query.query_string.split():
                any_word = reduce(
                    or_,
                    (
                        SearchQuery(word, search_type="plain", config=self._config)
                        for word in self.query.query_string.split()
                    ),
                )
                queryset = queryset.filter(
                    Q(index_entries__title=any_word) | Q(index_entries__body=any_word)
                )
            return super()._apply_ordering_and_scoring(
                queryset, rank_expression, start, stop, score_field
            )

    return IndexedCompiler


@cache
def _chinese(backend_class):
    # index_vendor: the site search asks the index tables directly (search/searchers/).
    attrs = {"index_vendor": None}
    if backend_class.__name__ == "SQLiteSearchBackend":
        attrs.update(query_compiler_class=_sqlite_compiler(), index_vendor="sqlite")
    elif backend_class.__name__ == "PostgresSearchBackend":
        attrs.update(query_compiler_class=_postgres_compiler(), index_vendor="postgresql")
    return type(f"Chinese{backend_class.__name__}", (ChineseQueryMixin, backend_class), attrs)


def SearchBackend(params):  # noqa: N802 - the name Wagtail looks up in a backend module
    # Wagtail picks the implementation for the database in use; subclass whichever it is.
    chosen = database.SearchBackend(dict(params))
    return _chinese(type(chosen))(params)
