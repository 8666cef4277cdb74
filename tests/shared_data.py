"""Test data built once per test module and shared by its tests, each test seeing it fresh.

`@shared_fixture` turns a function that builds data into two fixtures:

- `<name>__built`, module-scoped: builds the data once, inside a transaction that stays open
  until the module's last test and is then rolled back;
- `<name>`, per test: a deep copy of the built objects (what Django's `TestCase.setUpTestData`
  hands out), while the test runs in the savepoint pytest-django's `db` opens on top of that
  transaction. Whatever a test changes is rolled back after it: the next one starts again from
  exactly the built rows, and from the cache entries the build left.

A builder's parameters name other shared fixtures; they are built first and passed as built.

A module-scoped fixture lives until the module's last test, so a test that does not ask for some
shared data would still see it if it ran after one that did. `order_by_shared_data` (called from
`pytest_collection_modifyitems` in tests/conftest.py) therefore runs each module's tests in order
of the shared data they use, and refuses to run a module whose tests' needs do not nest.

Tests with `transactional_db` or a live server cannot see rows in an uncommitted transaction, so
they cannot use shared data; they build their own.
"""

import copy
import inspect
import sys

import pytest
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import DEFAULT_DB_ALIAS, transaction
from pytest_django.plugin import validate_django_db

BUILT = "__built"


class ModuleData:
    """The transaction holding one module's shared data, and the cache entries its builds left."""

    def __init__(self, django_db_blocker):
        self.blocker = django_db_blocker
        self.atomic = None
        self.cache = {}

    def build(self, builder, arguments):
        with self.blocker.unblock():
            if self.atomic is None:
                self.atomic = transaction.atomic(using=DEFAULT_DB_ALIAS)
                # As Django marks its TestCase transactions, so durable blocks still work.
                self.atomic._from_testcase = True
                self.atomic.__enter__()
            # The build starts from the cache an unshared build would find: the earlier builds'.
            self.restore_cache()
            value = builder(**arguments)
        self.cache = {alias: _cache_entries(caches[alias]) for alias in _memory_caches()}
        return value

    def restore_cache(self):
        for alias, entries in self.cache.items():
            _put_cache_entries(caches[alias], entries)

    def close(self):
        if self.atomic is None:
            return
        with self.blocker.unblock():
            transaction.set_rollback(True, using=DEFAULT_DB_ALIAS)
            self.atomic.__exit__(None, None, None)
        self.atomic = None


# The test settings use Django's local-memory cache. It has no public way to list its entries,
# so they are copied from its own dicts (the values are already pickled).


def _memory_caches():
    return [alias for alias in caches if isinstance(caches[alias], LocMemCache)]


def _cache_entries(cache):
    with cache._lock:
        return {key: (value, cache._expire_info.get(key)) for key, value in cache._cache.items()}


def _put_cache_entries(cache, entries):
    with cache._lock:
        for key, (value, expires) in entries.items():
            cache._cache[key] = value
            cache._expire_info[key] = expires


@pytest.fixture(scope="module")
def shared_module_data(django_db_setup, django_db_blocker):
    data = ModuleData(django_db_blocker)
    yield data
    data.close()


@pytest.fixture
def shared_data_copies(request, db, shared_module_data):
    """The deep-copy memo a test's shared fixtures share, so objects referring to each other
    still do. Set up once per test, before any of them: puts back the cache the builds left."""
    if _is_transactional(request.node):
        raise pytest.UsageError(
            f"{request.node.nodeid}: a transactional test cannot see shared data (it lives in "
            "an uncommitted transaction); build its data in the test instead."
        )
    shared_module_data.restore_cache()
    return {}


def shared_fixture(builder):
    """Decorator: a fixture whose data `builder` builds once per module (see the module's doc).

    Used at module level in a conftest or a test module; it adds `<name>__built` beside it."""
    name = builder.__name__
    dependencies = list(inspect.signature(builder).parameters)
    built_name = name + BUILT

    def built(shared_module_data, **built_dependencies):
        arguments = {dep: built_dependencies[dep + BUILT] for dep in dependencies}
        return shared_module_data.build(builder, arguments)

    built.__signature__ = _signature(["shared_module_data", *(d + BUILT for d in dependencies)])

    def fresh(shared_data_copies, **fixtures):
        return copy.deepcopy(fixtures[built_name], shared_data_copies)

    fresh.__signature__ = _signature(["shared_data_copies", built_name])
    fresh.__doc__ = builder.__doc__

    sys._getframe(1).f_globals[built_name] = pytest.fixture(scope="module", name=built_name)(built)
    return pytest.fixture(name=name)(fresh)


def _signature(names):
    kind = inspect.Parameter.POSITIONAL_OR_KEYWORD
    return inspect.Signature([inspect.Parameter(name, kind) for name in names])


# --- test order ---------------------------------------------------------------------------------


def order_by_shared_data(items):
    """Within each run of one module's tests, those using less shared data go first (stable
    otherwise). Refuse a module where some test would run beside shared data it did not ask for.
    Runs after pytest-django's own ordering (database tests, then transactional ones, then the
    rest), which it keeps."""
    runs, start = [], 0
    for i in range(1, len(items) + 1):
        if i == len(items) or _module(items[i]) != _module(items[start]):
            runs.append(items[start:i])
            start = i
    ordered = []
    for run in runs:
        run.sort(key=lambda item: (_django_group(item), len(_shared_names(item))))
        active = set()
        for item in run:
            if _django_group(item) == NO_DATABASE:
                continue
            needed = _shared_names(item)
            if not active <= needed:
                extra = ", ".join(sorted(name.removesuffix(BUILT) for name in active - needed))
                raise pytest.UsageError(
                    f"{item.nodeid} would run beside shared data it does not use ({extra}): "
                    "its module's tests must use nested sets of shared fixtures."
                )
            active = needed
        ordered.extend(run)
    items[:] = ordered


DATABASE, TRANSACTIONAL, NO_DATABASE = 0, 1, 2


def _module(item):
    return getattr(item, "module", None) or item.path


def _shared_names(item):
    return {name for name in getattr(item, "fixturenames", ()) if name.endswith(BUILT)}


def _is_transactional(item):
    """As pytest-django decides it."""
    marker = item.get_closest_marker("django_db")
    if marker:
        transactional, reset_sequences, *_rest = validate_django_db(marker)
        if transactional or reset_sequences:
            return True
    fixtures = getattr(item, "fixturenames", ())
    return bool({"transactional_db", "live_server", "django_db_reset_sequences"} & set(fixtures))


def _django_group(item):
    """pytest-django's order: database tests, transactional ones, then those without a database."""
    if getattr(item, "cls", None) is not None:
        from django.test import TestCase, TransactionTestCase

        if issubclass(item.cls, TestCase):
            return DATABASE
        if issubclass(item.cls, TransactionTestCase):
            return TRANSACTIONAL
    if _is_transactional(item):
        return TRANSACTIONAL
    fixtures = getattr(item, "fixturenames", ())
    if item.get_closest_marker("django_db") or "db" in fixtures:
        return DATABASE
    return NO_DATABASE
