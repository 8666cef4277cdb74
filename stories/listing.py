"""/stories/: the filtered list, and the short lists on the home, station and story pages."""

from django import forms
from django.db.models import Case, Q, QuerySet, When
from django.utils.translation import gettext_lazy as _

from home.base import references
from home.base.filters import FilteredListing, QuickSelect, filtered_listing, pick_one
from home.base.renditions import prefetch_renditions
from home.base.restrictions import exclude_private
from stations.models import Area
from stories.models import Award, HonoreeKind, StoryPage

PER_PAGE = 12
# The district filter's value for stories from outside the city (no district, a region instead).
ELSEWHERE = "elsewhere"


class StoryFilterForm(forms.Form):
    year = pick_one(_("年度"), _("这一年度没有嘉许故事，请从列表中选择。"))
    award = pick_one(_("奖项"), _("没有这个奖项的故事，请从列表中选择。"))
    kind = forms.ChoiceField(
        label=_("嘉许对象"),
        required=False,
        widget=QuickSelect,
        choices=[("", _("全部对象"))] + list(HonoreeKind.choices),
        error_messages={"invalid_choice": _("没有这种嘉许对象，请从列表中选择。")},
    )
    district = forms.ChoiceField(
        label=_("地区"),
        required=False,
        widget=QuickSelect,
        error_messages={"invalid_choice": _("没有这个地区的故事，请从列表中选择。")},
    )

    def __init__(self, *args, stories: QuerySet, **kwargs):
        super().__init__(*args, **kwargs)
        years = stories.order_by("-year").values_list("year", flat=True).distinct()
        self.fields["year"].choices = [("", _("全部年度"))] + [
            (year, _("%(year)s 年") % {"year": year}) for year in years
        ]
        used = stories.order_by().values("award_id")
        self.fields["award"].choices = [("", _("全部奖项"))] + list(
            Award.objects.filter(pk__in=used).values_list("pk", "name")
        )
        districts = stories.order_by().exclude(district=None).values("district_id")
        choices = [("", _("全部地区"))] + [
            (str(pk), name)
            for pk, name in Area.objects.filter(pk__in=districts).values_list("pk", "name")
        ]
        if stories.filter(district=None).exists():
            choices.append((ELSEWHERE, _("外地")))
        self.fields["district"].choices = choices


def live_stories() -> QuerySet:
    # Cover renditions come in one query for the whole list, not one per story.
    return (
        exclude_private(StoryPage.objects.live())
        .select_related("award", "occasion", "district", "cover_image", "station")
        .prefetch_related("cover_image__renditions")
    )


# What a story in a list shows (stories/includes/story_item.html, the home page's featured
# story), and its place in the tree for a link to its index: not the whole page with its station.
LISTED_FIELDS = (
    "title",
    "url_path",
    "path",
    "depth",
    "summary",
    "story_date",
    "year",
    "honoree_kind",
    "region",
    "is_demo",
    "cover_alt",
    "cover_image",
    "award__name",
    "district__name",
)


def listed_stories() -> QuerySet:
    """Live public stories as lists show them. Their covers' renditions are the page's to read,
    once for every image it shows: home.base.renditions.prefetch_renditions(covers(stories))."""
    return (
        exclude_private(StoryPage.objects.live())
        .select_related("award", "district", "cover_image")
        .only(*LISTED_FIELDS)
    )


# What a story's own page shows of the rows it names (the station by its title and link).
REFERENCES = StoryPage.routing_select_related
STATION_FIELDS = ("station__title", "station__url_path")


def read_references(story: StoryPage) -> None:
    """Put the story's award, occasion, district, cover image and station on it, in one query."""
    references.read_references(story, REFERENCES, *STATION_FIELDS)


def covers(stories) -> list:
    return [story.cover_image for story in stories if story is not None and story.cover_image_id]


def newest_first(stories: QuerySet) -> QuerySet:
    return stories.order_by("-story_date", "-first_published_at", "-pk")


FILTERS = ("year", "award", "kind", "district")


def _narrow(stories: QuerySet, data: dict, messages: list[str]) -> QuerySet:
    if data["year"]:
        stories = stories.filter(year=data["year"])
    if data["award"]:
        stories = stories.filter(award_id=data["award"])
    if data["kind"]:
        stories = stories.filter(honoree_kind=data["kind"])
    if data["district"] == ELSEWHERE:
        stories = stories.filter(district=None)
    elif data["district"]:
        stories = stories.filter(district_id=int(data["district"]))
    return stories


def story_listing(*, params) -> FilteredListing:
    stories = listed_stories()
    listing = filtered_listing(
        form=StoryFilterForm(params or None, stories=stories),
        items=stories,
        narrow=_narrow,
        filters=FILTERS,
        order=lambda stories, data: newest_first(stories),
        per_page=PER_PAGE,
        params=params,
    )
    listing.page.object_list = list(listing.page.object_list)
    prefetch_renditions(covers(listing.page.object_list))
    return listing


def latest_stories(*, limit: int, station=None, exclude=None) -> list[StoryPage]:
    """The newest stories (about one station, if given); covers' renditions: see listed_stories."""
    stories = listed_stories()
    if station is not None:
        stories = stories.filter(station=station)
    if exclude is not None:
        stories = stories.exclude(pk=exclude.pk)
    return list(newest_first(stories)[:limit])


def featured_and_latest(home, *, limit: int) -> tuple[StoryPage | None, list[StoryPage]]:
    """The home page's featured story (the editors' choice while it is live and public, else the
    newest story with a cover image, else the newest story) and the `limit` newest others.

    One query: whichever the featured story is, it is the choice, the newest with a cover or one
    of the `limit` + 1 newest, and the others are among those newest."""
    stories = listed_stories()
    newest = newest_first(stories)
    candidates = Q(pk__in=newest.values("pk")[: limit + 1]) | Q(
        pk__in=newest.exclude(cover_image=None).values("pk")[:1]
    )
    chosen = home.featured_story_id
    if chosen:
        candidates |= Q(pk=chosen)
    found = list(newest_first(stories.filter(candidates)))
    featured = next((story for story in found if chosen and story.pk == chosen), None)
    if featured is None:
        with_cover = (story for story in found if story.cover_image_id)
        featured = next(with_cover, found[0] if found else None)
    return featured, [story for story in found if story is not featured][:limit]


def related_stories(*, story: StoryPage, limit: int) -> list[StoryPage]:
    """More stories about the same station, then with the same award, then the newest: in one
    query, ranked by what they share. Covers' renditions: see listed_stories."""
    others = listed_stories().exclude(pk=story.pk)
    shared = []
    if story.station_id:
        shared.append(When(station_id=story.station_id, then=len(shared)))
    if story.award_id:
        shared.append(When(award_id=story.award_id, then=len(shared)))
    if shared:
        others = others.annotate(shares=Case(*shared, default=len(shared)))
        ranked = others.order_by("shares", "-story_date", "-first_published_at", "-pk")
    else:
        ranked = newest_first(others)
    return list(ranked[:limit])
