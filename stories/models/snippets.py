"""The lists editors keep for stories: awards with their tiers, and the occasions they mark."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel

from home.base.choices import Level
from home.base.snippets import NamedInOrder


class Award(models.Model):
    """五星志愿者、百优、市长奖 …: one award, who confers it, its level and its tier."""

    name = models.CharField(_("名称"), max_length=60, unique=True)
    conferred_by = models.CharField(
        _("颁授单位"), max_length=100, blank=True, help_text=_("如 深圳市义工联合会。")
    )
    level = models.CharField(_("层级"), max_length=16, choices=Level.choices)
    tier = models.PositiveSmallIntegerField(
        _("档次"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(9)],
        help_text=_(
            "同一嘉许体系内的高低：1 为起点，数字越大荣誉越高（如 五星 1、百优 2、市长奖 3）。"
        ),
    )
    description = models.CharField(_("说明"), max_length=200, blank=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("conferred_by"),
        FieldRowPanel([FieldPanel("level"), FieldPanel("tier")]),
        FieldPanel("description"),
    ]

    class Meta:
        ordering = ["conferred_by", "-tier", "name"]
        verbose_name = _("嘉许奖项")
        verbose_name_plural = _("嘉许奖项")

    def __str__(self):
        return self.name


class Occasion(NamedInOrder):
    """学雷锋志愿服务月、12·5 国际志愿者日 …: when commendations are announced."""

    name = models.CharField(_("名称"), max_length=60, unique=True)

    class Meta(NamedInOrder.Meta):
        verbose_name = _("嘉许时机")
        verbose_name_plural = _("嘉许时机")
