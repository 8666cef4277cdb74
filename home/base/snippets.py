"""Abstract bases of the small lists editors keep as snippets."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel


class NamedInOrder(models.Model):
    """A name editors may put in order (文件类别, 活动类别, 嘉许时机 …), listed by that order.

    Subclasses give their Meta `verbose_name` (inheriting `NamedInOrder.Meta` keeps the order)
    and may redeclare `name` or `sort_order` for another length or default."""

    name = models.CharField(_("名称"), max_length=40, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=100)

    panels = [FieldPanel("name"), FieldPanel("sort_order")]

    class Meta:
        abstract = True
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name
