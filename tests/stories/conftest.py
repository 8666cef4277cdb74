import pytest

from tests.factories.stories import StoryIndexPageFactory
from tests.shared_data import shared_fixture


@shared_fixture
def story_site(site_tree):
    """The default site with a story index: (home, index), as `make_story_site` builds it; on
    the same tree as `site_tree`, which some modules use too."""
    home, _policies = site_tree
    return home, StoryIndexPageFactory(parent=home, show_in_menus=True)


@pytest.fixture
def story_index(story_site):
    return story_site[1]
