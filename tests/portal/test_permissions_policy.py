"""Every response says which browser features the site may use: geolocation for itself only."""

import pytest

from tests.factories.home import make_site_tree

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/", "/robots.txt", "/static/css/portal.css", "/no-such-page/"])
def test_every_response_allows_geolocation_on_the_site_only(client, path):
    make_site_tree()
    policy = client.get(path)["Permissions-Policy"]
    assert "geolocation=(self)" in policy
    assert "camera=()" in policy and "microphone=()" in policy
