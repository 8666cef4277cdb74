"""我的数据 (/volunteer/data/) and the rights over it: download, correct the name, withdraw the
sensitive-information consent, delete the account. The rules are in rights.py.

Every page needs a signed-in volunteer (else the log-in, coming back here). Each action's page
and its POST need a sign-in fresher than session.FRESH_SIGN_IN: an older one is sent (GET) or
shown (POST, which then does nothing) the fresh-code step, which texts a code to the volunteer's
own number by the sign-in's rules (codes.py) and returns to the action's page. GET never changes
the volunteer's data (a download is a GET, a read, logged as one); every POST carries the CSRF
token; every page is private and never cached (views.private).
"""

import functools
from urllib.parse import quote

from django import forms
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from home.base.inputs import parse_id
from stations.antispam import client_ip
from stations.volunteers import codes, rights, rights_data, session
from stations.volunteers.account_forms import CodeForm, NameForm
from stations.volunteers.accounts import NameRefused
from stations.volunteers.views import REFUSAL_STATUS, SMS_RETRY_AFTER, private

TEMPLATES = "stations/volunteers/data/"
# The pages a fresh code may return to: the actions' own, nothing else.
ACTION_PAGES = ("data_download", "data_name", "data_withdraw", "data_delete")
DONE_NOTICES = {
    "name": gettext_lazy("姓名已更正。即将参加的活动报名和您的志愿者注册已改用新姓名。"),
    "withdrawn": gettext_lazy("已撤回同意，敏感个人信息已从注册中删除，站点会看到“已撤回”。"),
}
FORMATS = {"json": "application/json; charset=utf-8", "csv": "text/csv; charset=utf-8"}


def _page(request, template, context=None, *, status=200):
    context = dict(context or {})
    context.setdefault("volunteer", request.volunteer)
    context["fresh_minutes"] = int(session.FRESH_SIGN_IN.total_seconds() // 60)
    response = TemplateResponse(request, TEMPLATES + template, context, status=status)
    if status == 503:
        response["Retry-After"] = str(SMS_RETRY_AFTER)
    return private(response)


def _redirect(url, status=302):
    return private(HttpResponseRedirect(url, status=status))


def signed_in(view):
    """The volunteer's own pages: signed out, go to the log-in and come back here."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.volunteer is None:
            return _redirect(reverse("volunteers:login") + "?next=" + quote(request.path))
        return view(request, *args, **kwargs)

    return wrapper


def fresh(view=None, *, back: str | None = None):
    """An action: only within FRESH_SIGN_IN of entering a code; the fresh-code step else, which
    returns to the action's page (`back`, a URL name, for a file that is not a page)."""
    if view is None:
        return functools.partial(fresh, back=back)

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if session.is_fresh(request):
            return view(request, *args, **kwargs)
        page = reverse(f"volunteers:{back}") if back else request.path
        if request.method == "POST":
            # Nothing is done: the action's page comes back after the code.
            return _fresh_page(request, next_url=page, status=403)
        return _redirect(reverse("volunteers:data_confirm") + "?next=" + quote(page))

    return signed_in(wrapper)


def _safe_next(raw) -> str:
    """One of the actions' pages, exactly; 我的数据 for anything else."""
    allowed = {reverse(f"volunteers:{name}") for name in ACTION_PAGES}
    return raw if raw in allowed else reverse("volunteers:data")


# --- the fresh-code step ------------------------------------------------------------------------


class FreshCodeForm(CodeForm):
    """The sign-in's code field and its rules; the number is the signed-in volunteer's own."""

    token = None


def _fresh_page(request, *, next_url, step="send", form=None, notice="", error="", status=200):
    return _page(
        request,
        "fresh.html",
        {
            "step": step,
            "form": form if form is not None else FreshCodeForm(),
            "next_url": next_url,
            "masked_mobile": codes.masked(request.volunteer.mobile or ""),
            "notice": notice,
            "error": error,
            "code_minutes": codes.CODE_MINUTES,
            "gap_seconds": codes.SEND_GAP.seconds,
        },
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@signed_in
def fresh_code(request):
    """为保护您的信息，请再输入一次验证码: send a code (POST action=send), check it (verify)."""
    next_url = _safe_next(request.POST.get("next") or request.GET.get("next"))
    if request.method != "POST":
        if session.is_fresh(request):
            return _redirect(next_url)
        return _fresh_page(request, next_url=next_url)
    mobile = request.volunteer.mobile
    if request.POST.get("action") == "verify":
        form = FreshCodeForm(request.POST)
        if not form.is_valid():
            return _fresh_page(request, next_url=next_url, step="code", form=form, status=400)
        try:
            codes.verify_code(mobile=mobile, code=form.cleaned_data["code"], ip=client_ip(request))
        except codes.CodeRefused as refusal:
            form.add_error(None, refusal.message)
            status = REFUSAL_STATUS.get(refusal.reason, 400)
            return _fresh_page(request, next_url=next_url, step="code", form=form, status=status)
        session.refresh_sign_in(request)
        return _redirect(next_url, status=303)
    try:
        codes.request_code(mobile=mobile, ip=client_ip(request))
    except codes.CodeRefused as refusal:
        status = REFUSAL_STATUS.get(refusal.reason, 400)
        # Asked again too soon, the code sent a moment ago still works: offer to enter it.
        step = "code" if refusal.reason == "wait" else "send"
        return _fresh_page(
            request, next_url=next_url, step=step, error=refusal.message, status=status
        )
    notice = _("验证码已发送到 %(mobile)s，请查看短信。") % {"mobile": codes.masked(mobile)}
    return _fresh_page(request, next_url=next_url, step="code", notice=notice)


# --- 我的数据 ------------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD"])
@signed_in
def my_data(request):
    volunteer = request.volunteer
    context = {
        "data": rights_data.my_data(volunteer),
        "masked_mobile": codes.masked(volunteer.mobile or ""),
        "notice": DONE_NOTICES.get(request.GET.get("done", "")),
    }
    return _page(request, "index.html", context)


@require_http_methods(["GET", "HEAD"])
@fresh
def download(request):
    """The two formats, each a link to its file."""
    return _page(request, "download.html")


@require_http_methods(["GET", "HEAD"])
@fresh(back="data_download")
def download_file(request, kind):
    """The file itself. A GET, so that a link downloads it: it is a read, and its log row the
    record of one, never a change to the volunteer's data. A stale session comes back to the
    download page rather than to the file, which would leave the code step on the screen."""
    now = timezone.now()
    volunteer = request.volunteer
    data = rights_data.my_data(volunteer, now=now)
    export = rights_data.export_json if kind == "json" else rights_data.export_csv
    body = export(data, now=now)
    if request.method == "GET":  # HEAD asks what the file would be; nothing was taken
        rights.record_export(volunteer, kind=kind, now=now)
    response = HttpResponse(body.encode("utf-8"), content_type=FORMATS[kind])
    filename = f"volunteer-data-{volunteer.number}-{timezone.localtime(now):%Y%m%d}.{kind}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return private(response)


# --- correcting the name -----------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@fresh
def correct_name(request):
    volunteer = request.volunteer
    if request.method != "POST":
        form = NameForm(initial={"name": volunteer.name})
        return _page(request, "name.html", {"form": form})
    form = NameForm(request.POST)
    if form.is_valid():
        try:
            rights.correct_name(volunteer=volunteer, name=form.cleaned_data["name"])
        except NameRefused as refusal:
            form.add_error("name", refusal.message)
        else:
            return _redirect(reverse("volunteers:data") + "?done=name", status=303)
    return _page(request, "name.html", {"form": form}, status=400)


# --- withdrawing the sensitive-information consent ---------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@fresh
def withdraw(request):
    """POST registration=<id> withdraws on that registration, registration=all on all."""
    volunteer = request.volunteer
    error, status = "", 200
    if request.method == "POST":
        raw = request.POST.get("registration", "")
        registration_id = None if raw == "all" else parse_id(raw)
        if raw != "all" and registration_id is None:
            error, status = _("请选择要撤回同意的注册。"), 400
        else:
            try:
                rights.withdraw_consent(volunteer=volunteer, registration_id=registration_id)
            except rights.NotYours:
                raise Http404(_("找不到这条注册。")) from None
            except rights.RightsRefused as refusal:
                error, status = refusal.message, 400
            else:
                return _redirect(reverse("volunteers:data") + "?done=withdrawn", status=303)
    context = {"withdrawable": rights_data.withdrawable(volunteer), "error": error}
    return _page(request, "withdraw.html", context, status=status)


# --- deleting the account ----------------------------------------------------------------------


class DeleteForm(forms.Form):
    confirm = forms.BooleanField(
        label=gettext_lazy("我已了解以上内容，确认注销我的账号。"),
        error_messages={"required": gettext_lazy("请勾选确认后再注销；不勾选时什么都不会改变。")},
    )


@require_http_methods(["GET", "HEAD", "POST"])
@fresh
def delete_account(request):
    volunteer = request.volunteer
    form = DeleteForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                rights.delete_account(volunteer=volunteer)
            except rights.RightsRefused as refusal:
                form.add_error(None, refusal.message)
            else:
                session.sign_out(request)
                return _redirect(reverse("volunteers:data_deleted"), status=303)
        status = 400
    context = {"form": form, "summary": rights.deletion_summary(volunteer)}
    return _page(request, "delete.html", context, status=status)


@require_http_methods(["GET", "HEAD"])
def deleted(request):
    """Said to whoever comes here: it shows nothing of anyone."""
    return _page(request, "deleted.html")
