"""The activity sign-ups admin (wagtail-modeladmin): each manager sees only their stations' rows.

Every view starts from signups_visible_to(request.user): the list, its filters and search, the
CSV/XLSX export, inspect and the attendance action. Residents sign up and cancel themselves and
signup.py keeps the counts, so nothing here creates, edits or deletes a sign-up; the one change a
manager makes is recording attendance, through signup.mark_attendance.
"""

import datetime

from django.contrib import messages
from django.contrib.admin import SimpleListFilter, display
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.http import HttpResponseNotAllowed
from django.middleware.csrf import get_token
from django.shortcuts import redirect
from django.urls import re_path
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail_modeladmin.helpers import PermissionHelper
from wagtail_modeladmin.options import ModelAdmin
from wagtail_modeladmin.views import IndexView, InspectView

from stations.access import (
    can_see_station_row,
    managed_stations,
    sees_all_registrations,
    station_rows_visible_to,
)
from stations.activities.checkin import record_attendance
from stations.activities.checkin_admin import (
    CheckInFilter,
    CheckInLinksMixin,
    check_in_label,
    inspect_link,
    with_check_in,
)
from stations.admin_base import (
    MAX_FILTER_CHOICES,
    NUMBER,
    DeclaredFiltersOnlyMixin,
    IdListFilter,
    ListOnlyPermissionMixin,
    NumberSearchHandler,
    VerifiedFilter,
    VisibleObjectsOnlyMixin,
    number_label,
    number_of,
)
from stations.models import ActivityPage, ActivitySignup, SignupStatus
from stations.signup import (
    SignupRefused,
    waitlist_position,
    with_waitlist_position,
)
from stations.spreadsheets import ExcelCsvMixin, defuse


def signups_visible_to(user):
    """Activity sign-ups, by the registrations' rule (stations/access.py): all of them for
    superusers and holders of view_all_registrations; otherwise those to the activities of the
    stations the user manages; none for anyone else."""
    return station_rows_visible_to(user, ActivitySignup.objects.all(), station="activity__station")


def can_see_signup(user, signup) -> bool:
    return can_see_station_row(user, signup.activity.station_id)


# The attendance action's values: what is posted, what is stored, what the manager reads.
ATTENDANCE = {
    "yes": (True, gettext_lazy("出席")),
    "no": (False, gettext_lazy("缺席")),
    "unknown": (None, gettext_lazy("未记录")),
}


def attendance_label(signup) -> str:
    # Attendance means something only for a confirmed place.
    if signup.status != SignupStatus.CONFIRMED:
        return ""
    return str(next(label for value, label in ATTENDANCE.values() if value is signup.attended))


def local_time(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def unbroken_time(value) -> str:
    """local_time for the list: in a narrow column it may wrap between the date and the hour,
    never inside either (browsers break "2026-12-26" after a hyphen)."""
    if not value:
        return ""
    day, hour = local_time(value).split(" ")
    return format_html(
        '<span class="signups-unbroken">{}</span> <span class="signups-unbroken">{}</span>',
        day,
        hour,
    )


# --- filters ------------------------------------------------------------------------------------


def _activities_in_scope(user):
    if sees_all_registrations(user):
        return ActivityPage.objects.filter(pk__in=ActivitySignup.objects.values("activity_id"))
    return ActivityPage.objects.filter(station__in=managed_stations(user))


class ActivityFilter(IdListFilter):
    title = gettext_lazy("活动")
    parameter_name = "activity"
    field_name = "activity_id"

    def lookups(self, request, model_admin):
        # The latest activities; older ones are found by searching for their title.
        activities = _activities_in_scope(request.user).order_by("-starts_at", "-pk")
        rows = activities.values_list("pk", "title", "starts_at")[:MAX_FILTER_CHOICES]
        return [(pk, f"{title}（{timezone.localdate(day):%Y-%m-%d}）") for pk, title, day in rows]


class AttendanceFilter(SimpleListFilter):
    title = gettext_lazy("出席")
    parameter_name = "attended"

    def lookups(self, request, model_admin):
        return [(key, label) for key, (_value, label) in ATTENDANCE.items()]

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        if value not in ATTENDANCE:
            return queryset.none()
        return queryset.filter(status=SignupStatus.CONFIRMED, attended=ATTENDANCE[value][0])


class ActivityDateFilter(SimpleListFilter):
    """Django's date filter looks only backwards; activities are mostly ahead."""

    title = gettext_lazy("活动日期")
    parameter_name = "when"

    def lookups(self, request, model_admin):
        return [
            ("today", _("今天")),
            ("next7", _("未来 7 天")),
            ("upcoming", _("尚未开始")),
            ("past7", _("过去 7 天")),
            ("past", _("已经开始")),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        now = timezone.now()
        today = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
        day = datetime.timedelta(days=1)
        ranges = {
            "today": (today, today + day),
            "next7": (now, today + 8 * day),
            "upcoming": (now, None),
            "past7": (today - 7 * day, now),
            "past": (None, now),
        }
        if value not in ranges:
            return queryset.none()
        start, end = ranges[value]
        if start is not None:
            queryset = queryset.filter(activity__starts_at__gte=start)
        if end is not None:
            queryset = queryset.filter(activity__starts_at__lt=end)
        return queryset


# --- permissions --------------------------------------------------------------------------------


class SignupPermissionHelper(ListOnlyPermissionMixin, PermissionHelper):
    def user_can_list(self, user):
        # view_all_registrations belongs to the registrations model; it covers sign-ups too.
        return sees_all_registrations(user) or super().user_can_list(user)

    def user_can_inspect_obj(self, user, obj):
        return self.inspect_view_enabled and self.user_can_list(user) and can_see_signup(user, obj)

    def user_can_mark_attendance(self, user, obj):
        change = self.get_perm_codename("change")
        return self.user_has_specific_permission(user, change) and can_see_signup(user, obj)


# --- views --------------------------------------------------------------------------------------

EXPORT_COLUMNS = (
    ("station", gettext_lazy("主办站点")),
    ("activity", gettext_lazy("活动")),
    ("activity_starts", gettext_lazy("活动开始时间")),
    ("name", gettext_lazy("姓名")),
    ("mobile", gettext_lazy("手机号码")),
    ("status", gettext_lazy("状态")),
    ("queue", gettext_lazy("候补顺序")),
    ("created_at", gettext_lazy("报名时间")),
    ("attended", gettext_lazy("出席")),
    ("volunteer_number", gettext_lazy("志愿者编号")),
)


class SignupIndexView(CheckInLinksMixin, DeclaredFiltersOnlyMixin, ExcelCsvMixin, IndexView):
    export_headings = dict(EXPORT_COLUMNS)

    def to_row_dict(self, item):
        row = {
            "station": item.activity.station.title,
            "activity": item.activity.title,
            "activity_starts": local_time(item.activity.starts_at),
            "name": item.name,
            "mobile": item.mobile,
            "status": str(item.get_status_display()),
            "queue": str(item.queue_position or ""),
            "created_at": local_time(item.created_at),
            "attended": attendance_label(item),
            "volunteer_number": number_label(getattr(item, NUMBER)),
        }
        return {key: defuse(value) for key, value in row.items()}


class SignupInspectView(InspectView):
    def get_fields_dict(self):
        signup = self.instance
        activity = signup.activity
        position = waitlist_position(signup)
        fields = [
            (_("姓名"), signup.name),
            (_("手机号码"), signup.mobile),
            (_("志愿者编号"), self.volunteer_number()),
            (_("活动"), activity.title),
            (_("主办站点"), activity.station.title),
            (
                _("活动时间"),
                f"{local_time(activity.starts_at)} – {local_time(activity.ends_at)}",
            ),
            (_("状态"), signup.get_status_display()),
            (_("候补顺序"), _("第 %(n)s 位") % {"n": position} if position else ""),
            (_("报名时间"), local_time(signup.created_at)),
            (_("候补转正时间"), local_time(signup.promoted_at)),
            (_("取消时间"), local_time(signup.cancelled_at)),
            (_("出席"), self.attendance_field()),
            (_("签到"), inspect_link(signup)),
        ]
        empty = self.model_admin.get_empty_value_display()
        return [{"label": label, "value": value or empty} for label, value in fields]

    def volunteer_number(self):
        return number_of(self.instance)

    def attendance_field(self):
        signup = self.instance
        label = attendance_label(signup)
        if signup.status != SignupStatus.CONFIRMED or not (
            self.permission_helper.user_can_mark_attendance(self.request.user, signup)
        ):
            return label
        # A plain POST form: works without JavaScript and is covered by Django's CSRF check.
        choices = []
        for key, (value, text) in ATTENDANCE.items():
            current = value is signup.attended
            style = "" if current else " button-secondary"
            choices.append((key, style, "true" if current else "false", text))
        buttons = format_html_join(
            " ",
            '<button type="submit" name="attended" value="{}" class="button button-small{}"'
            ' aria-pressed="{}">{}</button>',
            choices,
        )
        return format_html(
            '{} <form method="post" action="{}" aria-label="{}">'
            '<input type="hidden" name="csrfmiddlewaretoken" value="{}"> {}</form>',
            label,
            self.url_helper.get_action_url("attendance", self.pk_quoted),
            _("记录出席情况"),
            get_token(self.request),
            buttons,
        )


# --- the admin ----------------------------------------------------------------------------------


class SignupAdmin(VisibleObjectsOnlyMixin, ModelAdmin):
    not_found_message = gettext_lazy("找不到这条报名。")
    model = ActivitySignup
    menu_label = gettext_lazy("活动报名")
    menu_icon = "calendar-check"
    menu_order = 261  # right after the registrations (260)
    list_display = (
        "name",
        "volunteer_number",
        "mobile",
        "activity",
        "activity_starts",
        "status",
        "queue",
        "signed_up_at",
        "attendance",
        "check_in",
    )
    list_filter = (
        ActivityFilter,
        "status",
        AttendanceFilter,
        CheckInFilter,
        ActivityDateFilter,
        VerifiedFilter,
    )
    search_fields = ("name", "mobile", "activity__title", "volunteer__number")
    search_handler_class = NumberSearchHandler
    ordering = ("-activity__starts_at", "activity_id", "pk")
    list_per_page = 50
    inspect_view_enabled = True
    history_view_enabled = False
    index_view_class = SignupIndexView
    index_template_name = "stations/activities/checkin/signup_index.html"
    index_view_extra_css = ["stations/css/signups_admin.css"]
    inspect_view_class = SignupInspectView
    permission_helper_class = SignupPermissionHelper
    list_export = [key for key, _label in EXPORT_COLUMNS]

    @property
    def export_filename(self):
        return f"activity-signups-{datetime.date.today():%Y-%m-%d}"

    @display(description=gettext_lazy("活动开始时间"), ordering="activity__starts_at")
    def activity_starts(self, obj):
        return unbroken_time(obj.activity.starts_at)

    @display(description=gettext_lazy("报名时间"), ordering="created_at")
    def signed_up_at(self, obj):
        # As the activity's time is shown: "2026年12月26日" would break between any characters.
        return unbroken_time(obj.created_at)

    @display(description=gettext_lazy("志愿者编号"), ordering="volunteer__number")
    def volunteer_number(self, obj):
        return number_label(getattr(obj, NUMBER))

    @display(description=gettext_lazy("候补顺序"))
    def queue(self, obj):
        return _("第 %(n)s 位") % {"n": obj.queue_position} if obj.queue_position else ""

    @display(description=gettext_lazy("出席"))
    def attendance(self, obj):
        return attendance_label(obj)

    @display(description=gettext_lazy("签到"))
    def check_in(self, obj):
        return check_in_label(obj)

    def get_queryset(self, request):
        signups = with_waitlist_position(
            with_check_in(signups_visible_to(request.user))
            .select_related("activity", "activity__station")
            .annotate(**{NUMBER: F("volunteer__number")})
        )
        return signups.order_by(*self.get_ordering(request))

    def visible_to(self, user):
        return signups_visible_to(user)

    def attendance_view(self, request, instance_pk):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        signup = self.visible_or_404(request, instance_pk)
        if not self.permission_helper.user_can_mark_attendance(request.user, signup):
            raise PermissionDenied
        back = redirect(self.url_helper.get_action_url("inspect", signup.pk))
        choice = ATTENDANCE.get(request.POST.get("attended", ""))
        if choice is None:
            messages.error(request, _("出席情况的取值无效，未作更改。"))
            return back
        attended, label = choice
        try:
            with transaction.atomic():
                # Read the status under a row lock: the resident may be cancelling right now.
                locked = ActivitySignup.objects.select_for_update().get(pk=signup.pk)
                # Attended opens the volunteer's service record (stations/hours.py).
                record_attendance(signup=locked, attended=attended, by=request.user)
        except SignupRefused as refused:
            messages.error(request, refused.message)
        else:
            done = _("已将“%(name)s”的出席情况记为：%(label)s。")
            messages.success(request, done % {"name": signup.name, "label": label})
        return back

    def get_admin_urls_for_registration(self):
        return super().get_admin_urls_for_registration() + (
            re_path(
                self.url_helper.get_action_url_pattern("attendance"),
                self.attendance_view,
                name=self.url_helper.get_action_url_name("attendance"),
            ),
        )
