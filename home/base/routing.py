"""Finding pages from URL paths in as few queries as the answer needs.

Wagtail's own routing walks the tree a level at a time (a query for each level's child and one
for its specific row), looks the site up on every request and reads the view restrictions of the
page and its ancestors in two more: 8–10 queries before a station page's content starts. Here the
same answer takes two: every page on the path, read by slug in one query, and the page served,
read in its own type's one; the site comes from a per-process map and the restrictions from
their cache (home.base.restrictions), both keyed on versions every process shares.

`serve` is Wagtail's serve view with that route found first; everything after (the hooks, the
page's serve) is Wagtail's own.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.http import Http404
from django.http.request import split_domain_port
from wagtail import views as wagtail_views
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.models import Page, PageViewRestriction, Site

from home.base import cache_versions, memo, restrictions
from home.base.content import SITES_VERSION

_SITES_KEPT = 64
_sites: dict[tuple, Site | None] = {}


def site_for_request(request) -> Site | None:
    """Site.find_for_request without its query on every request: sites change rarely, and a
    change bumps the sites version, which is part of the key."""
    if hasattr(request, "_wagtail_site"):
        return request._wagtail_site
    hostname = split_domain_port(request._get_raw_host())[0]
    key = (hostname, request.get_port(), cache_versions.current(SITES_VERSION))
    if key not in _sites:
        if len(_sites) >= _SITES_KEPT:
            _sites.clear()
        _sites[key] = Site._find_for_request(request)
    request._wagtail_site = _sites[key]
    return request._wagtail_site


def _no_view_restrictions():
    return PageViewRestriction.objects.none()


def route(request, path: str):
    """(page, args, kwargs) for `path` below the request's site root, as Wagtail's
    Page.route_for_request gives it; Http404 when there is no such page."""
    site = site_for_request(request)
    if site is None:
        raise Http404
    root = site.root_page
    components = [component for component in path.split("/") if component]
    # Which page a path names changes only with the content: kept per process until it does
    # (home/base/memo.py); a path that names none is not kept.
    target, page, public = memo.remember(
        "route", (root.pk, tuple(components)), lambda: _find(root, components), request=request
    )
    if public:
        # The restrictions' cache already says none covers this page: spare Wagtail's check its
        # two queries (ancestors and restrictions).
        page.get_view_restrictions = _no_view_restrictions
    return page.route(request, components[target:])


def _find(root, components: list[str]) -> tuple[int, Page, bool]:
    """(how many components lead to the page that routes the rest, that page, whether no view
    restriction covers it); Http404 when the first component names no page."""
    chain = [(root.pk, root.content_type_id, root.path, None)]
    if components:
        rows = Page.objects.filter(
            slug__in=set(components),
            path__startswith=root.path,
            depth__gt=root.depth,
            depth__lte=root.depth + len(components),
        ).values_list("pk", "content_type_id", "path", "depth", "slug", "alias_of_id")
        # Each page by its place: depth, slug and its parent's path (slugs are unique among
        # siblings, so the chain is found from the root down).
        by_place = {
            (depth, slug, page_path[: -Page.steplen]): (pk, content_type_id, page_path, alias)
            for pk, content_type_id, page_path, depth, slug, alias in rows
        }
        for offset, slug in enumerate(components, start=1):
            found = by_place.get((root.depth + offset, slug, chain[-1][2]))
            if found is None:
                break
            chain.append(tuple(found))
    # Wagtail lets a routable page claim a path before its children do: the shallowest claim
    # wins, as it would there.
    target = len(chain) - 1
    for index, (_pk, content_type_id, _path, _alias) in enumerate(chain[:-1]):
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        if model is not None and issubclass(model, RoutablePageMixin):
            sub_path = "/" + "/".join(components[index:]) + "/"
            try:
                model.get_resolver().resolve(sub_path)
            except Http404:
                continue
            target = index
            break
    pk, content_type_id, _page_path, _alias = chain[target]
    if target < len(components) and not issubclass(
        ContentType.objects.get_for_id(content_type_id).model_class() or Page, RoutablePageMixin
    ):
        # The path goes on below a page with no routes of its own: a 404 from page.route, and
        # not worth keeping.
        raise Http404
    model = ContentType.objects.get_for_id(content_type_id).model_class() or Page
    if pk == root.pk:
        page = root.specific
    else:
        # The rows the page's own view shows of what it names come in the same query.
        pages = model._base_manager.select_related(*getattr(model, "routing_select_related", ()))
        page = pages.get(pk=pk)
    public = not any(alias for *_, alias in chain[: target + 1]) and restrictions.is_public(page)
    return target, page, public


def serve(request, path):
    """Wagtail's serve view, routed here first (its own routing when pages are translated)."""
    if not getattr(settings, "WAGTAIL_I18N_ENABLED", False):
        try:
            request._wagtail_route_for_request = route(request, path)
        except Http404:
            request._wagtail_route_for_request = None
    return wagtail_views.serve(request, path)


def live_page_at(request, page_path: str, pages=None):
    """The live page at `page_path` (e.g. "activities/clean-up/") below the request's site root,
    read in one query from the tree's url_path; None when there is none. `pages` narrows the
    type (a queryset of a Page subclass)."""
    site = site_for_request(request)
    if site is None:
        return None
    pages = (pages if pages is not None else Page.objects.all()).live()
    return pages.filter(url_path=site.root_page.url_path + page_path).order_by("path").first()
