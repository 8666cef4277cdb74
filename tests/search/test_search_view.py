import pytest

from tests.factories import PolicyDocumentPageFactory

pytestmark = pytest.mark.django_db


def test_search_page_without_query_shows_the_form(client, home_page):
    response = client.get("/search/")
    assert response.status_code == 200
    assert 'name="q"' in response.content.decode()


@pytest.mark.parametrize(
    "query, message",
    [("   ", "请输入要搜索的内容"), ('" "', "请输入要搜索的内容"), ("志" * 101, "搜索词太长了")],
)
def test_empty_or_overlong_queries_get_a_message(client, home_page, query, message):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    assert message in response.content.decode()


def test_search_finds_a_published_document_by_title_word(client, policy_index):
    PolicyDocumentPageFactory(parent=policy_index, title="Volunteer regulation 条例")
    draft = PolicyDocumentPageFactory(parent=policy_index, title="Volunteer draft")
    draft.unpublish()
    html = client.get("/search/", {"q": "Volunteer"}).content.decode()
    assert "Volunteer regulation 条例" in html
    assert "Volunteer draft" not in html


@pytest.mark.parametrize(
    "query", ['"unbalanced', "a AND OR NOT", "%_*", "😀", "'; DROP TABLE x;--", "()[]{}"]
)
def test_odd_queries_never_fail(client, home_page, query):
    assert client.get("/search/", {"q": query}).status_code == 200
