"""/activities/checkin/<token>/: the page a volunteer's phone opens from the activity's QR code.

GET shows the activity and one big button, 签到 or 签退 (a signed-out visitor is sent to sign
in and comes back here); POST does it. The rules are in checkin.py. Status codes: 200, 303 to
sign in, 404 for a forged link or a gone activity, 403 before the window opens, 410 after it
closed or for a moved activity's old link, 409 when the rules refuse (waitlisted, full).
Every answer is private: it shows the volunteer's own check-in.
"""

from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from stations import autofill
from stations.activities import checkin
from stations.activities.views import contact_context

TEMPLATE = "stations/activities/checkin/page.html"
REFUSED_TEMPLATE = "stations/activities/checkin/refused.html"
INTENTS = (checkin.Action.IN, checkin.Action.OUT)


def _private(response):
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    # The link is a (time-limited) secret: keep it out of other sites' Referers.
    response["Referrer-Policy"] = "same-origin"
    return response


def _refused(request, refusal: checkin.CheckInRefused, activity=None):
    context = {"refusal": refusal, "activity": activity}
    if activity is not None:
        context.update(contact_context(activity))
    return _private(TemplateResponse(request, REFUSED_TEMPLATE, context, status=refusal.status))


def _page(request, *, activity, current, result=None, status=200):
    context = {
        "activity": activity,
        "check_in": current,
        "result": result,
        "message": result_message(result) if result else "",
        "next_step": _next_step(current),
        "max_distance_m": checkin.max_distance_m(),
        **contact_context(activity),
    }
    return _private(TemplateResponse(request, TEMPLATE, context, status=status))


def _next_step(current) -> str | None:
    if current is None:
        return checkin.Action.IN
    if current.checked_out_at is None:
        return checkin.Action.OUT
    return None


@require_http_methods(["GET", "HEAD", "POST"])
def checkin_page(request, token):
    try:
        activity = checkin.activity_for_token(token)
    except checkin.CheckInRefused as refusal:
        return _refused(request, refusal)
    volunteer = autofill.signed_in_volunteer(request)
    if volunteer is None:
        # Back to this very page after the code; a POST is not replayed, the button is one tap.
        return _private(HttpResponseRedirect(autofill.login_url(request), status=303))
    if request.method != "POST":
        current = checkin.state_of(activity=activity, volunteer=volunteer)
        return _page(request, activity=activity, current=current)
    intent = request.POST.get("intent")
    try:
        result = checkin.check_in_or_out(
            activity=activity,
            volunteer=volunteer,
            lat=request.POST.get("lat"),
            lng=request.POST.get("lng"),
            accuracy=request.POST.get("accuracy"),
            intent=intent if intent in INTENTS else None,
        )
    except checkin.CheckInRefused as refusal:
        return _refused(request, refusal, activity)
    return _page(request, activity=activity, current=result.check_in, result=result)


def result_message(result) -> str:
    """The line the page opens with after a tap."""
    messages = {
        checkin.Action.IN: _("签到成功"),
        checkin.Action.ALREADY_IN: _("您已经签到过了"),
        checkin.Action.OUT: _("签退成功"),
        checkin.Action.DONE: _("您已完成签到和签退"),
    }
    return messages[result.action]
