"""Volunteer registration (志愿者注册) on Wagtail's form builder, stored against a station."""

from django.core.exceptions import ValidationError
from django.db import models
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.forms.models import (
    FORM_FIELD_CHOICES,
    AbstractEmailForm,
    AbstractFormField,
    AbstractFormSubmission,
)
from wagtail.fields import RichTextField
from wagtail.search import index

from home.base.mixins import DemoContentMixin
from search.fields import analysed
from search.markers import SiteSearchable

# Field types the registration form adds to the form builder's own: they carry meaning the
# portal relies on (who registered, their mobile, the team they join), so they are stored in
# columns as well as in the submitted data.
NAME, MOBILE, TEAM = "name", "mobile", "team"
REGISTRATION_FIELD_CHOICES = (
    (NAME, _("姓名")),
    (MOBILE, _("手机号码（中国大陆）")),
    (TEAM, _("加入的队伍（所选站点的队伍）")),
) + FORM_FIELD_CHOICES


class RegistrationFormField(AbstractFormField):
    page = ParentalKey(
        "stations.RegistrationFormPage", on_delete=models.CASCADE, related_name="form_fields"
    )
    field_type = models.CharField(
        verbose_name=_("字段类型"), max_length=16, choices=REGISTRATION_FIELD_CHOICES
    )
    field_type.required_on_save = True
    sensitive = models.BooleanField(
        _("敏感个人信息"),
        default=False,
        help_text=_(
            "健康状况等敏感个人信息（《个人信息保护法》第二十八条）：居民单独勾选同意后才收集。"
        ),
    )

    panels = AbstractFormField.panels + [FieldPanel("sensitive")]

    def clean(self):
        super().clean()
        from stations.volunteers.forms import FIXED_FIELDS

        errors = {}
        if self.sensitive and self.required:
            # PIPL art. 16: declining consent to unneeded processing must not block the service.
            errors["required"] = _(
                "“%(label)s”是敏感个人信息，不能设为必填：居民不同意提供时也必须能够报名。"
            ) % {"label": self.label}
        if (self.clean_name or self.get_field_clean_name()) in FIXED_FIELDS:
            errors["label"] = _("“%(label)s”与表单自带的字段重名，请换一个标签。") % {
                "label": self.label
            }
        if errors:
            raise ValidationError(errors)


class RegistrationFormPage(SiteSearchable, DemoContentMixin, AbstractEmailForm):
    """The form residents fill in to register as a volunteer at a station."""

    template = "stations/volunteers/registration_form_page.html"
    landing_page_template = "stations/volunteers/registration_form_page_landing.html"

    intro = RichTextField(_("导语"), blank=True, features=["bold", "italic", "link", "ol", "ul"])
    privacy_notice = RichTextField(
        _("个人信息处理说明"),
        features=["bold", "italic", "link", "ol", "ul"],
        help_text=_("收集哪些信息、用来做什么、谁能看到、保存多久、如何撤回同意。"),
    )
    sensitive_consent_label = models.CharField(
        _("敏感个人信息单独同意"),
        max_length=300,
        default=_(
            "我单独同意所选站点处理我填写的健康状况等敏感个人信息，仅用于安排适合我的志愿服务。"
        ),
        help_text=_("表单含有敏感字段时，居民须单独勾选这一项，才会收集这些字段。"),
    )
    thank_you_text = RichTextField(
        _("提交后的说明"),
        blank=True,
        features=["bold", "italic", "link", "ol", "ul"],
        help_text=_("告诉居民接下来会怎样：谁会联系他、多久、要准备什么。"),
    )

    content_panels = AbstractEmailForm.content_panels + [
        FieldPanel("intro"),
        InlinePanel("form_fields", label=_("表单字段"), heading=_("表单字段")),
        FieldPanel("privacy_notice"),
        FieldPanel("sensitive_consent_label"),
        FieldPanel("thank_you_text"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("from_address"), FieldPanel("to_address")]),
                FieldPanel("subject"),
            ],
            heading=_("新注册通知邮件（可不填）"),
        ),
    ]
    promote_panels = AbstractEmailForm.promote_panels + DemoContentMixin.demo_panels
    search_fields = analysed(AbstractEmailForm.search_fields + [index.SearchField("intro")])

    parent_page_types = ["home.HomePage"]
    subpage_types = []

    class Meta:
        verbose_name = _("志愿者注册表单")
        verbose_name_plural = _("志愿者注册表单")

    # The form builder's hooks, pointed at stations/registration.py, where the rules live.

    def get_form_class(self):
        from stations.volunteers.forms import RegistrationFormBuilder

        return RegistrationFormBuilder(self.get_form_fields()).get_form_class()

    def get_submission_class(self):
        return VolunteerRegistration

    def get_submissions_list_view_class(self):
        # Wagtail's own list would show every station's registrations to any page editor.
        from stations.volunteers.admin import RegistrationSubmissionsRedirectView

        return RegistrationSubmissionsRedirectView

    def serve(self, request, *args, **kwargs):
        from stations.volunteers.registration import serve_registration

        return serve_registration(page=self, request=request)

    def process_form_submission(self, form):
        from stations.confirmations import registration_received
        from stations.volunteers.notifications import notify_new_registration
        from stations.volunteers.registration import registration_create

        registration = registration_create(page=self, form=form)
        notify_new_registration(page=self, registration=registration)
        registration_received(registration)
        return registration

    def render_email(self, form):
        from stations.volunteers.notifications import notification_body

        return notification_body(station=form.station)

    def render_landing_page(self, request, form_submission=None, *args, **kwargs):
        from stations.volunteers.registration import landing_context, preview_station

        station = None if form_submission is not None else preview_station()
        context = landing_context(
            page=self, request=request, registration=form_submission, station=station
        )
        return TemplateResponse(request, self.get_landing_page_template(request), context)

    def get_preview_context(self, request, mode_name):
        from stations.volunteers.forms import STATION_FIELD
        from stations.volunteers.registration import form_context, preview_station

        station = preview_station()
        initial = {STATION_FIELD: str(station.pk) if station else ""}
        form = self.get_form(page=self, user=request.user, initial=initial)
        return form_context(page=self, request=request, form=form)


class VolunteerRegistration(AbstractFormSubmission):
    """One resident's registration at one station; only that station's managers may see it."""

    station = models.ForeignKey(
        "stations.StationPage",
        verbose_name=_("站点"),
        on_delete=models.CASCADE,
        related_name="registrations",
    )
    team = models.ForeignKey(
        "stations.VolunteerTeam",
        verbose_name=_("加入的队伍"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="registrations",
    )
    name = models.CharField(_("姓名"), max_length=60, blank=True)
    mobile = models.CharField(_("手机号码"), max_length=11, blank=True, db_index=True)
    sensitive_consent = models.BooleanField(_("已单独同意处理敏感信息"), default=False)
    # Set when the volunteer withdrew that consent (rights.py): the sensitive answers are gone
    # and the station is told so, rather than seeing them merely missing.
    sensitive_withdrawn_at = models.DateTimeField(
        _("撤回敏感信息同意的时间"), null=True, blank=True
    )
    # The volunteer who verified this mobile number (stations/volunteers/accounts.py).
    volunteer = models.ForeignKey(
        "stations.Volunteer",
        verbose_name=_("志愿者"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="registrations",
    )

    class Meta:
        verbose_name = _("志愿者注册")
        verbose_name_plural = _("志愿者注册")
        ordering = ["-submit_time"]
        constraints = [
            # One registration per mobile per station, enforced by the database under races.
            models.UniqueConstraint(
                fields=["station", "mobile"],
                condition=~models.Q(mobile=""),
                name="registration_one_per_mobile_per_station",
            )
        ]
        permissions = [("view_all_registrations", _("可查看所有站点的志愿者注册"))]

    def __str__(self):
        return f"{self.name or _('志愿者')} · {self.station.title}"
