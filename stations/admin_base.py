"""What the two per-station admins (registrations, activity sign-ups) share."""

import re

from django.contrib.admin import SimpleListFilter
from django.contrib.admin.utils import unquote
from django.http import Http404
from wagtail_modeladmin.helpers import DjangoORMSearchHandler

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
        # '138 1234 5678' and '+86 13812345678' find the stored 13812345678.
        if _PHONE_LIKE.match(fold_digits(search_term).strip()):
            search_term = normalise_mobile(search_term)
        return super().search_queryset(queryset, search_term, **kwargs)
