"""The activity editing form in the admin: a station manager chooses only their own stations."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm


class ActivityPageForm(WagtailAdminPageForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from stations.activities.access import limited_to_own_stations

        user = getattr(self, "for_user", None)
        if user is not None and limited_to_own_stations(user):
            self._limit_to_own_stations(user)

    def _limit_to_own_stations(self, user):
        """A plain list of the manager's stations instead of the page chooser (which would
        browse every station), checked on save like any choice: a forged id of another station
        is refused with a message, and the page keeps its station."""
        from stations.access import managed_stations
        from stations.models import VolunteerTeam

        stations = managed_stations(user).order_by("title")
        station = self.fields.get("station")
        if station is not None:
            station.widget = forms.Select()
            station.queryset = stations  # also fills the select's choices
            station.error_messages["invalid_choice"] = _(
                "只能选择你管理的站点；其他站点的活动请联系该站点或门户管理员。"
            )
            only = list(stations[:2])
            if len(only) == 1:
                station.empty_label = None
                if not self.is_bound and not self.instance.station_id:
                    self.initial["station"] = only[0].pk
        team = self.fields.get("team")
        if team is not None:
            team.widget = forms.Select()  # the team chooser would browse every station's teams
            team.queryset = VolunteerTeam.objects.filter(station__in=stations).order_by("name")
            team.error_messages["invalid_choice"] = _("只能选择你管理的站点的队伍。")

    def is_valid(self):
        # The image rows are cleaned after the page's own clean(), so they are checked here.
        valid = super().is_valid()
        return self._refuse_images_of_others() and valid

    def _refuse_images_of_others(self) -> bool:
        """A forged id must not attach another station's photo (and so publish it): a newly
        chosen image is one the user may choose; the one already there may stay."""
        from wagtail.images import get_image_model
        from wagtail.permissions import policy_registry

        user = getattr(self, "for_user", None)
        if user is None or user.is_superuser or "images" not in self.formsets:
            return True
        policy = policy_registry.get_by_type(get_image_model())
        allowed = None
        ok = True
        for form in self.formsets["images"].forms:
            cleaned = getattr(form, "cleaned_data", {})
            chosen = cleaned.get("image")
            if cleaned.get("DELETE") or chosen is None or chosen.pk == form.initial.get("image"):
                continue
            if allowed is None:
                allowed = policy.instances_user_has_any_permission_for(user, ["choose", "change"])
            if not allowed.filter(pk=chosen.pk).exists():
                form.add_error("image", _("只能选择本站点资料中的图片。"))
                ok = False
        return ok
