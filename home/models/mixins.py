from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel


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
