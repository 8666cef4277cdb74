import pytest

from tests.factories import make_station_site


@pytest.fixture
def site():
    """The default site with a station directory and the Guangzhou areas: (index, areas)."""
    return make_station_site()
