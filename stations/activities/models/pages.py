"""Volunteer service activities (志愿服务活动, training included): the pages and categories."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
)
from wagtail.contrib.routable_page.models import RoutablePageMixin, re_path
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.permissions import register_permission_policy
from wagtail.search import index

from home.base.mixins import DemoContentMixin, IndexPageMixin
from home.base.snippets import NamedInOrder
from search.fields import analysed
from search.markers import SiteSearchable
from stations.activities.page_form import ActivityPageForm
from stations.validators import validate_latitude, validate_longitude, validate_phone


class ActivityCategory(NamedInOrder):
    """社区治理、养老服务、培训 …: kept by editors, not hard-coded."""

    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta(NamedInOrder.Meta):
        verbose_name = _("活动类别")
        verbose_name_plural = _("活动类别")


class ActivityIndexPage(SiteSearchable, RoutablePageMixin, IndexPageMixin, Page):
    """/activities/: upcoming activities first, filters, and each sign-up's own page."""

    template = "stations/activities/activity_index_page.html"

    content_panels = Page.content_panels + IndexPageMixin.header_panels
    search_fields = analysed(IndexPageMixin.header_search_fields)

    parent_page_types = ["home.HomePage"]
    subpage_types = ["stations.ActivityPage"]
    max_count = 1

    class Meta:
        verbose_name = _("活动列表")
        verbose_name_plural = _("活动列表")

    def permissions_for_user(self, user):
        # Station managers may add their station's activities here (activities/access.py).
        from stations.activities.access import ActivityIndexPermissionTester

        return ActivityIndexPermissionTester(user, self)

    @re_path(r"^$")
    def listing(self, request):
        from stations.activities.calendars import calendar_url
        from stations.activities.listing import activity_listing

        return self.render(
            request,
            context_overrides={
                "listing": activity_listing(params=request.GET),
                "calendar_url": calendar_url(self),
            },
        )

    # The secret link a resident gets after signing up: their status, and a button to cancel.
    @re_path(r"^signups/(?P<token>[-\w]{16,64})/$", name="signup")
    def signup_status(self, request, token):
        from stations.activities.views import serve_signup_status

        return serve_signup_status(index_page=self, request=request, token=token)


class ActivityPage(SiteSearchable, DemoContentMixin, Page):
    """One activity a station organises, with its place, capacity and sign-up window."""

    template = "stations/activities/activity_page.html"

    station = models.ForeignKey(
        "stations.StationPage",
        verbose_name=_("主办站点"),
        on_delete=models.PROTECT,
        related_name="activities",
    )
    team = models.ForeignKey(
        "stations.VolunteerTeam",
        verbose_name=_("承办队伍"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activities",
        help_text=_("可不填；填写时必须是主办站点的队伍。"),
    )
    category = models.ForeignKey(
        ActivityCategory,
        verbose_name=_("活动类别"),
        on_delete=models.PROTECT,
        related_name="activities",
    )
    starts_at = models.DateTimeField(_("开始时间"), db_index=True)
    ends_at = models.DateTimeField(_("结束时间"), db_index=True)
    place_name = models.CharField(
        _("活动地点"),
        max_length=100,
        blank=True,
        help_text=_("不填则在主办站点举行。"),
    )
    address = models.CharField(
        _("地址"), max_length=200, blank=True, help_text=_("不填则用主办站点的地址。")
    )
    latitude = models.FloatField(
        _("纬度"),
        null=True,
        blank=True,
        validators=[validate_latitude],
        help_text=_("WGS-84（GPS）坐标；不在站点举行时填写，经纬度须同时填写。"),
    )
    longitude = models.FloatField(_("经度"), null=True, blank=True, validators=[validate_longitude])
    capacity = models.PositiveIntegerField(
        _("名额"), help_text=_("可确认报名的人数；满员后按设置进入候补或停止报名。")
    )
    signup_opens_at = models.DateTimeField(
        _("报名开始时间"), null=True, blank=True, help_text=_("不填则发布后即可报名。")
    )
    signup_closes_at = models.DateTimeField(
        _("报名截止时间"), null=True, blank=True, help_text=_("不填则截止到活动开始。")
    )
    waitlist_enabled = models.BooleanField(
        _("满员后接受候补"),
        default=True,
        help_text=_("有人取消时，候补名单上最先报名的人自动补上。"),
    )
    summary = models.CharField(
        _("简介"), max_length=200, blank=True, help_text=_("一句话介绍，显示在列表中。")
    )
    description = RichTextField(
        _("活动内容"), blank=True, features=["h3", "bold", "italic", "ol", "ul", "link"]
    )
    contact_name = models.CharField(
        _("联系人"), max_length=40, blank=True, help_text=_("不填则显示主办站点的电话。")
    )
    contact_phone = models.CharField(
        _("联系电话"), max_length=40, blank=True, validators=[validate_phone]
    )

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [
                FieldPanel("station"),
                FieldPanel("team"),
                FieldPanel("category"),
                FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")]),
            ],
            heading=_("主办与时间"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("place_name"),
                FieldPanel("address"),
                FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]),
            ],
            heading=_("地点"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("capacity"),
                FieldRowPanel([FieldPanel("signup_opens_at"), FieldPanel("signup_closes_at")]),
                FieldPanel("waitlist_enabled"),
            ],
            heading=_("报名"),
        ),
        FieldPanel("summary"),
        FieldPanel("description"),
        FieldRowPanel([FieldPanel("contact_name"), FieldPanel("contact_phone")]),
        InlinePanel("images", heading=_("活动图片"), label=_("图片")),
    ]
    promote_panels = Page.promote_panels + DemoContentMixin.demo_panels
    # Offers a station manager only their own stations (and those stations' teams).
    base_form_class = ActivityPageForm
    search_fields = analysed(
        Page.search_fields
        + [
            index.SearchField("summary", boost=2),
            index.SearchField("description"),
            index.SearchField("place_name"),
            index.SearchField("address"),
            # The station's name as body text: in a RelatedFields it would be indexed as this
            # page's title and rank every activity of a station like its own page.
            index.SearchField("station_name"),
            index.RelatedFields("category", [index.SearchField("name")]),
            index.FilterField("starts_at"),
            index.FilterField("station"),
            index.FilterField("category"),
        ]
    )

    parent_page_types = ["stations.ActivityIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("志愿服务活动")
        verbose_name_plural = _("志愿服务活动")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="activity_ends_after_start"
            ),
        ]

    def clean(self):
        super().clean()
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("结束时间必须晚于开始时间。")
        if (self.latitude is None) != (self.longitude is None):
            field = "longitude" if self.longitude is None else "latitude"
            errors[field] = _("经纬度须同时填写或同时留空。")
        if self.capacity is not None and self.capacity < 1:
            errors["capacity"] = _("名额至少为 1。")
        opens, closes = self.signup_opens_at, self.signup_closes_at
        if opens and closes and closes <= opens:
            errors["signup_closes_at"] = _("报名截止时间必须晚于报名开始时间。")
        if closes and self.ends_at and closes > self.ends_at:
            errors["signup_closes_at"] = _("报名截止时间不能晚于活动结束时间。")
        if self.team_id and self.station_id and self.team.station_id != self.station_id:
            errors["team"] = _("队伍“%(team)s”不属于站点“%(station)s”。") % {
                "team": self.team.name,
                "station": self.station.title,
            }
        if errors:
            raise ValidationError(errors)

    def permissions_for_user(self, user):
        # Station managers edit their own station's activities, no others (activities/access.py).
        from stations.activities.access import ActivityPermissionTester

        return ActivityPermissionTester(user, self)

    def save(self, *args, **kwargs):
        from stations.activities.models.signups import ActivityTally  # it refers to this model

        result = super().save(*args, **kwargs)
        ActivityTally.objects.get_or_create(activity_id=self.pk)
        return result

    @property
    def station_name(self) -> str:
        return self.station.title

    # Where and how to reach: the activity's own when given, else its station's.
    @property
    def venue(self) -> str:
        return self.place_name or self.station.title

    @property
    def venue_address(self) -> str:
        return self.address or self.station.address

    @property
    def point(self) -> tuple[float, float]:
        if self.latitude is not None and self.longitude is not None:
            return self.latitude, self.longitude
        return self.station.latitude, self.station.longitude

    @property
    def contact_line(self) -> str:
        phone = self.contact_phone or self.station.phone
        return " ".join(part for part in (self.contact_name, phone) if part)

    @property
    def closes_at(self):
        return self.signup_closes_at or self.starts_at

    @property
    def is_past(self) -> bool:
        return self.ends_at <= timezone.now()

    def structured_data(self, request):
        from stations.activities.seo import activity_data

        return activity_data(self, request)

    def sharing_image(self):
        images = getattr(self, "images_in_order", None)  # read by the page's context already
        if images is not None:
            first = images[0] if images else None
        else:
            first = self.images.select_related("image").order_by("sort_order").first()
        return (first.image, first.caption or self.title) if first else None

    def get_context(self, request, *args, **kwargs):
        from home.base.page_links import attach_parent
        from stations.activities.activity_page import read_page_parts
        from stations.activities.views import activity_context

        context = super().get_context(request, *args, **kwargs)
        attach_parent(self)  # the breadcrumb's activity list
        read_page_parts(self, preview=getattr(request, "is_preview", False))
        context.update(activity_context(activity=self, request=request))
        return context

    def serve(self, request, *args, **kwargs):
        if request.method == "POST":
            from stations.activities.views import serve_signup_post

            return serve_signup_post(activity=self, request=request)
        from stations.autofill import keep_private

        return keep_private(request, super().serve(request, *args, **kwargs))


class ActivityImage(Orderable):
    activity = ParentalKey(ActivityPage, on_delete=models.CASCADE, related_name="images")
    image = models.ForeignKey(
        "wagtailimages.Image", verbose_name=_("图片"), on_delete=models.CASCADE, related_name="+"
    )
    caption = models.CharField(_("说明"), max_length=100, blank=True)

    panels = [FieldPanel("image"), FieldPanel("caption")]

    class Meta(Orderable.Meta):
        verbose_name = _("活动图片")
        verbose_name_plural = _("活动图片")


# The explorer, the admin search, the admin API and the reports list what this policy allows; it
# adds station managers' own activities to Wagtail's rules. Registered with the models, so it is
# in place before anything asks (activities/access.py).
from stations.activities.access import ActivityPagePermissionPolicy  # noqa: E402

register_permission_policy(Page, ActivityPagePermissionPolicy())
