"""Wagtail's Elasticsearch 9 backend, indexing the pre-analysed text of search/fields.py.

The text that reaches Elasticsearch is already segmented, folded and space-separated by
search/analysis.py, so the index's default analyzer only splits on whitespace and lowercases:
Elasticsearch then holds exactly the tokens the database backends hold, and a query (analysed by
ChineseQueryMixin) matches the same way everywhere. Analysing in Elasticsearch itself would need
a Chinese analysis plugin (IK, smartcn) installed on every node and would segment differently
from the database fallback; pre-analysed text needs nothing on the cluster.
"""

import logging

from elastic_transport import ApiError, TransportError
from wagtail.search.backends import get_search_backend
from wagtail.search.backends.elasticsearch9 import (
    Elasticsearch9AutocompleteQueryCompiler,
    Elasticsearch9SearchBackend,
    Elasticsearch9SearchResults,
)

from search.backends import ChineseQueryMixin

logger = logging.getLogger(__name__)
# The database index kept beside Elasticsearch (WAGTAILSEARCH_BACKENDS["database"]).
FALLBACK_BACKEND = "database"


def unreachable(error: Exception) -> bool:
    """The cluster cannot answer: no connection, a time-out, or a 5xx from an unhealthy node."""
    if isinstance(error, TransportError):
        return True
    return isinstance(error, ApiError) and (error.meta.status or 0) >= 500


class FallbackSearchResults(Elasticsearch9SearchResults):
    """Results that, when the cluster cannot be reached, come from the database index instead:
    the admin's page search, every chooser and any other caller of the search API keep
    working (the site search falls back on its own, search/views.py). Results are lazy, so the
    fallback happens where Elasticsearch is first asked: counting, fetching or faceting."""

    def _from_database(self):
        compiler = self.query_compiler
        database = get_search_backend(FALLBACK_BACKEND)
        autocomplete = isinstance(compiler, Elasticsearch9AutocompleteQueryCompiler)
        ask = database.autocomplete if autocomplete else database.search
        results = ask(
            compiler.query, compiler.queryset, fields=compiler.fields,
            order_by_relevance=compiler.order_by_relevance,
        )  # fmt: skip
        if self._score_field:
            results = results.annotate_score(self._score_field)
        return results[self.start : self.stop]

    def _or_database(self, ask_elasticsearch, ask_database):
        try:
            return ask_elasticsearch()
        except Exception as error:
            if not (unreachable(error) and self.backend.falls_back_to_database):
                raise
            logger.warning("Elasticsearch unreachable (%s): searching the database index", error)
            return ask_database(self._from_database())

    def _do_search(self):
        # Elasticsearch's _do_search is a generator: the request is sent when it is iterated.
        return self._or_database(
            lambda: list(super(FallbackSearchResults, self)._do_search()), list
        )

    def _do_count(self):
        return self._or_database(super()._do_count, lambda results: results.count())

    def facet(self, field_name):
        return self._or_database(
            lambda: super(FallbackSearchResults, self).facet(field_name),
            lambda results: results.facet(field_name),
        )


WHITESPACE_ANALYZER = {"type": "custom", "tokenizer": "whitespace", "filter": ["lowercase"]}


class ChineseElasticsearch9SearchBackend(ChineseQueryMixin, Elasticsearch9SearchBackend):
    results_class = FallbackSearchResults
    # The site search turns this off: it falls back to the database's own searchers and tells
    # the resident so (search/searchers/__init__.py, searcher_for).
    falls_back_to_database = True
    settings = {
        "settings": {
            **Elasticsearch9SearchBackend.settings["settings"],
            "analysis": {
                **Elasticsearch9SearchBackend.settings["settings"]["analysis"],
                "analyzer": {
                    **Elasticsearch9SearchBackend.settings["settings"]["analysis"]["analyzer"],
                    "default": WHITESPACE_ANALYZER,
                },
            },
        }
    }


SearchBackend = ChineseElasticsearch9SearchBackend
