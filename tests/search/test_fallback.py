"""When Elasticsearch is configured but cannot be reached, search falls back to the database
index, publishing still works (the failure is logged), and no other page notices."""

import logging

import pytest
from django.core.management import call_command
from wagtail.search.models import IndexEntry

from tests.factories.home import StandardPageFactory, make_site_tree

pytestmark = pytest.mark.django_db

UNREACHABLE = {
    "BACKEND": "search.backends.elasticsearch9",
    "URLS": ["http://127.0.0.1:9"],  # nothing listens there
    "INDEX_PREFIX": "portal_test_",
    "TIMEOUT": 1,
    "OPTIONS": {"max_retries": 0},
    "INDEX_SETTINGS": {},
}


@pytest.fixture
def home():
    home, _policies = make_site_tree()
    return home


@pytest.fixture
def es_down(settings):
    settings.WAGTAILSEARCH_BACKENDS = {
        "default": UNREACHABLE,
        "database": {"BACKEND": "search.backends.database"},
    }


def test_publishing_works_and_the_indexing_failure_is_logged(home, es_down, caplog):
    with caplog.at_level(logging.ERROR):
        page = StandardPageFactory(parent=home, title="义诊服务指南")
        page.save_revision().publish()
    page.refresh_from_db()
    assert page.live
    assert any("'default' search backend" in r.getMessage() for r in caplog.records)
    # The database index, the fallback, has it.
    assert IndexEntry.objects.filter(object_id=str(page.pk)).exists()


def test_search_falls_back_to_the_database(client, home, es_down, caplog):
    StandardPageFactory(parent=home, title="义诊服务指南")
    with caplog.at_level(logging.ERROR):
        response = client.get("/search/", {"q": "义诊"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "备用检索" in html
    assert "<mark>义诊</mark>服务指南" in html
    assert any("Search backend failed" in r.getMessage() for r in caplog.records)


def test_other_pages_do_not_notice(client, home, es_down):
    assert client.get(home.url).status_code == 200
    assert client.get("/policies/").status_code == 200


def test_without_a_fallback_search_says_it_is_unavailable(client, home, settings):
    settings.WAGTAILSEARCH_BACKENDS = {"default": UNREACHABLE}
    response = client.get("/search/", {"q": "义诊"})
    assert response.status_code == 200
    assert "搜索暂时不可用" in response.content.decode()


def test_update_index_rebuilds_everything(client, home):
    StandardPageFactory(parent=home, title="义诊服务指南")
    IndexEntry.objects.all().delete()
    assert "义诊服务指南" not in client.get("/search/", {"q": "义诊"}).content.decode()
    call_command("update_index", verbosity=0)
    assert "<mark>义诊</mark>服务指南" in client.get("/search/", {"q": "义诊"}).content.decode()


# The admin's searches and choosers use Wagtail's search API; without Elasticsearch they answer
# from the database index instead of failing.
ADMIN_SEARCHES = [
    ("wagtailadmin_pages:search", "义诊服务指南"),
    ("wagtailadmin_choose_page_search", "义诊服务指南"),
    ("wagtailimages_chooser:choose_results", "义诊现场"),
    ("wagtaildocs_chooser:choose_results", "义诊须知"),
]


@pytest.mark.parametrize(("view", "title"), ADMIN_SEARCHES)
def test_the_admins_searches_fall_back_to_the_database(
    client, home, es_down, django_user_model, caplog, view, title
):
    from django.urls import reverse
    from wagtail.documents import get_document_model
    from wagtail_factories import DocumentFactory, ImageFactory

    StandardPageFactory(parent=home, title="义诊服务指南")
    ImageFactory(title="义诊现场")
    DocumentFactory(title="义诊须知")
    assert get_document_model().objects.filter(title="义诊须知").exists()
    client.force_login(django_user_model.objects.create_superuser("admin", password="pw-admin-1"))
    with caplog.at_level(logging.WARNING):
        response = client.get(reverse(view), {"q": "义诊"})
    assert response.status_code == 200
    assert title in response.content.decode()
    assert any("searching the database index" in r.getMessage() for r in caplog.records)
