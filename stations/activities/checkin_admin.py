"""Check-in in the admin: an activity's QR code and printable A4 poster, the sign-ups list's
check-in column and filter, and marking attendance for many sign-ups at once.

Only the managers of the activity's station and those who see every station's registrations
(stations/access.py) reach these pages; anyone else gets the admin's permission denial.
"""

import segno
from django.contrib import messages
from django.contrib.admin import SimpleListFilter
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.widgets import Button

from home.base.inputs import parse_id
from stations.access import can_see_station_row, visible_station_ids
from stations.activities import checkin
from stations.models import ActivityPage, ActivitySignup, CheckIn, SignupStatus
from stations.signup import SignupRefused

QR_TEMPLATE = "stations/activities/checkin/admin_qr.html"
POSTER_TEMPLATE = "stations/activities/checkin/poster.html"
ATTENDANCE_TEMPLATE = "stations/activities/checkin/admin_attendance.html"
CHANGE_SIGNUP = "stations.change_activitysignup"
MAX_IDS = 2000  # more than any activity's places; a longer list is not a manager's form


def may_see_checkin(user, activity) -> bool:
    return can_see_station_row(user, activity.station_id)


def may_mark_attendance(user, activity) -> bool:
    return user.has_perm(CHANGE_SIGNUP) and may_see_checkin(user, activity)


def _activity_or_denied(request, pk) -> ActivityPage:
    activity = ActivityPage.objects.select_related("station").filter(pk=pk).first()
    if activity is None:
        raise Http404(_("找不到这个活动。"))
    if not may_see_checkin(request.user, activity):
        raise PermissionDenied
    return activity


def qr_svg(url: str, *, scale: int = 8) -> str:
    """The link as an inline SVG QR code; medium error correction survives a creased poster."""
    return segno.make(url, error="m").svg_inline(scale=scale, title=_("签到二维码"))


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _checkin_context(request, activity) -> dict:
    url = checkin.checkin_url(activity, request)
    opens, closes = checkin.window(activity)
    return {
        "activity": activity,
        "checkin_url": url,
        "opens": opens,
        "closes": closes,
        "is_live": activity.live,
    }


def _with_signups_url(activity) -> str:
    return reverse("stations_activitysignup_modeladmin_index") + f"?activity={activity.pk}"


# --- views --------------------------------------------------------------------------------------


def qr_view(request, pk):
    activity = _activity_or_denied(request, pk)
    context = _checkin_context(request, activity)
    counts = CheckIn.objects.filter(activity=activity).aggregate(
        checked_in=Count("pk"),
        checked_out=Count("pk", filter=Q(checked_out_at__isnull=False)),
        flagged=Count("pk", filter=Q(flagged=True)),
        walk_ins=Count("pk", filter=Q(walk_in=True)),
    )
    context.update(
        qr=qr_svg(context["checkin_url"], scale=6),
        counts=counts,
        poster_url=reverse("activity_checkin_poster", args=[activity.pk]),
        attendance_url=reverse("activity_checkin_attendance", args=[activity.pk]),
        signups_url=_with_signups_url(activity),
        may_mark=may_mark_attendance(request.user, activity),
    )
    return TemplateResponse(request, QR_TEMPLATE, context)


def poster_view(request, pk):
    activity = _activity_or_denied(request, pk)
    context = _checkin_context(request, activity)
    context["qr"] = qr_svg(context["checkin_url"], scale=10)
    return TemplateResponse(request, POSTER_TEMPLATE, context)


def _posted_ids(request) -> set[int]:
    raw = request.POST.getlist("ids")[:MAX_IDS]
    return {pk for pk in (parse_id(value) for value in raw) if pk is not None}


def attendance_view(request, pk):
    """GET lists the activity's confirmed sign-ups with their check-ins; POST marks the selected
    ones (or all, 全部标记为出席) attended or absent."""
    activity = _activity_or_denied(request, pk)
    if not may_mark_attendance(request.user, activity):
        raise PermissionDenied
    confirmed = ActivitySignup.objects.filter(activity=activity, status=SignupStatus.CONFIRMED)
    if request.method == "POST":
        return _mark_many(request, activity, confirmed)
    rows = with_check_in(confirmed.select_related("volunteer")).order_by("pk")
    context = {
        "activity": activity,
        "rows": rows,
        "qr_url": reverse("activity_checkin_qr", args=[activity.pk]),
        "signups_url": _with_signups_url(activity),
    }
    return TemplateResponse(request, ATTENDANCE_TEMPLATE, context)


BULK_CHOICES = {"yes": True, "no": False}


def _mark_many(request, activity, confirmed):
    back = HttpResponseRedirect(request.path, status=303)
    attended = BULK_CHOICES.get(request.POST.get("attended", ""))
    if attended is None:
        messages.error(request, _("出席情况的取值无效，未作更改。"))
        return back
    chosen = (
        confirmed
        if request.POST.get("all") == "1"
        else confirmed.filter(pk__in=_posted_ids(request))
    )
    signups = list(chosen.order_by("pk"))
    if not signups:
        messages.error(request, _("请先勾选要标记的报名。"))
        return back
    marked = 0
    with transaction.atomic():
        for signup in signups:
            try:
                checkin.record_attendance(signup=signup, attended=attended, by=request.user)
            except SignupRefused:
                continue  # cancelled meanwhile: not a confirmed place any more
            marked += 1
    label = _("出席") if attended else _("缺席")
    messages.success(
        request, _("已将 %(n)s 人的出席情况记为：%(label)s。") % {"n": marked, "label": label}
    )
    return back


def admin_urls():
    return [
        path("activities/<int:pk>/checkin/", qr_view, name="activity_checkin_qr"),
        path("activities/<int:pk>/checkin/poster/", poster_view, name="activity_checkin_poster"),
        path(
            "activities/<int:pk>/attendance/", attendance_view, name="activity_checkin_attendance"
        ),
    ]


# --- the sign-ups list --------------------------------------------------------------------------


def with_check_in(signups):
    """Sign-ups annotated with their check-in's times and flag, in the same query."""
    theirs = CheckIn.objects.filter(signup=OuterRef("pk")).order_by("pk")
    return signups.annotate(
        checkin_in_at=Subquery(theirs.values("checked_in_at")[:1]),
        checkin_out_at=Subquery(theirs.values("checked_out_at")[:1]),
        checkin_flagged=Subquery(theirs.values("flagged")[:1]),
    )


def check_in_label(signup) -> str:
    """签到 09:02 · 签退 11:58 · 距离过远, from with_check_in's annotations."""
    checked_in = getattr(signup, "checkin_in_at", None)
    if checked_in is None:
        return ""
    parts = [_("签到 %(t)s") % {"t": _local(checked_in)}]
    checked_out = getattr(signup, "checkin_out_at", None)
    if checked_out is not None:
        parts.append(_("签退 %(t)s") % {"t": timezone.localtime(checked_out).strftime("%H:%M")})
    if getattr(signup, "checkin_flagged", False):
        parts.append(_("距离过远"))
    return " · ".join(parts)


class CheckInFilter(SimpleListFilter):
    title = gettext_lazy("签到")
    parameter_name = "checkin"

    def lookups(self, request, model_admin):
        return [
            ("in", _("已签到")),
            ("none", _("未签到")),
            ("flagged", _("距离过远")),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        theirs = CheckIn.objects.filter(signup=OuterRef("pk"))
        if value == "in":
            return queryset.filter(Exists(theirs))
        if value == "none":
            return queryset.filter(~Exists(theirs))
        if value == "flagged":
            return queryset.filter(Exists(theirs.filter(flagged=True)))
        return queryset.none()


class CheckInLinksMixin:
    """For the sign-ups IndexView: while the list is filtered to one activity the user may see,
    its check-in QR code and attendance pages are a click away."""

    def checkin_links(self):
        pk = parse_id(self.params.get("activity"))
        activity = ActivityPage.objects.filter(pk=pk).first() if pk else None
        if activity is None or not may_see_checkin(self.request.user, activity):
            return []
        links = [(reverse("activity_checkin_qr", args=[pk]), _("签到二维码与海报"))]
        if may_mark_attendance(self.request.user, activity):
            links.append((reverse("activity_checkin_attendance", args=[pk]), _("批量记录出席")))
        return links


# --- the page explorer --------------------------------------------------------------------------


def _activity_ids_for(user) -> set[int] | None:
    """The activities whose check-in the user may open (None: all), one query per request."""
    cached = getattr(user, "_checkin_activity_ids", False)
    if cached is False:
        stations = visible_station_ids(user)
        cached = (
            None
            if stations is None
            else set(
                ActivityPage.objects.filter(station_id__in=stations).values_list("pk", flat=True)
            )
        )
        user._checkin_activity_ids = cached
    return cached


def page_button(page, user, *, priority: int):
    """The 签到二维码 button for an activity page, or None."""
    if not issubclass(page.specific_class or object, ActivityPage):
        return None
    ids = _activity_ids_for(user)
    if ids is not None and page.pk not in ids:
        return None
    return Button(
        _("签到二维码"),
        reverse("activity_checkin_qr", args=[page.pk]),
        icon_name="calendar-check",
        priority=priority,
    )


def inspect_link(signup) -> str:
    """The inspect view's 签到 row: the sign-up's check-in, and the way to the QR code."""
    found = with_check_in(ActivitySignup.objects.filter(pk=signup.pk)).first()
    return format_html(
        '{} <a href="{}">{}</a>',
        (check_in_label(found) if found else "") or _("未签到"),
        reverse("activity_checkin_qr", args=[signup.activity_id]),
        _("签到二维码与海报"),
    )
