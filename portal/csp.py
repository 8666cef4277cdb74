"""The Content-Security-Policy header (django-csp), with what only start-up can know.

The directives live in settings (CONTENT_SECURITY_POLICY, or CONTENT_SECURITY_POLICY_REPORT_ONLY
when CSP_REPORT_ONLY is set). This middleware adds to them, once at start-up:

- the hosts the station map's tiles come from (settings.MAP_TILES: its url and retina_url, `{s}`
  expanded to each subdomain letter, as Leaflet does) to img-src;
- the host uploads are served from, when MEDIA_URL is absolute (object storage), to img-src
  and media-src.

The Wagtail admin (ADMIN_PATH_PREFIX) gets ADMIN_REPLACE on top. Wagtail 8 writes inline scripts
itself (each chooser widget's `new ImageChooser(…)`/`new SnippetChooser(…)`, the date fields'
`initDateChooser(…)`, InlinePanel set-up) and Draftail adds <style> elements, so the admin needs
'unsafe-inline' for scripts and styles; its multi-image upload previews files from blob: URLs; and
its page preview is an iframe of the admin itself, so frame-ancestors is 'self' there (the
preview's own dummy request gets no header: the admin request around it sets one). Nothing in
the admin needs 'unsafe-eval': the browser test edits pages, opens a chooser and the preview
without it.
"""

import re
from urllib.parse import urlsplit

from csp.constants import SELF, UNSAFE_INLINE
from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

ADMIN_PATH_PREFIX = "/admin/"
ADMIN_REPLACE = {
    "script-src": [SELF, UNSAFE_INLINE],
    "style-src": [SELF, UNSAFE_INLINE],
    # The multiple-image upload previews each file from a blob: URL before sending it.
    "img-src": [SELF, "data:", "blob:"],
    "frame-ancestors": [SELF],
}

# A report URI goes into the header as it is: no spaces, quotes, commas or semicolons, which would
# end the directive or the header's value.
_REPORT_URI = re.compile(r"^(https://[^\s;,'\"]+|/[^\s;,'\"]*)$")


def url_origin(url: str) -> str | None:
    """The origin of an absolute URL as a CSP source ("https://host:port"); "host" alone for a
    protocol-relative one (the page's own scheme); None for a path on the site itself."""
    parts = urlsplit(url or "")
    if not parts.netloc:
        return None
    host = parts.netloc.rsplit("@", 1)[-1]
    return f"{parts.scheme}://{host}" if parts.scheme else host


def tile_origins(url_template: str, subdomains: str) -> list[str]:
    """The origins an XYZ tile URL template loads from, one per subdomain letter for `{s}`."""
    origin = url_origin(url_template)
    if origin is None:
        return []
    hosts = (
        [origin.replace("{s}", letter) for letter in subdomains] if "{s}" in origin else [origin]
    )
    if any("{" in host or "}" in host for host in hosts):
        raise ImproperlyConfigured(
            "MAP_TILE_URL may have only {s} in its host name (with MAP_TILE_SUBDOMAINS set)."
        )
    return list(dict.fromkeys(hosts))


def report_uri_directive(uri: str) -> dict:
    """The report-uri directive for CSP_REPORT_URI (an https:// URL or a path), or nothing."""
    uri = uri.strip()
    if not uri:
        return {}
    if not _REPORT_URI.match(uri):
        raise ImproperlyConfigured(
            "CSP_REPORT_URI must be an https:// URL or a path on this site, without spaces, "
            "quotes, commas or semicolons."
        )
    return {"report-uri": uri}


def start_up_sources() -> dict[str, list[str]]:
    """What the current settings add to the policy's directives (see the module docstring)."""
    tiles = getattr(settings, "MAP_TILES", None) or {}
    images = [
        origin
        for url in (tiles.get("url", ""), tiles.get("retina_url", ""))
        for origin in tile_origins(url, tiles.get("subdomains", ""))
    ]
    media = url_origin(settings.MEDIA_URL)
    sources: dict[str, list[str]] = {}
    if images or media:
        sources["img-src"] = list(dict.fromkeys(images + ([media] if media else [])))
    if media:
        sources["media-src"] = [media]
    return sources


def _merged(first: dict | None, second: dict | None) -> dict | None:
    """Two update/replace mappings as one; a view's own (second) wins on the same directive."""
    if not first:
        return second
    return {**first, **(second or {})}


class PortalCSPMiddleware(CSPMiddleware):
    def __init__(self, get_response):
        super().__init__(get_response)
        self.additions = start_up_sources()

    def process_response(self, request, response):
        # Wagtail renders a preview (and a draft, a revision) by running the page through the
        # middleware again on a dummy request for the page's public URL. The real request, to the
        # admin, sets the header: the admin's policy, whose frame-ancestors lets the preview
        # panel frame it.
        if getattr(request, "is_dummy", False):
            return response
        return super().process_response(request, response)

    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        name = "CONTENT_SECURITY_POLICY_REPORT_ONLY" if report_only else "CONTENT_SECURITY_POLICY"
        if not getattr(settings, name, None):
            return parts  # this header is not in use: leave it empty
        update = dict(self.additions)
        if request.path_info.startswith(ADMIN_PATH_PREFIX):
            parts.replace = _merged(ADMIN_REPLACE, parts.replace)
        for directive, sources in (parts.update or {}).items():
            sources = [sources] if isinstance(sources, str) else list(sources or [])
            update[directive] = [*update.get(directive, []), *sources]
        parts.update = update
        return parts
