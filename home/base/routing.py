"""Finding a page from a URL path outside Wagtail's own routing (whose URLs cannot hold a dot,
so data files such as nearby.json or calendar.ics get URL patterns of their own)."""

from wagtail.models import Page, Site


def live_page_at(request, page_path: str, pages=None):
    """The live page at `page_path` (e.g. "activities/clean-up/") below the request's site root,
    read in one query from the tree's url_path; None when there is none. `pages` narrows the
    type (a queryset of a Page subclass)."""
    site = Site.find_for_request(request)
    if site is None:
        return None
    pages = (pages if pages is not None else Page.objects.all()).live()
    return pages.filter(url_path=site.root_page.url_path + page_path).order_by("path").first()
