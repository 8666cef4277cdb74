"""The forms of 志愿服务记录证明: a volunteer's request, and the manager's issue, decline and
revoke. They only collect what was typed; the rules (certificates/) check it and say what is
wrong, and `show_refusal` puts the message beside its field."""

from django import forms
from django.utils.translation import gettext_lazy as _

from stations.volunteers.certificates.inputs import (
    NAME_MAX_LENGTH,
    PURPOSE_MAX_LENGTH,
    REASON_MAX_LENGTH,
    REPLY_MAX_LENGTH,
)
from stations.volunteers.models import CertificateRequest

DAY_MAX_LENGTH = 20


def _day(label, help_text=""):
    # Text, not a DateField: strptime would read other scripts' digits as a date; the rules
    # parse ASCII digits after NFKC (home/base/inputs.py).
    return forms.CharField(
        label=label,
        required=False,
        max_length=DAY_MAX_LENGTH,
        help_text=help_text,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


def _text(label, max_length, *, required=True, help_text="", widget=None):
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        help_text=help_text,
        widget=widget,
        error_messages={"required": _("请填写%(label)s。") % {"label": label}},
    )


def show_refusal(form, refusal) -> None:
    form.add_error(refusal.field if refusal.field in form.fields else None, refusal.message)


class RequestForm(forms.Form):
    """A volunteer asks one of the stations where they have confirmed hours."""

    station = forms.TypedChoiceField(
        label=_("向哪个站点申请"),
        coerce=int,
        error_messages={
            "required": _("请选择站点。"),
            "invalid_choice": _("请从列表中选择一个您有已确认服务时长的站点。"),
        },
    )
    period_start = _day(_("起始日期"), _("不填则从您在该站点的第一次服务算起。"))
    period_end = _day(_("截止日期"), _("不填则到今天为止。"))
    purpose = _text(
        CertificateRequest._meta.get_field("purpose").verbose_name,
        PURPOSE_MAX_LENGTH,
        required=False,
        help_text=_("例如：升学、评优、求职"),
    )

    def __init__(self, *args, stations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["station"].choices = [("", _("请选择"))] + [
            (
                row.station_id,
                _("%(station)s（已确认 %(hours)s 小时）")
                % {"station": row.station.title, "hours": row.confirmed_hours},
            )
            for row in stations
        ]


class IssueForm(forms.Form):
    person_in_charge = _text(_("负责人"), NAME_MAX_LENGTH)
    handled_by = _text(_("经办人"), NAME_MAX_LENGTH)
    contact = _text(_("联系电话"), NAME_MAX_LENGTH)
    period_start = _day(_("起始日期"), _("不填则从第一条已确认记录算起。"))
    period_end = _day(_("截止日期"), _("不填则到最后一条已确认记录为止。"))


class DeclineForm(forms.Form):
    reply = _text(
        _("答复"),
        REPLY_MAX_LENGTH,
        help_text=_("志愿者会在“我的志愿服务”看到这段答复。"),
    )


class RevokeForm(forms.Form):
    reason = _text(
        _("撤销原因"),
        REASON_MAX_LENGTH,
        help_text=_("核验页面会公开显示撤销日期和原因，请不要写入个人信息。"),
    )
