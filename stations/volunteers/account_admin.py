"""Volunteers in the admin, for superusers only: the volunteers and their sign-in codes,
read-only. (The 志愿者编号 a station manager sees on their own rows is in stations/admin_base.py.)

The superusers' views answer a resident's question ("what is my number?", "did my code go
out?"): they list and inspect, nothing more. A code's hash and salt are never shown, a mobile
only masked, and no query parameter but the declared filters reaches the database, so nobody
reads a hidden column by filtering on it.
"""

from django.contrib.admin import SimpleListFilter, display
from django.contrib.auth.models import Permission
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail_modeladmin.helpers import PermissionHelper
from wagtail_modeladmin.options import ModelAdmin
from wagtail_modeladmin.views import IndexView, InspectView

from home.base.inputs import without_refused
from stations.admin_base import (
    DeclaredFiltersOnlyMixin,
    ListOnlyPermissionMixin,
    RegistrationSearchHandler,
    VisibleObjectsOnlyMixin,
)
from stations.models import LoginCode, Volunteer
from stations.numbers import parse_number
from stations.validators import normalise_mobile
from stations.volunteers.codes import CODE_TRIES, masked


def clean_term(search_term) -> str:
    """The search as typed, less invisible characters: one pasted with a number still finds it,
    and a NUL, which PostgreSQL refuses in any text, never reaches the query."""
    return without_refused(str(search_term or ""))


# --- volunteers and sign-in codes, for superusers -----------------------------------------------


class SuperusersReadOnly(ListOnlyPermissionMixin, PermissionHelper):
    """Superusers list and inspect; nobody creates, edits or deletes (a volunteer's row is never
    deleted; codes are the record of sign-ins, pruned by codes.py)."""

    def user_can_list(self, user):
        return bool(user.is_active and user.is_superuser)

    def user_can_inspect_obj(self, user, obj):
        return self.inspect_view_enabled and self.user_can_list(user)


class SuperusersOnlyAdmin(VisibleObjectsOnlyMixin, ModelAdmin):
    add_to_settings_menu = True
    inspect_view_enabled = True
    history_view_enabled = False
    permission_helper_class = SuperusersReadOnly
    list_per_page = 50

    def get_permissions_for_registration(self):
        # Not offered in the group editor: no group can be given these views.
        return Permission.objects.none()

    def visible_to(self, user):
        if self.permission_helper.user_can_list(user):
            return self.model.objects.all()
        return self.model.objects.none()


class ReadOnlyIndexView(DeclaredFiltersOnlyMixin, IndexView):
    pass


def local_time(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _mobile_typed(search_term) -> str | None:
    mobile = normalise_mobile(search_term)
    return mobile if len(mobile) == 11 and mobile.isascii() and mobile.isdigit() else None


class VolunteerLookup(RegistrationSearchHandler):
    """A volunteer by number, by the whole mobile number (never part of one: the list masks
    them) or by name."""

    def search_queryset(self, queryset, search_term, **kwargs):
        search_term = clean_term(search_term)
        number = parse_number(search_term)
        if number:
            return queryset.filter(number=number)
        mobile = _mobile_typed(search_term)
        if mobile:
            return queryset.filter(mobile=mobile)
        return super().search_queryset(queryset, search_term, **kwargs)


@display(description=gettext_lazy("手机号码"))
def masked_mobile(row):
    return masked(row.mobile) if row.mobile else _("已注销")


class VolunteerInspectView(InspectView):
    def get_fields_dict(self):
        volunteer = self.instance
        fields = [
            (_("志愿者编号"), volunteer.number),
            (_("姓名"), volunteer.name),
            (_("手机号码"), masked_mobile(volunteer)),
            (_("首次验证时间"), local_time(volunteer.verified_at)),
            (_("创建时间"), local_time(volunteer.created_at)),
            (_("活动报名"), self.rows_link("stations_activitysignup", volunteer.signups)),
            (
                _("志愿者注册"),
                self.rows_link("stations_volunteerregistration", volunteer.registrations),
            ),
        ]
        empty = self.model_admin.get_empty_value_display()
        return [{"label": label, "value": value or empty} for label, value in fields]

    def rows_link(self, admin_name, rows):
        # The station lists find a volunteer's rows by the number (NumberSearchHandler).
        count = rows.count()
        url = reverse(f"{admin_name}_modeladmin_index")
        query = urlencode({"q": self.instance.number})
        return format_html('<a href="{}?{}">{}</a>', url, query, _("%(n)d 条") % {"n": count})


class VolunteerAdmin(SuperusersOnlyAdmin):
    not_found_message = gettext_lazy("找不到这位志愿者。")
    model = Volunteer
    menu_label = gettext_lazy("志愿者账号")
    menu_icon = "user"
    menu_order = 610
    list_display = ("number", "name", masked_mobile, "verified_at", "created_at")
    search_fields = ("number", "name")
    search_handler_class = VolunteerLookup
    ordering = ("-created_at", "-pk")
    index_view_class = ReadOnlyIndexView
    inspect_view_class = VolunteerInspectView


# How a code ended, in the order codes.py decides it; a filter value to its rows.
def _outcomes(now):
    return {
        "used": (gettext_lazy("已使用"), Q(used_at__isnull=False)),
        "tried": (
            gettext_lazy("输错次数用完"),
            Q(used_at__isnull=True, attempts__gte=CODE_TRIES),
        ),
        "superseded": (
            gettext_lazy("被新验证码取代"),
            Q(used_at__isnull=True, attempts__lt=CODE_TRIES, superseded_at__isnull=False),
        ),
        "expired": (
            gettext_lazy("已过期"),
            Q(
                used_at__isnull=True,
                attempts__lt=CODE_TRIES,
                superseded_at__isnull=True,
                expires_at__lte=now,
            ),
        ),
        "pending": (
            gettext_lazy("有效，未使用"),
            Q(
                used_at__isnull=True,
                attempts__lt=CODE_TRIES,
                superseded_at__isnull=True,
                expires_at__gt=now,
            ),
        ),
    }


def outcome_of(code: LoginCode, now=None) -> str:
    now = now or timezone.now()
    if code.used_at is not None:
        key = "used"
    elif code.attempts >= CODE_TRIES:
        key = "tried"
    elif code.superseded_at is not None:
        key = "superseded"
    elif code.expires_at <= now:
        key = "expired"
    else:
        key = "pending"
    return str(_outcomes(now)[key][0])


@display(description=gettext_lazy("结果"))
def outcome(code):
    return outcome_of(code)


class OutcomeFilter(SimpleListFilter):
    title = gettext_lazy("结果")
    parameter_name = "outcome"

    def lookups(self, request, model_admin):
        return [(key, label) for key, (label, _rows) in _outcomes(timezone.now()).items()]

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        outcomes = _outcomes(timezone.now())
        if value not in outcomes:
            return queryset.none()
        return queryset.filter(outcomes[value][1])


class CodeLookup(RegistrationSearchHandler):
    """Codes by the whole mobile number or the whole request address; never by part of a
    number, which the list masks."""

    def search_queryset(self, queryset, search_term, **kwargs):
        search_term = clean_term(search_term)
        if not search_term.strip():
            return queryset
        mobile = _mobile_typed(search_term)
        if mobile:
            return queryset.filter(mobile=mobile)
        return queryset.filter(ip=search_term.strip())


class LoginCodeInspectView(InspectView):
    def get_fields_dict(self):
        code = self.instance
        fields = [
            (_("手机号码"), masked(code.mobile)),
            (_("请求地址"), code.ip),
            (_("发送时间"), local_time(code.created_at)),
            (_("失效时间"), local_time(code.expires_at)),
            (_("已尝试次数"), str(code.attempts)),
            (_("使用时间"), local_time(code.used_at)),
            (_("被新验证码取代的时间"), local_time(code.superseded_at)),
            (_("结果"), outcome_of(code)),
        ]
        empty = self.model_admin.get_empty_value_display()
        return [{"label": label, "value": value or empty} for label, value in fields]


@display(description=gettext_lazy("手机号码"))
def code_mobile(code):
    return masked(code.mobile)


class LoginCodeAdmin(SuperusersOnlyAdmin):
    not_found_message = gettext_lazy("找不到这条验证码记录。")
    model = LoginCode
    menu_label = gettext_lazy("登录验证码")
    menu_icon = "key"
    menu_order = 611
    list_display = (code_mobile, "ip", "created_at", "expires_at", "attempts", outcome)
    list_filter = (OutcomeFilter,)
    # Searched whole (CodeLookup); the field names only make the search box show.
    search_fields = ("mobile", "ip")
    search_handler_class = CodeLookup
    ordering = ("-pk",)
    index_view_class = ReadOnlyIndexView
    inspect_view_class = LoginCodeInspectView
