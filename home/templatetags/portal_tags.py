from django import template
from wagtail.models import Site

register = template.Library()


@register.simple_tag(takes_context=True)
def site_sections(context):
    """The live top-level sections shown in menus, in tree order: one query, cached per request."""
    request = context.get("request")
    if request is None:
        return []
    cached = getattr(request, "_portal_sections", None)
    if cached is None:
        site = Site.find_for_request(request)
        cached = list(site.root_page.get_children().live().public().in_menu()) if site else []
        request._portal_sections = cached
    return cached


@register.filter
def in_section(page, section):
    """True when `page` is `section` or lies below it in the tree (for aria-current)."""
    return bool(page and getattr(page, "path", "").startswith(section.path))


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The current query string with some parameters replaced, for pagination that keeps filters."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        params[key] = value
    return params.urlencode()
