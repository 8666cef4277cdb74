import pytest

from tests.factories.stories import make_story_site


@pytest.fixture
def story_site(db):
    """The default site with a story index: (home, index)."""
    return make_story_site()


@pytest.fixture
def story_index(story_site):
    return story_site[1]
