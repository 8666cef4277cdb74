"""The registrations admin (wagtail-modeladmin): each manager sees only their stations' rows.

Every view starts from registrations_visible_to(request.user): the list, its filters and search,
the CSV/XLSX export, inspect and delete. Registrations come from residents, so there is no
create or edit here.
"""

import datetime

from django.contrib import messages
from django.contrib.admin import display as admin_display
from django.contrib.admin.filters import DateFieldListFilter
from django.contrib.admin.options import IncorrectLookupParameters
from django.db import transaction
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.contrib.forms.views import SubmissionsListView
from wagtail.log_actions import log
from wagtail_modeladmin.helpers import PermissionHelper
from wagtail_modeladmin.options import ModelAdmin
from wagtail_modeladmin.views import DeleteView, IndexView, InspectView

from stations.access import (
    can_see_station_row,
    managed_stations,
    sees_all_registrations,
    station_rows_visible_to,
)
from stations.admin_base import ID as _ID
from stations.admin_base import (
    MAX_FILTER_CHOICES,
    DeclaredFiltersOnlyMixin,
    IdListFilter,
    NumberSearchHandler,
    VerifiedFilter,
    VisibleObjectsOnlyMixin,
    number_label,
    number_of,
    volunteer_number,
    with_volunteer_number,
)
from stations.models import (
    RegistrationFormField,
    RegistrationFormPage,
    StationPage,
    VolunteerRegistration,
    VolunteerTeam,
)
from stations.spreadsheets import ExcelCsvMixin, defuse
from stations.volunteers.models import MOBILE, NAME, TEAM


def registrations_visible_to(user):
    """The registrations this user may see (stations/access.py has the rule)."""
    return station_rows_visible_to(user, VolunteerRegistration.objects.all())


def can_see_registration(user, registration) -> bool:
    return can_see_station_row(user, registration.station_id)


def answer_fields(page_ids=None) -> list[RegistrationFormField]:
    """The builder fields whose answers live only in form_data (name, mobile, team have columns),
    one per clean_name, in form order."""
    fields = RegistrationFormField.objects.exclude(field_type__in=(NAME, MOBILE, TEAM))
    if page_ids is not None:
        fields = fields.filter(page_id__in=page_ids)
    seen, result = set(), []
    for field in fields.order_by("page_id", "sort_order", "pk"):
        if field.clean_name and field.clean_name not in seen:
            seen.add(field.clean_name)
            result.append(field)
    return result


FIXED_COLUMNS = (
    ("station", gettext_lazy("站点")),
    ("team", gettext_lazy("加入的队伍")),
    ("submit_time", gettext_lazy("提交时间")),
    ("name", gettext_lazy("姓名")),
    ("mobile", gettext_lazy("手机号码")),
    ("sensitive_consent", gettext_lazy("已单独同意处理敏感信息")),
    ("volunteer_number", gettext_lazy("志愿者编号")),
)


def answer_key(field) -> str:
    # Prefixed so an editor's field labelled "name" cannot overwrite the name column.
    return f"answer__{field.clean_name}"


def consent_answer(registration) -> str:
    """The separate consent to sensitive information as the station reads it: 是, 否, or that
    the volunteer withdrew it and its answers were deleted (stations/volunteers/rights.py)."""
    if registration.sensitive_withdrawn_at:
        when = timezone.localtime(registration.sensitive_withdrawn_at)
        return _("已撤回（%(date)s）：敏感信息已删除") % {"date": f"{when:%Y-%m-%d}"}
    return display_answer(registration.sensitive_consent)


@admin_display(description=gettext_lazy("已单独同意处理敏感信息"), ordering="sensitive_consent")
def sensitive_consent(registration):
    """The list column: a withdrawn consent says so, in words, rather than a bare 否."""
    return consent_answer(registration)


def display_answer(value) -> str:
    if value is True:
        return _("是")
    if value is False:
        return _("否")
    if isinstance(value, list | tuple):
        return "、".join(str(item) for item in value)
    return "" if value is None else str(value)


# --- filters ------------------------------------------------------------------------------------


def _stations_in_scope(user):
    if sees_all_registrations(user):
        return StationPage.objects.filter(registrations__isnull=False).distinct()
    return managed_stations(user)


class StationFilter(IdListFilter):
    title = gettext_lazy("站点")
    parameter_name = "station"
    field_name = "station_id"

    def lookups(self, request, model_admin):
        stations = _stations_in_scope(request.user).order_by("title")
        choices = list(stations.values_list("pk", "title")[: MAX_FILTER_CHOICES + 1])
        # Too many is a wall of links: search by station name instead.
        return choices if len(choices) <= MAX_FILTER_CHOICES else []

    def has_output(self):
        # One station is no choice, but a value in the URL is always applied (and shown).
        return len(self.lookup_choices) > 1 or self.value() is not None


class TeamFilter(IdListFilter):
    title = gettext_lazy("加入的队伍")
    parameter_name = "team"
    field_name = "team_id"

    def lookups(self, request, model_admin):
        station = request.GET.get(StationFilter.parameter_name, "")
        stations = _stations_in_scope(request.user)
        if _ID.match(station):
            stations = stations.filter(pk=int(station))
        teams = VolunteerTeam.objects.filter(station__in=stations).order_by("station", "sort_order")
        choices = list(teams.values_list("pk", "name")[: MAX_FILTER_CHOICES + 1])
        return choices if len(choices) <= MAX_FILTER_CHOICES else []

    def has_output(self):
        return bool(self.lookup_choices) or self.value() is not None


# --- permissions --------------------------------------------------------------------------------


class RegistrationPermissionHelper(PermissionHelper):
    def user_can_create(self, user):
        return False

    def user_can_edit_obj(self, user, obj):
        return False

    def user_can_inspect_obj(self, user, obj):
        return super().user_can_inspect_obj(user, obj) and can_see_registration(user, obj)

    def user_can_delete_obj(self, user, obj):
        return super().user_can_delete_obj(user, obj) and can_see_registration(user, obj)


# --- views --------------------------------------------------------------------------------------


class RegistrationIndexView(DeclaredFiltersOnlyMixin, ExcelCsvMixin, IndexView):
    def dispatch(self, request, *args, **kwargs):
        try:
            return super().dispatch(request, *args, **kwargs)
        except IncorrectLookupParameters:
            messages.error(request, _("筛选条件无效，已显示全部注册。"))
            return redirect(self.index_url)

    @cached_property
    def answer_fields(self):
        return answer_fields()

    @property
    def export_headings(self):
        headings = dict(FIXED_COLUMNS)
        headings.update({answer_key(field): field.label for field in self.answer_fields})
        return headings

    def to_row_dict(self, item):
        row = {
            "station": item.station.title,
            "team": item.team.name if item.team_id else "",
            "submit_time": timezone.localtime(item.submit_time).strftime("%Y-%m-%d %H:%M"),
            "name": item.name,
            "mobile": item.mobile,
            "sensitive_consent": consent_answer(item),
            "volunteer_number": number_label(item.volunteer_number),
        }
        for field in self.answer_fields:
            value = (item.form_data or {}).get(field.clean_name)
            if field.sensitive and not item.sensitive_consent:
                value = None
            row[answer_key(field)] = display_answer(value)
        return {key: defuse(value) for key, value in row.items()}


class RegistrationInspectView(InspectView):
    def get_fields_dict(self):
        registration = self.instance
        submitted = timezone.localtime(registration.submit_time)
        fields = [
            (_("站点"), registration.station.title),
            (_("加入的队伍"), registration.team.name if registration.team_id else ""),
            (_("姓名"), registration.name),
            (_("手机号码"), registration.mobile),
            (_("志愿者编号"), number_of(registration)),
            (_("提交时间"), submitted.strftime("%Y-%m-%d %H:%M")),
            (_("已单独同意处理敏感信息"), consent_answer(registration)),
        ]
        answers = dict(registration.form_data or {})
        for field in answer_fields(page_ids=[registration.page_id]):
            value = answers.pop(field.clean_name, None)
            if field.sensitive and registration.sensitive_withdrawn_at:
                fields.append((field.label, consent_answer(registration)))
            elif field.sensitive and not registration.sensitive_consent:
                fields.append((field.label, _("未单独同意，未收集")))
            else:
                fields.append((field.label, display_answer(value)))
        for field in RegistrationFormField.objects.filter(
            page_id=registration.page_id, field_type__in=(NAME, MOBILE, TEAM)
        ):
            answers.pop(field.clean_name, None)
        # Answers to fields an editor has since removed: shown, so nothing stored is hidden.
        for key, value in answers.items():
            fields.append((_("已删除的字段（%(key)s）") % {"key": key}, display_answer(value)))
        empty = self.model_admin.get_empty_value_display()
        return [{"label": label, "value": value or empty} for label, value in fields]


class RegistrationDeleteView(DeleteView):
    def post(self, request, *args, **kwargs):
        # The audit log is shown to everyone holding a registration permission, other stations'
        # managers included: record the deletion without the resident's name.
        label = _("志愿者注册 #%(pk)s（%(station)s）") % {
            "pk": self.instance.pk,
            "station": self.instance.station.title,
        }
        with transaction.atomic():
            log(instance=self.instance, action="wagtail.delete", title=label)
            self.instance.delete()
        messages.success(request, _("已删除%(label)s。") % {"label": label})
        return redirect(self.index_url)


class RegistrationAdmin(VisibleObjectsOnlyMixin, ModelAdmin):
    not_found_message = gettext_lazy("找不到这条注册。")
    model = VolunteerRegistration
    menu_label = gettext_lazy("志愿者注册")
    menu_icon = "group"
    menu_order = 260
    list_display = (
        "name",
        volunteer_number,
        "station",
        "mobile",
        "team",
        "submit_time",
        sensitive_consent,
    )
    list_filter = (
        StationFilter,
        TeamFilter,
        ("submit_time", DateFieldListFilter),
        "sensitive_consent",
        VerifiedFilter,
    )
    list_select_related = ("station", "team")
    search_fields = ("name", "mobile", "station__title", "volunteer__number")
    search_handler_class = NumberSearchHandler
    ordering = ("-submit_time",)
    list_per_page = 50
    inspect_view_enabled = True
    history_view_enabled = False
    index_view_class = RegistrationIndexView
    index_view_extra_css = ["stations/css/registrations_admin.css"]
    inspect_view_class = RegistrationInspectView
    delete_view_class = RegistrationDeleteView
    permission_helper_class = RegistrationPermissionHelper

    @property
    def export_filename(self):
        return f"volunteer-registrations-{datetime.date.today():%Y-%m-%d}"

    def get_list_export(self, request):
        # One column per answer, headed by the builder's label, after the fixed columns.
        return [key for key, _label in FIXED_COLUMNS] + [
            answer_key(field) for field in answer_fields()
        ]

    def get_queryset(self, request):
        registrations = registrations_visible_to(request.user).select_related("station", "team")
        # The volunteer's number alone, never their row (account_admin.py).
        return with_volunteer_number(registrations).order_by(*self.get_ordering(request))

    def visible_to(self, user):
        return registrations_visible_to(user)


# --- Wagtail's own form submissions admin -------------------------------------------------------


class RegistrationSubmissionsRedirectView(SubmissionsListView):
    """Wagtail's submissions list filters by form page only; send everyone to the list above,
    which filters by station."""

    def dispatch(self, request, *args, **kwargs):
        return redirect("stations_volunteerregistration_modeladmin_index")


def hide_registration_forms(user, form_pages):
    """filter_form_submissions_for_user hook: keep registration forms out of /admin/forms/ and
    its bulk delete, where page edit permission alone would reach every station's data."""
    return form_pages.not_type(RegistrationFormPage)
