"""Volunteer service stations (站点), their teams, photos and the 七个有 checklist."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail import hooks
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
)
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index

from home.base.mixins import DemoContentMixin
from search.fields import analysed
from search.markers import SiteSearchable
from stations import standard
from stations.coords import lat_band
from stations.models.reference import AreaLevel
from stations.station_page_form import StandardChecksPanel, StationPageForm
from stations.validators import validate_latitude, validate_longitude, validate_phone

# What the station page shows beside the station itself comes from the features that own it
# (its profile, its activities, the stories about it, its registration link): each registers a
# function here with @hooks.register(STATION_PAGE_CONTEXT), called as fn(page=…, request=…) and
# returning entries for the template's context, so this shared model imports no feature.
STATION_PAGE_CONTEXT = "station_page_context"
# An entry a hook may add: the images its other entries show, whose renditions the page then
# reads in one query for all the hooks together.
SHOWN_IMAGES = "shown_images"


class StationPage(SiteSearchable, DemoContentMixin, Page):
    """A place where community volunteer service is run, and how it stands on the 七个有."""

    template = "stations/directory/station_page.html"

    station_type = models.ForeignKey(
        "stations.StationType",
        verbose_name=_("站点类型"),
        on_delete=models.PROTECT,
        related_name="stations",
    )
    street = models.ForeignKey(
        "stations.Area",
        verbose_name=_("所在街道（镇）"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": AreaLevel.STREET},
    )
    community = models.ForeignKey(
        "stations.Area",
        verbose_name=_("所在社区（村）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": AreaLevel.COMMUNITY},
        help_text=_("可不填；填写时必须属于上面所选的街道（镇）。"),
    )
    # Derived from the street on save, so the directory filters by district in one join.
    district = models.ForeignKey(
        "stations.Area",
        verbose_name=_("所在区"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    address = models.CharField(_("详细地址"), max_length=200)
    latitude = models.FloatField(
        _("纬度"),
        validators=[validate_latitude],
        help_text=_("WGS-84（GPS）坐标，如 23.1291。"),
    )
    longitude = models.FloatField(
        _("经度"),
        validators=[validate_longitude],
        help_text=_("WGS-84（GPS）坐标，如 113.2644。"),
    )
    opening_hours = models.CharField(
        _("开放时间"), max_length=200, blank=True, help_text=_("如 周一至周五 9:00–17:30")
    )
    phone = models.CharField(_("联系电话"), max_length=40, blank=True, validators=[validate_phone])
    summary = models.CharField(
        _("简介"), max_length=200, blank=True, help_text=_("一句话介绍，显示在列表和地图上。")
    )
    service_content = RichTextField(
        _("服务内容"), blank=True, features=["h3", "bold", "italic", "ol", "ul", "link"]
    )
    # Derived from the latitude on save: the leading column of the nearest-station index.
    lat_band = models.IntegerField(_("纬度带"), default=0, editable=False)
    # The last day the 七个有 still holds, derived on save from the checklist (see standard.py).
    standard_valid_until = models.DateField(
        _("达标有效期至"), null=True, blank=True, editable=False, db_index=True
    )

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [
                FieldPanel("station_type"),
                # Plain selects: the lists are short and filtered to the right level.
                FieldRowPanel(
                    [
                        FieldPanel("street", widget=forms.Select),
                        FieldPanel("community", widget=forms.Select),
                    ]
                ),
                FieldPanel("address"),
                FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]),
            ],
            heading=_("类型与位置"),
        ),
        MultiFieldPanel(
            [FieldPanel("opening_hours"), FieldPanel("phone")],
            heading=_("开放时间与联系方式"),
        ),
        FieldPanel("summary"),
        FieldPanel("service_content"),
        StandardChecksPanel(
            "standard_checks", heading=_("“七个有”核查"), label=_("核查项"), max_num=7
        ),
        InlinePanel("teams", heading=_("志愿者队伍"), label=_("队伍")),
        InlinePanel("photos", heading=_("站点照片"), label=_("照片")),
    ]
    promote_panels = Page.promote_panels + DemoContentMixin.demo_panels
    base_form_class = StationPageForm
    search_fields = analysed(
        Page.search_fields
        + [
            index.SearchField("summary", boost=2),
            index.SearchField("address"),
            index.SearchField("service_content"),
            index.RelatedFields("station_type", [index.SearchField("name")]),
            index.RelatedFields("street", [index.SearchField("name")]),
            index.RelatedFields("district", [index.SearchField("name")]),
            index.FilterField("station_type"),
            index.FilterField("district"),
            index.FilterField("street"),
            index.FilterField("standard_valid_until"),
        ]
    )

    parent_page_types = ["stations.StationIndexPage"]
    subpage_types = []
    # Its type and areas, which the page and its JSON-LD name, read with the page by the router
    # (home/base/routing.py); stations/directory/station_page.py reads them for previews.
    routing_select_related = ("station_type", "street", "district", "community")

    class Meta:
        verbose_name = _("志愿服务站点")
        verbose_name_plural = _("志愿服务站点")
        indexes = [
            # Range scans per latitude band; on PostgreSQL the key is in the index too, so a box
            # search reads no table rows (SQLite's rowid is the key already).
            models.Index(
                fields=["lat_band", "longitude", "latitude"],
                include=["page_ptr"],
                name="station_band_lng_idx",
            )
        ]

    def clean(self):
        super().clean()
        errors = {}
        street = self.street if self.street_id else None
        community = self.community if self.community_id else None
        if community is not None and street is not None and community.parent_id != street.pk:
            errors["community"] = _("社区（村）“%(community)s”不属于街道（镇）“%(street)s”。") % {
                "community": community.name,
                "street": street.name,
            }
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        if self.latitude is not None:
            self.lat_band = lat_band(self.latitude)
        if self.street_id:
            self.district_id = self.street.parent_id
        # Children come from the admin form or a revision being published: either way in memory.
        self.standard_valid_until = standard.valid_until(self.standard_checks.all())
        return super().save(*args, **kwargs)

    @property
    def meets_standard(self) -> bool:
        today = timezone.localdate()
        return self.standard_valid_until is not None and self.standard_valid_until >= today

    def get_context(self, request, *args, **kwargs):
        from home.base.page_links import attach_parent
        from home.base.renditions import prefetch_renditions

        context = super().get_context(request, *args, **kwargs)
        attach_parent(self)  # the breadcrumb's directory
        images = []
        for contribute in hooks.get_hooks(STATION_PAGE_CONTEXT):
            entries = dict(contribute(page=self, request=request))
            images += entries.pop(SHOWN_IMAGES, [])
            context.update(entries)
        prefetch_renditions(images)
        return context

    def structured_data(self, request):
        from stations.seo import station_data

        return station_data(self, request)

    def sharing_image(self):
        photos = getattr(self, "photos_in_order", None)  # read by the page's context already
        if photos is not None:
            photo = photos[0] if photos else None
        else:
            photo = self.photos.select_related("image").order_by("sort_order").first()
        return (photo.image, photo.alt_text) if photo else None


class TeamLevel(models.IntegerChoices):
    # The 总队—分队—大队—小队 hierarchy, highest first.
    CORPS = 1, _("总队")
    DIVISION = 2, _("分队")
    BRIGADE = 3, _("大队")
    SQUAD = 4, _("小队")


class VolunteerTeam(index.Indexed, Orderable):
    """A team run from a station; its parent may be a team of this or another station."""

    station = ParentalKey(StationPage, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(_("队伍名称"), max_length=80)
    level = models.PositiveSmallIntegerField(
        _("层级"), choices=TeamLevel.choices, default=TeamLevel.SQUAD
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级队伍"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="subteams",
        help_text=_("可不填；上级队伍的层级必须高于本队（总队 > 分队 > 大队 > 小队）。"),
    )
    description = models.CharField(_("简介"), max_length=200, blank=True)

    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("level")]),
        FieldPanel("parent"),
        FieldPanel("description"),
    ]
    # Lets the parent-team chooser search among thousands of teams.
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta(Orderable.Meta):
        verbose_name = _("志愿者队伍")
        verbose_name_plural = _("志愿者队伍")

    def __str__(self):
        return f"{self.name}（{self.get_level_display()}）"

    def clean(self):
        super().clean()
        parent = self.parent if self.parent_id else None
        if parent is None:
            return
        if self.pk and parent.pk == self.pk:
            raise ValidationError({"parent": _("队伍不能是自己的上级。")})
        if parent.level >= self.level:
            raise ValidationError(
                {
                    "parent": _(
                        "上级队伍“%(parent)s”是%(parent_level)s，不高于本队的%(level)s；"
                        "请选择层级更高的队伍。"
                    )
                    % {
                        "parent": parent.name,
                        "parent_level": parent.get_level_display(),
                        "level": TeamLevel(self.level).label,
                    }
                }
            )


class StandardCheck(Orderable):
    """One of the 七个有 for one station: whether it holds, the evidence, when it was checked."""

    station = ParentalKey(StationPage, on_delete=models.CASCADE, related_name="standard_checks")
    item = models.CharField(_("核查项"), max_length=16, choices=standard.StandardItem.choices)
    holds = models.BooleanField(_("已具备"), default=False)
    evidence_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("佐证图片"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    evidence_document = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("佐证文件"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    evidence_note = models.TextField(
        _("佐证说明"),
        blank=True,
        max_length=1000,
        help_text=_("如台账编号、制度名称、队伍人数；图片、文件和说明至少提供一项。"),
    )
    checked_on = models.DateField(_("核查日期"), null=True, blank=True)

    panels = [
        FieldRowPanel([FieldPanel("item"), FieldPanel("holds"), FieldPanel("checked_on")]),
        FieldRowPanel([FieldPanel("evidence_image"), FieldPanel("evidence_document")]),
        FieldPanel("evidence_note"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("“七个有”核查项")
        verbose_name_plural = _("“七个有”核查项")
        constraints = [
            models.UniqueConstraint(fields=["station", "item"], name="standard_check_unique_item")
        ]

    def __str__(self):
        return self.get_item_display()

    @property
    def has_evidence(self) -> bool:
        return bool(
            self.evidence_image_id or self.evidence_document_id or self.evidence_note.strip()
        )

    @property
    def expires_on(self) -> datetime.date | None:
        return standard.check_expires(self.checked_on) if self.checked_on else None

    @property
    def is_stale(self) -> bool:
        return self.expires_on is not None and self.expires_on < timezone.localdate()

    def clean(self):
        super().clean()
        valid_item = self.item in standard.StandardItem.values
        label = standard.StandardItem(self.item).label if valid_item else _("核查项")
        errors = {}
        if self.checked_on and self.checked_on > timezone.localdate():
            errors["checked_on"] = _("“%(item)s”的核查日期不能晚于今天。") % {"item": label}
        if self.holds:
            if not self.has_evidence:
                errors["evidence_note"] = _(
                    "“%(item)s”标为已具备，但没有佐证：请上传图片或文件，或填写佐证说明。"
                ) % {"item": label}
            if not self.checked_on:
                errors["checked_on"] = _("“%(item)s”标为已具备，请填写核查日期。") % {"item": label}
        if errors:
            raise ValidationError(errors)


class StationPhoto(Orderable):
    station = ParentalKey(StationPage, on_delete=models.CASCADE, related_name="photos")
    image = models.ForeignKey(
        "wagtailimages.Image", verbose_name=_("图片"), on_delete=models.CASCADE, related_name="+"
    )
    alt_text = models.CharField(
        _("替代文字"), max_length=200, help_text=_("为看不到图片的读者描述图片内容。")
    )
    caption = models.CharField(_("图片说明"), max_length=200, blank=True)

    panels = [FieldPanel("image"), FieldPanel("alt_text"), FieldPanel("caption")]

    class Meta(Orderable.Meta):
        verbose_name = _("站点照片")
        verbose_name_plural = _("站点照片")
