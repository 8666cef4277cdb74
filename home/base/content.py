"""What counts as content public pages show, and the version every change to it bumps.

The version (home.base.cache_versions) keys the page cache (portal/page_cache.py), the site map
of the routing (home.base.routing) and the pages' Last-Modified. It is bumped in the same
transaction as the change: publishing, unpublishing, moving or deleting pages, snippets and
reference data, images, documents, view restrictions and sites.
"""

from django.db.models.signals import post_delete, post_save
from wagtail.models import Page, Site
from wagtail.signals import post_page_move

from home.base import cache_versions

CONTENT_VERSION = "content"
# The sites and their root pages (home.base.routing keeps them per process): bumped far more
# rarely than the content, so a published story does not cost every process a site lookup.
SITES_VERSION = "sites"

# Everything in these apps is content, but for what residents do all day (their figures reach
# pages through PAGE_CACHE_LIVE_SECONDS) and private rows no page shows.
CONTENT_APPS = {"home", "stations", "stories"}
NOT_CONTENT = {
    "home.CacheVersion",
    "stations.ActivitySignup",
    "stations.ActivityTally",
    "stations.CheckIn",
    "stations.LoginCode",
    "stations.VolunteerSession",
    "stations.DataRightsLog",
    "stations.Volunteer",
    "stations.VolunteerRegistration",
    "stations.PointAccount",
    "stations.PointEntry",
    "stations.PointTransfer",
    "stations.PointExchange",
    "stations.ServiceRecord",
    "stations.ServiceRecordEntry",
    "stations.StationVolunteer",
    "stations.StationYearHours",
    "stations.VolunteerHoursTotal",
    "stations.CorrectionRequest",
    "stations.CertificateRequest",
    "stations.CertificateSerial",
}
# Wagtail's own models that public pages show or that decide who sees them.
WAGTAIL_CONTENT = {
    "wagtailcore.Page",
    "wagtailcore.PageViewRestriction",
    "wagtailcore.CollectionViewRestriction",
    "wagtailcore.Collection",
    "wagtailcore.Site",
    "wagtailcore.Locale",
    "wagtailimages.Image",
    "wagtaildocs.Document",
    "wagtailredirects.Redirect",
}


def is_content(model) -> bool:
    if model.__module__ == "__fake__":
        # A migration's historical model: its data is not served yet (and the version table
        # may not exist yet).
        return False
    label = model._meta.label
    if label in NOT_CONTENT:
        return False
    return model._meta.app_label in CONTENT_APPS or label in WAGTAIL_CONTENT


def content_changed(sender=None, instance=None, **kwargs) -> None:
    model = sender if isinstance(sender, type) else type(instance)
    if model is None or not is_content(model):
        return
    cache_versions.bump(CONTENT_VERSION)
    if isinstance(instance, Site) or (isinstance(instance, Page) and instance.depth <= 2):
        cache_versions.bump(SITES_VERSION)


def connect_signals() -> None:
    uid = "home.base.content"
    post_save.connect(content_changed, dispatch_uid=f"{uid}.saved")
    post_delete.connect(content_changed, dispatch_uid=f"{uid}.deleted")
    # Moves rewrite paths with queryset updates, which send no save signals.
    post_page_move.connect(content_changed, dispatch_uid=f"{uid}.moved")
