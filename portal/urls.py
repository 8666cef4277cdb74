from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail import views as wagtail_views
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps import Sitemap
from wagtail.contrib.sitemaps import views as sitemap_views
from wagtail.documents import urls as wagtaildocs_urls

from home.base import routing
from portal.views import favicon_ico, robots_txt
from search import views as search_views
from stations.activities import calendar_views, checkin_views
from stations.activities import views as activity_views
from stations.directory import endpoints as station_views
from stations.volunteers import certificate_views

SITEMAPS = {"pages": Sitemap}

urlpatterns = [
    path("django-admin/", admin.site.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("search/", search_views.search, name="search"),
    # Volunteers' sign-in by code and 我的志愿服务 (stations/volunteers/urls.py).
    path("volunteer/", include("stations.volunteers.urls")),
    # The public verification of a 志愿服务记录证明: the short URL its QR code holds.
    path("v/", certificate_views.lookup, name="certificate_lookup"),
    path("v/<str:code>/", certificate_views.verify, name="certificate_verify"),
    # An index of sitemap pages of at most 50,000 URLs each: the directory alone may pass that.
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": SITEMAPS},
        name="sitemap_section",
    ),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("favicon.ico", favicon_ico, name="favicon_ico"),
    # Image renditions when uploads are on the file system and no web server answered first.
    path("", include("portal.media")),
]

if settings.DEBUG:
    from django.conf.urls.static import static
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [
    # Wagtail's page URLs cannot hold a dot, so the station directory's data files (its
    # nearby.json, map.geojson and basemap.geojson) are matched here, in front of the page tree.
    re_path(
        r"^(?P<page_path>(?:[\w\-]+/)*)"
        r"(?P<filename>nearby\.json|map\.geojson|basemap\.geojson)$",
        station_views.directory_data,
        name="station_directory_data",
    ),
    # Likewise the calendar.ics feeds of an activity, the activity index and a station.
    re_path(
        r"^(?P<page_path>(?:[\w\-]+/)*)calendar\.ics$",
        calendar_views.page_calendar,
        name="page_calendar",
    ),
    # An activity's sign-up form posts here, ahead of the page tree: a sign-up reads the
    # activity's tally row, not the pages on its path (stations/activities/views.py).
    path(
        "activities/signup/<int:activity_id>/",
        activity_views.signup_post,
        name="activity_signup",
    ),
    # An activity's check-in link (its QR code): ahead of the page tree, which owns /activities/.
    path(
        "activities/checkin/<str:token>/",
        checkin_views.checkin_page,
        name="activity_checkin",
    ),
    # Wagtail's page URLs, served through home.base.routing (the page found in two queries).
    *[
        re_path(pattern.pattern.regex.pattern, routing.serve, name=pattern.name)
        if pattern.callback is wagtail_views.serve
        else pattern
        for pattern in wagtail_urls.urlpatterns
    ],
]

# A database outage answers 503 with Retry-After, not 500 (portal/views.py).
handler500 = "portal.views.server_error"
