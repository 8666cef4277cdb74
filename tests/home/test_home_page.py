import pytest

from home.figures import site_figures
from tests.factories.home import PolicyDocumentPageFactory, StandardPageFactory
from tests.queries import captured_queries

pytestmark = pytest.mark.django_db


def figure_counts():
    return {figure.label: figure.count for figure in site_figures()}


def test_figures_are_counted_from_the_database(policy_index):
    assert figure_counts() == {"志愿服务站点": 0, "志愿服务活动": 0, "嘉许故事": 0, "政策文件": 0}
    PolicyDocumentPageFactory(parent=policy_index)
    draft = PolicyDocumentPageFactory(parent=policy_index)
    draft.unpublish()
    assert figure_counts()["政策文件"] == 1


def test_home_page_shows_figures_and_links_every_section(client, home_page, policy_index):
    StandardPageFactory(parent=home_page, title="关于本站", show_in_menus=True)
    for _n in range(3):
        PolicyDocumentPageFactory(parent=policy_index)
    response = client.get(home_page.url)
    html = response.content.decode()
    assert (
        '<span class="figures__count">3</span><span class="figures__label">政策文件</span>' in html
    )
    assert "志愿服务站点" in html
    assert 'href="/policies/"' in html and 'href="/page-' in html and 'href="/search/"' in html


def test_home_page_lists_at_most_five_latest_policies(client, home_page, policy_index):
    for year in range(2010, 2018):
        PolicyDocumentPageFactory(parent=policy_index, title=f"{year}年的通知", issued=str(year))
    latest = client.get(home_page.url).context["latest_policies"]
    assert [doc.title for doc in latest] == [f"{y}年的通知" for y in range(2017, 2012, -1)]


def test_home_page_query_count_is_flat(client, home_page, policy_index):
    PolicyDocumentPageFactory(parent=policy_index)
    client.get(home_page.url)  # warm per-process caches
    with captured_queries() as one:
        client.get(home_page.url)
    for _n in range(6):
        PolicyDocumentPageFactory(parent=policy_index)
    client.get(home_page.url)  # new pages drop the cached menu: warm it again
    with captured_queries() as many:
        client.get(home_page.url)
    assert len(one) > 0
    assert len(many) == len(one)
