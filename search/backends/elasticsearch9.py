"""Wagtail's Elasticsearch 9 backend, indexing the pre-analysed text of search/fields.py.

The text that reaches Elasticsearch is already segmented, folded and space-separated by
search/analysis.py, so the index's default analyzer only splits on whitespace and lowercases:
Elasticsearch then holds exactly the tokens the database backends hold, and a query (analysed by
ChineseQueryMixin) matches the same way everywhere. Analysing in Elasticsearch itself would need
a Chinese analysis plugin (IK, smartcn) installed on every node and would segment differently
from the database fallback; pre-analysed text needs nothing on the cluster.
"""

from wagtail.search.backends.elasticsearch9 import Elasticsearch9SearchBackend

from search.backends import ChineseQueryMixin

WHITESPACE_ANALYZER = {"type": "custom", "tokenizer": "whitespace", "filter": ["lowercase"]}


class ChineseElasticsearch9SearchBackend(ChineseQueryMixin, Elasticsearch9SearchBackend):
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
