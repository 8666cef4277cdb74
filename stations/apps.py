from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StationsConfig(AppConfig):
    name = "stations"
    verbose_name = _("志愿服务站点与活动")

    def ready(self):
        # The map's cached GeoJSON is rebuilt when a station is published, moved or deleted.
        from stations.directory.mapdata import connect_signals

        connect_signals()

        # Places an editor adds to a full activity go to its waitlist at once.
        from wagtail.signals import page_published

        from stations.signup import places_added

        page_published.connect(places_added, dispatch_uid="stations.signup.places_added")

        register_search_types()


def register_search_types():
    """Stations and activities among the site search's results (search/types.py)."""
    from search.types import SearchType, register
    from stations.models import Area

    register(
        SearchType(
            key="station",
            model="stations.StationPage",
            label=_("志愿服务站点"),
            text=("summary", "address", "service_content"),
            facets={"district": "district"},
            facet_labels={"district": Area.names_for},
        )
    )
    register(
        SearchType(
            key="activity",
            model="stations.ActivityPage",
            label=_("志愿服务活动"),
            date="starts_at",
            text=("summary", "description"),
        )
    )
