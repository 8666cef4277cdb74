from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    name = "home"
    verbose_name = _("首页与政策文件")

    def ready(self):
        # Cached pages, links, menus and the list of private pages are dropped when the page
        # tree or other content changes.
        from home import menus
        from home.base import content, restrictions, slugs

        # The content version keys cached pages (portal/page_cache.py).
        content.connect_signals()
        menus.connect_signals()
        restrictions.connect_signals()
        # New pages with Chinese titles get pinyin slugs, however they are made.
        slugs.connect_signals()
        register_search_types()


def register_search_types():
    """Policy documents and standard pages among the site search's results (search/types.py)."""
    from home.policy_register import pinned_by_doc_number
    from search.types import SearchType, register

    register(
        SearchType(
            key="policy",
            model="home.PolicyDocumentPage",
            label=_("政策文件"),
            date="issued",
            text=("doc_number", "issuer", "body"),
            facets={"year": "issued_year"},
            pinned=pinned_by_doc_number,
        )
    )
    register(
        SearchType(key="page", model="home.StandardPage", label=_("页面"), text=("intro", "body"))
    )
