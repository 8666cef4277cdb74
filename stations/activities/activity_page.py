"""What an activity's own page reads besides the page: its station, category, team and tally in
one query, its images and their renditions in two, so the page costs the same few queries
whatever it shows."""

from django.utils import timezone

from home.base.renditions import prefetch_renditions
from stations import signup
from stations.models import ActivityPage

# What the page (its facts, breadcrumb, contact line and schema.org data) shows of the station.
STATION_FIELDS = (
    "station__title",
    "station__url_path",
    "station__address",
    "station__phone",
    "station__latitude",
    "station__longitude",
    "station__district__name",
)
TALLY_FIELDS = ("tally__confirmed", "tally__waitlisted")


def read_page_parts(activity: ActivityPage, *, preview: bool = False) -> None:
    """Put the activity's station, category and team on it, its availability as
    `activity.availability` and its images (in order, renditions read) as
    `activity.images_in_order`. A preview keeps what the editor has in hand: only what the
    form did not change is taken from the database."""
    row = (
        ActivityPage.objects.filter(pk=activity.pk)
        .select_related("station__district", "category", "team", "tally")
        .only("station", "category", "team", *STATION_FIELDS, *TALLY_FIELDS)
        .first()
    )
    tally = None
    if row is not None:
        for name in ("station", "category", "team"):
            if getattr(row, f"{name}_id") == getattr(activity, f"{name}_id"):
                setattr(activity, name, getattr(row, name))
        try:
            tally = row.tally
        except ActivityPage.tally.RelatedObjectDoesNotExist:
            tally = None
    activity.availability = signup.availability(
        activity,
        confirmed=tally.confirmed if tally else 0,
        waitlisted=tally.waitlisted if tally else 0,
        now=timezone.now(),
    )
    if preview:
        images = list(activity.images.all())
    else:
        images = list(activity.images.select_related("image").order_by("sort_order"))
        prefetch_renditions(item.image for item in images)
    activity.images_in_order = images
