"""The searcher for Elasticsearch, or any backend without index tables to ask: through Wagtail's
search API."""

from search import types
from search.analysis import Analysed
from search.searchers import Searcher, Want, kind_scope


class BackendSearcher(Searcher):
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
