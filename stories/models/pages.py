"""Commendation stories (嘉许故事) and their index at /stories/."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from home.base.mixins import DemoContentMixin, IndexPageMixin
from search.fields import analysed
from search.markers import SiteSearchable
from stories.blocks import StoryStreamBlock

FIRST_YEAR = 1949


class HonoreeKind(models.TextChoices):
    VOLUNTEER = "volunteer", _("志愿者")
    TEAM = "team", _("志愿服务队伍")
    STATION = "station", _("志愿服务站点")
    ORGANISATION = "organisation", _("志愿服务组织")
    PROJECT = "project", _("志愿服务项目")


def this_year() -> int:
    return timezone.localdate().year


class StoryIndexPage(SiteSearchable, RoutablePageMixin, IndexPageMixin, Page):
    """/stories/: newest first, filters, pagination, and the Atom feed at /stories/feed/."""

    content_panels = Page.content_panels + IndexPageMixin.header_panels
    search_fields = analysed(IndexPageMixin.header_search_fields)

    parent_page_types = ["home.HomePage"]
    subpage_types = ["stories.StoryPage"]
    max_count = 1

    class Meta:
        verbose_name = _("嘉许故事栏目")
        verbose_name_plural = _("嘉许故事栏目")

    def get_context(self, request, *args, **kwargs):
        from stories.listing import story_listing

        context = super().get_context(request, *args, **kwargs)
        context["listing"] = story_listing(params=request.GET)
        return context

    @path("feed/")
    def feed(self, request):
        from stories.feeds import StoryFeed

        return StoryFeed()(request, index=self)


class StoryPage(SiteSearchable, DemoContentMixin, Page):
    """One commendation story: who is commended, with which award, and their story."""

    summary = models.TextField(
        _("摘要"), max_length=300, help_text=_("一两句话，显示在列表、订阅和分享卡片上。")
    )
    story_date = models.DateField(
        _("发布日期"),
        default=timezone.localdate,
        help_text=_("显示在故事上的日期，列表按它从新到旧排列。"),
    )
    cover_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("封面图"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    cover_alt = models.CharField(
        _("封面图替代文字"),
        max_length=200,
        blank=True,
        help_text=_("为看不到图片的读者描述封面内容；有封面图时必填。"),
    )
    body = StreamField(StoryStreamBlock(), verbose_name=_("正文"))

    honoree_kind = models.CharField(_("嘉许对象类型"), max_length=16, choices=HonoreeKind.choices)
    honoree_name = models.CharField(
        _("嘉许对象"),
        max_length=100,
        blank=True,
        help_text=_("志愿者只写姓名，不写故事以外的个人信息；站点可留空，自动使用所选站点的名称。"),
    )
    station = models.ForeignKey(
        "stations.StationPage",
        verbose_name=_("相关站点"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="stories",
        help_text=_("嘉许对象是站点时必选；志愿者或队伍所在的站点也可选，故事会出现在站点页上。"),
    )
    award = models.ForeignKey(
        "stories.Award",
        verbose_name=_("奖项"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="stories",
    )
    year = models.PositiveSmallIntegerField(
        _("嘉许年度"), default=this_year, help_text=_("获得嘉许或故事发生的年份。")
    )
    occasion = models.ForeignKey(
        "stories.Occasion",
        verbose_name=_("嘉许时机"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="stories",
    )
    district = models.ForeignKey(
        "stations.Area",
        verbose_name=_("所在区"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        limit_choices_to={"level": "district"},
        help_text=_("本市的区；选了相关站点时可留空，自动使用站点所在区。"),
    )
    region = models.CharField(
        _("外地地区"),
        max_length=60,
        blank=True,
        help_text=_("不在本市时填写，如 天津市和平区。"),
    )

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldPanel("story_date"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("honoree_kind"), FieldPanel("honoree_name")]),
                FieldPanel("station"),
                FieldRowPanel([FieldPanel("award"), FieldPanel("year")]),
                FieldPanel("occasion"),
                FieldRowPanel([FieldPanel("district"), FieldPanel("region")]),
            ],
            heading=_("嘉许信息"),
        ),
        MultiFieldPanel([FieldPanel("cover_image"), FieldPanel("cover_alt")], heading=_("封面")),
        FieldPanel("body"),
    ]
    settings_panels = Page.settings_panels + DemoContentMixin.demo_panels
    search_fields = analysed(
        Page.search_fields
        + [
            index.SearchField("summary", boost=2),
            index.SearchField("honoree_name", boost=3),
            index.SearchField("region"),
            index.SearchField("body"),
            index.RelatedFields("award", [index.SearchField("name")]),
            index.RelatedFields("occasion", [index.SearchField("name")]),
            index.FilterField("year"),
            index.FilterField("honoree_kind"),
            index.FilterField("award"),
            index.FilterField("district"),
            index.FilterField("story_date"),
        ]
    )

    parent_page_types = ["stories.StoryIndexPage"]
    subpage_types = []
    # What the page shows of the rows it names, read with the page by the router
    # (home/base/routing.py); stories/listing.py reads them for previews.
    routing_select_related = ("award", "occasion", "district", "cover_image", "station")

    class Meta:
        verbose_name = _("嘉许故事")
        verbose_name_plural = _("嘉许故事")
        indexes = [models.Index(fields=["-story_date"], name="story_date_idx")]

    def clean(self):
        super().clean()
        errors = {}
        station = self.station if self.station_id else None
        if self.honoree_kind == HonoreeKind.STATION and station is None:
            errors["station"] = _("嘉许对象是站点时，请选择是哪个站点。")
        if not self.honoree_name.strip():
            if self.honoree_kind == HonoreeKind.STATION and station is not None:
                self.honoree_name = station.title
            elif "station" not in errors:
                errors["honoree_name"] = _("请填写受嘉许的志愿者、队伍、组织或项目的名称。")
        if not FIRST_YEAR <= (self.year or 0) <= this_year() + 1:
            errors["year"] = _("嘉许年度应在 %(first)s 年到 %(last)s 年之间。") % {
                "first": FIRST_YEAR,
                "last": this_year() + 1,
            }
        if self.cover_image_id and not self.cover_alt.strip():
            errors["cover_alt"] = _("请为封面图填写替代文字。")
        if self.district_id and self.district.level != "district":
            errors["district"] = _("请选择一个区，而不是街道或社区。")
        if self.district_id and self.region.strip():
            errors["region"] = _("本市的区和外地地区只填一个。")
        if errors:
            raise ValidationError(errors)
        if station is not None and not self.district_id and not self.region.strip():
            self.district_id = station.district_id

    @property
    def place_label(self) -> str:
        if self.district_id:
            return self.district.name
        return self.region

    @property
    def award_label(self) -> str:
        """“2023 年度 市长奖”: the award with its year, or the year alone."""
        if self.award_id:
            return _("%(year)s 年度%(award)s") % {"year": self.year, "award": self.award.name}
        return _("%(year)s 年度") % {"year": self.year}

    og_type = "article"

    def structured_data(self, request):
        from stories.seo import story_data

        return story_data(self, request)

    def sharing_image(self):
        return (self.cover_image, self.cover_alt) if self.cover_image_id else None

    def sharing_description(self):
        return self.search_description or self.summary

    def get_context(self, request, *args, **kwargs):
        from home.base.page_links import attach_parent
        from home.base.renditions import prefetch_renditions
        from stories.listing import covers, read_references, related_stories

        context = super().get_context(request, *args, **kwargs)
        attach_parent(self)  # the breadcrumb's index
        read_references(self)
        related = related_stories(story=self, limit=3)
        prefetch_renditions(covers([self, *related]))
        context["related_stories"] = related
        return context
