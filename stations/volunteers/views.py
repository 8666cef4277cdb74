"""Signing in by code (/volunteer/login/), signing out, and 我的志愿服务 (/volunteer/).

The rules are in codes.py, accounts.py and session.py; this module turns requests into calls and
results into pages. Status codes: 303 after a sign-in or a saved name, 400 for input to fix,
429 while a limit holds, 503 when the SMS gateway cannot send. Every page here shows a volunteer's
own data (at least their masked number): private, never stored by a cache.
"""

from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from stations import autofill, signup
from stations.antispam import client_ip
from stations.models import ActivityIndexPage, ActivitySignup, SignupStatus
from stations.volunteers import codes, session
from stations.volunteers.account_forms import (
    CodeForm,
    MobileForm,
    NameForm,
    TokenForm,
    login_token,
)
from stations.volunteers.accounts import (
    registration_answers,
    set_name_once,
    volunteer_for_verified_mobile,
    volunteer_records,
)
from stations.volunteers.registration import directory_url

LOGIN_TEMPLATE = "stations/volunteers/login.html"
HOME_TEMPLATE = "stations/volunteers/home.html"
CANCEL_TEMPLATE = "stations/volunteers/cancel_signup.html"
CONFIRM_VALUE = "yes"
MAX_ID = 2**63 - 1  # a longer number in the path is no row, and would overflow the database
REFUSAL_STATUS = {"wait": 429, "sms": 503}
SMS_RETRY_AFTER = 60


def private(response):
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "same-origin"
    return response


def _next_url(request) -> str:
    """Where to go after signing in: the path on this site the page was asked with, else the
    volunteer's page."""
    raw = request.POST.get("next") or request.GET.get("next") or ""
    if (
        raw.startswith("/")
        and len(raw) <= 500
        and url_has_allowed_host_and_scheme(
            raw, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return raw
    return reverse("volunteers:home")


def _login_page(request, *, status=200, **context):
    context.setdefault("step", "mobile")
    context.setdefault("next_url", _next_url(request))
    context.setdefault("code_minutes", codes.CODE_MINUTES)
    context.setdefault("code_tries", codes.CODE_TRIES)
    context.setdefault("gap_seconds", codes.SEND_GAP.seconds)
    context.setdefault("sends_per_hour", codes.SENDS_PER_NUMBER.limit)
    response = TemplateResponse(request, LOGIN_TEMPLATE, context, status=status)
    if status == 503:
        response["Retry-After"] = str(SMS_RETRY_AFTER)
    return private(response)


def _code_page(request, *, mobile, form=None, notice="", error="", status=200):
    return _login_page(
        request,
        step="code",
        form=form if form is not None else CodeForm(initial={"token": login_token(mobile)}),
        token=login_token(mobile),
        masked_mobile=codes.masked(mobile),
        notice=notice,
        error=error,
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def login(request):
    if request.method != "POST":
        if request.volunteer is not None:
            return HttpResponseRedirect(_next_url(request))
        notice = _("您已退出登录。") if request.GET.get("signed_out") == "1" else ""
        return _login_page(request, form=MobileForm(), notice=notice)
    action = request.POST.get("action")
    if action == "verify":
        return _verify(request)
    if action == "resend":
        return _resend(request)
    return _send(request)


def _send(request):
    form = MobileForm(request.POST)
    if not form.is_valid():
        return _login_page(request, form=form, status=400)
    mobile = form.cleaned_data["mobile"]
    try:
        codes.request_code(mobile=mobile, ip=client_ip(request))
    except codes.CodeRefused as refusal:
        form.add_error(None, refusal.message)
        return _login_page(request, form=form, status=REFUSAL_STATUS.get(refusal.reason, 400))
    return _code_page(
        request,
        mobile=mobile,
        notice=_("验证码已发送到 %(mobile)s，请查看短信。") % {"mobile": codes.masked(mobile)},
    )


def _resend(request):
    tokens = TokenForm(request.POST)
    if not tokens.is_valid():
        return _login_page(request, form=MobileForm(), error=tokens.errors["token"][0], status=400)
    mobile = tokens.cleaned_data["token"]
    try:
        codes.request_code(mobile=mobile, ip=client_ip(request))
    except codes.CodeRefused as refusal:
        return _code_page(
            request,
            mobile=mobile,
            error=refusal.message,
            status=REFUSAL_STATUS.get(refusal.reason, 400),
        )
    return _code_page(
        request,
        mobile=mobile,
        notice=_("新的验证码已发送到 %(mobile)s，之前的验证码不再有效。")
        % {"mobile": codes.masked(mobile)},
    )


def _verify(request):
    form = CodeForm(request.POST)
    form.is_valid()
    if "token" in form.errors:
        return _login_page(request, form=MobileForm(), error=form.errors["token"][0], status=400)
    mobile = form.cleaned_data["token"]
    if form.errors:
        return _code_page(request, mobile=mobile, form=form, status=400)
    try:
        codes.verify_code(mobile=mobile, code=form.cleaned_data["code"], ip=client_ip(request))
    except codes.CodeRefused as refusal:
        form.add_error(None, refusal.message)
        return _code_page(
            request, mobile=mobile, form=form, status=REFUSAL_STATUS.get(refusal.reason, 400)
        )
    volunteer = volunteer_for_verified_mobile(mobile=mobile)
    session.sign_in(request, volunteer)
    return private(HttpResponseRedirect(_next_url(request), status=303))


@require_http_methods(["GET", "HEAD", "POST"])
def logout(request):
    """POST signs the volunteer out (a link alone never does); GET goes to their page."""
    if request.method != "POST":
        return HttpResponseRedirect(reverse("volunteers:home"))
    session.sign_out(request)
    return private(HttpResponseRedirect(reverse("volunteers:login") + "?signed_out=1", status=303))


def login_first(request):
    """To the sign-in page, coming back here afterwards."""
    return private(HttpResponseRedirect(autofill.login_url(request)))


@require_http_methods(["GET", "HEAD", "POST"])
def home(request):
    """我的志愿服务: the volunteer's number and name, their sign-ups (upcoming first) and
    registrations. POST gives the name, asked for once when none is known."""
    volunteer = request.volunteer
    if volunteer is None:
        return login_first(request)
    name_form, status = None, 200
    if request.method == "POST":
        if volunteer.name:  # known already: correcting it is a data right (rights_views.py)
            return private(HttpResponseRedirect(reverse("volunteers:home"), status=303))
        name_form = NameForm(request.POST)
        if name_form.is_valid():
            set_name_once(volunteer=volunteer, name=name_form.cleaned_data["name"])
            return private(HttpResponseRedirect(reverse("volunteers:home"), status=303))
        status = 400
    elif not volunteer.name:
        name_form = NameForm()
    from stations.volunteers.record_views import service_summary  # it imports this module

    records = volunteer_records(volunteer)
    answers = registration_answers(records.registrations)
    for registration in records.registrations:
        registration.answers = answers.get(registration.pk, [])
    context = {
        "volunteer": volunteer,
        "masked_mobile": codes.masked(volunteer.mobile or ""),
        "name_form": name_form,
        "records": records,
        "cancelled": _just_cancelled(request, records),
        "activities_url": _activities_url(),
        "directory_url": directory_url(),
        "service": service_summary(volunteer),
    }
    return private(TemplateResponse(request, HOME_TEMPLATE, context, status=status))


def _just_cancelled(request, records):
    """The sign-up a cancellation just came back from (?cancelled=<id>), if it is this
    volunteer's and cancelled; anything else in the parameter is ignored."""
    raw = request.GET.get("cancelled", "")
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 12):
        return None
    return next(
        (s for s in records.history if s.pk == int(raw) and s.status == SignupStatus.CANCELLED),
        None,
    )


def _activities_url() -> str | None:
    index = ActivityIndexPage.objects.live().public().order_by("path").first()
    return index.url if index is not None else None


@require_http_methods(["GET", "HEAD", "POST"])
def cancel_signup(request, pk):
    """Cancelling one of my sign-ups, in two steps: GET asks "are you sure?" and says what is
    lost; only a POST carrying that page's confirmation cancels, so a stray tap or a link
    preview never loses a place."""
    volunteer = request.volunteer
    if volunteer is None:
        return login_first(request)
    found = (
        ActivitySignup.objects.select_related("activity", "activity__station")
        .filter(pk=pk, volunteer=volunteer)
        .first()
        if pk <= MAX_ID
        else None
    )
    if found is None:
        raise Http404
    status, error = 200, ""
    if request.method == "POST":
        if request.POST.get("confirm") != CONFIRM_VALUE:
            error, status = _("请点“确认取消报名”按钮完成取消；不想取消的话，返回即可。"), 400
        else:
            try:
                signup.cancel_signup(signup_id=found.pk, volunteer=volunteer)
            except signup.SignupRefused as refusal:
                error, status = refusal.message, 409
                found.refresh_from_db()
            else:
                done = reverse("volunteers:home") + f"?cancelled={found.pk}"
                return private(HttpResponseRedirect(done, status=303))
    context = {
        "signup": found,
        "activity": found.activity,
        "position": signup.waitlist_position(found),
        "can_cancel": found.status != SignupStatus.CANCELLED
        and signup.window_state(found.activity) != signup.State.STARTED,
        "confirm_value": CONFIRM_VALUE,
        "error": error,
    }
    return private(TemplateResponse(request, CANCEL_TEMPLATE, context, status=status))
