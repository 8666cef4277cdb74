"""The certificate admin's pages beyond modeladmin's list (certificate_admin.py): inspecting a
request and a certificate, and the issue, decline, revoke and PDF actions. Each is reached
through the ModelAdmin, which has already found the row among those the user sees and checked
that they may take the action; the rules check again (certificates/)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from wagtail_modeladmin.views import InspectView

from stations.admin_base import number_of
from stations.models import Volunteer
from stations.volunteers.certificate_forms import (
    DeclineForm,
    IssueForm,
    RevokeForm,
    show_refusal,
)
from stations.volunteers.certificate_pdf import CertificateFontMissing, hours_text, pdf_response
from stations.volunteers.certificates import (
    CertificateRefused,
    confirmed_records,
    decline_request,
    issue_certificate,
    last_person_in_charge,
    revoke_certificate,
    snapshot,
    verification_url,
)

FORM_TEMPLATE = "stations/volunteers/admin/certificate_form.html"


def _local(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _day(value) -> str:
    return f"{value:%Y-%m-%d}" if value else ""


def name_on_certificate(request_row) -> str:
    """The name the certificate would carry: the volunteer's, and nothing else of theirs."""
    name = Volunteer.objects.filter(pk=request_row.volunteer_id).values_list("name", flat=True)
    return name.first() or _("（志愿者尚未填写姓名，不能出具）")


def _period(start, end) -> str:
    if not (start or end):
        return _("全部已确认的服务")
    return f"{_day(start) or _('首次服务')} – {_day(end) or _('今天')}"


def _preview(request_row, start=None, end=None):
    start = start if start is not None else request_row.period_start
    end = end if end is not None else request_row.period_end
    return snapshot(
        confirmed_records(
            volunteer=request_row.volunteer_id,
            station=request_row.station_id,
            period_start=start,
            period_end=end,
        )
    )


def _fields(view, fields):
    empty = view.model_admin.get_empty_value_display()
    return [{"label": label, "value": value or empty} for label, value in fields]


class RequestInspectView(InspectView):
    def get_fields_dict(self):
        row = self.instance
        fields = [
            (_("站点"), row.station.title),
            (_("志愿者编号"), number_of(row)),
            (_("证明上的姓名"), name_on_certificate(row)),
            (_("申请的期间"), _period(row.period_start, row.period_end)),
            (_("用途"), row.purpose),
            (_("状态"), row.get_status_display()),
            (_("申请时间"), _local(row.created_at)),
            (_("处理时间"), _local(row.decided_at)),
            (_("站点答复"), row.reply),
            (_("证明"), row.certificate.number if row.certificate_id else ""),
        ]
        return _fields(self, fields)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows, total = _preview(self.instance)
        context.update({"rows": rows, "total": hours_text(total)})
        return context


class CertificateInspectView(InspectView):
    def get_fields_dict(self):
        c = self.instance
        url = verification_url(c.verify_code)
        fields = [
            (_("证明编号"), c.number),
            (_("状态"), _("已撤销") if c.is_revoked else _("有效")),
            (_("姓名"), c.name),
            (_("志愿者编号"), c.volunteer_number),
            (_("服务期间"), f"{_day(c.period_start)} – {_day(c.period_end)}"),
            (_("累计服务时长（小时）"), hours_text(c.total_hours)),
            (_("出具单位"), c.station_name),
            (_("负责人"), c.person_in_charge),
            (_("经办人"), c.handled_by),
            (_("联系电话"), c.contact),
            (_("出具日期"), _day(c.issued_on)),
            (_("出具时间"), _local(c.issued_at)),
            (_("核验网址"), format_html('<a href="{}" rel="noreferrer">{}</a>', url, url)),
        ]
        if c.is_revoked:
            fields += [(_("撤销时间"), _local(c.revoked_at)), (_("撤销原因"), c.revoked_reason)]
        return _fields(self, fields)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["rows"] = self.instance.activities or []
        return context


def _form_page(model_admin, request, *, form, status=200, **context):
    context.update(
        {
            "form": form,
            "model_admin": model_admin,
            "header_icon": model_admin.get_menu_icon(),
        }
    )
    return TemplateResponse(request, FORM_TEMPLATE, context, status=status)


def _refused(form, refusal) -> int:
    if refusal.reason == "forbidden":
        raise PermissionDenied
    show_refusal(form, refusal)
    return 400


def issue(model_admin, request, found):
    """GET: the form, filled in for the manager; POST: issue, then the certificate's page."""
    user = request.user
    manager = user.get_full_name() or user.get_username()
    form = IssueForm(
        initial={
            "person_in_charge": last_person_in_charge(found.station_id) or manager,
            "handled_by": manager,
            "contact": found.station.phone,
            "period_start": _day(found.period_start),
            "period_end": _day(found.period_end),
        }
    )
    status = 200
    if request.method == "POST":
        form, status = IssueForm(request.POST), 400
        if form.is_valid():
            try:
                certificate = issue_certificate(
                    request=found,
                    volunteer=found.volunteer,
                    station=found.station,
                    by=user,
                    **form.cleaned_data,
                )
            except CertificateRefused as refusal:
                status = _refused(form, refusal)
            else:
                messages.success(
                    request,
                    _("已出具证明 %(number)s，可在证明页面下载 PDF。")
                    % {"number": certificate.number},
                )
                return redirect("stations_servicecertificate_modeladmin_inspect", certificate.pk)
    rows, total = _preview(found)
    return _form_page(
        model_admin,
        request,
        form=form,
        status=status,
        title=_("出具志愿服务记录证明"),
        subtitle=found.station.title,
        facts=[
            (_("志愿者编号"), number_of(found)),
            (_("证明上的姓名"), name_on_certificate(found)),
            (_("申请的期间"), _period(found.period_start, found.period_end)),
            (_("用途"), found.purpose or "—"),
        ],
        rows=rows,
        total=hours_text(total),
        intro=_(
            "证明将写明下列已确认的服务记录（如改动期间，以出具时该期间内的记录为准）。"
            "出具后证明不能修改，只能撤销。"
        ),
        submit_label=_("出具证明"),
        back_url=model_admin.url_helper.get_action_url("inspect", found.pk),
    )


def decline(model_admin, request, found):
    form, status = DeclineForm(), 200
    if request.method == "POST":
        form, status = DeclineForm(request.POST), 400
        if form.is_valid():
            try:
                decline_request(request=found, by=request.user, reply=form.cleaned_data["reply"])
            except CertificateRefused as refusal:
                status = _refused(form, refusal)
            else:
                messages.success(request, _("已答复志愿者：本次不予出具证明。"))
                return redirect(model_admin.url_helper.get_action_url("inspect", found.pk))
    return _form_page(
        model_admin,
        request,
        form=form,
        status=status,
        title=_("不予出具证明"),
        subtitle=found.station.title,
        facts=[(_("志愿者编号"), number_of(found))],
        intro=_("请告诉志愿者为什么这次不出具证明，例如服务记录尚待确认、期间填写有误。"),
        submit_label=_("不予出具并答复"),
        back_url=model_admin.url_helper.get_action_url("inspect", found.pk),
    )


def revoke(model_admin, request, found):
    form, status = RevokeForm(), 200
    if request.method == "POST":
        form, status = RevokeForm(request.POST), 400
        if form.is_valid():
            try:
                revoke_certificate(
                    certificate=found, by=request.user, reason=form.cleaned_data["reason"]
                )
            except CertificateRefused as refusal:
                status = _refused(form, refusal)
            else:
                messages.success(
                    request,
                    _("已撤销证明 %(number)s，核验页面现在显示“已撤销”。")
                    % {"number": found.number},
                )
                return redirect(model_admin.url_helper.get_action_url("inspect", found.pk))
    return _form_page(
        model_admin,
        request,
        form=form,
        status=status,
        title=_("撤销证明"),
        subtitle=found.number,
        facts=[
            (_("证明编号"), found.number),
            (_("姓名"), found.name),
            (_("累计服务时长（小时）"), hours_text(found.total_hours)),
            (_("出具日期"), _day(found.issued_on)),
        ],
        intro=_("撤销后证明编号不再使用，核验页面显示撤销日期和原因。撤销不能取消。"),
        submit_label=_("撤销证明"),
        danger=True,
        back_url=model_admin.url_helper.get_action_url("inspect", found.pk),
    )


def pdf(model_admin, request, found):
    try:
        return pdf_response(found)
    except CertificateFontMissing as missing:
        messages.error(request, missing.message)
        return redirect(model_admin.url_helper.get_action_url("inspect", found.pk))
