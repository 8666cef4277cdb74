"""The renditions of every image a page shows, read in one query.

Wagtail's `ImageQuerySet.prefetch_renditions()` does this for one queryset of images; a page
showing several lists (a station's evidence, its photos, the covers of its stories) would pay a
query per list. Here any images, however they were read, get theirs together, the same way: the
`{% image %}` tag then asks the database nothing (a rendition not made yet is still made on first
use, as Wagtail does).
"""

from collections.abc import Iterable

from django.db.models import Prefetch, prefetch_related_objects


def prefetch_renditions(images: Iterable) -> None:
    """Read the renditions of `images` (Image objects; Nones and repeats are fine) in one query;
    images whose renditions were read before are left alone."""
    images = [image for image in images if image is not None]
    pending = [
        image
        for image in images
        if not hasattr(image, "prefetched_renditions")
        and "renditions" not in getattr(image, "_prefetched_objects_cache", {})
    ]
    if not pending:
        return
    renditions = pending[0].get_rendition_model().objects.all()
    prefetch_related_objects(
        pending,
        Prefetch("renditions", queryset=renditions, to_attr="prefetched_renditions"),
    )
