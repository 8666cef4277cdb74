"""Who sees and does what in the certificate admin (certificate_admin.py): the list filters,
the permission helpers (list and inspect the station's rows; issue, decline and revoke by the
rules in certificates/) and the buttons for the actions a user may take."""

from django.contrib.admin import SimpleListFilter
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail_modeladmin.helpers import ButtonHelper, PermissionHelper

from stations.access import managed_stations, sees_all_registrations
from stations.admin_base import MAX_FILTER_CHOICES, IdListFilter, ListOnlyPermissionMixin
from stations.models import CertificateRequestStatus, StationPage
from stations.volunteers.certificates import may_decide, may_issue, may_revoke

# --- filters ------------------------------------------------------------------------------------


class StationFilter(IdListFilter):
    title = gettext_lazy("站点")
    parameter_name = "station"
    field_name = "station_id"

    def lookups(self, request, model_admin):
        user = request.user
        stations = (
            StationPage.objects.filter(pk__in=model_admin.model.objects.values("station_id"))
            if sees_all_registrations(user)
            else managed_stations(user)
        )
        choices = list(stations.order_by("title").values_list("pk", "title")[:MAX_FILTER_CHOICES])
        return choices if len(choices) > 1 else []

    def has_output(self):
        return bool(self.lookup_choices) or self.value() is not None


class ValidityFilter(SimpleListFilter):
    title = gettext_lazy("状态")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("valid", _("有效")), ("revoked", _("已撤销"))]

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        if value not in ("valid", "revoked"):
            return queryset.none()
        return queryset.filter(revoked_at__isnull=value == "valid")


# --- permissions and buttons --------------------------------------------------------------------


class StationRowsPermissionHelper(ListOnlyPermissionMixin, PermissionHelper):
    """List and inspect the station's rows; the actions are the rules' (certificates/)."""

    def user_can_list(self, user):
        return sees_all_registrations(user) or super().user_can_list(user)

    def user_can_inspect_obj(self, user, obj):
        return self.inspect_view_enabled and self.user_can_list(user)


class RequestPermissionHelper(StationRowsPermissionHelper):
    def user_can_issue(self, user, obj):
        return obj.status == CertificateRequestStatus.OPEN and may_issue(user, obj.station_id)

    def user_can_decline(self, user, obj):
        return obj.status == CertificateRequestStatus.OPEN and may_decide(user, obj.station_id)


class CertificatePermissionHelper(StationRowsPermissionHelper):
    def user_can_revoke(self, user, obj):
        return not obj.is_revoked and may_revoke(user, obj.station_id)


class ActionButtons(ButtonHelper):
    """Inspect, then the row's actions the user may take (`actions`: action, label, check)."""

    actions = ()

    def get_buttons_for_obj(self, obj, exclude=None, classnames_add=None, classnames_exclude=None):
        buttons = super().get_buttons_for_obj(obj, exclude, classnames_add, classnames_exclude)
        for action, label, check in self.actions:
            if check is None or getattr(self.permission_helper, check)(self.request.user, obj):
                buttons.append(
                    {
                        "url": self.url_helper.get_action_url(action, obj.pk),
                        "label": str(label),
                        "classname": self.finalise_classname(
                            ["button-secondary", *(classnames_add or [])], classnames_exclude
                        ),
                        "title": str(label),
                    }
                )
        return buttons


class RequestButtons(ActionButtons):
    actions = (
        ("issue", gettext_lazy("出具证明"), "user_can_issue"),
        ("decline", gettext_lazy("不予出具"), "user_can_decline"),
    )


class CertificateButtons(ActionButtons):
    actions = (
        ("pdf", gettext_lazy("下载 PDF"), None),
        ("revoke", gettext_lazy("撤销"), "user_can_revoke"),
    )
