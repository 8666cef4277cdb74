"""Version tokens for cached content: bump one and every cache key built on it goes stale.

A token lives in Django's cache (Redis in production, so all app processes see a bump at once;
with the per-process memory cache the others catch up when their cached entries expire).
While Redis is unreachable every read misses, so each call makes up a token of its own: what it
names is computed afresh, and a bump made meanwhile is lost (entries built on the old token still
expire on their own timeouts).
"""

import uuid

from django.core.cache import cache


def _key(name: str) -> str:
    return f"portal:version:{name}"


def current(name: str) -> str:
    version = cache.get(_key(name))
    if version is None:
        version = uuid.uuid4().hex[:12]
        # Another process may have set one meanwhile: theirs wins, so both use the same. None
        # is no answer at all (django-redis ignoring an outage): asking again would only wait.
        if cache.add(_key(name), version, timeout=None) is False:
            version = cache.get(_key(name)) or version
    return version


def bump(name: str) -> None:
    cache.set(_key(name), uuid.uuid4().hex[:12], timeout=None)
