"""Site search. Issue 6 replaces the plain backend query with Chinese text analysis."""

import logging
import re

from django.core.paginator import Paginator
from django.db import DatabaseError
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from wagtail.models import Page

logger = logging.getLogger(__name__)
MAX_QUERY_LENGTH = 100
# Quotes start phrase syntax that an unbalanced pair breaks in SQLite FTS; search words only.
_QUOTES = re.compile(r"[\"“”＂]")
PER_PAGE = 20


def search(request):
    query = request.GET.get("q", "")
    words = _QUOTES.sub(" ", query).strip()
    message = ""
    results = None
    if len(query) > MAX_QUERY_LENGTH:
        message = _("搜索词太长了，请控制在 %(n)s 个字以内。") % {"n": MAX_QUERY_LENGTH}
    elif not words:
        if "q" in request.GET:
            message = _("请输入要搜索的内容，例如“志愿服务条例”或“时间银行”。")
    else:
        matches = Page.objects.live().public().exclude(depth__lte=1).search(words)
        try:
            results = Paginator(matches, PER_PAGE).get_page(request.GET.get("page"))
        except DatabaseError:
            logger.exception("Search failed for %r", words)
            message = _("搜索暂时出了问题，请换个说法或稍后再试。")
    return TemplateResponse(
        request,
        "search/search.html",
        {
            "search_query": query.strip()[:MAX_QUERY_LENGTH],
            "search_results": results,
            "message": message,
        },
    )
