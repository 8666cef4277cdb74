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


class KeptFragmentNode(template.Node):
    def __init__(self, nodelist, name, key, daily):
        self.nodelist, self.name, self.key, self.daily = nodelist, name, key, daily

    def render(self, context):
        from django.utils.safestring import mark_safe
        from django.utils.translation import get_language

        from home.base import memo

        key = (self.key.resolve(context), get_language())
        html = memo.remember(
            f"fragment:{self.name}",
            key,
            lambda: str(self.nodelist.render(context)),
            request=context.get("request"),
            daily=self.daily,
        )
        return mark_safe(html)  # noqa: S308 -- the nodelist's own output, escaped as it rendered


@register.tag
def kept_fragment(parser, token):
    """{% kept_fragment "name" key [daily] %}…{% endkept_fragment %}: the enclosed part, rendered
    once per content version (and language; and day with `daily`) in each process and kept
    (home/base/memo.py). Only for parts that show content alone: nothing live, nothing of the
    visitor's (no CSRF token, no form), nothing that is not in the key."""
    bits = token.split_contents()
    if len(bits) not in (3, 4) or (len(bits) == 4 and bits[3] != "daily"):
        raise template.TemplateSyntaxError(
            'Usage: {% kept_fragment "name" key [daily] %}…{% endkept_fragment %}'
        )
    name = bits[1].strip("\"'")
    nodelist = parser.parse(("endkept_fragment",))
    parser.delete_first_token()
    return KeptFragmentNode(nodelist, name, parser.compile_filter(bits[2]), len(bits) == 4)
