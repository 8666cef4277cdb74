"""A resident on a phone finds a policy by its 文号, with JavaScript off, in real Chromium."""

import pytest

from tests.factories.home import PolicyDocumentPageFactory, make_site_tree, volunteer_regulation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_find_a_policy_by_doc_number_on_a_phone(live_server, phone):
    _home, index = make_site_tree()
    PolicyDocumentPageFactory(
        parent=index,
        title="广州市民政局关于加强社区志愿服务的通知",
        doc_number="穗民〔2019〕62号",
        issued="2019",
    )
    volunteer_regulation(index)

    phone.goto(live_server.url + "/")
    assert phone.locator(".figures__item").count() == 4
    assert phone.get_by_text("国务院令第685号").is_visible()
    # Nothing overflows the phone's width.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    phone.get_by_role("link", name="查看全部政策文件").click()
    phone.get_by_label("按文号查找").fill("穗民[2019]62号")
    phone.get_by_role("button", name="筛选").click()
    assert "doc_number=" in phone.url
    results = phone.locator(".policy-item")
    assert results.count() == 1

    results.get_by_role("link").click()
    header = phone.locator(".policy-header")
    assert (
        header.get_by_role("heading", level=1).inner_text()
        == "广州市民政局关于加强社区志愿服务的通知"
    )
    for text in ("穗民〔2019〕62号", "广州市民政局", "2019", "市级"):
        assert text in header.inner_text()
