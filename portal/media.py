"""Image renditions served by the app itself, when uploads are on the file system.

In a real deployment the front web server answers /media/images/ first (portal/deploy/nginx.conf)
or the renditions live in object storage (MEDIA_S3_BUCKET); this view is the fallback that keeps
a bare gunicorn from showing every image broken. It serves renditions only: originals and
anything else under MEDIA_URL answer 404, and documents go through Wagtail's own view, which
checks their privacy. Included from portal/urls.py.
"""

import re
import stat
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage
from django.http import FileResponse, Http404
from django.urls import re_path
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.views.decorators.http import require_safe

# Wagtail's Rendition.get_upload_to: every rendition sits directly in this folder.
RENDITIONS_FOLDER = "images"
# The formats Wagtail writes renditions in (wagtail.images IMAGE_FORMAT_EXTENSIONS); nothing else
# is served, so a stray file of another type is never sent as something a browser would run.
RENDITION_TYPES = {
    ".avif": "image/avif",
    ".gif": "image/gif",
    ".heic": "image/heic",
    ".ico": "image/x-icon",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".svg": "image/svg+xml",
    ".webp": "image/webp",
}
# An SVG opened on its own runs no script and loads nothing: the same rule nginx sends.
MEDIA_CSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox"


def rendition_file(name: str) -> Path | None:
    """The rendition file `name` (a file name in the renditions folder) names, or None."""
    if (
        not name
        or "/" in name
        or "\\" in name
        or "\x00" in name
        or name.startswith(".")
        or PurePosixPath(name).suffix.lower() not in RENDITION_TYPES
    ):
        return None
    folder = Path(default_storage.location, RENDITIONS_FOLDER).resolve()
    path = (folder / name).resolve()
    # A symbolic link out of the folder is refused like a ../ in the name.
    return path if path.parent == folder else None


@require_safe
def serve_rendition(request, name: str):
    if not isinstance(default_storage, FileSystemStorage):
        raise Http404("Renditions are served by the object storage.")
    path = rendition_file(name)
    try:
        info = path.stat() if path else None
    except OSError:
        info = None
    if info is None or not stat.S_ISREG(info.st_mode):
        raise Http404("No such rendition.")
    etag = f'"{info.st_mtime_ns:x}-{info.st_size:x}"'
    response = get_conditional_response(request, etag=etag, last_modified=int(info.st_mtime))
    if response is None:
        response = FileResponse(path.open("rb"), content_type=RENDITION_TYPES[path.suffix.lower()])
    response["ETag"] = etag
    response["Last-Modified"] = http_date(info.st_mtime)
    response["Cache-Control"] = settings.MEDIA_CACHE_CONTROL
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = MEDIA_CSP
    return response


def not_served(request, rest: str = ""):
    """Originals, documents' files and anything else under MEDIA_URL: never public."""
    raise Http404("Only image renditions are served from here.")


def _local_prefix(media_url: str) -> str:
    """MEDIA_URL as a path on this site ("media/"). When MEDIA_URL is another site's (the object
    store's), /media/ stays routed here and answers 404: the view serves only the file system."""
    if media_url.startswith("/") and not media_url.startswith("//") and media_url.strip("/"):
        return media_url.lstrip("/")
    return "media/"


_prefix = re.escape(_local_prefix(settings.MEDIA_URL))
urlpatterns = [
    re_path(
        rf"^{_prefix}{RENDITIONS_FOLDER}/(?P<name>[^/]+)$", serve_rendition, name="media_rendition"
    ),
    re_path(rf"^{_prefix}(?P<rest>.*)$", not_served),
]
