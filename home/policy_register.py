"""Reads behind the policy register: filtered listing, 文号 lookup, latest and related documents.

Every listing here costs a fixed number of queries, whatever its length.
"""

from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from home.base.choices import Level
from home.base.docnumbers import EXPECTED_FORM, fold_brackets, parse_doc_number
from home.base.filters import FilteredListing, filtered_listing
from home.base.inputs import validate_text
from home.base.restrictions import exclude_private
from home.models import PolicyDocumentPage, PolicyKind

PER_PAGE = 20


class PolicyFilterForm(forms.Form):
    """The register's GET form; every field is optional and a bad value is reported, not fatal."""

    doc_number = forms.CharField(
        label=_("文号"), required=False, max_length=60, validators=[validate_text]
    )
    level = forms.ChoiceField(label=_("层级"), required=False)
    kind = forms.ModelChoiceField(
        label=_("类别"),
        required=False,
        queryset=PolicyKind.objects.all(),
        empty_label=_("全部类别"),
        error_messages={"invalid_choice": _("没有这个类别，请从列表中选择。")},
    )
    issuer = forms.ChoiceField(label=_("发文机关"), required=False)
    year = forms.TypedChoiceField(label=_("年份"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, documents: QuerySet, **kwargs):
        super().__init__(*args, **kwargs)
        invalid = {"invalid_choice": _("“%(value)s”不在可选范围内，请从列表中选择。")}
        self.fields["level"].choices = [("", _("全部层级")), *Level.choices]
        issuers = documents.order_by("issuer").values_list("issuer", flat=True).distinct()
        self.fields["issuer"].choices = [("", _("全部发文机关"))] + [(i, i) for i in issuers]
        years = documents.exclude(issued_year=None).order_by("-issued_year")
        years = years.values_list("issued_year", flat=True).distinct()
        self.fields["year"].choices = [("", _("全部年份"))] + [(y, str(y)) for y in years]
        for name in ("level", "issuer", "year"):
            self.fields[name].error_messages.update(invalid)


def _documents_under(index_page) -> QuerySet:
    documents = exclude_private(PolicyDocumentPage.objects.live())
    if index_page is not None:
        documents = documents.descendant_of(index_page)
    return documents


# What a document in a list shows (home/includes/policy_item.html), and its place in the tree
# for a link to its index: not its full text.
LISTED_FIELDS = (
    "title",
    "url_path",
    "path",
    "depth",
    "doc_number",
    "issuer",
    "issued",
    "level",
    "status",
    "kind__name",
)


def newest_first(documents: QuerySet) -> QuerySet:
    return (
        documents.select_related("kind")
        .only(*LISTED_FIELDS)
        .order_by("-issued_on", "-doc_year", "-doc_serial", "title")
    )


FILTERS = ("level", "kind", "issuer", "year", "doc_number")


def _narrow(documents: QuerySet, data: dict, messages: list[str]) -> QuerySet:
    if data["level"]:
        documents = documents.filter(level=data["level"])
    if data["kind"]:
        documents = documents.filter(kind=data["kind"])
    if data["issuer"]:
        documents = documents.filter(issuer=data["issuer"])
    if data["year"]:
        documents = documents.filter(issued_year=data["year"])
    if data["doc_number"]:
        documents, note = filter_by_doc_number(documents, data["doc_number"])
        if note:
            messages.append(note)
    return documents


def policy_register(*, index_page=None, params) -> FilteredListing:
    documents = _documents_under(index_page)
    return filtered_listing(
        form=PolicyFilterForm(params or None, documents=documents),
        items=documents,
        narrow=_narrow,
        filters=FILTERS,
        order=lambda documents, data: newest_first(documents),
        per_page=PER_PAGE,
        params=params,
    )


def filter_by_doc_number(documents: QuerySet, text: str) -> tuple[QuerySet, str]:
    """Exact match on a whole 文号 in any bracket style, else a substring match with a hint."""
    try:
        parsed = parse_doc_number(text)
    except ValidationError:
        # Not a whole 文号 (say "62号" or "穗民"): match the part typed, and say what a full one is.
        folded = fold_brackets(text)
        return documents.filter(doc_number__contains=folded), str(
            _("“%(value)s”不是完整的文号，已按部分匹配查找。完整文号%(hint)s")
            % {"value": text, "hint": EXPECTED_FORM}
        )
    return (
        documents.filter(
            doc_issuer_code=parsed.issuer_code, doc_year=parsed.year, doc_serial=parsed.serial
        ),
        "",
    )


def pinned_by_doc_number(query: str) -> QuerySet | None:
    """The document whose 文号 the site search's query is, shown above its results (None when
    the query is not a 文号)."""
    try:
        number = parse_doc_number(query)
    except ValidationError:
        return None
    return PolicyDocumentPage.objects.filter(
        doc_issuer_code=number.issuer_code, doc_year=number.year, doc_serial=number.serial
    )


def latest_policies(*, limit: int) -> list[PolicyDocumentPage]:
    return list(newest_first(_documents_under(None))[:limit])


@dataclass
class RelatedDocuments:
    cites: list[PolicyDocumentPage]
    cited_by: list[PolicyDocumentPage]


def related_documents(*, page: PolicyDocumentPage) -> RelatedDocuments:
    """Documents this one lists as related, and those that list it, published ones only."""
    live = exclude_private(PolicyDocumentPage.objects.live()).select_related("kind")
    live = live.only(*LISTED_FIELDS)
    cites = live.filter(referenced_by__page=page).order_by("referenced_by__sort_order")
    cited_by = live.filter(related_links__target=page).order_by("-issued_on")
    return RelatedDocuments(cites=list(cites), cited_by=list(cited_by))
