from django.http import HttpResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

# Crawlers may read everything public; the admin, search results and the residents' private
# sign-up links are not for indexing.
ROBOTS_RULES = [
    "User-agent: *",
    "Disallow: /admin/",
    "Disallow: /django-admin/",
    "Disallow: /search/",
    "Disallow: /activities/signups/",
]


@require_GET
@cache_control(max_age=86400, public=True)
def robots_txt(request):
    lines = ROBOTS_RULES + ["", f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
