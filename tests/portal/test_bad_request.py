"""A request Django refuses before any view (a body over DATA_UPLOAD_MAX_MEMORY_SIZE) gets a
Chinese page and stores nothing."""

import pytest
from django.test import Client

from stations.models import VolunteerRegistration
from tests.factories.home import make_site_tree
from tests.factories.stations import make_registration_form

pytestmark = pytest.mark.django_db


def test_an_oversized_form_gets_a_chinese_400_and_stores_nothing(settings):
    home, _policies = make_site_tree()
    form_page = make_registration_form(home)
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = Client(raise_request_exception=False).post(form_page.url, {"skills": "长" * 2000})
    assert response.status_code == 400
    assert "没有保存任何内容" in response.content.decode()
    assert not VolunteerRegistration.objects.exists()
