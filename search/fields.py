"""Search fields whose text is analysed (search/analysis.py) before any backend indexes it.

A page type declares `search_fields = analysed(Page.search_fields + [...])`: every SearchField in
the list, including those inside RelatedFields, then indexes the analysed tokens of its value.
Filter and autocomplete fields are left as they are. The page type also mixes in
`search.markers.SiteSearchable`, whose words `analysed` adds to the index (see that module).
"""

from django.utils.encoding import force_str
from django.utils.html import strip_tags
from wagtail.search import index

from search.analysis import index_text


def flatten(value) -> str:
    """A field's searchable value (a string, a StreamField's list of strings, …) as text."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, (list, tuple)):
        return " ".join(flatten(item) for item in value)
    if isinstance(value, dict):
        return " ".join(flatten(item) for item in value.values())
    return force_str(value)


class AnalysedSearchField(index.SearchField):
    def get_value(self, obj):
        text = index_text(strip_tags(flatten(super().get_value(obj))))
        if self.field_name == "title" and hasattr(obj, "title_markers"):
            # PostgreSQL can then find the newest title matches of a kind from the title
            # vector alone, without reading the (large) body vectors (search/searchers/postgres.py).
            text = f"{text} {obj.title_markers()}".strip()
        return text

    # Stands in for the SearchField it replaces, so Wagtail's check that a page type keeps
    # Page.search_fields (wagtailsearch.W001, a membership test) still recognises it.
    def __eq__(self, other):
        if isinstance(other, index.SearchField) and not isinstance(other, AnalysedSearchField):
            return (other.field_name, other.boost) == (self.field_name, self.boost)
        return self is other

    def __hash__(self):
        return hash((self.field_name, self.boost))


class SiteSearchWordsField(index.SearchField):
    """SiteSearchable.site_search_words: already index words (search/markers.py)."""

    def __init__(self):
        super().__init__("site_search_words")

    def get_definition_model(self, cls):
        # Defined by a mixin, not a model: one field shared by every page type (Elasticsearch
        # would otherwise look for a model to name it after).
        from wagtail.models import Page

        return Page if issubclass(cls, Page) else cls


def analysed(fields: list, top: bool = True) -> list:
    result = []
    for field in fields:
        if type(field) is index.SearchField:
            result.append(AnalysedSearchField(field.field_name, boost=field.boost, **field.kwargs))
        elif isinstance(field, index.RelatedFields):
            result.append(index.RelatedFields(field.field_name, analysed(field.fields, False)))
        else:
            result.append(field)
    if top and not any(isinstance(f, SiteSearchWordsField) for f in result):
        result.append(SiteSearchWordsField())
    return result
