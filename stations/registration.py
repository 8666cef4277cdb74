"""Registering as a volunteer at a station: which form, and the rules a submission must pass.

The page (RegistrationFormPage) calls these functions from its form-builder hooks; the form
itself lives in stations/registration_form.py, the spam checks in stations/antispam.py.
"""

import logging
import re

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.admin.mail import send_mail

from stations.antispam import RateLimit, count_submission, rate_limit_message
from stations.models import (
    RegistrationFormField,
    RegistrationFormPage,
    StationIndexPage,
    StationPage,
    VolunteerRegistration,
)
from stations.models.registration import MOBILE, NAME, TEAM
from stations.registration_form import (
    SENSITIVE_CONSENT,
    STATION_FIELD,
    RegistrationForm,
)

logger = logging.getLogger(__name__)

RATE_LIMIT_GROUP = "registration"


def registration_form_for(*, station) -> RegistrationFormPage | None:
    """The form a station links to: its directory's chosen form, else the first live one."""
    index = StationIndexPage.objects.filter(pk=station.get_parent().pk).first()
    chosen = index.registration_page if index and index.registration_page_id else None
    if chosen is not None and chosen.live:
        return chosen
    return RegistrationFormPage.objects.live().public().order_by("path").first()


def directory_url() -> str | None:
    """Where residents choose a station: the live station directory, if there is one."""
    index = StationIndexPage.objects.live().public().order_by("path").first()
    return index.url if index is not None else None


def tel_uri(phone: str) -> str:
    """tel:02012345678 from '020-1234 5678转801': the digits a phone can dial."""
    number = (phone or "").split("转")[0]
    return "tel:" + re.sub(r"[^0-9+]", "", number)


# --- storing ----------------------------------------------------------------------------------


class RegistrationRefused(Exception):
    """A valid form the database would not take; `message` tells the resident what to do."""

    def __init__(self, message, *, field=None):
        super().__init__(message)
        self.message = message
        self.field = field


def station_contact_line(station: StationPage) -> str:
    if station.phone:
        return _("请联系站点“%(station)s”（电话 %(phone)s）。") % {
            "station": station.title,
            "phone": station.phone,
        }
    return _("请联系站点“%(station)s”（%(address)s）。") % {
        "station": station.title,
        "address": station.address,
    }


def registration_create(*, page: RegistrationFormPage, form: RegistrationForm):
    """Store a valid registration, all or nothing; RegistrationRefused if it cannot be stored."""
    station = form.station
    mobile = form.typed_value(MOBILE) or ""
    team = form.typed_value(TEAM)
    try:
        with transaction.atomic():
            return VolunteerRegistration.objects.create(
                page=page,
                station=station,
                team=team,
                name=form.typed_value(NAME) or "",
                mobile=mobile,
                sensitive_consent=bool(form.cleaned_data.get(SENSITIVE_CONSENT)),
                form_data=form.answers(),
            )
    except IntegrityError as error:
        if mobile and VolunteerRegistration.objects.filter(station=station, mobile=mobile).exists():
            message = _(
                "手机号码 %(mobile)s 已经在站点“%(station)s”报名过了，无需重复报名。"
                "如需修改报名信息，%(contact)s"
            ) % {
                "mobile": mobile,
                "station": station.title,
                "contact": station_contact_line(station),
            }
            field = form.typed_names[MOBILE][0]
            raise RegistrationRefused(message, field=field) from error
        # The station or team went away between the check and the insert.
        logger.warning("Registration refused by the database: %s", error)
        raise RegistrationRefused(
            _("报名没有保存：所选站点或队伍刚刚发生了变化。请刷新页面后重新提交。")
        ) from error


# --- telling the station ----------------------------------------------------------------------


def registration_admin_url(registration=None) -> str:
    """The registration in the admin (or the list), as an absolute link for emails."""
    base = getattr(settings, "WAGTAILADMIN_BASE_URL", "").rstrip("/")
    try:
        if registration is not None:
            path = reverse(
                "stations_volunteerregistration_modeladmin_inspect", args=(registration.pk,)
            )
        else:
            path = reverse("stations_volunteerregistration_modeladmin_index")
    except NoReverseMatch:
        path = reverse("wagtailadmin_home")
    return base + path


def notification_subject(page, station) -> str:
    return page.subject or _("新的志愿者注册：%(station)s") % {"station": station.title}


def notification_body(*, station, registration=None) -> str:
    """The email text: which station and where to look, never the resident's answers.

    Names, mobiles and health information stay in the admin, behind the station's permissions;
    an email can be forwarded to anyone.
    """
    when = timezone.localtime(registration.submit_time if registration else timezone.now())
    return "\n".join(
        [
            _("站点“%(station)s”收到一份新的志愿者注册（%(time)s）。")
            % {"station": station.title, "time": when.strftime("%Y-%m-%d %H:%M")},
            "",
            _("为保护个人信息，邮件中不包含报名内容。请登录管理后台查看：")
            + " "
            + registration_admin_url(registration),
        ]
    )


def notify_new_registration(*, page, registration) -> None:
    """Email page.to_address, if set; a mail failure never loses the stored registration."""
    if not page.to_address:
        return
    addresses = [address.strip() for address in page.to_address.split(",") if address.strip()]
    try:
        send_mail(
            notification_subject(page, registration.station),
            notification_body(station=registration.station, registration=registration),
            addresses,
            page.from_address or None,
        )
    except Exception:
        logger.exception("Could not send the new-registration email for %s", registration.pk)


# --- the page ---------------------------------------------------------------------------------


def form_context(*, page, request, form) -> dict:
    context = page.get_context(request)
    context.update(
        form=form,
        station=form.station,
        station_error=form.station_error,
        directory_url=directory_url(),
    )
    return context


def serve_registration(*, page: RegistrationFormPage, request):
    """GET shows the form for `?station=<id>`; POST checks everything, then stores or explains."""
    if request.method != "POST":
        form = page.get_form(
            page=page, user=request.user, initial={STATION_FIELD: request.GET.get(STATION_FIELD)}
        )
        return TemplateResponse(
            request, page.get_template(request), form_context(page=page, request=request, form=form)
        )

    limit = count_submission(request, group=RATE_LIMIT_GROUP)
    form = page.get_form(request.POST, request.FILES, page=page, user=request.user)
    status = 200
    if limit is not RateLimit.OK:
        form.is_valid()  # show the field messages too, so nothing is a surprise next time
        form.add_error(None, rate_limit_message(limit))
        status = 429
    elif form.is_valid():
        try:
            registration = page.process_form_submission(form)
        except RegistrationRefused as refusal:
            form.add_error(refusal.field, refusal.message)
        else:
            return page.render_landing_page(request, registration)
    return TemplateResponse(
        request,
        page.get_template(request),
        form_context(page=page, request=request, form=form),
        status=status,
    )


def landing_context(*, page, request, registration=None, station=None) -> dict:
    station = station or (registration.station if registration is not None else None)
    context = page.get_context(request)
    context.update(
        form_submission=registration,
        registration=registration,
        station=station,
        # Empty when the editor wrote none: the template then says what usually happens.
        next_steps=page.thank_you_text,
        station_phone_uri=tel_uri(station.phone) if station and station.phone else "",
        directory_url=directory_url(),
    )
    return context


def preview_station() -> StationPage | None:
    """A station to show the form with in the admin preview, where there is no ?station=."""
    return StationPage.objects.live().public().order_by("path").first()


# --- creating the form ------------------------------------------------------------------------


def default_registration_fields() -> list[dict]:
    """The fields the source documents list for a volunteer's record (穗民案〔2020〕102号)."""
    return [
        dict(label="姓名", field_type=NAME, required=True, help_text="请填写真实姓名。"),
        dict(
            label="手机号码",
            field_type=MOBILE,
            required=True,
            help_text="11 位中国大陆手机号，站点会用它联系您。",
        ),
        dict(
            label="年龄",
            field_type="number",
            required=True,
            help_text="周岁。未满 18 周岁请在监护人同意后报名。",
        ),
        dict(
            label="政治面貌",
            field_type="dropdown",
            required=True,
            choices="中共党员\n中共预备党员\n共青团员\n民主党派\n群众",
        ),
        dict(
            label="联系地址",
            field_type="singleline",
            required=False,
            help_text="写到小区或社区即可，方便安排就近服务。",
        ),
        dict(
            label="可服务时间",
            field_type="checkboxes",
            required=True,
            choices="工作日白天\n工作日晚上\n周末",
            help_text="可多选。",
        ),
        dict(
            label="健康状况",
            field_type="dropdown",
            required=False,
            sensitive=True,
            choices="身体健康\n有慢性病，可参加轻体力服务\n不便参加体力类服务",
            help_text="用于安排适合您的服务岗位。",
        ),
        dict(
            label="兴趣爱好",
            field_type="singleline",
            required=False,
            help_text="如 阅读、书法、摄影、运动。",
        ),
        dict(
            label="专业技能",
            field_type="multiline",
            required=False,
            help_text="如 医护、法律、心理咨询、驾驶、外语、电脑维修。",
        ),
        dict(
            label="加入的队伍",
            field_type=TEAM,
            required=False,
            help_text="可不选，站点会根据您的情况安排。",
        ),
    ]


DEFAULT_PRIVACY_NOTICE = (
    "<p>您在本表单填写的信息，由您选择的站点用于联系您、安排志愿服务和记录服务时数。</p>"
    "<ul><li>能看到这些信息的只有所选站点的管理员和本门户的管理人员。</li>"
    "<li>健康状况属于敏感个人信息，只有在您单独同意后才会收集，不填写也可以报名。</li>"
    "<li>您退出志愿服务或撤回同意后，站点会删除您的信息；如需查询、更正或删除，请联系站点。</li>"
    "</ul>"
)


def create_registration_form(*, parent, title, slug, **fields) -> RegistrationFormPage:
    """Create and publish a registration form under `parent` with the default fields.

    `fields` sets page fields (intro, privacy_notice, thank_you_text, to_address, is_demo …);
    whether such a form already exists is the caller's question.
    """
    fields.setdefault("privacy_notice", DEFAULT_PRIVACY_NOTICE)
    page = RegistrationFormPage(title=title, slug=slug, **fields)
    for order, definition in enumerate(default_registration_fields()):
        page.form_fields.add(RegistrationFormField(sort_order=order, **definition))
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page
