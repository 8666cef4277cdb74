from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from home.base import memo
from home.base.renditions import prefetch_renditions
from stations.models.stations import STATION_PAGE_CONTEXT
from stories.listing import covers, latest_stories
from stories.models import Award, Occasion


class AwardViewSet(SnippetViewSet):
    model = Award
    icon = "pick"
    menu_label = _("嘉许奖项")
    list_display = ["name", "conferred_by", "level", "tier"]
    list_filter = ["level"]
    search_fields = ["name", "conferred_by"]


class OccasionViewSet(SnippetViewSet):
    model = Occasion
    icon = "date"
    menu_label = _("嘉许时机")
    list_display = ["name", "sort_order"]
    search_fields = ["name"]


class StoryReferenceGroup(SnippetViewSetGroup):
    items = (AwardViewSet, OccasionViewSet)
    menu_icon = "pick"
    menu_label = _("嘉许资料")
    menu_order = 260


register_snippet(StoryReferenceGroup)


# How many stories about a station its page lists.
STORIES_SHOWN = 10


@hooks.register(STATION_PAGE_CONTEXT)
def station_stories_context(*, page, request) -> dict:
    """A station's page lists the stories about it (stations name no story code)."""

    # Read only when the page's kept fragment of them is not there (station_page.html), then
    # kept with their covers' renditions.
    def stories():
        return memo.remember("station-stories", page.pk, read, request=request)

    def read():
        found = latest_stories(limit=STORIES_SHOWN, station=page)
        prefetch_renditions(covers(found))
        return found

    return {"station_stories": SimpleLazyObject(stories)}
