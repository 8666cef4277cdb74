"""/search/: the site search page (search/query.py does the work)."""

import logging

from django.conf import settings
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from search.query import MAX_QUERY_LENGTH, SearchUnavailable, site_search

logger = logging.getLogger(__name__)
FALLBACK_BACKEND = "database"


def search(request):
    params = request.GET
    try:
        outcome = site_search(params=params)
        fell_back = False
    except SearchUnavailable:
        logger.exception("Search backend failed for %r", params.get("q", "")[:MAX_QUERY_LENGTH])
        outcome, fell_back = None, True
    if fell_back and FALLBACK_BACKEND in settings.WAGTAILSEARCH_BACKENDS:
        try:
            outcome = site_search(params=params, backend=FALLBACK_BACKEND)
        except SearchUnavailable:
            logger.exception("The fallback search failed too")
            outcome = None
    context = {"outcome": outcome, "fell_back": fell_back, "search_query": params.get("q", "")}
    if outcome is None:
        context["unavailable"] = _("搜索暂时不可用，请稍后再试；网站其他页面不受影响。")
    else:
        context["search_query"] = outcome.query
    response = TemplateResponse(request, "search/search.html", context)
    # Result pages are for people, not for crawlers (robots.txt says so too).
    response["X-Robots-Tag"] = "noindex"
    return response
