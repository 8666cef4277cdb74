import pytest
from django.core.cache import cache

from tests.factories.home import make_site_tree
from tests.shared_data import (  # noqa: F401 (fixtures)
    order_by_shared_data,
    shared_data_copies,
    shared_fixture,
    shared_module_data,
)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    order_by_shared_data(items)


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: rate limits, cached menus and maps do not leak;
    nor do the per-process maps keyed on cache versions (sites, private pages, the content
    memo), whose rows a test's rollback takes back."""
    from home.base import memo, restrictions, routing

    for memory in (cache, routing._sites, restrictions._known):
        memory.clear()
    memo.forget()
    yield
    for memory in (cache, routing._sites, restrictions._known):
        memory.clear()
    memo.forget()


@shared_fixture
def site_tree():
    """The default site's HomePage with the policy register under it: (home, index)."""
    home, index = make_site_tree()
    return home, index


@pytest.fixture
def home_page(site_tree):
    return site_tree[0]


@pytest.fixture
def policy_index(site_tree):
    return site_tree[1]


@pytest.fixture
def editor(django_user_model):
    # Wagtail's default groups: Editors write, Moderators may also publish.
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user("editor", password="pw-editor-123")
    user.groups.add(Group.objects.get(name="Editors"), Group.objects.get(name="Moderators"))
    return user


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client
