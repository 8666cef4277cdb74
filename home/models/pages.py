from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from home.base.blocks import BaseStreamBlock
from search.fields import analysed
from search.markers import SiteSearchable


class HomePage(SiteSearchable, Page):
    """The site root: what the portal is, the latest policies, figures and every section."""

    intro = RichTextField(
        _("简介"),
        blank=True,
        features=["bold", "italic", "link"],
        help_text=_("一两句话说明本站是什么、能做什么。"),
    )
    body = StreamField(BaseStreamBlock(), verbose_name=_("正文"), blank=True)
    featured_story = models.ForeignKey(
        "stories.StoryPage",
        verbose_name=_("推荐故事"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("显示在首页最显眼的位置；不选则显示最新一篇有封面图的故事。"),
    )

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        FieldPanel("featured_story"),
        FieldPanel("body"),
    ]
    search_fields = analysed(
        Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]
    )

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "home.StandardPage",
        "home.PolicyIndexPage",
        "stations.StationIndexPage",
        "stations.ActivityIndexPage",
        "stations.RegistrationFormPage",
        "stories.StoryIndexPage",
    ]
    max_count = 1

    class Meta:
        verbose_name = _("首页")
        verbose_name_plural = _("首页")

    def structured_data(self, request):
        from home.seo import website_data

        return website_data(self, request)

    def get_context(self, request, *args, **kwargs):
        from home.base.page_links import attach_parent
        from home.base.renditions import prefetch_renditions
        from home.figures import service_figures, site_figures
        from home.policy_register import latest_policies
        from stations.activities.listing import next_activities
        from stories.listing import covers, featured_and_latest

        context = super().get_context(request, *args, **kwargs)
        featured, latest = featured_and_latest(self, limit=3)
        prefetch_renditions(covers([featured, *latest]))
        context["featured_story"] = featured
        context["latest_stories"] = latest
        context["figures"] = site_figures()
        context["service_figures"] = service_figures()
        context["latest_policies"] = latest_policies(limit=5)
        context["next_activities"] = next_activities(limit=3)
        # Each list links to its index (the template asks the first item for its parent).
        for first in (featured, *context["latest_policies"][:1], *context["next_activities"][:1]):
            if first is not None:
                attach_parent(first)
        return context


class StandardPage(SiteSearchable, Page):
    """Free-form content: about, guides, privacy notice."""

    intro = models.TextField(_("导语"), blank=True, max_length=500)
    body = StreamField(BaseStreamBlock(), verbose_name=_("正文"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = analysed(
        Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]
    )

    parent_page_types = ["home.HomePage", "home.StandardPage"]
    subpage_types = ["home.StandardPage"]

    class Meta:
        verbose_name = _("普通页面")
        verbose_name_plural = _("普通页面")
