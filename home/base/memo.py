"""What pages derive from their content, kept per process until the content changes.

A station's checklist, teams, photos and stories, or the page a URL path names, change only
when an editor changes content, and every such change bumps the `content` version
(home/base/content.py), which each request reads anyway, in its one query. So they are kept in
this process's memory under that version: the first request after a change reads them from the
database, the others unpickle them (a tenth of a millisecond instead of a query's one). Nothing
live is kept here (places left, hours, upcoming activities: they change without a bump).

Kept pickled, so no request can change what the next one gets. The version is read before the
rows, so what is kept is never older than the version it is kept under. A preview (an editor's
unsaved draft) is never kept nor answered from here. When the versions cannot be read (the
database is failing) nothing is kept.
"""

import pickle
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

from django.conf import settings
from django.utils import timezone

from home.base import cache_versions
from home.base.content import CONTENT_VERSION

T = TypeVar("T")

# Entries per process; the least recently used go first. A station page keeps two (its profile
# and stories) and every page its route: some 10 MB at most.
MAX_ENTRIES = 2000

_lock = threading.Lock()
_kept: OrderedDict[tuple, bytes] = OrderedDict()
_version: list[str | None] = [None]


def _is_preview(request) -> bool:
    return bool(getattr(request, "is_preview", False))


def remember(
    name: str, key: Hashable, compute: Callable[[], T], *, request=None, daily: bool = False
) -> T:
    """`compute()`, or a copy of what it gave for (`name`, `key`) under the current content
    version. `daily`: what it gives depends on today's date too (e.g. a check 12 months old)."""
    if not settings.CONTENT_MEMO or (request is not None and _is_preview(request)):
        return compute()
    readable, version = cache_versions.readable_current(CONTENT_VERSION)
    if not readable:
        return compute()
    entry = (name, key, timezone.localdate().isoformat() if daily else None)
    with _lock:
        if _version[0] != version:
            _kept.clear()
            _version[0] = version
        blob = _kept.get(entry)
        if blob is not None:
            _kept.move_to_end(entry)
    if blob is not None:
        return pickle.loads(blob)
    value = compute()
    blob = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    with _lock:
        if _version[0] == version:
            _kept[entry] = blob
            while len(_kept) > MAX_ENTRIES:
                _kept.popitem(last=False)
    return value


def forget() -> None:
    """Drop everything kept (tests)."""
    with _lock:
        _kept.clear()
        _version[0] = None
