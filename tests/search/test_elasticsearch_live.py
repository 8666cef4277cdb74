"""The same searches against a real Elasticsearch 9 cluster. Runs only when ELASTICSEARCH_URL is
set (e.g. ELASTICSEARCH_URL=http://127.0.0.1:9200 .venv/bin/pytest -n0 tests/search); each run
uses its own index prefix and deletes its indexes afterwards."""

import os
import uuid

import pytest
from django.core.management import call_command
from wagtail.search.backends import get_search_backend

from search.analysis import Analysed
from tests.factories.home import PolicyDocumentPageFactory, StandardPageFactory, make_site_tree
from tests.factories.stories import paragraphs

URL = os.environ.get("ELASTICSEARCH_URL", "")
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not URL, reason="set ELASTICSEARCH_URL to run against a live cluster"),
]


@pytest.fixture
def live(settings):
    prefix = f"portal_test_{uuid.uuid4().hex[:8]}_"
    settings.WAGTAILSEARCH_BACKENDS = {
        "default": {
            "BACKEND": "search.backends.elasticsearch9",
            "URLS": [u.strip() for u in URL.split(",") if u.strip()],
            "INDEX_PREFIX": prefix,
            "TIMEOUT": 10,
            "OPTIONS": {},
            "INDEX_SETTINGS": {},
        },
        "database": {"BACKEND": "search.backends.database"},
    }
    backend = get_search_backend("default")
    yield backend
    backend.es.indices.delete(index=f"{prefix}*", ignore_unavailable=True)


@pytest.fixture
def pages(live):
    home, policies = make_site_tree()
    pages = {
        "station": StandardPageFactory(parent=home, title="石牌街社区志愿服务站"),
        "yigong": StandardPageFactory(parent=home, title="從義工到志愿者之城"),
        "title": StandardPageFactory(parent=home, title="时间银行", intro="积分"),
        "body": StandardPageFactory(
            parent=home, title="服务指南", body=paragraphs("时间银行积分。" * 10)
        ),
        "docno": PolicyDocumentPageFactory(
            parent=policies, title="关于加强社区志愿服务的通知", doc_number="穗民〔2019〕62号"
        ),
    }
    call_command("update_index", backend_name="default", verbosity=0)
    live.es.indices.refresh(index=f"{live.index_prefix}*")
    return pages


def titles(live, query, operator="and"):
    from wagtail.models import Page

    return [p.title for p in live.search(query, Page.objects.live(), operator=operator)]


def test_a_word_inside_chinese_text(live, pages):
    assert "石牌街社区志愿服务站" in titles(live, "志愿")


def test_traditional_and_simplified(live, pages):
    assert "從義工到志愿者之城" in titles(live, "义工")
    assert "從義工到志愿者之城" in titles(live, "義工")


def test_doc_number_in_odd_brackets(live, pages):
    assert titles(live, "穗民[2019]62号")[0] == "关于加强社区志愿服务的通知"


def test_title_above_body(live, pages):
    found = titles(live, Analysed("时间银行"))
    assert found.index("时间银行") < found.index("服务指南")


def test_the_site_search_page_uses_it(client, live, pages):
    html = client.get("/search/", {"q": "义工"}).content.decode()
    assert "<mark>義工</mark>" in html and "备用检索" not in html
