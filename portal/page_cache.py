"""HTTP caching for public responses: validators and 304s, what a proxy may keep, and a cache of
whole responses for residents who are not signed in.

`PageCacheMiddleware` sits after CsrfViewMiddleware and before authentication, so a hit costs
one query (the content version) and a cache read, and Django's CSRF middleware still renews
the resident's token cookie on the way out.

- **Validators.** Every 200 to a GET gets an `ETag` made from its body (with each CSRF token
  replaced by a placeholder, so the same page has the same tag in every process and on every
  machine); pages whose body holds a token add the token's secret to the tag, so a resident's
  browser copy is reused only while its token is still theirs. Pages also get `Last-Modified`:
  when the content version last changed, except the page types that show live figures (places
  left, confirmed hours), which change without it. Conditional requests get a 304.
- **Cache-Control.** Responses that say nothing themselves get `public, no-cache` (any cache may
  keep them but must ask again, and the 304 is cheap), or `private, no-cache` when they carry a
  CSRF token or answer a signed-in request.
- **The page cache.** Anonymous GETs (no session, volunteer or messages cookie) are answered
  from the `pages` cache when they can be. A response is kept only when it is a 200 of a text
  type with no cookie of its own, no Cache-Control saying private / no-store / no-cache, no
  messages shown, no Vary beyond Cookie and Accept-Encoding, and every CSRF token in it in a
  form field (replaced by the resident's own on the way out). Keys carry the content version,
  bumped in the same transaction as every change a public page may show: publishing,
  unpublishing, moving or deleting pages, snippets and reference data, images, documents, view
  restrictions and sites. Sign-ups, check-ins and service records do not bump it (they come in
  bursts); the pages that show their figures are kept `PAGE_CACHE_LIVE_SECONDS` only.

"""

import hashlib
import re

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils.cache import (
    cc_delim_re,
    get_conditional_response,
    patch_cache_control,
)
from django.utils.http import http_date

from home.base import cache_versions, routing
from home.base.content import CONTENT_VERSION

# Never looked up or kept: the admin, signed-in areas, private files, check-in links
# (settings.PAGE_CACHE_EXCLUDE adds to these).
EXCLUDED_PREFIXES = (
    "/admin/",
    "/django-admin/",
    "/documents/",
    "/volunteer/",
    "/activities/checkin/",
    "/_util/",
    "/static/",
    "/media/",
)
CACHED_TYPES = {
    "text/html",
    "text/plain",
    "text/xml",
    "text/calendar",
    "application/json",
    "application/geo+json",
    "application/xml",
    "application/atom+xml",
    "application/rss+xml",
}
ALLOWED_VARY = {"cookie", "accept-encoding", "accept-language"}
MAX_PATH = 512
# Page types that show figures changing with sign-ups, check-ins or confirmed hours, or with
# the clock (upcoming activities, sign-up deadlines): kept briefly, and sent without
# Last-Modified (a date would not say when they changed).
LIVE_PAGE_TYPES = {"home.HomePage", "stations.StationPage", "stations.ActivityPage",
                   "stations.ActivityIndexPage"}  # fmt: skip

# stations.volunteers.session.COOKIE_NAME (portal code names no app's module at import).
VOLUNTEER_COOKIE = "volunteer_session"
_TOKEN_FIELD = re.compile(rb'(name="csrfmiddlewaretoken" value=")([A-Za-z0-9]{64})(")')
_PLACEHOLDER = b"--portal-csrf-token--"


def _anonymous(request) -> bool:
    cookies = request.COOKIES
    return not any(
        name in cookies
        for name in (
            settings.SESSION_COOKIE_NAME,
            VOLUNTEER_COOKIE,
            getattr(settings, "MESSAGE_COOKIE_NAME", "messages"),
        )
    )


def _cache_control(response) -> set[str]:
    return {
        part.split("=", 1)[0].strip().lower()
        for part in cc_delim_re.split(response.get("Cache-Control", ""))
        if part.strip()
    }


def _media_type(response) -> str:
    return response.get("Content-Type", "").split(";", 1)[0].strip().lower()


def _page_label(request) -> str | None:
    route = getattr(request, "_wagtail_route_for_request", None)
    return route[0]._meta.label if route else None


def _with_placeholders(body: bytes) -> tuple[bytes, int]:
    return _TOKEN_FIELD.subn(rb"\g<1>" + _PLACEHOLDER + rb"\g<3>", body)


def _etag(body: bytes, request, carries_token: bool) -> str:
    tag = hashlib.sha256(body).hexdigest()[:20]
    if carries_token:
        secret = request.META.get("CSRF_COOKIE", "")
        tag += "-" + hashlib.sha256(secret.encode()).hexdigest()[:8]
    return f'"{tag}"'


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.excluded = EXCLUDED_PREFIXES + tuple(getattr(settings, "PAGE_CACHE_EXCLUDE", ()))

    def __call__(self, request):
        # Every cache version read once for the whole request (home.base.cache_versions).
        with cache_versions.request_scope():
            return self.respond(request)

    def respond(self, request):
        if request.path.startswith(self.excluded):
            return self.get_response(request)
        if request.method not in ("GET", "HEAD"):
            # POSTs to pages find their site in routing.serve; the rest (a sign-up) need none.
            return self.get_response(request)
        # The site for Wagtail's lookups from a per-process map rather than a query each time.
        routing.site_for_request(request)
        key = None
        if settings.PAGE_CACHE_SECONDS > 0 and _anonymous(request):
            full_path = request.get_full_path()
            if len(full_path) <= MAX_PATH:
                token = cache_versions.current(CONTENT_VERSION)
                digest = hashlib.sha256(f"{request.get_host()}{full_path}".encode()).hexdigest()
                key = f"portal:page:{token}:{digest[:32]}"
                entry = caches[settings.PAGE_CACHE_ALIAS].get(key)
                if entry is not None:
                    return self.from_entry(request, entry)
        response = self.get_response(request)
        if response.status_code != 200 or response.streaming or request.method != "GET":
            return response
        body, tokens = _with_placeholders(response.content)
        carries_token = tokens > 0
        if not response.has_header("ETag") and _media_type(response) in CACHED_TYPES:
            response["ETag"] = _etag(body, request, carries_token)
        label = _page_label(request)
        if label and label not in LIVE_PAGE_TYPES and not response.has_header("Last-Modified"):
            changed = cache_versions.changed_at(CONTENT_VERSION)
            if changed is not None:
                response["Last-Modified"] = http_date(changed.timestamp())
        keep = key is not None and self.keepable(request, response, carries_token)
        if not response.has_header("Cache-Control"):
            private = carries_token or not _anonymous(request)
            patch_cache_control(
                response, no_cache=True, **{"private" if private else "public": True}
            )
        if keep:
            seconds = settings.PAGE_CACHE_SECONDS
            if label in LIVE_PAGE_TYPES:
                seconds = min(seconds, settings.PAGE_CACHE_LIVE_SECONDS)
            entry = self.entry(response, body, carries_token)
            caches[settings.PAGE_CACHE_ALIAS].set(key, entry, seconds)
            response["X-Page-Cache"] = "miss"
        return self.conditional(request, response)

    def keepable(self, request, response, carries_token: bool) -> bool:
        if response.cookies or _media_type(response) not in CACHED_TYPES:
            return False
        if getattr(response, "page_cache", True) is False:
            return False
        if _cache_control(response) & {"private", "no-store", "no-cache"}:
            return False
        vary = {v.strip().lower() for v in cc_delim_re.split(response.get("Vary", "")) if v.strip()}
        if vary - ALLOWED_VARY:
            return False
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return False
        messages = getattr(request, "_messages", None)
        # Shown on this page or waiting for the next: either way one resident's.
        if messages is not None and len(messages):
            return False
        # A token used anywhere but a form field cannot be swapped for the next resident's.
        return carries_token or not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")

    @staticmethod
    def entry(response, body: bytes, carries_token: bool) -> dict:
        headers = [(k, v) for k, v in response.items() if k.lower() not in ("set-cookie", "vary")]
        return {"status": response.status_code, "headers": headers, "body": body,
                "token": carries_token}  # fmt: skip

    def from_entry(self, request, entry: dict):
        response = HttpResponse(status=entry["status"])
        for name, value in entry["headers"]:
            response[name] = value
        body = entry["body"]
        if entry["token"]:
            # The resident's own token (a new one, with its cookie, for a first visit), and the
            # tag that goes with it.
            body = body.replace(_PLACEHOLDER, get_token(request).encode())
            response["ETag"] = _etag(entry["body"], request, True)
        conditional = self.conditional(request, response)
        if conditional is not response:
            return conditional
        response.content = body
        response["X-Page-Cache"] = "hit"
        return response

    @staticmethod
    def conditional(request, response):
        last_modified = response.get("Last-Modified")
        timestamp = None
        if last_modified:
            from django.utils.http import parse_http_date_safe

            timestamp = parse_http_date_safe(last_modified)
        return get_conditional_response(
            request, etag=response.get("ETag"), last_modified=timestamp, response=response
        )
