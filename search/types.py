"""The page types the site search knows: label, date, the text its snippets come from and the
facets that apply. Adding a type to the search is one line here; any other page type is still
found, under 栏目页面."""

from dataclasses import dataclass, field

from django.apps import apps
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class SearchType:
    key: str  # the `type` parameter in the URL
    model: str  # app_label.ModelName
    label: str
    date: str = ""  # attribute holding the date shown beside a result (a date, or text as written)
    text: tuple[str, ...] = ()  # attributes whose text snippets are cut from, in order
    facets: dict[str, str] = field(default_factory=dict)  # facet key → FilterField name

    def model_class(self):
        return apps.get_model(self.model)

    def facet_attname(self, key: str) -> str:
        """The column a facet filters on (`district_id` for the field `district`)."""
        return self.model_class()._meta.get_field(self.facets[key]).attname


TYPES = [
    SearchType("policy", "home.PolicyDocumentPage", _("政策文件"), "issued", ("doc_number", "issuer", "body"), {"year": "issued_year"}),  # noqa: E501
    SearchType("station", "stations.StationPage", _("志愿服务站点"), "", ("summary", "address", "service_content"), {"district": "district"}),  # noqa: E501
    SearchType("activity", "stations.ActivityPage", _("志愿服务活动"), "starts_at", ("summary", "description")),  # noqa: E501
    SearchType("story", "stories.StoryPage", _("嘉许故事"), "story_date", ("summary", "honoree_name", "body"), {"year": "year", "district": "district"}),  # noqa: E501
    SearchType("page", "home.StandardPage", _("页面"), "", ("intro", "body")),
]  # fmt: skip
OTHER = SearchType("other", "wagtailcore.Page", _("栏目页面"), "", ("search_description",))
BY_KEY = {t.key: t for t in TYPES}
FACET_LABELS = {"year": _("年份"), "district": _("区")}


def for_model(model) -> SearchType:
    """The search type of a page model (栏目页面 when it has no line above)."""
    label = model._meta.label
    return next((t for t in TYPES if t.model == label), OTHER)


def content_types() -> dict:
    """{content type id: search type} for the types listed above."""
    from django.contrib.contenttypes.models import ContentType

    models = {t.model_class(): t for t in TYPES}
    found = ContentType.objects.get_for_models(*models)
    return {ct.pk: models[model] for model, ct in found.items()}
