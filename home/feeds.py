"""The policy register's Atom feed at /policies/feed/ (the shared base is home/base/feeds.py)."""

from home.base.feeds import FEED_LENGTH, PageFeed


class PolicyFeed(PageFeed):
    def items(self, index):
        from home.base.restrictions import exclude_private
        from home.models import PolicyDocumentPage

        documents = exclude_private(PolicyDocumentPage.objects.live().descendant_of(index))
        return documents.select_related("kind").order_by("-first_published_at", "-pk")[:FEED_LENGTH]

    def item_description(self, page):
        parts = [page.doc_number, page.issuer, page.issued, page.kind.name]
        return " · ".join(part for part in parts if part)

    def item_categories(self, page):
        return [page.kind.name, page.get_level_display()]
