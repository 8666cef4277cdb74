"""Telling a station about a new registration: an email that says where to look in the admin
and never carries the resident's answers."""

import logging

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.admin.mail import send_mail

logger = logging.getLogger(__name__)


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
