"""The home page's figures band, counted from the database in one query."""

from dataclasses import dataclass

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

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
        Page.objects.live()
        .public()
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
