"""志愿服务记录证明 in the admin (wagtail-modeladmin): a station's managers see their own
station's requests and certificates (editors of every station's rows see all), issue a
certificate from a request with a form filled in for them, decline one with a reply, and list,
inspect, download, export and revoke certificates. The rules are in certificates/; nothing here
writes a row itself, and nothing creates, edits or deletes one through modeladmin's own views.

A manager sees the name a request's certificate would carry (it is printed on it, and the
volunteer asked this station for it), never the volunteer's mobile.
"""

import datetime

from django.contrib import messages
from django.contrib.admin import display
from django.contrib.admin.filters import DateFieldListFilter
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import re_path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail_modeladmin.options import ModelAdmin
from wagtail_modeladmin.views import IndexView

from stations.access import station_rows_visible_to
from stations.admin_base import (
    DeclaredFiltersOnlyMixin,
    NumberSearchHandler,
    RegistrationSearchHandler,
    VisibleObjectsOnlyMixin,
    volunteer_number,
    with_volunteer_number,
)
from stations.models import CertificateRequest, CertificateRequestStatus, ServiceCertificate
from stations.spreadsheets import ExcelCsvMixin, defuse
from stations.volunteers import certificate_admin_views as action_views
from stations.volunteers.certificate_admin_access import (
    CertificateButtons,
    CertificatePermissionHelper,
    RequestButtons,
    RequestPermissionHelper,
    StationFilter,
    ValidityFilter,
)
from stations.volunteers.certificates import normalise_number


def requests_visible_to(user):
    return station_rows_visible_to(user, CertificateRequest.objects.all())


def certificates_visible_to(user):
    return station_rows_visible_to(user, ServiceCertificate.objects.all())


def local_time(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


# --- requests -----------------------------------------------------------------------------------


@display(description=gettext_lazy("申请的期间"))
def requested_period(row) -> str:
    if not (row.period_start or row.period_end):
        return _("全部")
    start = f"{row.period_start:%Y-%m-%d}" if row.period_start else _("首次服务")
    end = f"{row.period_end:%Y-%m-%d}" if row.period_end else _("今天")
    return f"{start} – {end}"


class RequestIndexView(DeclaredFiltersOnlyMixin, IndexView):
    pass


class CertificateRequestAdmin(VisibleObjectsOnlyMixin, ModelAdmin):
    not_found_message = gettext_lazy("找不到这份证明申请。")
    model = CertificateRequest
    menu_label = gettext_lazy("证明申请")
    menu_icon = "mail"
    menu_order = 276  # after the service records (275)
    list_display = (
        "station",
        volunteer_number,
        requested_period,
        "purpose",
        "status",
        "created_at",
    )
    list_filter = (StationFilter, "status")
    list_select_related = ("station",)
    search_fields = ("station__title", "volunteer__number")
    search_handler_class = NumberSearchHandler
    ordering = ("-created_at", "-pk")
    list_per_page = 50
    inspect_view_enabled = True
    history_view_enabled = False
    index_view_class = RequestIndexView
    inspect_view_class = action_views.RequestInspectView
    inspect_template_name = "stations/volunteers/admin/certificate_request_inspect.html"
    permission_helper_class = RequestPermissionHelper
    button_helper_class = RequestButtons

    def get_queryset(self, request):
        rows = requests_visible_to(request.user).select_related("station")
        return with_volunteer_number(rows).order_by(*self.get_ordering(request))

    def visible_to(self, user):
        return requests_visible_to(user)

    def issue_view(self, request, instance_pk):
        found = self.visible_or_404(request, instance_pk)
        if not self.permission_helper.user_can_issue(request.user, found):
            return self._refused(request, found)
        return action_views.issue(self, request, found)

    def decline_view(self, request, instance_pk):
        found = self.visible_or_404(request, instance_pk)
        if not self.permission_helper.user_can_decline(request.user, found):
            return self._refused(request, found)
        return action_views.decline(self, request, found)

    def _refused(self, request, found):
        if found.status != CertificateRequestStatus.OPEN:
            messages.error(request, _("这份申请已经处理过了。"))
            return redirect(self.url_helper.get_action_url("inspect", found.pk))
        raise PermissionDenied

    def get_admin_urls_for_registration(self):
        return super().get_admin_urls_for_registration() + action_urls(
            self, ("issue", self.issue_view), ("decline", self.decline_view)
        )


def action_urls(model_admin, *views) -> tuple:
    helper = model_admin.url_helper
    return tuple(
        re_path(
            helper.get_action_url_pattern(action), view, name=helper.get_action_url_name(action)
        )
        for action, view in views
    )


# --- certificates -------------------------------------------------------------------------------

EXPORT_COLUMNS = (
    ("number", gettext_lazy("证明编号")),
    ("name", gettext_lazy("姓名")),
    ("volunteer_number", gettext_lazy("志愿者编号")),
    ("station_name", gettext_lazy("出具单位")),
    ("period_start", gettext_lazy("起始日期")),
    ("period_end", gettext_lazy("截止日期")),
    ("total_hours", gettext_lazy("累计服务时长（小时）")),
    ("records", gettext_lazy("服务记录条数")),
    ("person_in_charge", gettext_lazy("负责人")),
    ("handled_by", gettext_lazy("经办人")),
    ("contact", gettext_lazy("联系电话")),
    ("issued_on", gettext_lazy("出具日期")),
    ("state", gettext_lazy("状态")),
    ("revoked_at", gettext_lazy("撤销时间")),
    ("revoked_reason", gettext_lazy("撤销原因")),
)


@display(description=gettext_lazy("状态"), ordering="revoked_at")
def validity(row) -> str:
    return _("已撤销") if row.is_revoked else _("有效")


class CertificateSearch(RegistrationSearchHandler):
    """A certificate number finds its certificate; anything else searches as before (names,
    volunteer numbers, the station's name)."""

    def search_queryset(self, queryset, search_term, **kwargs):
        number = normalise_number(search_term)
        if number:
            return queryset.filter(number=number)
        return super().search_queryset(queryset, search_term, **kwargs)


class CertificateIndexView(DeclaredFiltersOnlyMixin, ExcelCsvMixin, IndexView):
    export_headings = dict(EXPORT_COLUMNS)

    def to_row_dict(self, item):
        row = {
            "number": item.number,
            "name": item.name,
            "volunteer_number": item.volunteer_number,
            "station_name": item.station_name,
            "period_start": f"{item.period_start:%Y-%m-%d}",
            "period_end": f"{item.period_end:%Y-%m-%d}",
            "total_hours": str(item.total_hours),
            "records": str(len(item.activities or [])),
            "person_in_charge": item.person_in_charge,
            "handled_by": item.handled_by,
            "contact": item.contact,
            "issued_on": f"{item.issued_on:%Y-%m-%d}",
            "state": validity(item),
            "revoked_at": local_time(item.revoked_at),
            "revoked_reason": item.revoked_reason,
        }
        return {key: defuse(value) for key, value in row.items()}


class ServiceCertificateAdmin(VisibleObjectsOnlyMixin, ModelAdmin):
    not_found_message = gettext_lazy("找不到这份证明。")
    model = ServiceCertificate
    menu_label = gettext_lazy("记录证明")
    menu_icon = "doc-full"
    menu_order = 277
    list_display = (
        "number",
        "name",
        "volunteer_number",
        "station_name",
        "total_hours",
        "issued_on",
        validity,
    )
    list_filter = (StationFilter, ValidityFilter, ("issued_on", DateFieldListFilter))
    search_fields = ("number", "name", "volunteer_number", "station_name")
    search_handler_class = CertificateSearch
    ordering = ("-issued_at", "-pk")
    list_per_page = 50
    inspect_view_enabled = True
    history_view_enabled = False
    index_view_class = CertificateIndexView
    inspect_view_class = action_views.CertificateInspectView
    inspect_template_name = "stations/volunteers/admin/certificate_inspect.html"
    permission_helper_class = CertificatePermissionHelper
    button_helper_class = CertificateButtons
    list_export = [key for key, _label in EXPORT_COLUMNS]

    @property
    def export_filename(self):
        return f"service-certificates-{datetime.date.today():%Y-%m-%d}"

    def get_queryset(self, request):
        return certificates_visible_to(request.user).order_by(*self.get_ordering(request))

    def visible_to(self, user):
        return certificates_visible_to(user)

    def pdf_view(self, request, instance_pk):
        return action_views.pdf(self, request, self.visible_or_404(request, instance_pk))

    def revoke_view(self, request, instance_pk):
        found = self.visible_or_404(request, instance_pk)
        if not self.permission_helper.user_can_revoke(request.user, found):
            if found.is_revoked:
                messages.error(request, _("这份证明已经撤销过了。"))
                return redirect(self.url_helper.get_action_url("inspect", found.pk))
            raise PermissionDenied
        return action_views.revoke(self, request, found)

    def get_admin_urls_for_registration(self):
        return super().get_admin_urls_for_registration() + action_urls(
            self, ("pdf", self.pdf_view), ("revoke", self.revoke_view)
        )
