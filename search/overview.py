"""The first page of a search over every type, when the results are of several types: the best
few of each type, in a section of its own that links to that type's full list.

A query that names a kind of station (社会工作服务站, 学雷锋志愿服务站) is in the titles of dozens
of near-identical pages; ranked as one list they fill the first page and bury the policy document
that discusses the subject at length. Each section holds what the type-filtered search lists
first, so its “更多…” link goes on where the section stops. Called by search/query.py.
"""

from dataclasses import dataclass

from wagtail.models import Page

from search import types
from search.analysis import fold
from search.hits import Hit
from search.searchers import Searcher, Want

# Results of each type on the overview: three cards fit a phone's screen, so every type's best
# shows within a few screens.
PER_KIND = 3
# How far down the ranking of every type together the sections' order looks, and up to how
# many matches that ranking is made: past it the ranking of the biggest type would be done twice
# (once with all, once for its own section), and the sections are ordered by their tiers and
# counts alone (benchmark_search_speed at 100,000 pages: p95 23 → 42 ms on SQLite with it).
RANKED_LOOKED_AT = 20
RANKED_ALL_UP_TO = 200


@dataclass
class Section:
    kind: types.SearchType
    count: int  # this type's results as its facet counts them (a Count: maybe approximate)
    hits: list[Hit]

    @property
    def approximate(self) -> bool:
        return getattr(self.count, "approximate", False)

    @property
    def more(self) -> bool:
        """The type's list holds more than the section shows."""
        return self.count > len(self.hits)


def heads(
    searcher: Searcher,
    *,
    words: list[str],
    counted: Want,
    kind_counts: dict,
    pinned: dict[str, list[int]],
) -> tuple[dict[str, list[int]], list[int]]:
    """({type key: the first PER_KIND page ids of its type-filtered search}, the first
    RANKED_LOOKED_AT of every type ranked together). A type's first ids are its pinned pages,
    then pages holding every word, then, when the search takes them in (`counted` is the OR
    tail's), pages holding some of them. Bounded by the number of types, not of matches: on
    the database one statement ranks them all (IndexSearcher.heads)."""
    strict = Want(tuple(words))
    every_word = searcher.kind_counts(strict)  # already counted by the search
    tail = counted.narrowed(unless=strict.words) if counted.any_word else None
    total = searcher.count(strict)
    rank_all = int(total) <= RANKED_ALL_UP_TO
    requests = [(strict, total, RANKED_LOOKED_AT)] if rank_all else []
    for key, count in kind_counts.items():
        n = PER_KIND + len(pinned.get(key, ()))
        requests.append((strict.narrowed(kind=key), every_word.get(key, 0), n))
        if tail is not None:
            some_words = max(count - every_word.get(key, 0), 0)
            requests.append((tail.narrowed(kind=key), some_words, n))
    found = iter(searcher.heads(requests))
    ranked = next(found) if rank_all else []
    chosen = {}
    for key in kind_counts:
        ids = list(pinned.get(key, ()))
        for _segment in range(1 if tail is None else 2):
            ids += [i for i in next(found) if i not in ids]
        chosen[key] = ids[:PER_KIND]
    return chosen, ranked


def in_order(
    found: list[tuple[types.SearchType, int, list[Page]]],
    *,
    query: str,
    words: list[str],
    pinned: set[int],
    ranked: list[int],
) -> list[tuple[types.SearchType, int, list[Page]]]:
    """The sections (type, count, pages best first) in the order shown: the one whose best page
    is pinned (a 文号), then one whose best page is titled as the query, then those whose best
    page's title holds every word, then the others; within each, as their pages rank among
    every type's best (`ranked`, one ranking, so its scores compare: each type's own statement
    also counts its type's marker word, so theirs do not), then by more results, then as
    registered."""
    wanted = fold(query)
    position = {kind.key: n for n, kind in enumerate([*types.registered(), types.OTHER])}
    place = {page_id: n for n, page_id in enumerate(ranked)}
    unranked = len(place)

    def standing(section) -> tuple:
        kind, count, pages = section
        title = fold(pages[0].title)
        if pages[0].pk in pinned:
            tier = 0
        elif title == wanted:
            tier = 1
        elif all(word in title for word in words):
            tier = 2
        else:
            tier = 3
        best = min((place[p.pk] for p in pages if p.pk in place), default=unranked)
        return (tier, best, -count, position.get(kind.key, len(position)))

    return sorted((s for s in found if s[2]), key=standing)
