"""Wagtail search backends that analyse Chinese queries the way search/fields.py analyses text.

Configured in WAGTAILSEARCH_BACKENDS as `search.backends.database` (SQLite, PostgreSQL or any
other database) and `search.backends.elasticsearch9`. Every caller — the site search, the admin's
page search, choosers — gets the same analysis without knowing about it.
"""

from search.analysis import Analysed, query_tokens


class ChineseQueryMixin:
    def search(self, query, model_or_queryset, *args, **kwargs):
        if isinstance(query, str) and not isinstance(query, Analysed):
            query = Analysed(" ".join(query_tokens(query)))
        return super().search(query, model_or_queryset, *args, **kwargs)
