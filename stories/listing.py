"""/stories/: the filtered list, and the short lists on the home, station and story pages."""

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from home.base.filters import FilteredListing, QuickSelect, filtered_listing, pick_one
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
    stories = live_stories()
    return filtered_listing(
        form=StoryFilterForm(params or None, stories=stories),
        items=stories,
        narrow=_narrow,
        filters=FILTERS,
        order=lambda stories, data: newest_first(stories),
        per_page=PER_PAGE,
        params=params,
    )


def latest_stories(*, limit: int, station=None, exclude=None) -> list[StoryPage]:
    stories = live_stories()
    if station is not None:
        stories = stories.filter(station=station)
    if exclude is not None:
        stories = stories.exclude(pk=exclude.pk)
    return list(newest_first(stories)[:limit])


def featured_story(home) -> StoryPage | None:
    """The editors' choice on the home page while it is live and public, else the newest story
    with a cover image, else the newest story."""
    chosen = home.featured_story_id
    if chosen:
        story = live_stories().filter(pk=chosen).first()
        if story is not None:
            return story
    stories = newest_first(live_stories())
    return stories.exclude(cover_image=None).first() or stories.first()


def related_stories(*, story: StoryPage, limit: int) -> list[StoryPage]:
    """More stories about the same station, then with the same award, then the newest."""
    others = newest_first(live_stories().exclude(pk=story.pk))
    conditions = []
    if story.station_id:
        conditions.append({"station_id": story.station_id})
    if story.award_id:
        conditions.append({"award_id": story.award_id})
    conditions.append({})
    found: list[StoryPage] = []
    for condition in conditions:
        if len(found) >= limit:
            break
        more = others.filter(**condition).exclude(pk__in=[s.pk for s in found])
        found += list(more[: limit - len(found)])
    return found
