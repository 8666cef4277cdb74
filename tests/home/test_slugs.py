"""New pages with Chinese titles get readable pinyin slugs, however they are made; an editor's
own slug, ASCII titles and published pages' URLs are left as they are."""

import pytest
from wagtail.models import Page
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from home.base.slugs import SLUG_MAX_LENGTH, is_made_from_title, pinyin_slug
from home.models import StandardPage
from tests.admin_forms import add_url, edit_url, publish

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "title, slug",
    [
        ("社区志愿服务站", "shequ-zhiyuan-fuwuzhan"),
        ("北京街社工站", "beijing-jie-shegong-zhan"),
        # Polyphonic characters read in their words: 银行 yinhang, 长者 zhangzhe.
        ("时间银行 积分兑换", "shijian-yinhang-jifen-duihuan"),
        ("天河区长者饭堂", "tianhequ-zhangzhe-fantang"),
        ("2024年学雷锋月：致敬最美志愿者", "2024-nian-xueleifeng-yue-zhijing-zuimei-zhiyuanzhe"),
        # Traditional characters read as simplified; full-width letters and digits as ASCII.
        ("義工服務", "yigong-fuwu"),
        ("ＡＢＣ社区２号", "abc-shequ-2-hao"),
        ("Wagtail 与 志愿服务", "wagtail-yu-zhiyuan-fuwu"),
        ("Volunteer Day 2024", "volunteer-day-2024"),
        ("！！！", ""),
    ],
)
def test_pinyin_slug(title, slug):
    assert pinyin_slug(title) == slug


def test_a_long_title_is_cut_at_a_word():
    slug = pinyin_slug("广州市民政局关于印发《社区慈善基金管理办法》的通知" * 3)
    assert len(slug) <= SLUG_MAX_LENGTH
    assert slug.startswith("guangzhoushi-minzhengju-guanyu-yinfa-shequ-cishan-jijin")
    assert not slug.endswith("-")
    assert pinyin_slug("社区志愿服务站", max_length=12) == "shequ"


def test_what_counts_as_a_slug_made_from_the_title():
    assert is_made_from_title("社区志愿服务站", "社区志愿服务站")
    assert is_made_from_title("社区志愿服务站-3", "社区志愿服务站")
    # The admin keeps some punctuation Django's slugify drops, both count.
    assert is_made_from_title("社区志愿-服务站", "社区志愿 服务站")
    assert not is_made_from_title("志愿服务", "社区志愿服务站")  # the editor's own
    assert not is_made_from_title("shequ", "社区")  # ASCII: nothing to change


# --- pages made in code -------------------------------------------------------------------------


def add_page(parent, title, **fields):
    page = StandardPage(title=title, intro="本站的用途", **fields)
    parent.add_child(instance=page)
    return page


def test_a_page_made_in_code_gets_a_pinyin_slug_and_url(client, home_page):
    page = add_page(home_page, "社区志愿服务站")
    page.save_revision().publish()
    page.refresh_from_db()
    assert page.slug == "shequ-zhiyuan-fuwuzhan"
    assert page.url_path == f"{home_page.url_path}shequ-zhiyuan-fuwuzhan/"
    assert page.url == "/shequ-zhiyuan-fuwuzhan/"
    assert client.get("/shequ-zhiyuan-fuwuzhan/").status_code == 200


def test_slugs_stay_unique_among_siblings(home_page):
    first = add_page(home_page, "社区志愿服务站")
    second = add_page(home_page, "社区志愿服务站")
    third = add_page(home_page, "社区 志愿服务站")
    assert [first.slug, second.slug, third.slug] == [
        "shequ-zhiyuan-fuwuzhan",
        "shequ-zhiyuan-fuwuzhan-2",
        "shequ-zhiyuan-fuwuzhan-3",
    ]
    # Under another parent the same slug is free.
    assert add_page(first, "社区志愿服务站").slug == "shequ-zhiyuan-fuwuzhan"


def test_own_slugs_and_ascii_titles_are_kept(home_page):
    assert add_page(home_page, "关于本站", slug="about").slug == "about"
    assert add_page(home_page, "关于本站", slug="本站简介").slug == "本站简介"
    assert add_page(home_page, "About this site").slug == "about-this-site"


def test_an_existing_chinese_slug_is_kept_on_save(home_page):
    page = add_page(home_page, "社区志愿服务站")
    # A page made before pinyin slugs, as an older site has them.
    Page.objects.filter(pk=page.pk).update(slug="社区志愿服务站", url_path="/home/社区志愿服务站/")
    page.refresh_from_db()
    page.title = "社区志愿服务站（新）"
    page.save()
    page.save_revision().publish()
    page.refresh_from_db()
    assert page.slug == "社区志愿服务站"


# --- pages made in the admin --------------------------------------------------------------------


def page_fields(**overrides):
    return {
        "title": "社区志愿服务站",
        "intro": "本站的用途",
        "body": streamfield([("paragraph", rich_text("<p>社区志愿服务。</p>"))]),
        **overrides,
    }


@pytest.mark.parametrize(
    "posted",
    [
        "社区志愿服务站",  # what the admin's slug field fills in from the title
        "",  # without JavaScript nothing fills it in
    ],
)
def test_the_admin_create_view_makes_a_pinyin_slug(editor_client, home_page, posted):
    response = publish(editor_client, StandardPage, home_page, **page_fields(slug=posted))
    assert response.status_code == 302, response.content.decode()[:3000]
    page = StandardPage.objects.child_of(home_page).get(title="社区志愿服务站")
    assert page.live and page.slug == "shequ-zhiyuan-fuwuzhan"
    assert page.get_latest_revision().content["slug"] == "shequ-zhiyuan-fuwuzhan"


def test_the_admin_keeps_an_editors_own_slug(editor_client, home_page):
    publish(editor_client, StandardPage, home_page, **page_fields(slug="stations-guide"))
    publish(editor_client, StandardPage, home_page, **page_fields(title="站点指南", slug="指南"))
    slugs = set(StandardPage.objects.child_of(home_page).values_list("slug", flat=True))
    assert slugs == {"stations-guide", "指南"}


def test_an_old_chinese_sibling_does_not_block_the_new_page(editor_client, home_page):
    old = add_page(home_page, "旧页面")
    Page.objects.filter(pk=old.pk).update(slug="社区志愿服务站")
    response = publish(editor_client, StandardPage, home_page, **page_fields(slug="社区志愿服务站"))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert StandardPage.objects.child_of(home_page).filter(slug="shequ-zhiyuan-fuwuzhan").exists()


def test_a_clash_with_a_pinyin_sibling_gets_a_number(editor_client, home_page):
    add_page(home_page, "社区志愿服务站")
    response = publish(editor_client, StandardPage, home_page, **page_fields(slug="社区志愿服务站"))
    assert response.status_code == 302
    assert StandardPage.objects.child_of(home_page).filter(slug="shequ-zhiyuan-fuwuzhan-2").exists()


def test_a_draft_follows_its_title_and_a_published_page_keeps_its_url(editor_client, home_page):
    # Saved as a draft (as the admin's autosave does), then retitled: the admin's slug field
    # follows the title of a page never published, and so does the pinyin slug.
    data = nested_form_data(page_fields(title="社区", slug="社区"))
    assert editor_client.post(add_url(StandardPage, home_page), data).status_code == 302
    page = StandardPage.objects.child_of(home_page).get()
    assert page.slug == "shequ"
    data = nested_form_data(page_fields(slug="社区志愿服务站"))
    assert editor_client.post(edit_url(page), data).status_code == 302
    page.refresh_from_db()
    assert page.get_latest_revision().content["slug"] == "shequ-zhiyuan-fuwuzhan"

    # Published, the page keeps the slug it had, whatever the title becomes.
    data = nested_form_data({**page_fields(slug="社区志愿服务站"), "action-publish": "publish"})
    assert editor_client.post(edit_url(page), data).status_code == 302
    page.refresh_from_db()
    assert page.live and page.slug == "shequ-zhiyuan-fuwuzhan"
    renamed = page_fields(title="社区志愿服务中心", slug="shequ-zhiyuan-fuwuzhan")
    data = nested_form_data({**renamed, "action-publish": "publish"})
    assert editor_client.post(edit_url(page), data).status_code == 302
    page.refresh_from_db()
    assert (page.title, page.slug) == ("社区志愿服务中心", "shequ-zhiyuan-fuwuzhan")


# --- the demo -----------------------------------------------------------------------------------


def load_demo():
    import io

    from django.core.management import call_command

    call_command("load_demo", stdout=io.StringIO())


def test_demo_slugs_stay_and_a_second_load_finds_the_chinese_ones():
    load_demo()
    slugs = dict(Page.objects.values_list("pk", "slug"))
    assert all(slug.isascii() for slug in slugs.values())
    # What the demo names itself is kept as it was.
    for kept in ("stations", "tianhe-shipai-1", "activities", "guangzhou-reply-2020-102"):
        assert kept in slugs.values()
    # Policies named only by their title now read in pinyin.
    assert "zhiyuan-fuwu-tiaoli" in slugs.values()

    # A site loaded before pinyin slugs has them in Chinese: loading again finds them, makes no
    # second copy and leaves their URLs alone.
    regulation = Page.objects.get(slug="zhiyuan-fuwu-tiaoli")
    Page.objects.filter(pk=regulation.pk).update(slug="志愿服务条例")
    count = Page.objects.count()
    load_demo()
    assert Page.objects.count() == count
    regulation.refresh_from_db()
    assert regulation.slug == "志愿服务条例"
