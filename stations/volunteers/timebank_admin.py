"""时间银行 in the admin (wagtail-modeladmin), one menu: the stations' exchange catalogue, the
exchanges to hand over, and the stations' 公益积分池 (read-only).

A station's managers see and change only their own station's rows; superusers and holders of
view_all_registrations (the site's editors of every station) see all. Every view starts from the
rows the user may see (stations/access.py); edit, inspect and the actions fetch through it too
(VisibleObjectsOnlyMixin), and only declared filters reach the query. Handing over and cancelling
go through timebank/, the one place points and stock change.
"""

from django import forms
from django.contrib.admin import display
from django.contrib.auth.models import Permission
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, ObjectList
from wagtail_modeladmin.helpers import PermissionHelper
from wagtail_modeladmin.options import ModelAdmin, ModelAdminGroup
from wagtail_modeladmin.views import IndexView, InspectView

from home.base.inputs import validate_text
from stations.access import (
    can_see_station_row,
    managed_stations,
    sees_all_registrations,
    station_rows_visible_to,
)
from stations.admin_base import (
    MAX_FILTER_CHOICES,
    DeclaredFiltersOnlyMixin,
    IdListFilter,
    ListOnlyPermissionMixin,
    VisibleObjectsOnlyMixin,
)
from stations.models import (
    AccountKind,
    ExchangeItem,
    PointAccount,
    StationPage,
)
from stations.volunteers import timebank
from stations.volunteers.timebank import reads
from stations.volunteers.timebank_exchanges_admin import ExchangeAdmin


def stations_for(user):
    """The stations whose catalogue the user keeps."""
    return StationPage.objects.all() if sees_all_registrations(user) else managed_stations(user)


def local_time(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


class StationFilter(IdListFilter):
    title = gettext_lazy("站点")
    parameter_name = "station"
    field_name = "station_id"

    def lookups(self, request, model_admin):
        rows = stations_for(request.user).order_by("title").values_list("pk", "title")
        choices = list(rows[: MAX_FILTER_CHOICES + 1])
        return choices if len(choices) <= MAX_FILTER_CHOICES else []

    def has_output(self):
        return len(self.lookup_choices) > 1 or self.value() is not None


# --- the catalogue -------------------------------------------------------------------------------


class ExchangeItemForm(WagtailAdminModelForm):
    """The station to choose from: those the user keeps. Fixed once the item exists, so its
    exchanges stay with the station that handed them out."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        station = self.fields["station"]
        station.queryset = stations_for(self.for_user).order_by("title")
        station.empty_label = _("请选择站点")
        station.error_messages["invalid_choice"] = _("只能为您管理的站点添加兑换项目。")
        if self.instance.pk:
            station.disabled = True
        elif not self.is_bound:
            only = list(station.queryset.values_list("pk", flat=True)[:2])
            if len(only) == 1:  # a manager of one station has nothing to choose
                self.initial["station"] = only[0]
        for name in ("name", "description"):
            self.fields[name].validators.append(validate_text)


class ItemPermissionHelper(PermissionHelper):
    def user_can_list(self, user):
        # view_all_registrations covers every station's rows here too, as for the sign-ups.
        return sees_all_registrations(user) or super().user_can_list(user)

    def user_can_create(self, user):
        return super().user_can_create(user) and stations_for(user).exists()

    def user_can_edit_obj(self, user, obj):
        return super().user_can_edit_obj(user, obj) and can_see_station_row(user, obj.station_id)

    def user_can_delete_obj(self, user, obj):
        return super().user_can_delete_obj(user, obj) and can_see_station_row(user, obj.station_id)


class ItemIndexView(DeclaredFiltersOnlyMixin, IndexView):
    pass


class ExchangeItemAdmin(VisibleObjectsOnlyMixin, ModelAdmin):
    not_found_message = gettext_lazy("找不到这个兑换项目。")
    model = ExchangeItem
    menu_label = gettext_lazy("兑换项目")
    menu_icon = "tag"
    list_display = ("name", "station", "points", "stock", "active")
    list_filter = (StationFilter, "active")
    list_select_related = ("station",)
    search_fields = ("name", "station__title")
    ordering = ("station__title", "sort_order", "pk")
    list_per_page = 50
    history_view_enabled = False
    index_view_class = ItemIndexView
    permission_helper_class = ItemPermissionHelper
    edit_handler = ObjectList(
        [
            FieldPanel("station", widget=forms.Select),
            FieldPanel("name"),
            FieldPanel("description"),
            FieldRowPanel([FieldPanel("points"), FieldPanel("stock")]),
            FieldRowPanel([FieldPanel("active"), FieldPanel("sort_order")]),
        ],
        base_form_class=ExchangeItemForm,
    )

    def get_queryset(self, request):
        return self.visible_to(request.user).select_related("station")

    def visible_to(self, user):
        return station_rows_visible_to(user, ExchangeItem.objects.all())


# --- the stations' 公益积分池, read-only ------------------------------------------------------


class PoolPermissionHelper(ListOnlyPermissionMixin, PermissionHelper):
    """Whoever keeps a station's catalogue sees its pool; nobody changes a balance here."""

    def user_can_list(self, user):
        return sees_all_registrations(user) or user.has_perm("stations.view_exchangeitem")

    def user_can_inspect_obj(self, user, obj):
        return self.user_can_list(user) and can_see_station_row(user, obj.station_id)


class PoolIndexView(DeclaredFiltersOnlyMixin, IndexView):
    pass


class PoolInspectView(InspectView):
    RECENT = 50

    def get_fields_dict(self):
        pool = self.instance
        history = list(reads.history(pool, None)[: self.RECENT])
        lines = format_html_join(
            "",
            "<li>{}：{}（{}）</li>",
            [(local_time(t.at), t.memo, f"{t.amount:+d}") for t in history],
        )
        return [
            {"label": _("站点"), "value": pool.station.title},
            {"label": _("积分余额"), "value": str(timebank.balance(pool))},
            {
                "label": _("最近的积分流水"),
                "value": format_html("<ul>{}</ul>", lines) if history else _("暂无"),
            },
        ]


class PoolAdmin(VisibleObjectsOnlyMixin, ModelAdmin):
    not_found_message = gettext_lazy("找不到这个公益积分池。")
    model = PointAccount
    menu_label = gettext_lazy("公益积分池")
    menu_icon = "pick"
    list_display = ("station", "balance")
    search_fields = ("station__title",)
    ordering = ("station__title",)
    list_per_page = 50
    inspect_view_enabled = True
    history_view_enabled = False
    index_view_class = PoolIndexView
    inspect_view_class = PoolInspectView
    permission_helper_class = PoolPermissionHelper

    def get_permissions_for_registration(self):
        # Seeing a pool comes with the catalogue's permissions; none to hand out for it.
        return Permission.objects.none()

    @display(description=gettext_lazy("积分余额"), ordering="points")
    def balance(self, obj):
        return obj.points

    def get_queryset(self, request):
        pools = self.visible_to(request.user).select_related("station")
        return reads.pool_balances(pools).order_by(*self.get_ordering(request))

    def visible_to(self, user):
        if not self.permission_helper.user_can_list(user):
            return PointAccount.objects.none()
        pools = PointAccount.objects.filter(kind=AccountKind.STATION_POOL)
        return station_rows_visible_to(user, pools)


class TimebankAdminGroup(ModelAdminGroup):
    menu_label = gettext_lazy("时间银行")
    menu_icon = "pick"
    menu_order = 278  # after the service records and certificates (275–277)
    items = (ExchangeItemAdmin, ExchangeAdmin, PoolAdmin)
