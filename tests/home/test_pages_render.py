import json

import pytest
from django.core.files.base import ContentFile
from wagtail.documents import get_document_model

from home.models import PolicyAttachment, PolicyRelation
from tests.factories.home import (
    PolicyDocumentPageFactory,
    StandardPageFactory,
    volunteer_regulation,
)

pytestmark = pytest.mark.django_db


def test_home_page_renders_intro_figures_sections_and_latest(client, home_page, policy_index):
    PolicyDocumentPageFactory(
        parent=policy_index, title="志愿服务条例", doc_number="国务院令第685号"
    )
    response = client.get(home_page.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "社区志愿服务门户帮助居民" in html
    assert "志愿服务条例" in html and "国务院令第685号" in html
    assert 'href="/policies/"' in html
    assert 'lang="zh-Hans"' in html
    assert 'name="viewport"' in html


def test_standard_page_renders_stream_blocks(client, home_page):
    page = StandardPageFactory(
        parent=home_page,
        title="关于本站",
        body=json.dumps(
            [
                {"type": "heading", "value": {"text": "七个有", "level": "h2"}},
                {"type": "paragraph", "value": "<p>有统一标识、有办公场所。</p>"},
                {"type": "quote", "value": {"text": "志愿服务，人人可为。", "attribution": "居民"}},
            ]
        ),
    )
    response = client.get(page.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h2>七个有</h2>" in html
    assert "有统一标识、有办公场所。" in html
    assert "志愿服务，人人可为。" in html and "居民" in html


def test_policy_index_renders(client, policy_index):
    PolicyDocumentPageFactory(parent=policy_index, title="广州市民政局关于加强社区志愿服务的通知")
    response = client.get(policy_index.url)
    assert response.status_code == 200
    assert "广州市民政局关于加强社区志愿服务的通知" in response.content.decode()


def test_policy_document_shows_header_paragraphs_attachments_and_related(client, policy_index):
    cited = volunteer_regulation(policy_index)
    page = PolicyDocumentPageFactory(
        parent=policy_index,
        title="广州市民政局的答复",
        doc_number="穗民案〔2020〕102号",
        issued="2021-03",
        region="广东省广州市",
        body="<p>第一段。</p><p>第二段。</p>",
    )
    document = get_document_model().objects.create(
        title="答复原文", file=ContentFile(b"text", name="reply.txt")
    )
    page.attachments.add(PolicyAttachment(document=document, title="原文（纯文本）"))
    page.related_links.add(PolicyRelation(target=cited))
    page.save_revision().publish()

    html = client.get(page.url).content.decode()
    assert "穗民案〔2020〕102号" in html
    assert "广州市民政局" in html and "市级" in html and "通知" in html and "现行有效" in html
    assert '<time datetime="2021-03">2021-03</time>' in html  # shown as written
    assert "2021-03-01" not in html
    assert "<p>第一段。</p><p>第二段。</p>" in html
    assert "原文（纯文本）" in html and document.url in html
    assert "志愿服务条例" in html and cited.url in html

    # The cited document lists the one citing it.
    assert page.title in client.get(cited.url).content.decode()


def test_document_without_text_says_so(client, policy_index):
    page = PolicyDocumentPageFactory(parent=policy_index, body="")
    html = client.get(page.url).content.decode()
    assert "尚未收录此文件的全文" in html


def test_unknown_page_is_a_chinese_404(client, home_page):
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="en-US,en")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()
