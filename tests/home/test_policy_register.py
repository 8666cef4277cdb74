import pytest

from home.policy_register import PER_PAGE
from tests.factories.home import PolicyDocumentPageFactory, PolicyKindFactory, volunteer_regulation
from tests.queries import captured_queries
from tests.shared_data import shared_fixture

pytestmark = pytest.mark.django_db


@shared_fixture
def register(site_tree):
    _home, policy_index = site_tree
    notice = PolicyKindFactory(name="通知")
    regulation = PolicyKindFactory(name="行政法规")
    docs = {
        "reply": PolicyDocumentPageFactory(
            parent=policy_index,
            title="广州市民政局的答复",
            doc_number="穗民案〔2020〕102号",
            issued="2020-09-06",
            kind=PolicyKindFactory(name="建议答复"),
        ),
        "notice62": PolicyDocumentPageFactory(
            parent=policy_index,
            title="关于加强社区志愿服务的通知",
            doc_number="穗民〔2019〕62号",
            issued="2019",
            kind=notice,
        ),
        "notice282": PolicyDocumentPageFactory(
            parent=policy_index,
            title="工作举措",
            doc_number="穗民〔2019〕282号",
            issued="2019",
            kind=notice,
        ),
        "regulation": volunteer_regulation(policy_index, kind=regulation),
        "tianjin": PolicyDocumentPageFactory(
            parent=policy_index,
            title="天津市志愿服务条例",
            issuer="天津市人民代表大会常务委员会",
            issued="2017-12-01",
            level="provincial",
            kind=PolicyKindFactory(name="地方性法规"),
        ),
    }
    draft = PolicyDocumentPageFactory(parent=policy_index, title="未发布的草稿", issued="2022")
    draft.unpublish()
    return docs


def titles(response):
    return [doc.title for doc in response.context["register"].page.object_list]


def test_newest_first_and_drafts_hidden(client, policy_index, register):
    response = client.get(policy_index.url)
    assert titles(response) == [
        "广州市民政局的答复",
        "工作举措",  # same year as 62号: the higher serial is the later one
        "关于加强社区志愿服务的通知",
        "天津市志愿服务条例",
        "志愿服务条例",
    ]
    assert "未发布的草稿" not in response.content.decode()


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"level": "national"}, {"志愿服务条例"}),
        ({"level": "provincial"}, {"天津市志愿服务条例"}),
        ({"issuer": "国务院"}, {"志愿服务条例"}),
        ({"year": "2019"}, {"关于加强社区志愿服务的通知", "工作举措"}),
        ({"year": "2017", "level": "municipal"}, set()),
    ],
)
def test_filters_narrow_the_list(client, policy_index, register, params, expected):
    response = client.get(policy_index.url, params)
    assert set(titles(response)) == expected


def test_filter_by_kind(client, policy_index, register):
    kind = register["regulation"].kind
    assert titles(client.get(policy_index.url, {"kind": kind.pk})) == ["志愿服务条例"]


@pytest.mark.parametrize(
    "typed",
    [
        "穗民[2019]62号",
        "穗民〔2019〕62号",
        "穗民【2019】62号",
        "穗民(2019)62号",
        "穗民（2019）62号",
        " 穗民 [2019] 62号 ",
    ],
)
def test_doc_number_box_finds_the_document_however_bracketed(client, policy_index, register, typed):
    response = client.get(policy_index.url, {"doc_number": typed})
    assert titles(response) == ["关于加强社区志愿服务的通知"]
    assert response.context["register"].messages == []


def test_decree_numbers_are_found(client, policy_index, register):
    assert titles(client.get(policy_index.url, {"doc_number": "国务院令第685号"})) == [
        "志愿服务条例"
    ]


def test_partial_doc_number_matches_and_explains(client, policy_index, register):
    response = client.get(policy_index.url, {"doc_number": "穗民[2019]"})
    assert set(titles(response)) == {"关于加强社区志愿服务的通知", "工作举措"}
    assert "不是完整的文号" in response.content.decode()


def test_unknown_doc_number_finds_nothing(client, policy_index, register):
    response = client.get(policy_index.url, {"doc_number": "穗民〔2019〕63号"})
    assert titles(response) == []
    assert "没有符合条件的文件" in response.content.decode()


@pytest.mark.parametrize(
    "params",
    [
        {"level": "galactic"},
        {"year": "abc"},
        {"year": "1066"},
        {"kind": "999999"},
        {"kind": "';DROP TABLE"},
        {"issuer": "不存在的机关"},
        {"doc_number": "x" * 500},
        {"page": "-1"},
        {"page": "abc"},
    ],
)
def test_bad_parameters_get_a_message_never_a_500(client, policy_index, register, params):
    response = client.get(policy_index.url, params)
    assert response.status_code == 200
    if "page" not in params:
        html = response.content.decode()
        assert 'class="notice"' in html


def test_pagination_keeps_filters(client, policy_index):
    kind = PolicyKindFactory(name="通知")
    for n in range(PER_PAGE + 3):
        PolicyDocumentPageFactory(
            parent=policy_index, title=f"通知{n:02d}", issued="2020", kind=kind
        )
    first = client.get(policy_index.url, {"year": "2020"})
    assert len(titles(first)) == PER_PAGE
    html = first.content.decode()
    assert "year=2020&amp;page=2" in html
    second = client.get(policy_index.url, {"year": "2020", "page": "2"})
    assert len(titles(second)) == 3


def test_listing_query_count_does_not_grow_with_length(client, policy_index):
    kind = PolicyKindFactory(name="通知")

    def count_queries():
        with captured_queries() as queries:
            assert client.get(policy_index.url).status_code == 200
        return len(queries)

    for n in range(2):
        PolicyDocumentPageFactory(parent=policy_index, title=f"甲{n}", kind=kind)
    count_queries()  # warm the per-process caches (site root paths, content types)
    few = count_queries()
    for n in range(15):
        PolicyDocumentPageFactory(
            parent=policy_index,
            title=f"乙{n}",
            kind=PolicyKindFactory(name=f"类{n}"),
            issuer=f"机关{n}",
        )
    count_queries()  # new pages drop the cached menu: warm it again
    assert few > 0
    assert count_queries() == few
