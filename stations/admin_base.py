"""What the two per-station admins (registrations, activity sign-ups) share."""

import re

from django.contrib.admin import SimpleListFilter, display
from django.contrib.admin.utils import unquote
from django.db.models import F
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail_modeladmin.helpers import DjangoORMSearchHandler

from home.base.inputs import without_refused
from stations.models import Volunteer
from stations.numbers import parse_number
from stations.validators import fold_digits, normalise_mobile

# ASCII digits only (home/base/inputs.py); \Z, as $ would also match before a final newline.
ID = re.compile(r"^[0-9]{1,18}\Z")


class IdListFilter(SimpleListFilter):
    """A list filter on one foreign key's id; a value that is not an id matches nothing."""

    field_name = ""

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        if not ID.match(value):
            return queryset.none()
        return queryset.filter(**{self.field_name: int(value)})


class ListOnlyPermissionMixin:
    """For a PermissionHelper of rows made by residents' own actions (sign-ups, codes): the
    admin lists and inspects them, never adds, edits or deletes one."""

    def user_can_create(self, user):
        return False

    def user_can_edit_obj(self, user, obj):
        return False

    def user_can_delete_obj(self, user, obj):
        return False


class DeclaredFiltersOnlyMixin:
    """For modeladmin's IndexView: only the declared filters may narrow the list. modeladmin
    would otherwise pass any other query parameter to .filter(), e.g.
    ?station__owner__password__startswith=…, and reveal data by its answers."""

    def get_filters(self, request):
        filter_specs, has_filters, _remaining, use_distinct = super().get_filters(request)
        return filter_specs, has_filters, {}, use_distinct


class VisibleObjectsOnlyMixin:
    """For a ModelAdmin whose rows belong to stations. wagtail-modeladmin's inspect, edit and
    delete views fetch by pk from the default manager, not from get_queryset: refuse another
    station's row before they are built."""

    not_found_message = ""

    def visible_to(self, user):
        raise NotImplementedError

    def visible_or_404(self, request, instance_pk):
        pk = unquote(instance_pk)
        found = self.visible_to(request.user).filter(pk=pk).first() if ID.match(pk) else None
        if found is None:
            raise Http404(self.not_found_message)
        return found

    def inspect_view(self, request, instance_pk):
        self.visible_or_404(request, instance_pk)
        return super().inspect_view(request, instance_pk)

    def edit_view(self, request, instance_pk):
        self.visible_or_404(request, instance_pk)
        return super().edit_view(request, instance_pk)

    def delete_view(self, request, instance_pk):
        self.visible_or_404(request, instance_pk)
        return super().delete_view(request, instance_pk)


# Past this many stations or teams a filter would be a wall of links: search by name instead.
MAX_FILTER_CHOICES = 50
_PHONE_LIKE = re.compile(r"^[0-9+\s\-－—()（）]{4,}$")


class RegistrationSearchHandler(DjangoORMSearchHandler):
    def search_queryset(self, queryset, search_term, **kwargs):
        # A NUL in the term is an error on PostgreSQL; no stored value holds one anyway.
        search_term = without_refused(str(search_term or ""))
        # '138 1234 5678' and '+86 13812345678' find the stored 13812345678.
        if _PHONE_LIKE.match(fold_digits(search_term).strip()):
            search_term = normalise_mobile(search_term)
        return super().search_queryset(queryset, search_term, **kwargs)


# --- the volunteer's number on a station's rows (registrations and sign-ups) ---------------------
# A manager learns of the volunteer behind a row only the 志愿者编号, read in the list's own query
# (the volunteer's row, with their mobile and name, is never loaded): shown as text, with no link
# to the volunteer and nothing of their rows at other stations.

NUMBER = "volunteer_number"  # the annotation the row queries carry


def with_volunteer_number(rows):
    """The rows with their volunteer's number (None: not verified), in the same query."""
    return rows.annotate(**{NUMBER: F("volunteer__number")})


def number_label(number) -> str:
    return number or _("未验证")


def number_of(row) -> str:
    """For one row not fetched through with_volunteer_number (an inspect view's): the number
    alone, not the volunteer's row."""
    if row.volunteer_id is None:
        return number_label(None)
    number = Volunteer.objects.filter(pk=row.volunteer_id).values_list("number", flat=True)
    return number_label(number.first())


@display(description=gettext_lazy("志愿者编号"), ordering="volunteer__number")
def volunteer_number(row):
    """The list column; the rows come from with_volunteer_number."""
    return number_label(getattr(row, NUMBER))


class VerifiedFilter(SimpleListFilter):
    title = gettext_lazy("志愿者编号")
    parameter_name = "verified"

    def lookups(self, request, model_admin):
        return [("yes", _("已验证")), ("no", _("未验证"))]

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        if value not in ("yes", "no"):
            return queryset.none()
        return queryset.filter(volunteer__isnull=value == "no")


class NumberSearchHandler(RegistrationSearchHandler):
    """A 志愿者编号 typed as people do ('v385 920 1746', full-width digits) finds its rows, within
    those the user already sees; anything else searches as before (names, mobiles, stations)."""

    def search_queryset(self, queryset, search_term, **kwargs):
        search_term = without_refused(str(search_term or ""))
        number = parse_number(search_term)
        if number:
            return queryset.filter(volunteer__number=number)
        return super().search_queryset(queryset, search_term, **kwargs)
