"""积分兑换 in the admin, in the 时间银行 menu (timebank_admin.py): a station's managers list,
export and inspect their own station's exchanges and, while one is pending, record it handed over or
cancel it (the points go back to the volunteer, the item back in stock) through timebank/.
Superusers and holders of view_all_registrations see every station's."""

import datetime

from django.contrib import messages
from django.contrib.admin import display
from django.core.exceptions import PermissionDenied
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

from stations.access import can_see_station_row, sees_all_registrations, station_rows_visible_to
from stations.admin_base import (
    MAX_FILTER_CHOICES,
    NUMBER,
    DeclaredFiltersOnlyMixin,
    IdListFilter,
    ListOnlyPermissionMixin,
    NumberSearchHandler,
    VisibleObjectsOnlyMixin,
    number_label,
    number_of,
)
from stations.models import ExchangeStatus, PointExchange, StationPage
from stations.spreadsheets import ExcelCsvMixin, defuse
from stations.volunteers import timebank


def local_time(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


class StationFilter(IdListFilter):
    title = gettext_lazy("站点")
    parameter_name = "station"
    field_name = "item__station_id"

    def lookups(self, request, model_admin):
        user = request.user
        stations = StationPage.objects.filter(
            pk__in=exchanges_visible_to(user).values("item__station_id")
        )
        rows = stations.order_by("title").values_list("pk", "title")
        choices = list(rows[: MAX_FILTER_CHOICES + 1])
        return choices if len(choices) <= MAX_FILTER_CHOICES else []

    def has_output(self):
        return len(self.lookup_choices) > 1 or self.value() is not None


# --- the exchanges -------------------------------------------------------------------------------

EXPORT_COLUMNS = (
    ("station", gettext_lazy("站点")),
    ("item", gettext_lazy("兑换项目")),
    ("volunteer_number", gettext_lazy("志愿者编号")),
    ("points", gettext_lazy("积分")),
    ("status", gettext_lazy("状态")),
    ("created_at", gettext_lazy("兑换时间")),
    ("handed_over_at", gettext_lazy("领取时间")),
    ("cancelled_at", gettext_lazy("取消时间")),
)
ACTIONS = {
    "hand_over": gettext_lazy("已领取"),
    "cancel": gettext_lazy("取消兑换并退回积分"),
}


def exchanges_visible_to(user):
    return station_rows_visible_to(user, PointExchange.objects.all(), station="item__station")


class ExchangePermissionHelper(ListOnlyPermissionMixin, PermissionHelper):
    def user_can_list(self, user):
        return sees_all_registrations(user) or super().user_can_list(user)

    def user_can_inspect_obj(self, user, obj):
        return self.inspect_view_enabled and self.user_can_list(user) and self._sees(user, obj)

    def user_can_decide(self, user, obj):
        change = self.get_perm_codename("change")
        return self.user_has_specific_permission(user, change) and self._sees(user, obj)

    def _sees(self, user, obj):
        return can_see_station_row(user, obj.item.station_id)


class ExchangeIndexView(DeclaredFiltersOnlyMixin, ExcelCsvMixin, IndexView):
    export_headings = dict(EXPORT_COLUMNS)

    def to_row_dict(self, item):
        row = {
            "station": item.item.station.title,
            "item": item.item.name,
            "volunteer_number": number_label(getattr(item, NUMBER)),
            "points": item.points,
            "status": str(item.get_status_display()),
            "created_at": local_time(item.created_at),
            "handed_over_at": local_time(item.handed_over_at),
            "cancelled_at": local_time(item.cancelled_at),
        }
        return {key: defuse(value) for key, value in row.items()}


class ExchangeInspectView(InspectView):
    def get_fields_dict(self):
        row = self.instance
        fields = [
            (_("兑换项目"), row.item.name),
            (_("站点"), row.item.station.title),
            (_("志愿者编号"), number_of(row)),  # the number alone, not the volunteer's row
            (_("积分"), str(row.points)),
            (_("状态"), self.status_field()),
            (_("兑换时间"), local_time(row.created_at)),
            (_("领取时间"), local_time(row.handed_over_at)),
            (_("取消时间"), local_time(row.cancelled_at)),
        ]
        empty = self.model_admin.get_empty_value_display()
        return [{"label": label, "value": value or empty} for label, value in fields]

    def status_field(self):
        row = self.instance
        label = row.get_status_display()
        if row.status != ExchangeStatus.PENDING or not (
            self.permission_helper.user_can_decide(self.request.user, row)
        ):
            return label
        # Plain POST forms: they work without JavaScript and pass Django's CSRF check.
        forms_html = format_html_join(
            " ",
            '<form method="post" action="{}">'
            '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
            '<button type="submit" class="button button-small{}">{}</button></form>',
            [
                (
                    self.url_helper.get_action_url(action, self.pk_quoted),
                    get_token(self.request),
                    "" if action == "hand_over" else " button-secondary",
                    text,
                )
                for action, text in ACTIONS.items()
            ],
        )
        return format_html("{} {}", label, forms_html)


class ExchangeAdmin(VisibleObjectsOnlyMixin, ModelAdmin):
    not_found_message = gettext_lazy("找不到这次兑换。")
    model = PointExchange
    menu_label = gettext_lazy("积分兑换")
    menu_icon = "list-ul"
    list_display = ("item", "station", "volunteer_number", "points", "status", "created_at")
    list_filter = (StationFilter, "status")
    search_fields = ("item__name", "volunteer__number")
    search_handler_class = NumberSearchHandler
    ordering = ("-created_at", "-pk")
    list_per_page = 50
    inspect_view_enabled = True
    history_view_enabled = False
    index_view_class = ExchangeIndexView
    inspect_view_class = ExchangeInspectView
    permission_helper_class = ExchangePermissionHelper
    list_export = [key for key, _label in EXPORT_COLUMNS]

    @property
    def export_filename(self):
        return f"point-exchanges-{datetime.date.today():%Y-%m-%d}"

    @display(description=gettext_lazy("站点"), ordering="item__station__title")
    def station(self, obj):
        return obj.item.station.title

    @display(description=gettext_lazy("志愿者编号"), ordering="volunteer__number")
    def volunteer_number(self, obj):
        return number_label(getattr(obj, NUMBER))

    def get_queryset(self, request):
        rows = exchanges_visible_to(request.user).select_related("item", "item__station")
        return rows.annotate(**{NUMBER: F("volunteer__number")}).order_by(
            *self.get_ordering(request)
        )

    def visible_to(self, user):
        return exchanges_visible_to(user)

    def decide_view(self, request, instance_pk, *, action):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        row = self.visible_or_404(request, instance_pk)
        if not self.permission_helper.user_can_decide(request.user, row):
            raise PermissionDenied
        try:
            if action == "hand_over":
                timebank.hand_over(exchange=row, by=request.user)
                done = _("已记为领取：“%(item)s”。")
            else:
                timebank.cancel_exchange(exchange=row, by=request.user)
                done = _("已取消兑换“%(item)s”，积分已退回志愿者，库存已加回。")
        except timebank.PointsRefused as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, done % {"item": row.item.name})
        return redirect(self.url_helper.get_action_url("inspect", row.pk))

    def get_admin_urls_for_registration(self):
        urls = super().get_admin_urls_for_registration()
        for action in ACTIONS:
            view = lambda request, instance_pk, action=action: self.decide_view(  # noqa: E731
                request, instance_pk, action=action
            )
            urls += (
                re_path(
                    self.url_helper.get_action_url_pattern(action),
                    view,
                    name=self.url_helper.get_action_url_name(action),
                ),
            )
        return urls
