"""The database backend's index tables on SQLite: FTS5."""

from wagtail.models import Page

from search.searchers import IndexSearcher, Want


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

    def _head(self, number: int, expression: str, want: Want, n: int) -> tuple[str, list]:
        """One part of `heads`: _ranked's first n, with its sort key (score, newest first)."""
        sql = (
            f"SELECT {number:d}, e.object_id, hit.score, -hit.id FROM (SELECT rowid AS id, "
            f"{self.rank} AS score FROM {self.fts} WHERE {self.fts} MATCH %s "
            f"ORDER BY score, rowid DESC LIMIT %s) AS hit JOIN {self.entries} AS e ON e.id = hit.id"
        )
        return sql, [expression, n]

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
