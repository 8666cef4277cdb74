"""What a page says about itself to search engines and to apps it is shared to: the canonical
URL, Open Graph tags and schema.org JSON-LD.

A page type opts in by defining any of
- `sharing_description()` → str (else its search description, summary or intro),
- `sharing_image()` → (image, alt text) or None,
- `structured_data(request)` → a dict for JSON-LD (without @context) or None.
"""

import json
import logging
from dataclasses import dataclass, field

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext
from wagtail.images.models import SourceImageIOError
from wagtail.models import Site

logger = logging.getLogger(__name__)

DESCRIPTION_LENGTH = 120
SHARE_RENDITION = "fill-1200x630"
# Characters that could end the <script> element or start an HTML entity inside it.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@dataclass
class SharedImage:
    url: str
    width: int
    height: int
    alt: str


@dataclass
class SharingMeta:
    url: str
    title: str
    description: str
    site_name: str
    og_type: str = "website"
    image: SharedImage | None = None
    published: str = ""
    modified: str = ""
    structured_data: list[dict] = field(default_factory=list)

    @property
    def json_ld(self) -> str:
        return mark_safe("\n".join(json_ld_script(data) for data in self.structured_data))


def json_ld_script(data: dict) -> str:
    payload = {"@context": "https://schema.org", **data}
    text = json.dumps(payload, ensure_ascii=False, cls=DjangoJSONEncoder, indent=None)
    return f'<script type="application/ld+json">{text.translate(_SCRIPT_ESCAPES)}</script>'


def plain(text: str, length: int = DESCRIPTION_LENGTH) -> str:
    """Rich text or a long summary as one short line of plain text."""
    flat = " ".join(strip_tags(text or "").split())
    return Truncator(flat).chars(length)


def iso(moment) -> str:
    """An aware datetime in the site's time zone (+08:00), or a date, as ISO 8601."""
    if moment is None:
        return ""
    if hasattr(moment, "tzinfo"):
        return timezone.localtime(moment).isoformat(timespec="seconds")
    return moment.isoformat()


def site_root(request) -> str:
    """The site's own address from its Wagtail Site record (Settings → Sites), the same one
    page.get_full_url() uses, so canonical links, feeds and the sitemap agree whatever Host
    header a request arrived with."""
    site = Site.find_for_request(request)
    return site.root_url if site else request.build_absolute_uri("/").rstrip("/")


def absolute(request, url: str) -> str:
    if not url or url.startswith(("http://", "https://")):
        return url
    return site_root(request) + url


def shared_image(request, image, alt: str) -> SharedImage | None:
    if image is None:
        return None
    try:
        rendition = image.get_rendition(SHARE_RENDITION)
    except (SourceImageIOError, OSError):
        # The original is missing or its storage unreachable: share the page without a picture
        # rather than fail it.
        logger.warning("No sharing image for image %s: its file cannot be read", image.pk)
        return None
    return SharedImage(absolute(request, rendition.url), rendition.width, rendition.height, alt)


def site_name(request) -> str:
    site = Site.find_for_request(request)
    return site.site_name if site and site.site_name else ""


def publisher(request) -> dict:
    """The portal itself, as the publisher and author of what it prints."""
    return {
        "@type": "Organization",
        "name": site_name(request) or "社区志愿服务门户",
        "url": absolute(request, "/"),
    }


def postal_address(*, street: str, locality: str = "") -> dict:
    address = {"@type": "PostalAddress", "streetAddress": street, "addressCountry": "CN"}
    if locality:
        address["addressLocality"] = locality
    return address


def geo(latitude, longitude) -> dict | None:
    if latitude is None or longitude is None:
        return None
    return {"@type": "GeoCoordinates", "latitude": latitude, "longitude": longitude}


def site_description() -> str:
    """What the portal is for, in a line: the description of a page that says nothing of
    itself, and of the views that are not pages."""
    return gettext(
        "社区志愿服务门户：查找身边的志愿服务站点和活动，注册志愿者、报名参加活动，"
        "阅读嘉许故事和志愿服务政策文件。"
    )


def _description(page) -> str:
    if hasattr(page, "sharing_description"):
        value = plain(page.sharing_description())
        if value:
            return value
    for name in ("search_description", "summary", "intro", "body"):
        value = getattr(page, name, "")
        # A rich text body is text; a StreamField body is not read (rendering it for a line
        # would fetch its images).
        if value and isinstance(value, str):
            flat = plain(value)
            if flat:
                return flat
    return ""


def page_description(page) -> str:
    """The page's line for search engines and for apps it is shared to (<meta name="description">
    and og:description say the same): its own description, summary, intro or text, else its
    title with what the portal is for."""
    return _description(page) or plain(f"{page.title}。{site_description()}")


def sharing_meta(page, request) -> SharingMeta:
    url = page.get_full_url(request) or absolute(request, request.path)
    image = None
    if hasattr(page, "sharing_image"):
        found = page.sharing_image()
        if found:
            image = shared_image(request, *found)
    data = page.structured_data(request) if hasattr(page, "structured_data") else None
    if data and image and "image" not in data:
        data["image"] = [image.url]
    return SharingMeta(
        url=url,
        title=page.seo_title or page.title,
        description=page_description(page),
        site_name=site_name(request),
        og_type=getattr(page, "og_type", "website"),
        image=image,
        published=iso(page.first_published_at),
        modified=iso(page.last_published_at),
        structured_data=[data] if data else [],
    )
