"""服务记录 in the admin: a station's managers see their own station's records (site editors see
every station's), filter them by activity, status and far-away check-ins, export them, and
confirm, decline or correct them — one at a time from a record's page, or all of an activity's
pending records at once. Decisions go through records.py; nothing here writes a record."""

import datetime

from django.contrib import messages
from django.contrib.admin import SimpleListFilter
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import re_path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail_modeladmin.helpers import PermissionHelper
from wagtail_modeladmin.options import ModelAdmin
from wagtail_modeladmin.views import IndexView, InspectView

from stations.access import sees_all_registrations, station_rows_visible_to
from stations.admin_base import (
    MAX_FILTER_CHOICES,
    DeclaredFiltersOnlyMixin,
    IdListFilter,
    NumberSearchHandler,
    VisibleObjectsOnlyMixin,
    volunteer_number,
    with_volunteer_number,
)
from stations.hours import HoursRefused
from stations.models import CheckIn, CorrectionStatus, RecordStatus, ServiceRecord
from stations.spreadsheets import ExcelCsvMixin, defuse
from stations.volunteers import records

FLAGGED = "far_check_in"


def records_visible_to(user):
    return station_rows_visible_to(user, ServiceRecord.objects.all())


class ActivityFilter(IdListFilter):
    title = gettext_lazy("活动")
    parameter_name = "activity"
    field_name = "activity_id"

    def lookups(self, request, model_admin):
        rows = (
            records_visible_to(request.user)
            .exclude(activity=None)
            .order_by("-starts_at")
            .values_list("activity_id", "activity_title", "starts_at")
            .distinct()[: MAX_FILTER_CHOICES + 1]
        )
        found = [(str(pk), f"{timezone.localtime(at):%m-%d} {title}") for pk, title, at in rows]
        return found if len(found) <= MAX_FILTER_CHOICES else found[:MAX_FILTER_CHOICES]


class CorrectionFilter(SimpleListFilter):
    title = gettext_lazy("更正申请")
    parameter_name = "correction"

    def lookups(self, request, model_admin):
        return [("open", _("有待处理的更正申请"))]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        if self.value() != "open":
            return queryset.none()
        return queryset.filter(correction_requests__status=CorrectionStatus.OPEN)


class FlaggedFilter(SimpleListFilter):
    title = gettext_lazy("签到位置")
    parameter_name = "far"

    def lookups(self, request, model_admin):
        return [("yes", _("距活动地点过远"))]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        if self.value() != "yes":
            return queryset.none()
        return queryset.filter(**{FLAGGED: True})


def far_check_in(row) -> str:
    return _("距离过远") if getattr(row, FLAGGED, False) else ""


far_check_in.short_description = gettext_lazy("签到位置")


class RecordPermissionHelper(PermissionHelper):
    def user_can_list(self, user):
        # Editors of every station's rows (view_all_registrations) read every station's records.
        return sees_all_registrations(user) or super().user_can_list(user)

    def user_can_inspect_obj(self, user, obj):
        return self.inspect_view_enabled and self.user_can_list(user)

    def user_can_create(self, user):
        return False  # records open from attendance and check-in (stations/hours.py)

    def user_can_delete_obj(self, user, obj):
        return False  # history is never deleted

    def user_can_edit_obj(self, user, obj):
        return False  # never edited in place: decided or corrected from the record's page

    def user_can_decide(self, user, obj):
        return records.may_decide(user, obj.station_id)


COLUMNS = (
    ("activity_title", gettext_lazy("活动")),
    ("date", gettext_lazy("日期")),
    ("station_title", gettext_lazy("组织站点")),
    ("volunteer_number", gettext_lazy("志愿者编号")),
    ("hours", gettext_lazy("服务时长（小时）")),
    ("content", gettext_lazy("服务内容")),
    ("status", gettext_lazy("状态")),
    ("basis", gettext_lazy("时长依据")),
    ("decided_by_name", gettext_lazy("确认人")),
    ("decided_at", gettext_lazy("确认时间")),
    (FLAGGED, gettext_lazy("签到位置")),
)


class RecordIndexView(DeclaredFiltersOnlyMixin, ExcelCsvMixin, IndexView):
    export_headings = dict(COLUMNS)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # The bulk buttons only for one activity's list: a decision on "everything" is a slip.
        if self.request.GET.get(ActivityFilter.parameter_name):
            query = self.request.GET.urlencode()
            context["bulk_url"] = self.url_helper.get_action_url("bulk") + "?" + query
        return context

    def to_row_dict(self, item):
        row = {
            "activity_title": item.activity_title,
            "date": f"{timezone.localtime(item.starts_at):%Y-%m-%d}",
            "station_title": item.station_title,
            "volunteer_number": volunteer_number(item),
            "hours": str(item.hours),
            "content": item.content,
            "status": str(item.get_status_display()),
            "basis": str(item.get_basis_display()),
            "decided_by_name": item.decided_by_name,
            "decided_at": (
                f"{timezone.localtime(item.decided_at):%Y-%m-%d %H:%M}" if item.decided_at else ""
            ),
            FLAGGED: far_check_in(item),
        }
        return {key: defuse(value) for key, value in row.items()}


class RecordInspectView(InspectView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        record = self.instance
        context.update(
            {
                "history": record.entries.select_related(None).order_by("pk"),
                "can_decide": self.permission_helper.user_can_decide(self.request.user, record),
                "decide_url": self.url_helper.get_action_url("decide", record.pk),
                "is_pending": record.status == RecordStatus.PENDING,
                "open_request": record.correction_requests.filter(
                    status=CorrectionStatus.OPEN
                ).first(),
            }
        )
        return context


class ServiceRecordAdmin(VisibleObjectsOnlyMixin, ModelAdmin):
    not_found_message = gettext_lazy("找不到这条服务记录。")
    model = ServiceRecord
    menu_label = gettext_lazy("服务记录")
    menu_icon = "time"
    menu_order = 275
    list_display = (
        "activity_title",
        "starts_at",
        volunteer_number,
        "hours",
        "status",
        "basis",
        far_check_in,
    )
    list_filter = (ActivityFilter, "status", FlaggedFilter, CorrectionFilter)
    search_fields = ("activity_title", "content", "volunteer__number")
    search_handler_class = NumberSearchHandler
    ordering = ("-starts_at", "pk")
    list_per_page = 50
    inspect_view_enabled = True
    history_view_enabled = False
    index_view_class = RecordIndexView
    inspect_view_class = RecordInspectView
    inspect_template_name = "stations/volunteers/admin/record_inspect.html"
    index_template_name = "stations/volunteers/admin/record_index.html"
    permission_helper_class = RecordPermissionHelper
    list_export = [key for key, _label in COLUMNS]

    @property
    def export_filename(self):
        return f"service-records-{datetime.date.today():%Y-%m-%d}"

    def get_queryset(self, request):
        far = CheckIn.objects.filter(
            activity_id=OuterRef("activity_id"), volunteer_id=OuterRef("volunteer_id"), flagged=True
        )
        rows = records_visible_to(request.user).annotate(**{FLAGGED: Exists(far)})
        return with_volunteer_number(rows).order_by(*self.get_ordering(request))

    def visible_to(self, user):
        return records_visible_to(user)

    def decide_view(self, request, instance_pk):
        """POST: confirm, decline (with a reason) or correct (hours, content, reason)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        record = self.visible_or_404(request, instance_pk)
        if not self.permission_helper.user_can_decide(request.user, record):
            raise PermissionDenied
        back = redirect(self.url_helper.get_action_url("inspect", record.pk))
        action = request.POST.get("action", "")
        try:
            if action == "confirm":
                records.confirm(record=record, by=request.user)
                done = _("已确认这条服务记录。")
            elif action == "reject":
                records.reject(record=record, by=request.user, reason=request.POST.get("reason"))
                done = _("已驳回这条服务记录。")
            elif action == "correct":
                records.correct(
                    record=record,
                    by=request.user,
                    hours_raw=request.POST.get("hours"),
                    content=request.POST.get("content"),
                    reason=request.POST.get("reason"),
                )
                done = _("已更正这条服务记录，原记录保留在变更历史中。")
            elif action in ("accept_request", "decline_request"):
                asked = record.correction_requests.filter(status=CorrectionStatus.OPEN).first()
                if asked is None:
                    messages.error(request, _("这份更正申请已经处理过了。"))
                    return back
                accept = action == "accept_request"
                records.answer_correction(
                    request=asked,
                    by=request.user,
                    accept=accept,
                    hours_raw=request.POST.get("hours"),
                    reply=request.POST.get("reply"),
                )
                done = _("已按申请更正这条记录。") if accept else _("已答复：不予更正。")
            else:
                messages.error(request, _("操作无效，未作更改。"))
                return back
        except HoursRefused as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, done)
        return back

    def bulk_view(self, request):
        """POST from the list filtered to one activity: confirm or decline all its pending
        records the user may decide."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        back = redirect(self.url_helper.index_url + "?" + request.GET.urlencode())
        activity_id = ActivityFilter.parameter_name
        raw = request.GET.get(activity_id, "")
        if not (raw.isascii() and raw.isdigit() and len(raw) <= 18):
            messages.error(request, _("请先按活动筛选，再批量确认或驳回。"))
            return back
        pending = records_visible_to(request.user).filter(
            activity_id=int(raw), status=RecordStatus.PENDING
        )
        accept = request.POST.get("action") == "confirm"
        done, refused = records.decide_many(
            records=list(pending), by=request.user, accept=accept, reason=request.POST.get("reason")
        )
        if done:
            text = _("已确认 %(n)s 条记录。") if accept else _("已驳回 %(n)s 条记录。")
            messages.success(request, text % {"n": done})
        for message in refused[:5]:
            messages.error(request, message)
        if not done and not refused:
            messages.info(request, _("这个活动没有待确认的记录。"))
        return back

    def get_admin_urls_for_registration(self):
        return super().get_admin_urls_for_registration() + (
            re_path(
                self.url_helper.get_action_url_pattern("decide"),
                self.decide_view,
                name=self.url_helper.get_action_url_name("decide"),
            ),
            re_path(
                rf"^{self.opts.app_label}/{self.opts.model_name}/bulk/$",
                self.bulk_view,
                name=self.url_helper.get_action_url_name("bulk"),
            ),
        )
