from django import template
from wagtail.models import Site

from home import menus

register = template.Library()


@register.simple_tag(takes_context=True)
def site_sections(context):
    """The live top-level sections shown in menus, in tree order, for the header and home page.

    Cached per request and in the shared cache until a page is published, moved or deleted:
    with many thousands of pages the query costs more than rendering the rest of a page.
    """
    request = context.get("request")
    if request is None:
        return []
    cached = getattr(request, "_portal_sections", None)
    if cached is None:
        site = Site.find_for_request(request)
        cached = menus.site_sections(site) if site else []
        request._portal_sections = cached
    return cached


@register.filter
def in_section(page, section):
    """True when `page` is `section` or lies below it in the tree (for aria-current)."""
    return bool(page and getattr(page, "path", "").startswith(section.path))


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The current query string with some parameters replaced (None drops one), for pagination
    and tabs that keep the filters."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value
    return params.urlencode()


@register.inclusion_tag("includes/sharing_meta.html", takes_context=True)
def sharing_meta(context):
    """Canonical link, Open Graph tags and JSON-LD for the page being shown (home/seo.py)."""
    from home.base.seo import sharing_meta as build

    page, request = context.get("page"), context.get("request")
    if page is None or request is None or not hasattr(page, "get_full_url"):
        return {"meta": None}
    return {"meta": build(page.specific_deferred, request)}
