from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    name = "home"
    verbose_name = _("首页与政策文件")

    def ready(self):
        # Cached menus and the list of private pages are dropped when the page tree changes.
        from home import menus, restrictions

        menus.connect_signals()
        restrictions.connect_signals()
