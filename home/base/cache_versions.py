"""Version tokens for cached content: bump one and every cache key built on it goes stale.

The tokens live in the database (one row per name), not in the cache: every app process and
every machine then reads the same token, whatever the cache is (a per-process memory cache
included), so a cache key or an ETag built on it means the same thing everywhere. A bump is an
UPDATE in the caller's transaction: it commits with the change it announces, and a rolled-back
change leaves the token as it was.

Inside a request all tokens are read once, in one query, on first use (`request_scope`, entered
by portal.page_cache.PageCacheMiddleware); outside one each `current` reads its row.
"""

import contextvars
import logging
import uuid
from contextlib import contextmanager

from django.db import DatabaseError, IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone

logger = logging.getLogger(__name__)


def _new_salt() -> str:
    return uuid.uuid4().hex[:12]


class CacheVersion(models.Model):
    """One named version: its token (a salt drawn afresh on every bump, so no token ever comes
    back: not after a rolled-back bump, nor after restoring a backup), how many bumps it has
    had, and when the last one was."""

    name = models.CharField(max_length=64, primary_key=True)
    salt = models.CharField(max_length=12, default=_new_salt)
    number = models.PositiveBigIntegerField(default=1)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        app_label = "home"

    def __str__(self):
        return f"{self.name} v{self.number}"

    @property
    def token(self) -> str:
        return self.salt


# name → CacheVersion for the request being served; None outside a request.
_scope: contextvars.ContextVar[dict | None] = contextvars.ContextVar("cache_versions", default=None)
_UNREAD = object()


@contextmanager
def request_scope():
    """Read every token at most once while this block runs (one request)."""
    reset = _scope.set({_UNREAD: True})
    try:
        yield
    finally:
        _scope.reset(reset)


def _read_all() -> dict:
    return {row.name: row for row in CacheVersion.objects.all()}


def _lookup(name: str) -> tuple[bool, CacheVersion | None]:
    """(readable, the stored version of `name` or None if it was never bumped)."""
    scope = _scope.get()
    try:
        if scope is None:
            return True, CacheVersion.objects.filter(name=name).first()
        if scope.pop(_UNREAD, False):
            scope.update(_read_all())
    except DatabaseError:
        # A database outage fails the page in its own way (a 503); the token must not be what
        # turns the error page itself into a 500.
        logger.warning("Cache versions unreadable; nothing is cached for this request.")
        return False, None
    return True, scope.get(name)


def readable_current(name: str) -> tuple[bool, str]:
    """(whether the tokens could be read, the token: "0" for a name never bumped)."""
    readable, row = _lookup(name)
    return readable, row.token if row is not None else "0"


def current(name: str) -> str:
    """The token to build cache keys on ("0" for a name never bumped). While the database is
    unreachable each call makes up a token of its own, so nothing is found under it."""
    readable, token = readable_current(name)
    return token if readable else uuid.uuid4().hex[:12]


def changed_at(name: str):
    """When `name` was last bumped: None if never, or while unreadable."""
    row = _lookup(name)[1]
    return row.changed_at if row is not None else None


def bump(name: str) -> None:
    """Make every key built on `name` stale, for every process, when the caller's transaction
    commits (at once outside one)."""
    # A new salt on every bump: a bump rolled back with its transaction leaves a token no later
    # bump can repeat, so nothing cached under it in the meantime is ever found again.
    now, salt = timezone.now(), _new_salt()
    changes = {"number": F("number") + 1, "salt": salt, "changed_at": now}
    if not CacheVersion.objects.filter(name=name).update(**changes):
        try:
            with transaction.atomic():
                CacheVersion.objects.create(name=name, salt=salt, changed_at=now)
        except IntegrityError:
            # Made by another process meanwhile: bump theirs.
            CacheVersion.objects.filter(name=name).update(**changes)
    scope = _scope.get()
    if scope is not None and _UNREAD not in scope:
        # This request sees its own bump (another process's meanwhile only from its next one).
        known = scope.get(name)
        number = known.number + 1 if known is not None else 1
        scope[name] = CacheVersion(name=name, salt=salt, number=number, changed_at=now)
