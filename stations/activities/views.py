"""The activity page's sign-up form, and each sign-up's own page behind its secret link.

The rules themselves are in stations/signup.py; this module only turns requests into calls and
results into pages. The form posts to a URL of its own (signup_post), which reads no page unless
the form must be shown again. Status codes: 303 to the sign-up's page on success, 400 for input
to fix, 409 when the rules refuse (full, duplicate, outside the window), 429 when rate-limited.
"""

from django import forms
from django.conf import settings
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from home.base.restrictions import is_public
from stations import autofill, signup
from stations.antispam import (
    HONEYPOT_MESSAGE,
    HONEYPOT_NAME,
    RateLimit,
    count_submission,
    honeypot_field,
    honeypot_tripped,
    rate_limit_message,
)
from stations.models import ActivityIndexPage, ActivityPage, SignupStatus
from stations.validators import MobileField, tel_uri

RATE_LIMIT_GROUP = "activity-signup"
# Refusals that are about what was typed, shown beside that field.
FIELD_CODES = {"name", "mobile"}
CONFIRM_VALUE = "yes"


class SignupForm(forms.Form):
    name = forms.CharField(
        label=_("姓名"),
        max_length=signup.NAME_MAX_LENGTH,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={
            "required": _("请填写姓名。"),
            "max_length": _("姓名最多 %(limit_value)d 个字。"),
        },
    )
    mobile = MobileField(
        label=_("手机号码"),
        help_text=_("11 位中国大陆手机号，站点用它联系您；同一号码每个活动只能报名一次。"),
        error_messages={"required": _("请填写手机号码。")},
    )
    consent = forms.BooleanField(
        label=_("我同意主办站点使用我的姓名和手机号码，仅用于本次活动的联系、签到和服务时长记录。"),
        error_messages={"required": _("请勾选同意；不同意的话，我们无法登记您的报名。")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[HONEYPOT_NAME] = honeypot_field()

    def clean_name(self):
        try:
            return signup.clean_name(self.cleaned_data["name"])
        except signup.SignupRefused as refusal:
            raise forms.ValidationError(refusal.message, code=refusal.code) from None


def signup_url(activity, token: str, request=None) -> str:
    # The activity's parent is the index (page types allow nothing else): its URL is the
    # activity's minus the last segment, which saves two queries on the busiest path.
    parent_url = activity.get_url(request).rstrip("/").rsplit("/", 1)[0] + "/"
    # The route's reverse without making a page to ask (reverse_subpage asks the same resolver).
    subpath = ActivityIndexPage.get_resolver().reverse("signup", token=token)
    return parent_url + subpath


def contact_context(activity) -> dict:
    phone = activity.contact_phone or activity.station.phone
    return {"contact_phone": phone, "contact_phone_uri": tel_uri(phone) if phone else ""}


def activity_context(*, activity, request, form=None) -> dict:
    from stations.activities.calendars import calendar_url

    return {
        # As the page's context read it with the page's other parts, else from the tally.
        "availability": getattr(activity, "availability", None) or signup.availability_of(activity),
        "form": form or SignupForm(initial=autofill.initial_values(request)),
        "calendar_url": calendar_url(activity),
        **autofill.context(request, anchor="signup"),
        **contact_context(activity),
    }


def signup_post(request, activity_id: int):
    """The sign-up form's own URL (activities/signup/<id>/, ahead of the page tree): a sign-up
    needs the activity's tally row, not its page, so the form posts here and the POST that
    succeeds reads no page at all. Anything but a POST goes to the activity's page."""
    if not 0 < activity_id < 2**31:  # an id no database holds, written out in digits
        raise Http404
    if request.method != "POST":
        activity = _public_activity(activity_id)
        if activity is None:
            raise Http404
        return HttpResponseRedirect(activity.get_url(request))
    return serve_signup_post(activity_id=activity_id, request=request)


def _public_activity(activity_id):
    activity = ActivityPage.objects.live().filter(pk=activity_id).first()
    return activity if activity is not None and is_public(activity) else None


def serve_signup_post(*, request, activity=None, activity_id=None):
    """The sign-up form posted, to the activity's page (`activity`, found by the page routing)
    or to its own URL (`activity_id`). The page is read only when it must be shown again."""
    if activity is not None:
        activity_id = activity.pk
    limit = count_submission(
        request, group=RATE_LIMIT_GROUP, rate=settings.ACTIVITY_SIGNUP_RATE_LIMIT
    )
    form = SignupForm(request.POST)
    status, duplicate = 400, False
    if limit is not RateLimit.OK:
        form.is_valid()  # show the field messages too, so nothing is a surprise next time
        form.add_error(None, rate_limit_message(limit))
        status = 429
    elif honeypot_tripped(request.POST):
        form.is_valid()
        form.add_error(None, HONEYPOT_MESSAGE)
    elif form.is_valid():
        try:
            result = signup.sign_up(
                activity_id=activity_id,
                name=form.cleaned_data["name"],
                mobile=form.cleaned_data["mobile"],
            )
        except signup.SignupRefused as refusal:
            in_field = refusal.code in FIELD_CODES
            form.add_error(refusal.code if in_field else None, refusal.message)
            status = 400 if in_field else 409
            duplicate = refusal.code == "duplicate"
        else:
            # The activity as sign_up() read it under the lock: its URL needs no other query
            # (without the request, get_url() skips the site lookup; it answers a full URL
            # only when the page's site is not the only one).
            url = signup_url(result.signup.activity, result.token)
            # Private too: the redirect's Location holds the sign-up's secret link.
            return _private(HttpResponseRedirect(url, status=303))
    if activity is None:
        activity = _public_activity(activity_id)
        if activity is None:
            raise Http404
    context = activity.get_context(request)
    context.update(activity_context(activity=activity, request=request, form=form))
    context["duplicate_signup"] = duplicate
    request.is_preview = False  # as Page.serve() says, for the templates that ask
    # The form comes back with the name and mobile number the resident typed.
    return _private(
        TemplateResponse(request, activity.get_template(request), context, status=status)
    )


def _private(response):
    # The page is reached through a secret or shows what a resident typed: keep it out of caches,
    # search engines and other sites' Referers ("same-origin" still lets the cancel form post:
    # "no-referrer" sends Origin: null, which CSRF protection rightly refuses).
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "same-origin"
    return response


def serve_signup_status(*, index_page, request, token):
    """GET shows the sign-up and a button to cancel; POST cancels (a link alone never does, so
    mail scanners and link previews cannot cancel anyone)."""
    found = signup.signup_for_token(token)
    context = index_page.get_context(request)
    template = "stations/activities/signup_status.html"
    if found is None:
        context["invalid"] = True
        return _private(TemplateResponse(request, template, context, status=404))

    status, message, error = 200, "", ""
    # Two steps, so a stray tap never loses a place: the page's button asks "are you sure?"
    # (?cancel=1), and only a POST carrying that answer cancels.
    confirming = request.GET.get("cancel") == "1"
    if request.method == "POST":
        limit = count_submission(
            request, group=RATE_LIMIT_GROUP, rate=settings.ACTIVITY_SIGNUP_RATE_LIMIT
        )
        if request.POST.get("confirm") != CONFIRM_VALUE:
            confirming, status = True, 400
            error = _("请点“确认取消报名”按钮完成取消；不想取消的话，返回即可。")
        elif limit is not RateLimit.OK:
            error, status = rate_limit_message(limit), 429
        else:
            try:
                signup.cancel(token=token)
            except signup.SignupRefused as refusal:
                error, status = refusal.message, 409
            else:
                message = _("已取消报名。感谢您告诉我们，名额会留给其他志愿者。")
        found = signup.signup_for_token(token)

    from stations.activities.calendars import calendar_url

    activity = found.activity
    context.update(
        calendar_url=calendar_url(activity),
        signup=found,
        activity=activity,
        station=activity.station,
        position=signup.waitlist_position(found),
        can_cancel=found.status != SignupStatus.CANCELLED
        and signup.window_state(activity) != signup.State.STARTED,
        confirming=confirming,
        confirm_value=CONFIRM_VALUE,
        message=message,
        error=error,
        **contact_context(activity),
    )
    return _private(TemplateResponse(request, template, context, status=status))
