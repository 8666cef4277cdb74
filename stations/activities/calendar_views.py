"""/<page path>/calendar.ics: the iCalendar feed of an activity, the activity index or a station.

Wagtail's page URLs cannot hold a dot, so portal/urls.py matches these in front of the page tree.
The page is found the way Wagtail's routing walks slugs from the site's root, read in one query
from the tree's url_path; routable sub-pages (a sign-up's status page) are never feeds.
"""

from django.http import Http404, HttpResponse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe
from wagtail.models import Site

from home.base.restrictions import is_public
from home.base.routing import live_page_at
from stations.activities.calendars import CONTENT_TYPE, feed_for_page

CACHE_SECONDS = 300


@require_safe
def page_calendar(request, page_path: str):
    page = live_page_at(request, page_path)
    # Drafts, private sections and pages of other types have no feed; all look alike: not found.
    if page is None or not is_public(page):
        raise Http404
    # Found above, so the site is cached on the request.
    host = Site.find_for_request(request).hostname
    feed = feed_for_page(page=page, request=request, host=host)
    if feed is None:
        raise Http404
    response = HttpResponse(feed.to_ical(), content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'inline; filename="{feed.filename}"'
    patch_cache_control(response, public=True, max_age=CACHE_SECONDS)
    return response
