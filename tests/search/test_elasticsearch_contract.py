"""The Elasticsearch path, checked offline: the index settings, mappings and documents the
backend would send, and the query bodies it builds. tests/search/test_elasticsearch_live.py runs
the same searches against a real cluster when ELASTICSEARCH_URL is set."""

import pytest
from wagtail.models import Page

from search.analysis import Analysed, index_text
from search.backends.elasticsearch9 import SearchBackend
from stories.models import StoryPage
from tests.factories.stories import StoryPageFactory, make_story_site, paragraphs

pytestmark = pytest.mark.django_db


@pytest.fixture
def backend():
    # Nothing listens on port 9: building the client, mappings and queries needs no cluster.
    return SearchBackend(
        {
            "URLS": ["http://127.0.0.1:9"],
            "INDEX_PREFIX": "portal_",
            "TIMEOUT": 1,
            "OPTIONS": {},
            "INDEX_SETTINGS": {},
        }
    )


def query_body(backend, query, model=Page, **kwargs):
    return backend.search(query, model, **kwargs).query_compiler.get_query()


def multi_match(body):
    return body["bool"]["must"]["multi_match"]


def test_the_index_splits_pre_analysed_text_on_whitespace_only(backend):
    analysis = backend.settings["settings"]["analysis"]
    assert analysis["analyzer"]["default"] == {
        "type": "custom",
        "tokenizer": "whitespace",
        "filter": ["lowercase"],
    }
    # Wagtail's own analyzers (autocomplete) are still there.
    assert {"ngram_analyzer", "edgengram_analyzer"} <= set(analysis["analyzer"])
    assert backend.get_index_for_model(StoryPage).name == "portal_wagtailcore_page"


def test_text_fields_use_the_default_analyzer(backend):
    mapping = backend.mapping_class(StoryPage).get_mapping()["properties"]
    title = mapping["title"]
    assert title["type"] == "text" and "analyzer" not in title
    assert "_all_text_boost_2_0" in title["copy_to"]  # the title's boost
    summary = mapping["stories_storypage__summary"]
    assert summary["type"] == "text" and "analyzer" not in summary
    assert mapping["stories_storypage__year_filter"]["type"] == "integer"


def test_documents_carry_the_analysed_tokens(backend):
    _home, index = make_story_site()
    story = StoryPageFactory(
        parent=index,
        title="從義工到志愿者",
        summary="社区志愿服务站的时间银行",
        body=paragraphs("依据穗民［2019］62号文件"),
    )
    document = backend.mapping_class(StoryPage).get_document(story)
    # The analysed title, then the marker words (search/markers.py) that no query contains.
    assert document["title"] == index_text("從義工到志愿者") + " zzvis zzkstory zzyear2025"
    assert "义工" in document["title"].split()
    summary = document["stories_storypage__summary"].split()
    assert {"志愿", "服务站", "时间银行"} <= set(summary)
    assert "穗民2019年62号" in document["stories_storypage__body"].split()


def test_a_chinese_query_is_sent_as_its_words(backend):
    match = multi_match(query_body(backend, "社区志愿服務"))
    assert match["query"] == "社区 志愿服务"
    assert "_all_text" in match["fields"] and "_all_text_boost_2_0^2.0" in match["fields"]


def test_a_doc_number_is_sent_as_its_one_token(backend):
    match = multi_match(query_body(backend, "穗民[2019]62号", operator="and"))
    assert match["query"] == "穗民2019年62号"
    assert match["operator"] == "and"


def test_site_search_queries_require_every_word_and_filter_by_type(backend):
    body = query_body(backend, Analysed("社区 学雷锋"), StoryPage.objects.filter(year=2025))
    must = body["bool"]["must"]["multi_match"]
    assert must["query"] == "社区 学雷锋"
    filters = body["bool"]["filter"]
    assert {"match": {"_django_content_type": "stories.StoryPage"}} in filters
    assert {"term": {"stories_storypage__year_filter": 2025}} in filters


def test_an_already_analysed_query_is_not_analysed_again(backend):
    match = multi_match(query_body(backend, Analysed("穗民2019年62号"), operator="and"))
    assert match["query"] == "穗民2019年62号"
