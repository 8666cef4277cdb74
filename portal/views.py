import sys
from functools import cache
from pathlib import Path

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.template import loader
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_safe

# Crawlers may read everything public; the admin and the residents' private pages (sign-up
# links, 我的志愿服务) are not for them. Search results are not disallowed: they say noindex
# themselves (meta tag and X-Robots-Tag), which a crawler can only read if it may fetch them,
# and their links lead it on to the pages found.
ROBOTS_RULES = [
    "User-agent: *",
    "Disallow: /admin/",
    "Disallow: /django-admin/",
    "Disallow: /activities/signups/",
    "Disallow: /volunteer/",
]


@require_GET
@cache_control(max_age=86400, public=True)
def robots_txt(request):
    lines = ROBOTS_RULES + ["", f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


FAVICON = Path(__file__).resolve().parent / "static" / "icons" / "favicon.ico"


@cache
def _favicon_bytes() -> bytes:
    return FAVICON.read_bytes()


@require_safe
@cache_control(max_age=86400, public=True)
def favicon_ico(request):
    """/favicon.ico, which browsers and feed readers ask for whatever the page links: the
    site's icon (the pages link the static copies, icons/favicon.svg and .ico)."""
    return HttpResponse(_favicon_bytes(), content_type="image/x-icon")


# While the database cannot be reached every request fails in the same way; a resident should be
# told to try again shortly (and a client when), not that the site is broken.
RETRY_AFTER_SECONDS = 30
DATABASE_DOWN = (OperationalError, InterfaceError)


def _unavailable_errors() -> tuple[type[BaseException], ...]:
    # The object store's outage is one too (an upload it could not take); imported here so the
    # file-system set-up never loads boto3.
    try:
        from portal.media_storage import StorageUnavailable
    except ImportError:  # django-storages not installed
        return DATABASE_DOWN
    return (*DATABASE_DOWN, StorageUnavailable)


DATA_FILE_SUFFIXES = (".json", ".geojson", ".ics", ".xml")


def _database_is_down(exception) -> bool:
    while exception is not None:
        if isinstance(exception, _unavailable_errors()):
            return True
        exception = exception.__cause__ or exception.__context__
    return False


def server_error(request, template_name="500.html"):
    """Django's handler500, which runs inside the failed request's `except` block: a database
    (or object store) outage becomes a 503 with Retry-After (JSON for the data endpoints),
    anything else the plain 500 page. Neither page reads the database."""
    if not _database_is_down(sys.exc_info()[1]):
        return HttpResponseServerError(loader.get_template(template_name).render())
    if request.path.endswith(DATA_FILE_SUFFIXES) or "json" in request.headers.get("Accept", ""):
        response = JsonResponse(
            {"error": str(_("服务暂时不可用，请稍后再试。"))},
            status=503,
            json_dumps_params={"ensure_ascii": False},
        )
    else:
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    patch_cache_control(response, no_store=True)
    return response
