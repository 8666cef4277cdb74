"""The registration form residents fill in: the editor's form-builder fields plus fixed ones.

The page adds what the portal depends on whatever the editor changes: the chosen station, the
consent to process personal information, the separate consent for sensitive information
(《个人信息保护法》第二十八、二十九条) and a honeypot.
"""

import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import EMPTY_VALUES
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail.contrib.forms.forms import BaseForm, FormBuilder

from home.base.inputs import (
    DEFAULT_MULTILINE_MAX_LENGTH,
    DEFAULT_TEXT_MAX_LENGTH,
    ascii_number,
    validate_multiline_text,
    validate_text,
)
from home.base.restrictions import exclude_private
from stations.antispam import HONEYPOT_MESSAGE, HONEYPOT_NAME, honeypot_field, honeypot_tripped
from stations.models import StationPage, VolunteerTeam
from stations.validators import MobileField
from stations.volunteers.models import MOBILE, NAME, TEAM

STATION_FIELD = "station"
PRIVACY_CONSENT = "consent_privacy"
SENSITIVE_CONSENT = "consent_sensitive"
FIXED_FIELDS = frozenset({STATION_FIELD, PRIVACY_CONSENT, SENSITIVE_CONSENT, HONEYPOT_NAME})

NAME_MAX_LENGTH = 60  # VolunteerRegistration.name
CHOICE_TYPES = frozenset({"dropdown", "radio", "checkboxes", "multiselect", TEAM})
# The range of a number field, by a word in its label; other number fields get the default.
NUMBER_RANGES = {"年龄": (6, 120)}
DEFAULT_NUMBER_RANGE = (0, 999_999_999)
_STATION_ID = re.compile(r"^[0-9]{1,18}\Z")  # ASCII digits only (home/base/inputs.py)


def has_value(value) -> bool:
    """Whether a cleaned answer says anything: an unticked box or an empty choice does not."""
    return value not in EMPTY_VALUES and value is not False


def station_from_param(raw) -> StationPage:
    """The live, public station a `?station=<id>` names, or a ValidationError saying why not."""
    raw = (raw or "").strip()
    if not raw:
        raise ValidationError(_("请先选择要加入的站点。"), code="no_station")
    if not _STATION_ID.match(raw):
        raise ValidationError(
            _("站点编号“%(value)s”无效。请从站点目录中选择站点。"),
            params={"value": raw[:20]},
            code="bad_station",
        )
    station = exclude_private(StationPage.objects.live()).filter(pk=int(raw)).first()
    if station is None:
        # Unknown and unpublished look the same: a draft station is not open for registration.
        raise ValidationError(
            _("找不到编号为 %(value)s 的站点，它可能已经停止接受报名。请从站点目录中选择站点。"),
            params={"value": raw},
            code="unknown_station",
        )
    return station


class TeamChoiceField(forms.ModelChoiceField):
    """A team of the chosen station; the form sets the queryset once it knows the station."""

    def label_from_instance(self, team):
        return team.name


class NumberField(forms.DecimalField):
    """A number in ASCII digits (full-width ones fold to them): Decimal() alone would also take
    Arabic-Indic digits, exponents (1E+999999), "Infinity" and "NaN"."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        plain = ascii_number(value)
        if plain is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return Decimal(plain)


def _with(options, validator):
    options["validators"] = [*options.get("validators", []), validator]
    return options


def _for_params(label) -> str:
    """A label inside a message Django formats with its own params (limit_value …): a % in
    the editor's label must not be read as a placeholder."""
    return str(label).replace("%", "%%")


def _text(options, validator, max_length):
    """Options for a text field: its length limit, said in words, and the character check."""
    options["max_length"] = max_length
    options["error_messages"] = {
        **options.get("error_messages", {}),
        "max_length": _("%(label)s最多 %(limit)s 个字，现在是 %(count)s 个。")
        % {
            "label": _for_params(options.get("label", "")),
            "limit": "%(limit_value)d",
            "count": "%(show_value)d",
        },
    }
    return _with(options, validator)


class RegistrationFormBuilder(FormBuilder):
    """Every text has a length limit and refuses invisible characters (home/base/inputs.py);
    every number is in ASCII digits and in a range."""

    def create_name_field(self, field, options):
        options["required"] = True
        options["widget"] = forms.TextInput(attrs={"autocomplete": "name"})
        return forms.CharField(**_text(options, validate_text, NAME_MAX_LENGTH))

    def create_singleline_field(self, field, options):
        return forms.CharField(**_text(options, validate_text, DEFAULT_TEXT_MAX_LENGTH))

    def create_multiline_field(self, field, options):
        options.setdefault("widget", forms.Textarea)
        limit = DEFAULT_MULTILINE_MAX_LENGTH
        return forms.CharField(**_text(options, validate_multiline_text, limit))

    def create_email_field(self, field, options):
        options = _text(options, validate_text, DEFAULT_TEXT_MAX_LENGTH)
        return super().create_email_field(field, options)

    def create_url_field(self, field, options):
        options = _text(options, validate_text, DEFAULT_TEXT_MAX_LENGTH)
        return super().create_url_field(field, options)

    def create_hidden_field(self, field, options):
        options = _text(options, validate_text, DEFAULT_TEXT_MAX_LENGTH)
        return super().create_hidden_field(field, options)

    def create_number_field(self, field, options):
        low, high = next(
            (limits for word, limits in NUMBER_RANGES.items() if word in field.label),
            DEFAULT_NUMBER_RANGE,
        )
        out_of_range = _("%(label)s应在 %(low)s 到 %(high)s 之间。") % {
            "label": _for_params(field.label),
            "low": low,
            "high": high,
        }
        options["error_messages"] = {
            **options.get("error_messages", {}),
            "invalid": _("%(label)s请填写数字（阿拉伯数字）。") % {"label": field.label},
            "min_value": out_of_range,
            "max_value": out_of_range,
            "max_decimal_places": _("%(label)s最多保留两位小数。")
            % {"label": _for_params(field.label)},
        }
        return NumberField(min_value=low, max_value=high, decimal_places=2, **options)

    def create_mobile_field(self, field, options):
        return MobileField(**options)

    def create_team_field(self, field, options):
        options.pop("initial", None)
        return TeamChoiceField(
            queryset=VolunteerTeam.objects.none(), empty_label=_("请选择队伍"), **options
        )

    def create_dropdown_field(self, field, options):
        # A select must not quietly pre-choose its first option (中共党员, a health status…):
        # start from "请选择" so an answer is always the resident's own.
        options["choices"] = [("", _("请选择"))] + self.get_formatted_field_choices(field)
        return forms.ChoiceField(**options)

    def get_field_options(self, field):
        options = super().get_field_options(field)
        # "请选择政治面貌。" reads better next to the field than Django's generic "必需字段".
        if field.field_type in CHOICE_TYPES:
            required = _("请选择%(label)s。")
        elif field.field_type == "checkbox":
            required = _("请勾选“%(label)s”。")
        else:
            required = _("请填写%(label)s。")
        options["error_messages"] = {"required": required % {"label": field.label}}
        if getattr(field, "sensitive", False):
            # Never required (PIPL art. 16: no refusing service over unneeded consent) and never
            # pre-filled, so nothing sensitive is sent unless the resident types it.
            options["required"] = False
            options["initial"] = None
            note = _("属于敏感个人信息，填写需勾选下方的单独同意。")
            given = options["help_text"]
            options["help_text"] = format_html("{} {}", given, note) if given else note
        return options

    def get_form_class(self):
        form_class = type("RegistrationForm", (RegistrationForm,), self.formfields)
        form_class.sensitive_names = frozenset(
            f.clean_name or f.get_field_clean_name() for f in self.fields if f.sensitive
        )
        form_class.typed_names = {
            kind: [
                f.clean_name or f.get_field_clean_name()
                for f in self.fields
                if f.field_type == kind
            ]
            for kind in (NAME, MOBILE, TEAM)
        }
        return form_class


class RegistrationForm(BaseForm):
    """Builder fields first, in the editor's order, then the fixed fields the page relies on."""

    sensitive_names = frozenset()
    typed_names = {NAME: [], MOBILE: [], TEAM: []}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.builder_names = [name for name in self.fields if name not in FIXED_FIELDS]
        raw = self.data.get(STATION_FIELD) if self.is_bound else self.initial.get(STATION_FIELD)
        try:
            self.station, self.station_error = station_from_param(raw), None
        except ValidationError as error:
            self.station, self.station_error = None, error
        self._add_fixed_fields()
        self._limit_teams()
        # Each hint and message is tied to its field by Django itself (BoundField's
        # aria-describedby and aria-invalid, and the ids the field template prints).

    # --- construction ---------------------------------------------------------------------

    def _add_fixed_fields(self):
        self.fields[STATION_FIELD] = forms.CharField(required=False, widget=forms.HiddenInput)
        if self.station is not None:
            self.initial[STATION_FIELD] = str(self.station.pk)
        self.fields[PRIVACY_CONSENT] = forms.BooleanField(
            label=_("我已阅读上面的个人信息处理说明，同意所选站点按说明处理我填写的个人信息。"),
            error_messages={
                "required": _(
                    "请阅读个人信息处理说明并勾选同意；不同意的话，我们无法登记您的报名。"
                )
            },
        )
        if self.sensitive_names:
            label = getattr(self.page, "sensitive_consent_label", "") or _(
                "我单独同意处理我填写的敏感个人信息。"
            )
            self.fields[SENSITIVE_CONSENT] = forms.BooleanField(
                label=label,
                required=False,
                help_text=_("只有填写了标注为敏感个人信息的项目才需要勾选；不勾选也可以报名。"),
            )
        self.fields[HONEYPOT_NAME] = honeypot_field()

    def _limit_teams(self):
        teams = self.station.teams.all() if self.station is not None else None
        has_teams = teams is not None and teams.exists()
        for name in self.typed_names[TEAM]:
            if name not in self.fields:
                continue
            if not has_teams:
                # Nothing to choose from: asking would only block the registration.
                del self.fields[name]
                self.builder_names.remove(name)
                continue
            field = self.fields[name]
            field.queryset = teams
            field.error_messages["invalid_choice"] = _(
                "所选队伍不属于站点“%(station)s”，请从列表中重新选择。"
            ) % {"station": self.station.title}

    # --- what the template and the page need -------------------------------------------------

    @property
    def builder_fields(self):
        return [self[name] for name in self.builder_names]

    # --- validation --------------------------------------------------------------------------

    def clean_station(self):
        if self.station_error is not None:
            raise self.station_error
        return self.station

    def clean(self):
        cleaned = super().clean()
        if honeypot_tripped(self.data):
            raise ValidationError(HONEYPOT_MESSAGE, code="honeypot")
        given = [
            self.fields[name].label
            for name in self.builder_names
            if name in self.sensitive_names and has_value(cleaned.get(name))
        ]
        if given and not cleaned.get(SENSITIVE_CONSENT):
            self.add_error(
                SENSITIVE_CONSENT,
                ValidationError(
                    _(
                        "您填写了敏感个人信息（%(fields)s），但没有勾选单独同意，所以这次报名没有保存。"
                        "请勾选单独同意后提交；如果不愿提供，请清空这些项目，其余信息照常登记。"
                    ),
                    params={"fields": "、".join(str(label) for label in given)},
                    code="sensitive_consent",
                ),
            )
        return cleaned

    # --- what is stored ----------------------------------------------------------------------

    def typed_value(self, kind):
        """The first answer of a portal field type (name, mobile, team), or None."""
        for name in self.typed_names[kind]:
            if name in self.cleaned_data:
                return self.cleaned_data[name]
        return None

    def answers(self) -> dict:
        """The builder fields' answers, ready for JSON: no consent, station or honeypot."""
        result = {}
        for name in self.builder_names:
            value = self.cleaned_data.get(name)
            if isinstance(value, VolunteerTeam):
                value = value.name
            result[name] = value
        return result
