"""Abstract page mixins every page app may use; each carries its own panels."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index


class DemoContentMixin(models.Model):
    """Marks what `load_demo` created, so nobody mistakes a demo station or story for a real one."""

    is_demo = models.BooleanField(
        _("演示数据"),
        default=False,
        help_text=_("由 load_demo 生成的演示内容；页面上会提示访客这不是真实信息。"),
    )

    demo_panels = [FieldPanel("is_demo")]

    class Meta:
        abstract = True


class IndexPageMixin(models.Model):
    """The header every section's index page shares (政策文件库, 站点目录, 活动列表, 嘉许故事栏目):
    an introduction under the title."""

    intro = RichTextField(_("导语"), blank=True, features=["bold", "italic", "link"])

    header_panels = [FieldPanel("intro")]
    # Plain fields: each page type passes them through search.fields.analysed with its own.
    header_search_fields = Page.search_fields + [index.SearchField("intro")]

    class Meta:
        abstract = True
