import pytest

from tests.factories import make_site_tree


@pytest.fixture
def site_tree(db):
    home, index = make_site_tree()
    return home, index


@pytest.fixture
def home_page(site_tree):
    return site_tree[0]


@pytest.fixture
def policy_index(site_tree):
    return site_tree[1]
