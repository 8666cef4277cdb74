from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = _("站内搜索")

    def ready(self):
        # Marker words follow the pages' visibility (after home's handlers have dropped the
        # cached list of private sections).
        from search import markers

        markers.connect_signals()
