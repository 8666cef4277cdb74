"""The page types the site search knows: label, date, the text its snippets come from and the
facets that apply. The app that defines a page type registers it from its AppConfig.ready()
(`register(SearchType(...))`), with what only that app can supply (facet labels, pages to pin
first): the search imports no page app. Any other page type is still found, under 栏目页面."""

from collections.abc import Callable
from dataclasses import dataclass, field
from types import MappingProxyType

from django.apps import apps
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class SearchType:
    key: str  # the `type` parameter in the URL
    model: str  # app_label.ModelName
    label: str
    date: str = ""  # attribute holding the date shown beside a result (a date, or text as written)
    text: tuple[str, ...] = ()  # attributes whose text snippets are cut from, in order
    facets: dict[str, str] = field(default_factory=dict)  # facet key → FilterField name
    # facet key → (the facet's values → {value: label}); without one a value is a year (2021 年)
    facet_labels: dict[str, Callable[[list], dict]] = field(default_factory=dict)
    # query text → the pages of this type shown first (the document with this 文号), or None
    pinned: Callable[[str], QuerySet | None] | None = None

    def model_class(self):
        return apps.get_model(self.model)

    def facet_attname(self, key: str) -> str:
        """The column a facet filters on (`district_id` for the field `district`)."""
        return self.model_class()._meta.get_field(self.facets[key]).attname


OTHER = SearchType("other", "wagtailcore.Page", _("栏目页面"), "", ("search_description",))
_registered: dict[str, SearchType] = {}
BY_KEY = MappingProxyType(_registered)  # {key: search type}, as registered so far


def register(search_type: SearchType) -> None:
    """Add a page type to the search, after those registered before it (registering a key again
    replaces its type in place)."""
    if search_type.key == OTHER.key:
        raise ValueError(f"{OTHER.key!r} is the search type of unregistered pages")
    _registered[search_type.key] = search_type


def by_key(key: str) -> SearchType | None:
    """The type a `type` parameter names, 栏目页面 (`other`) included; None for anything else."""
    return OTHER if key == OTHER.key else _registered.get(key)


def registered() -> list[SearchType]:
    """The registered types, in the order they were registered."""
    return list(_registered.values())


def for_model(model) -> SearchType:
    """The search type of a page model (栏目页面 when none is registered for it)."""
    label = model._meta.label
    return next((t for t in _registered.values() if t.model == label), OTHER)


def content_types() -> dict:
    """{content type id: search type} for the registered types."""
    from django.contrib.contenttypes.models import ContentType

    models = {t.model_class(): t for t in _registered.values()}
    found = ContentType.objects.get_for_models(*models)
    return {ct.pk: models[model] for model, ct in found.items()}
