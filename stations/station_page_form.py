"""The station editing form in the admin."""

from django.utils.translation import gettext_lazy as _
from modelcluster.forms import BaseChildFormSet
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import InlinePanel

from stations import standard

COORDINATE_FIELDS = {
    "latitude": _("纬度必须是数字，如 23.1291（WGS-84，单位：度）。"),
    "longitude": _("经度必须是数字，如 113.2644（WGS-84，单位：度）。"),
}


class StationPageForm(WagtailAdminPageForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, message in COORDINATE_FIELDS.items():
            field = self.fields[name]
            field.error_messages.update(
                {"invalid": message, "required": _("请填写%(f)s。") % {"f": field.label}}
            )
        self._limit_areas()
        if not self.is_bound and not self.instance.pk:
            self._offer_all_seven_items()

    def _limit_areas(self):
        from stations.models import Area

        street, community = self.fields["street"], self.fields["community"]
        street.queryset = Area.objects.streets().select_related("parent")
        communities = Area.objects.communities().select_related("parent__parent")
        if self.instance.street_id and not self.is_bound:
            # Offer the current street's communities; a changed street is checked on save.
            communities = communities.filter(parent_id=self.instance.street_id)
        community.queryset = communities
        for field in (street, community):
            field.label_from_instance = lambda area: area.full_name

    def is_valid(self):
        # The 七个有 rows are cleaned after the page's own clean(), so they are checked here.
        valid = super().is_valid()
        return self._refuse_files_of_others() and valid

    def _refuse_files_of_others(self) -> bool:
        """A forged id must not attach another station's file (and so publish it): a newly
        chosen evidence file is one the editor may choose; the one already there may stay."""
        from wagtail.documents import get_document_model
        from wagtail.images import get_image_model
        from wagtail.permissions import policy_registry

        user = getattr(self, "for_user", None)
        if user is None or user.is_superuser or "standard_checks" not in self.formsets:
            return True
        ok = True
        policies = {
            "evidence_image": policy_registry.get_by_type(get_image_model()),
            "evidence_document": policy_registry.get_by_type(get_document_model()),
        }
        for form in self.formsets["standard_checks"].forms:
            if not hasattr(form, "cleaned_data"):
                continue
            for name, policy in policies.items():
                chosen = form.cleaned_data.get(name)
                # form.instance already holds the posted value; initial has the stored one.
                current = form.initial.get(name)
                if chosen is None or chosen.pk == current:
                    continue
                allowed = policy.instances_user_has_any_permission_for(user, ["choose", "change"])
                if not allowed.filter(pk=chosen.pk).exists():
                    form.add_error(name, _("只能选择本站点资料中的文件。"))
                    ok = False
        return ok

    def _offer_all_seven_items(self):
        # A new station starts with one row per item of the 七个有, so nothing is forgotten.
        formset = self.formsets["standard_checks"]
        self.formsets["standard_checks"] = type(formset)(
            instance=self.instance,
            prefix=formset.prefix,
            initial=[{"item": item.value} for item in standard.ITEMS],
            form_kwargs=formset.form_kwargs,
        )
        self.formsets["standard_checks"].extra = len(standard.ITEMS)


class StandardCheckFormSet(BaseChildFormSet):
    def clean(self):
        # Name the repeated item in Chinese before the generic unique check sees it.
        seen = set()
        for form in self.forms:
            if not form.is_valid() or form in self.deleted_forms:
                continue
            item = form.cleaned_data.get("item")
            if item in seen:
                form.add_error(
                    "item",
                    _("“%(item)s”填写了不止一次，每一项只能有一行。")
                    % {"item": standard.StandardItem(item).label},
                )
            seen.add(item)
        return super().clean()


class StandardChecksPanel(InlinePanel):
    """The 七个有 rows, with a formset that explains a repeated item in the editor's words."""

    def get_form_options(self):
        options = super().get_form_options()
        options["formsets"][self.relation_name]["formset"] = StandardCheckFormSet
        return options
