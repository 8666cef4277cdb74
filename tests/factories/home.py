"""Factories for home's pages: the home page, standard pages, the policy register."""

import factory
import wagtail_factories
from factory.django import DjangoModelFactory
from wagtail.models import Page, Site

from home.base.choices import Level
from home.models import (
    HomePage,
    PolicyDocumentPage,
    PolicyIndexPage,
    PolicyKind,
    StandardPage,
)


class HomePageFactory(wagtail_factories.PageFactory):
    title = "社区志愿服务门户"
    slug = "portal-home"
    intro = "<p>社区志愿服务门户帮助居民找到身边的志愿服务站点。</p>"

    class Meta:
        model = HomePage


class StandardPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"关于本站{n}")
    slug = factory.Sequence(lambda n: f"page-{n}")
    intro = "本站的用途"

    class Meta:
        model = StandardPage


class PolicyIndexPageFactory(wagtail_factories.PageFactory):
    title = "政策文件"
    slug = "policies"

    class Meta:
        model = PolicyIndexPage


class PolicyKindFactory(DjangoModelFactory):
    name = factory.Sequence(lambda n: f"类别{n}")

    class Meta:
        model = PolicyKind
        django_get_or_create = ("name",)


class PolicyDocumentPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"关于志愿服务的通知{n}")
    slug = factory.Sequence(lambda n: f"policy-{n}")
    issuer = "广州市民政局"
    issued = "2020-09-06"
    level = Level.MUNICIPAL
    kind = factory.SubFactory(PolicyKindFactory, name="通知")
    body = "<p>为进一步加强社区志愿服务，现通知如下。</p>"

    class Meta:
        model = PolicyDocumentPage


def volunteer_regulation(parent, **fields):
    """The State Council's 志愿服务条例, a national document several tests cite."""
    defaults = dict(
        title="志愿服务条例",
        doc_number="国务院令第685号",
        issuer="国务院",
        issued="2017-08-22",
        level=Level.NATIONAL,
    )
    return PolicyDocumentPageFactory(parent=parent, **{**defaults, **fields})


def make_site_tree():
    """A HomePage as the default site's root, with the policy register under it."""
    root = Page.get_first_root_node()
    home = HomePageFactory(parent=root)
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "port": 80, "root_page": home, "site_name": "测试"},
    )
    index = PolicyIndexPageFactory(parent=home, show_in_menus=True)
    return home, index


# --- stations -------------------------------------------------------------------------------


def ensure_wagtail_root():
    """Put back what Wagtail's migrations create and a transactional test's flush removes: the
    default locale and the root page. Browser tests (live server, so transactional) need them."""
    from django.conf import settings
    from wagtail.coreutils import get_supported_content_language_variant
    from wagtail.models import Locale

    language = get_supported_content_language_variant(settings.LANGUAGE_CODE)
    locale, _created = Locale.objects.get_or_create(language_code=language)
    if Page.get_first_root_node() is None:
        Page.add_root(title="Root", slug="root", locale=locale)


# --- stories ----------------------------------------------------------------------------------
