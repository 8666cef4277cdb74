"""The bare view of `manage.py benchmark_pages`: the framework's limit, served beside the pages
by the same server (portal/benchmarking/urls.py): every middleware of the site, URL routing and
a view that only returns 30 KB of HTML it holds ready."""

from django.http import HttpResponse
from django.views.decorators.cache import cache_control

BARE_PATH = "/__bench__/bare/"
BARE_SIZE = 30 * 1024


def bare_page(size: int = BARE_SIZE) -> bytes:
    """An HTML page of `size` bytes (UTF-8): Chinese text in paragraphs, like a page's body."""
    head = '<!DOCTYPE html>\n<html lang="zh-hans"><head><meta charset="utf-8"><title>基准</title>'
    head += "</head><body><main>\n"
    tail = "</main></body></html>\n"
    paragraph = "<p>社区志愿服务站点为居民提供志愿服务活动、注册和嘉许信息。</p>\n".encode()
    count = (size - len(head.encode()) - len(tail.encode())) // len(paragraph)
    page = head.encode() + paragraph * count + tail.encode()
    return page + b" " * (size - len(page))  # the last few bytes as trailing white space


PAGE = bare_page()


# private: the page cache keeps no private response, so the view runs on every request; gzip,
# the ETag and the rest of the middleware apply to it as to a page.
@cache_control(private=True)
def bare(request):
    return HttpResponse(PAGE)
