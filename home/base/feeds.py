"""Atom feeds of a section's pages, with absolute links and dates (Django's syndication)."""

from urllib.parse import urlsplit

from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from home.base.seo import absolute, site_root

FEED_LENGTH = 30


class PageFeed(Feed):
    """The newest pages under an index page. Subclasses give `items` and `item_description`."""

    feed_type = Atom1Feed

    def __call__(self, request, *args, **kwargs):
        self.request = request
        response = super().__call__(request, *args, **kwargs)
        response["Content-Type"] = "application/atom+xml; charset=utf-8"
        return response

    def get_object(self, request, index):
        return index

    def title(self, index):
        site = index.get_site()
        return f"{index.title} · {site.site_name}" if site and site.site_name else index.title

    def link(self, index):
        return index.get_full_url(self.request)

    def feed_url(self, index):
        return absolute(self.request, self.request.path)

    def subtitle(self, index):
        return index.search_description or None

    def item_title(self, page):
        return page.title

    def item_link(self, page):
        return page.get_full_url(self.request)

    def item_guid(self, page):
        # Stable however the page is moved or renamed.
        return f"tag:{urlsplit(site_root(self.request)).hostname},2026:page:{page.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, page):
        return page.first_published_at or page.latest_revision_created_at

    def item_updateddate(self, page):
        # Atom requires an entry's update time; a page always has one of these once published.
        return page.last_published_at or self.item_pubdate(page)

    def author_name(self):
        return str(_("社区志愿服务门户"))
