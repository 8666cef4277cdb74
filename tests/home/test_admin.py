"""Editors create and publish every page type through the Wagtail admin's own views."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from wagtail.documents import get_document_model
from wagtail.models import Page
from wagtail.test.utils.form_data import inline_formset, rich_text, streamfield

from home.models import HomePage, PolicyDocumentPage, PolicyIndexPage, PolicyKind, StandardPage
from tests.admin_forms import publish
from tests.factories.home import PolicyDocumentPageFactory

pytestmark = pytest.mark.django_db


def test_editor_creates_and_publishes_a_home_page(editor_client):
    root = Page.get_first_root_node()
    response = publish(
        editor_client,
        HomePage,
        root,
        title="社区志愿服务门户",
        slug="portal",
        intro=rich_text("<p>找到身边的站点。</p>"),
        body=streamfield([]),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    page = HomePage.objects.get(slug="portal")
    assert page.live and "找到身边的站点。" in page.intro


def test_editor_creates_and_publishes_a_standard_page(editor_client, home_page):
    response = publish(
        editor_client,
        StandardPage,
        home_page,
        title="关于本站",
        slug="about",
        intro="本站是做什么的",
        body=streamfield([("paragraph", rich_text("<p>社区志愿服务。</p>"))]),
    )
    assert response.status_code == 302
    page = StandardPage.objects.get(slug="about")
    assert page.live
    assert "社区志愿服务。" in str(page.body[0].value)


def test_editor_creates_and_publishes_a_policy_index(editor_client, home_page):
    response = publish(
        editor_client,
        PolicyIndexPage,
        home_page,
        title="政策文件",
        slug="policies",
        intro=rich_text("<p>法规和通知。</p>"),
    )
    assert response.status_code == 302
    assert PolicyIndexPage.objects.get(slug="policies").live


def policy_fields(**overrides):
    fields = {
        "title": "广州市民政局关于加强社区志愿服务的通知",
        "slug": "notice-62",
        "doc_number": "穗民[2019]62号",
        "issuer": "广州市民政局",
        "issued": "2019",
        "level": "municipal",
        "kind": PolicyKind.objects.get(name="通知").pk,
        "status": "in_force",
        "region": "广东省广州市",
        "body": rich_text("<p>各区民政局：</p>"),
        "attachments": inline_formset([]),
        "related_links": inline_formset([]),
    }
    fields.update(overrides)
    return fields


def test_editor_creates_and_publishes_a_policy_document(editor_client, policy_index):
    cited = PolicyDocumentPageFactory(parent=policy_index, doc_number="国务院令第685号")
    attachment = get_document_model().objects.create(
        title="通知原文", file=ContentFile(b"text", name="notice.txt")
    )
    response = publish(
        editor_client,
        PolicyDocumentPage,
        policy_index,
        **policy_fields(
            attachments=inline_formset([{"document": attachment.pk, "title": "原文"}]),
            related_links=inline_formset([{"target": cited.pk}]),
        ),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    page = PolicyDocumentPage.objects.get(slug="notice-62")
    assert page.live
    assert page.doc_number == "穗民〔2019〕62号"
    assert (page.doc_issuer_code, page.doc_year, page.doc_serial) == ("穗民", 2019, 62)
    assert page.issued == "2019" and page.issued_year == 2019
    assert [a.document for a in page.attachments.all()] == [attachment]
    assert [r.target for r in page.related_links.all()] == [cited]


@pytest.mark.parametrize(
    "field, value, expected",
    [
        ("doc_number", "穗民2019年62号", "穗民〔2019〕62号"),
        ("doc_number", "穗民〔2019]62号", "不成对"),
        ("issued", "2019-13", "2021-03-07"),
    ],
)
def test_malformed_input_is_refused_with_a_message_and_nothing_saved(
    editor_client, policy_index, field, value, expected
):
    before = PolicyDocumentPage.objects.count()
    response = publish(
        editor_client, PolicyDocumentPage, policy_index, **policy_fields(**{field: value})
    )
    assert response.status_code == 200
    assert expected in response.content.decode()
    assert PolicyDocumentPage.objects.count() == before


def test_duplicate_doc_number_is_refused(editor_client, policy_index):
    PolicyDocumentPageFactory(parent=policy_index, title="原有通知", doc_number="穗民〔2019〕62号")
    response = publish(
        editor_client,
        PolicyDocumentPage,
        policy_index,
        **policy_fields(doc_number="穗民（2019）62号"),
    )
    assert response.status_code == 200
    assert "已被《原有通知》使用" in response.content.decode()
    assert PolicyDocumentPage.objects.count() == 1


def test_admin_speaks_chinese_whatever_the_browser_asks(editor_client):
    response = editor_client.get(reverse("wagtailadmin_home"), HTTP_ACCEPT_LANGUAGE="en-US,en")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-hans"' in html
    assert "搜索" in html
