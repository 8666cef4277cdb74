from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StoriesConfig(AppConfig):
    name = "stories"
    verbose_name = _("嘉许故事")

    def ready(self):
        register_search_types()


def register_search_types():
    """Commendation stories among the site search's results (search/types.py)."""
    from search.types import SearchType, register
    from stations.models import Area

    register(
        SearchType(
            key="story",
            model="stories.StoryPage",
            label=_("嘉许故事"),
            date="story_date",
            text=("summary", "honoree_name", "body"),
            facets={"year": "year", "district": "district"},
            facet_labels={"district": Area.names_for},
        )
    )
