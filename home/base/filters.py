"""GET filters for listings: quick selects, 0/1 checkboxes, optional choices, and the one flow
every filtered listing follows (bind, narrow, or report every bad value and show nothing;
order; paginate). Every value is checked; a bad one becomes a message, never an error."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django import forms
from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from home.base.inputs import parse_int


class QuickSelect(forms.Select):
    """A select written out in Python. Django renders every option through a template, which for
    the few hundred streets of a city costs more than the rest of the page."""

    def render(self, name, value, attrs=None, renderer=None):
        selected = {str(v) for v in self.format_value(value)}

        def options(choices):
            return format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                (
                    (key, mark_safe(" selected") if str(key) in selected else "", label)
                    for key, label in choices
                ),
            )

        parts = []
        for key, label in self.choices:
            if isinstance(label, list | tuple):
                parts.append(format_html('<optgroup label="{}">{}</optgroup>', key, options(label)))
            else:
                parts.append(options([(key, label)]))
        return format_html(
            '<select name="{}"{}>{}</select>',
            name,
            flatatt(self.build_attrs(self.attrs, attrs)),
            mark_safe("".join(parts)),
        )


class ZeroOneCheckbox(forms.CheckboxInput):
    """A checkbox whose submitted text reaches the field as is (CheckboxInput makes "0" True)."""

    def value_from_datadict(self, data, files, name):
        return data.get(name)


class ZeroOneField(forms.Field):
    """A checkbox sent as 1, absent or 0 when off; anything else is a mistake worth reporting."""

    widget = ZeroOneCheckbox(attrs={"value": "1"})
    default_error_messages = {"invalid": _("这个选项只能是 0 或 1。")}

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in (None, "", "0", False):
            return False
        if value in ("1", True):
            return True
        raise forms.ValidationError(self.error_messages["invalid"], code="invalid")


class AsciiOnlyMixin:
    """For a form field parsing numbers or dates: text in other scripts' digits ("٣", "²") is
    invalid, as float() and strptime() would otherwise read "٣" as 3 (home/base/inputs.py)."""

    def to_python(self, value):
        if isinstance(value, str) and not value.isascii():
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class AsciiFloatField(AsciiOnlyMixin, forms.FloatField):
    pass


class AsciiDateField(AsciiOnlyMixin, forms.DateField):
    pass


def pick_one(label, not_found):
    """An optional choice from a list, cleaned to the chosen row's primary key."""
    return forms.TypedChoiceField(
        widget=QuickSelect,
        label=label,
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": not_found},
    )


@dataclass
class FilteredListing:
    form: forms.Form
    page: PaginatorPage
    total: int
    filtered: bool  # the visitor narrowed the list (or sent a bad value)
    messages: list[str] = field(default_factory=list)
    data: dict = field(default_factory=dict)  # the cleaned filters, empty when any was bad


def filtered_listing(
    *,
    form: forms.Form,
    items: QuerySet,
    narrow: Callable[[QuerySet, dict, list[str]], QuerySet],
    filters: Iterable[str],
    order: Callable[[QuerySet, dict], QuerySet],
    per_page: int,
    params,
    listing_class: type[FilteredListing] = FilteredListing,
) -> FilteredListing:
    """`narrow(items, data, messages)` applies the valid filters (and may add notes);
    `filters` names the fields whose value means the list was narrowed; `order(items, data)`
    sorts what is left. A bound form with any bad value lists nothing, with every message."""
    messages: list[str] = []
    data: dict = {}
    filtered = False
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        items = narrow(items, data, messages)
        filtered = any(data.get(name) for name in filters)
    elif form.is_bound:
        for errors in form.errors.values():
            messages.extend(errors)
        items = items.none()
        filtered = True
    paginator = Paginator(order(items, data), per_page)
    page = paginator.get_page(parse_int(params.get("page")) if params else None)
    return listing_class(
        form=form,
        page=page,
        total=paginator.count,
        filtered=filtered,
        messages=messages,
        data=data,
    )
