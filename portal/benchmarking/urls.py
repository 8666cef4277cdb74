"""The URL conf of `manage.py benchmark_pages`'s server (portal.settings.benchmark): the site's
own, with the bare view (bare.py) in front of it."""

from django.urls import include, path

from .bare import BARE_PATH, bare

urlpatterns = [
    path(BARE_PATH.lstrip("/"), bare, name="benchmark_bare"),
    path("", include("portal.urls")),
]

# Django reads the error handlers from the root URL conf only.
handler500 = "portal.views.server_error"
