"""Search fields whose text is analysed (search/analysis.py) before any backend indexes it.

A page type declares `search_fields = analysed(Page.search_fields + [...])`: every SearchField in
the list, including those inside RelatedFields, then indexes the analysed tokens of its value.
Filter and autocomplete fields are left as they are.
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
        return index_text(strip_tags(flatten(super().get_value(obj))))

    # Stands in for the SearchField it replaces, so Wagtail's check that a page type keeps
    # Page.search_fields (wagtailsearch.W001, a membership test) still recognises it.
    def __eq__(self, other):
        if isinstance(other, index.SearchField) and not isinstance(other, AnalysedSearchField):
            return (other.field_name, other.boost) == (self.field_name, self.boost)
        return self is other

    def __hash__(self):
        return hash((self.field_name, self.boost))


def analysed(fields: list) -> list:
    result = []
    for field in fields:
        if type(field) is index.SearchField:
            result.append(AnalysedSearchField(field.field_name, boost=field.boost, **field.kwargs))
        elif isinstance(field, index.RelatedFields):
            result.append(index.RelatedFields(field.field_name, analysed(field.fields)))
        else:
            result.append(field)
    return result
