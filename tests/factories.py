import factory
import wagtail_factories
from factory.django import DjangoModelFactory
from wagtail.models import Page, Site

from home.models import (
    HomePage,
    PolicyDocumentPage,
    PolicyIndexPage,
    PolicyKind,
    PolicyLevel,
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
    level = PolicyLevel.MUNICIPAL
    kind = factory.SubFactory(PolicyKindFactory, name="通知")
    body = "<p>为进一步加强社区志愿服务，现通知如下。</p>"

    class Meta:
        model = PolicyDocumentPage


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
