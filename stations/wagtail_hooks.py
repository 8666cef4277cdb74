from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.chooser import ChooserViewSet
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from stations.models import ActivityCategory, Area, StationType, VolunteerTeam


class StationTypeViewSet(SnippetViewSet):
    model = StationType
    icon = "tag"
    menu_label = _("站点类型")
    list_display = ["name", "description", "sort_order"]
    search_fields = ["name"]


class AreaViewSet(SnippetViewSet):
    model = Area
    icon = "site"
    menu_label = _("行政区域")
    list_display = ["name", "level", "parent", "latitude", "longitude"]
    list_filter = ["level"]
    search_fields = ["name"]
    ordering = ["level", "sort_order", "name"]

    def get_queryset(self, request):
        return Area.objects.select_related("parent__parent")


class ActivityCategoryViewSet(SnippetViewSet):
    model = ActivityCategory
    icon = "date"
    menu_label = _("活动类别")
    list_display = ["name", "sort_order"]
    search_fields = ["name"]


class StationReferenceGroup(SnippetViewSetGroup):
    items = (StationTypeViewSet, AreaViewSet, ActivityCategoryViewSet)
    menu_icon = "site"
    menu_label = _("站点资料")
    menu_order = 250


register_snippet(StationReferenceGroup)


class VolunteerTeamChooserViewSet(ChooserViewSet):
    """A searchable modal for a team's parent team: there may be thousands of teams."""

    model = VolunteerTeam
    icon = "group"
    choose_one_text = _("选择上级队伍")
    choose_another_text = _("更换上级队伍")
    per_page = 20


@hooks.register("register_admin_viewset")
def register_team_chooser():
    return VolunteerTeamChooserViewSet("volunteer_team_chooser")


# --- Station managers may not delete stations (stations/access.py) ----------------------------
from stations.access import guard_station_bulk_deletion, guard_station_deletion  # noqa: E402

hooks.register("before_delete_page", guard_station_deletion)
hooks.register("before_bulk_action", guard_station_bulk_deletion)

# --- Station files: the admin API sees what the choosers see; working files stay private -------
from stations.files import guard_station_document, replace_admin_api_endpoints  # noqa: E402

# After Wagtail's own registrations (order 0), so the filtered endpoints replace them.
hooks.register("construct_admin_api", replace_admin_api_endpoints, order=10)
# Before Wagtail's collection view restrictions: a hidden file is a 404, not a log-in prompt.
hooks.register("before_serve_document", guard_station_document, order=-10)

# Wagtail loads only each app's own wagtail_hooks module: the features' hooks load from here.
from stations.activities import wagtail_hooks as activity_hooks  # noqa: E402, F401
from stations.directory import wagtail_hooks as directory_hooks  # noqa: E402, F401
from stations.volunteers import wagtail_hooks as volunteer_hooks  # noqa: E402, F401
