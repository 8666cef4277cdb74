"""Limits on signing in by code, counted per mobile number and per client address.

They work the way the forms' limit does (stations/antispam.py): counted on the shared cache
(Redis in production, so every app process sees one count) and, while it does not answer, in this
process's memory with the same rules, so sign-in keeps working and a flood is still held back (by
at most the number of processes times the limit). What antispam's `count_submission` does not
offer and these need: a key other than the address (the mobile number), a look before counting
(a guess must be refused before it is checked, not after), the time left to tell the resident, and
lifting a lock (`manage.py volunteer_unlock`).

Two kinds:
- `Gap`: one event per `seconds` for a value, measured from the last one ("a code a minute");
- `Window`: at most `limit` events in each fixed window of `seconds` per value (as
  django-ratelimit counts, each value's windows offset by a hash of it so they do not all end at
  once).

Keys hold an HMAC of the value, not the number or address itself.
"""

import logging
import time
import zlib
from dataclasses import dataclass
from datetime import datetime

from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.utils import timezone
from django.utils.crypto import salted_hmac

logger = logging.getLogger(__name__)

KEY_PREFIX = "volunteers:limit"
# Kept a little past their end, as django-ratelimit does, so a clock a second off does not reset.
FUDGE_SECONDS = 5
WARN_EVERY_SECONDS = 30

_LOCAL = LocMemCache("stations.volunteers.limits.local", {"OPTIONS": {"MAX_ENTRIES": 20_000}})
_last_warning = [0.0]


def _digest(value: str) -> str:
    return salted_hmac("stations.volunteers.limits", value, algorithm="sha256").hexdigest()[:32]


def _epoch(now: datetime | None) -> int:
    return int((now or timezone.now()).timestamp())


def _ask(operation, *args):
    """`operation(cache, *args)` on the shared cache, or on this process's own when the shared
    one gave no answer. Each operation returns None only for "no answer": django-redis, ignoring
    its errors, answers None from add, incr and has_key; other backends may raise."""
    try:
        answer = operation(caches["default"], *args)
    except Exception:
        logger.exception("Volunteer sign-in limits: the shared cache raised")
        answer = None
    if answer is None:
        if time.monotonic() - _last_warning[0] > WARN_EVERY_SECONDS:
            _last_warning[0] = time.monotonic()
            logger.warning("Volunteer sign-in limits: no shared cache, counting in-process")
        answer = operation(_LOCAL, *args)
    return answer


def _read(cache, key):
    present = cache.has_key(key)
    if present is None:
        return None
    return (cache.get(key) if present else 0) or 0


def _add_one(cache, key, ttl):
    added = cache.add(key, 1, ttl)
    if added is None:
        return None
    if added:
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # gone between add and incr: a new window
        cache.set(key, 1, ttl)
        return 1


def _claim(cache, key, until, now, ttl):
    """0 when the gap was free and is now taken until `until`, else the seconds still to wait."""
    added = cache.add(key, until, ttl)
    if added is None:
        return None
    if added:
        return 0
    taken_until = cache.get(key) or 0
    if taken_until > now:
        return taken_until - now
    cache.set(key, until, ttl)  # kept past its time by the cache's own clock: free
    return 0


def _forget(keys) -> None:
    """Delete `keys` everywhere they may be counted: the shared cache and this process."""
    try:
        caches["default"].delete_many(keys)
    except Exception:
        logger.exception("Volunteer sign-in limits: the shared cache raised")
    _LOCAL.delete_many(keys)


@dataclass(frozen=True)
class Gap:
    name: str
    seconds: int

    def key(self, value: str) -> str:
        return f"{KEY_PREFIX}:{self.name}:{_digest(value)}"

    def wait(self, value: str, *, now=None) -> int:
        """Seconds until `value` may have its next event (0: now)."""
        epoch = _epoch(now)
        return max(int(_ask(_read, self.key(value))) - epoch, 0)

    def claim(self, value: str, *, now=None) -> int:
        """Take the gap for an event now: 0 when taken, else the seconds to wait. Atomic where
        the cache's add is (Redis), so two requests at once cannot both take it."""
        epoch = _epoch(now)
        until = epoch + self.seconds
        return _ask(_claim, self.key(value), until, epoch, self.seconds + FUDGE_SECONDS)

    def release(self, value: str) -> None:
        """Give the gap back (the event did not happen after all)."""
        self.reset(value)

    def reset(self, value: str, *, now=None) -> None:
        _forget([self.key(value)])


@dataclass(frozen=True)
class Window:
    name: str
    limit: int
    seconds: int

    def window_end(self, value: str, *, now=None) -> int:
        """When the current window for `value` ends (epoch seconds; django-ratelimit's rule)."""
        epoch = _epoch(now)
        end = epoch - (epoch % self.seconds) + (zlib.crc32(value.encode()) % self.seconds)
        return end + self.seconds if end <= epoch else end

    def key(self, value: str, end: int) -> str:
        return f"{KEY_PREFIX}:{self.name}:{_digest(value)}:{end}"

    def count(self, value: str, *, now=None) -> int:
        return int(_ask(_read, self.key(value, self.window_end(value, now=now))))

    def wait(self, value: str, *, now=None) -> int:
        """Seconds until `value` may have another event: 0 while under the limit, else until
        the window ends."""
        end = self.window_end(value, now=now)
        if self.count(value, now=now) < self.limit:
            return 0
        return max(end - _epoch(now), 1)

    def hit(self, value: str, *, now=None) -> int:
        """Count one event; the count in this window, this one included."""
        end = self.window_end(value, now=now)
        ttl = end - _epoch(now) + FUDGE_SECONDS
        return int(_ask(_add_one, self.key(value, end), ttl))

    def reset(self, value: str, *, now=None) -> None:
        """Forget the current and the previous window (a clock a little off is covered too)."""
        end = self.window_end(value, now=now)
        _forget([self.key(value, end), self.key(value, end - self.seconds)])


def longest_wait(rules, value: str, *, now=None) -> tuple[int, object | None]:
    """The longest wait any of `rules` imposes on `value`, and the rule (None when free)."""
    worst, which = 0, None
    for rule in rules:
        wait = rule.wait(value, now=now)
        if wait > worst:
            worst, which = wait, rule
    return worst, which


def clear_local_counts() -> None:
    """Forget the in-process counts (tests)."""
    _LOCAL.clear()
