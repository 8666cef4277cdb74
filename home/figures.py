"""The home page's figures band: the sections' pages counted in one query, and the confirmed
service hours and volunteers with records read from the totals the service records keep
(stations/hours.py): two more small queries, never a scan of the records."""

from dataclasses import dataclass

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

from home.base.restrictions import exclude_private

# One line per figure; a section that does not exist yet simply counts zero.
FIGURES = [
    ("stations.StationPage", _("志愿服务站点")),
    ("stations.ActivityPage", _("志愿服务活动")),
    ("stories.StoryPage", _("嘉许故事")),
    ("home.PolicyDocumentPage", _("政策文件")),
]


@dataclass(frozen=True)
class Figure:
    label: str
    count: int


def _model_or_none(label):
    try:
        return apps.get_model(label)
    except LookupError:
        return None


def site_figures() -> list[Figure]:
    models = {label: _model_or_none(label) for label, _name in FIGURES}
    content_types = ContentType.objects.get_for_models(*[m for m in models.values() if m])
    counts = dict(
        exclude_private(Page.objects.live())
        .filter(content_type__in=content_types.values())
        .values_list("content_type")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [
        Figure(
            label=str(name),
            count=counts.get(content_types[models[label]].pk, 0) if models[label] else 0,
        )
        for label, name in FIGURES
    ]


def service_figures(*, year=None) -> list[Figure]:
    """今年 and 累计 confirmed hours (whole hours) and the volunteers with confirmed hours."""
    hours = _model_or_none("stations.StationYearHours")
    totals = _model_or_none("stations.VolunteerHoursTotal")
    if hours is None or totals is None:
        return []
    year = year or timezone.localdate().year
    sums = hours.objects.aggregate(
        this_year=Sum("confirmed_hours", filter=Q(year=year)), in_all=Sum("confirmed_hours")
    )
    volunteers = totals.objects.filter(confirmed_hours__gt=0).count()
    return [
        Figure(label=str(_("今年服务时长（小时）")), count=int(sums["this_year"] or 0)),
        Figure(label=str(_("累计服务时长（小时）")), count=int(sums["in_all"] or 0)),
        Figure(label=str(_("有服务记录的志愿者")), count=volunteers),
    ]
