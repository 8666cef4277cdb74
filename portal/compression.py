"""gzip for text responses (HTML, JSON, XML, calendars) to clients that accept it.

Django's GZipMiddleware, limited to text types (images, PDFs and videos are compressed already)
and kept off responses marked no-store: those are the personal pages (a volunteer's records, a
sign-up's secret status page), where BREACH could read a secret out of compressed lengths if an
attacker could also put text of their own on the page. Public pages carry no secret but the CSRF
token, which Django masks afresh on every response; Django also pads every gzip body with random
bytes (its BREACH mitigation), so the lengths leak nothing useful.
"""

from django.middleware.gzip import GZipMiddleware
from django.utils.cache import cc_delim_re

COMPRESSED_TYPES = {
    "text/html",
    "text/plain",
    "text/xml",
    "text/calendar",
    "text/css",
    "text/javascript",
    "application/javascript",
    "application/json",
    "application/geo+json",
    "application/xml",
    "application/atom+xml",
    "application/rss+xml",
    "image/svg+xml",
}


class TextGZipMiddleware(GZipMiddleware):
    def process_response(self, request, response):
        media_type = response.get("Content-Type", "").split(";", 1)[0].strip().lower()
        if media_type not in COMPRESSED_TYPES:
            return response
        cache_control = response.get("Cache-Control", "")
        if "no-store" in {d.strip().lower() for d in cc_delim_re.split(cache_control)}:
            return response
        return super().process_response(request, response)
