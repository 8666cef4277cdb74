"""The server of `manage.py benchmark_pages`: production, plus the bare view at /__bench__/bare/
(portal/benchmarking/urls.py) and each response's SQL query count in a header
(portal/benchmarking/middleware.py). A benchmark's only; never a site's."""

from .production import *  # noqa: F403

ROOT_URLCONF = "portal.benchmarking.urls"
MIDDLEWARE = ["portal.benchmarking.middleware.QueryCountMiddleware", *MIDDLEWARE]  # noqa: F405
# The bare view stays bare: no page-cache lookup, no cache-version read.
PAGE_CACHE_EXCLUDE = ["/__bench__/"]
