"""Reference data editors keep: station types and the 区 / 街(镇) / 村(居) hierarchy."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel

from home.base.mixins import DemoContentMixin
from stations.coords import in_china


class StationType(models.Model):
    """社工站、学雷锋志愿服务站 …: a list editors keep as a snippet, not a hard-coded choice."""

    name = models.CharField(_("名称"), max_length=40, unique=True)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=100)

    panels = [FieldPanel("name"), FieldPanel("description"), FieldPanel("sort_order")]

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("站点类型")
        verbose_name_plural = _("站点类型")

    def __str__(self):
        return self.name


class AreaLevel(models.TextChoices):
    DISTRICT = "district", _("区")
    STREET = "street", _("街道（镇）")
    COMMUNITY = "community", _("社区（村）")


# Which level an area's parent must be.
PARENT_LEVEL = {
    AreaLevel.DISTRICT: None,
    AreaLevel.STREET: AreaLevel.DISTRICT,
    AreaLevel.COMMUNITY: AreaLevel.STREET,
}


class AreaQuerySet(models.QuerySet):
    def districts(self):
        return self.filter(level=AreaLevel.DISTRICT)

    def streets(self):
        return self.filter(level=AreaLevel.STREET)

    def communities(self):
        return self.filter(level=AreaLevel.COMMUNITY)

    def with_centre(self):
        return self.exclude(latitude=None).exclude(longitude=None)


class Area(DemoContentMixin, models.Model):
    """A 区, 街道(镇) or 社区(村); its centre lets people without GPS find stations near it."""

    name = models.CharField(_("名称"), max_length=60)
    level = models.CharField(_("层级"), max_length=16, choices=AreaLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text=_("街道（镇）的上级是区，社区（村）的上级是街道（镇）；区没有上级。"),
    )
    code = models.CharField(
        _("区划代码"), max_length=12, blank=True, help_text=_("统计用区划代码，可不填。")
    )
    latitude = models.FloatField(
        _("中心纬度"),
        null=True,
        blank=True,
        help_text=_("WGS-84，用于“我在这个街道”查找附近站点。"),
    )
    longitude = models.FloatField(_("中心经度"), null=True, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=100)

    objects = AreaQuerySet.as_manager()

    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("level")]),
        FieldPanel("parent"),
        FieldPanel("code"),
        FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]),
        FieldPanel("sort_order"),
        *DemoContentMixin.demo_panels,
    ]

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("行政区域")
        verbose_name_plural = _("行政区域")
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="area_unique_name_in_parent"),
            models.UniqueConstraint(
                fields=["name"],
                condition=models.Q(parent=None),
                name="area_unique_top_level_name",
            ),
        ]

    def __str__(self):
        return self.full_name

    @classmethod
    def names_for(cls, ids) -> dict[int, str]:
        """{id: name} of these areas (the site search's district facet, in one query)."""
        return dict(cls.objects.filter(pk__in=ids).values_list("pk", "name"))

    @property
    def full_name(self) -> str:
        """天河区 石牌街 龙口西社区: the name with its parents (two queries at most, cached)."""
        names = [self.name]
        node = self
        while node.parent_id:
            node = node.parent
            names.append(node.name)
        return " ".join(reversed(names))

    @property
    def district(self):
        node = self
        while node.parent_id:
            node = node.parent
        return node if node.level == AreaLevel.DISTRICT else None

    def clean(self):
        super().clean()
        errors = {}
        expected = PARENT_LEVEL.get(self.level)
        parent = self.parent if self.parent_id else None
        if expected is None and parent is not None:
            errors["parent"] = _("区是最高一级，不能有上级。")
        elif expected is not None and (parent is None or parent.level != expected):
            errors["parent"] = _("%(level)s的上级必须是一个%(parent)s。") % {
                "level": AreaLevel(self.level).label,
                "parent": AreaLevel(expected).label,
            }
        if (self.latitude is None) != (self.longitude is None):
            errors["longitude" if self.longitude is None else "latitude"] = _(
                "中心点的纬度和经度要一起填写。"
            )
        elif self.latitude is not None and not in_china(self.latitude, self.longitude):
            errors["latitude"] = _("中心点不在中国境内，请检查纬度和经度是否写反。")
        if errors:
            raise ValidationError(errors)
