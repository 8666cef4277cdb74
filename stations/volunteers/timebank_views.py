"""我的积分 (/volunteer/points/…): the balance and its history, the stations' exchange catalogue,
exchanging and cancelling, donating. The rules are in timebank/; this turns requests into calls.

Every page is the signed-in volunteer's own (signed out: the log-in, coming back here), private
and never cached (views.private). Nothing changes on a GET: exchanging, cancelling and donating
each take a confirmation step and a POST. Status codes: 303 after a change, 400 for input to
fix, 409 when the ledger refuses (stock gone, balance short), 404 for another's row.
"""

import secrets

from django import forms
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from home.base.inputs import parse_id, parse_int
from stations.models import ExchangeItem, ExchangeStatus, PointExchange, StationPage
from stations.volunteers import timebank
from stations.volunteers.levels import level_name
from stations.volunteers.timebank import reads
from stations.volunteers.views import login_first, private

TEMPLATES = "stations/volunteers/points/"
CONFIRM = "yes"
HISTORY_ON_PAGE = 10
HISTORY_PER_PAGE = 30


def _page(request, template, context, status=200):
    context.setdefault("volunteer", request.volunteer)
    return private(TemplateResponse(request, TEMPLATES + template, context, status=status))


def _done(url_name, **query):
    url = reverse(f"volunteers:{url_name}")
    if query:
        url += "?" + "&".join(f"{key}={value}" for key, value in query.items())
    return private(HttpResponseRedirect(url, status=303))


def _standing(volunteer) -> dict:
    """Balance, cap and whether exchange is open yet, for every page here."""
    account = reads.account_of(volunteer)
    limits = timebank.rules()
    needed = timebank.exchange_opens_at(volunteer, limits)
    return {
        "account": account,
        "balance": timebank.balance(account),
        "cap": limits.balance_cap,
        "rate": timebank.points_for(1),
        "exchange_needs": level_name(needed) if needed else "",
    }


def _found(rows, pk):
    row_id = parse_id(pk)
    found = rows.filter(pk=row_id).first() if row_id else None
    if found is None:
        raise Http404
    return found


def _just(request, key, rows):
    """The row a change just came back from (?key=<id>), if it is among the volunteer's."""
    wanted = parse_id(request.GET.get(key))
    return next((row for row in rows if row.pk == wanted), None) if wanted else None


@require_http_methods(["GET", "HEAD"])
def points(request):
    volunteer = request.volunteer
    if volunteer is None:
        return login_first(request)
    standing = _standing(volunteer)
    exchanges = reads.my_exchanges(volunteer)
    history = list(reads.history(standing["account"], volunteer)[: HISTORY_ON_PAGE + 1])
    donated_id = parse_id(request.GET.get("donated"))
    context = {
        **standing,
        "history": history[:HISTORY_ON_PAGE],
        "more_history": len(history) > HISTORY_ON_PAGE,
        "catalogue": reads.catalogue(),
        "exchanges": exchanges,
        "exchanged": _just(request, "exchanged", exchanges),
        "cancelled": _just(request, "cancelled", exchanges),
        "donated": next((t for t in history if t.pk == donated_id and t.amount < 0), None),
    }
    return _page(request, "index.html", context)


@require_http_methods(["GET", "HEAD"])
def points_history(request):
    volunteer = request.volunteer
    if volunteer is None:
        return login_first(request)
    standing = _standing(volunteer)
    pages = Paginator(reads.history(standing["account"], volunteer), HISTORY_PER_PAGE)
    page = pages.get_page(parse_int(request.GET.get("page"), low=1, max_digits=6) or 1)
    return _page(request, "history.html", {**standing, "page_obj": page})


@require_http_methods(["GET", "HEAD", "POST"])
def exchange_item(request, pk):
    """兑换: the item and its price, then a POST carrying the confirmation and that price."""
    volunteer = request.volunteer
    if volunteer is None:
        return login_first(request)
    item = _found(ExchangeItem.objects.select_related("station"), pk)
    if not (item.active and item.station.live):
        raise Http404
    error, status = "", 200
    if request.method == "POST":
        if request.POST.get("confirm") != CONFIRM:
            error, status = _("请点“确认兑换”按钮完成兑换；不想兑换的话，返回即可。"), 400
        else:
            try:
                made = timebank.exchange(
                    volunteer=volunteer,
                    item=item,
                    expected_points=parse_int(request.POST.get("points"), max_digits=9),
                )
            except timebank.PointsRefused as refusal:
                error, status = refusal.message, 409
                item.refresh_from_db()
            else:
                return _done("points", exchanged=made.pk)
    standing = _standing(volunteer)
    context = {
        **standing,
        "item": item,
        "short": max(item.points - standing["balance"], 0),
        "confirm_value": CONFIRM,
        "error": error,
    }
    return _page(request, "exchange.html", context, status)


@require_http_methods(["GET", "HEAD", "POST"])
def cancel_exchange(request, pk):
    volunteer = request.volunteer
    if volunteer is None:
        return login_first(request)
    mine = PointExchange.objects.filter(volunteer=volunteer)
    found = _found(mine.select_related("item", "item__station"), pk)
    error, status = "", 200
    if request.method == "POST":
        if request.POST.get("confirm") != CONFIRM:
            error, status = _("请点“确认取消兑换”按钮完成取消；不想取消的话，返回即可。"), 400
        else:
            try:
                timebank.cancel_exchange(exchange=found, volunteer=volunteer)
            except timebank.PointsRefused as refusal:
                error, status = refusal.message, 409
                found.refresh_from_db()
            else:
                return _done("points", cancelled=found.pk)
    context = {
        "exchange": found,
        "can_cancel": found.status == ExchangeStatus.PENDING,
        "confirm_value": CONFIRM,
        "error": error,
    }
    return _page(request, "cancel.html", context, status)


# --- donating ------------------------------------------------------------------------------------

TO_VOLUNTEER, TO_STATION = "volunteer", "station"


class DonateForm(forms.Form):
    to = forms.ChoiceField(
        label=gettext_lazy("捐赠给"),
        widget=forms.RadioSelect,
        choices=[
            (TO_VOLUNTEER, gettext_lazy("另一位志愿者")),
            (TO_STATION, gettext_lazy("站点的公益积分池")),
        ],
        error_messages={
            "required": gettext_lazy("请选择捐赠给志愿者还是站点。"),
            "invalid_choice": gettext_lazy("请选择捐赠给志愿者还是站点。"),
        },
    )
    number = forms.CharField(
        label=gettext_lazy("对方的志愿者编号"),
        help_text=gettext_lazy("V 加 10 位数字，在对方的“我的志愿服务”页上。"),
        max_length=40,
        required=False,
        error_messages={"max_length": gettext_lazy("志愿者编号太长了，请核对。")},
    )
    station = forms.ChoiceField(
        label=gettext_lazy("站点"),
        required=False,
        error_messages={"invalid_choice": gettext_lazy("找不到这个站点，请从列表中选择。")},
    )
    points = forms.CharField(
        label=gettext_lazy("捐赠积分"),
        help_text=gettext_lazy("整数，如 10。"),
        max_length=30,
        error_messages={
            "required": gettext_lazy("请填写要捐赠的积分，如 10。"),
            "max_length": gettext_lazy("积分请用数字填写，如 10。"),
        },
    )
    # A tampered token is not an error: timebank.donate uses a fresh one instead.
    token = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)

    # Which field a refusal's message belongs beside.
    FIELD_OF = {"points": "points", "number": "number", "self": "number", "station": "station"}

    def __init__(self, *args, volunteer, **kwargs):
        super().__init__(*args, **kwargs)
        self.volunteer = volunteer
        stations = StationPage.objects.live().order_by("title").values_list("pk", "title")
        self.fields["station"].choices = [("", _("请选择站点"))] + [
            (str(pk), title) for pk, title in stations
        ]

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        to_volunteer = data["to"] == TO_VOLUNTEER
        if to_volunteer and not data["number"].strip():
            self.add_error("number", _("请填写对方的志愿者编号。"))
        if not to_volunteer and not data["station"]:
            self.add_error("station", _("请选择站点。"))
        if self.errors:
            return data
        try:
            data["amount"] = timebank.parse_points(data["points"])
            data["recipient"], data["to_station"] = timebank.parse_target(
                volunteer=self.volunteer,
                number=data["number"] if to_volunteer else None,
                station=None if to_volunteer else data["station"],
            )
        except timebank.PointsRefused as refusal:
            self.add_error(self.FIELD_OF.get(refusal.code), refusal.message)
        return data


@require_http_methods(["GET", "HEAD", "POST"])
def donate(request):
    """捐赠: the form, then a confirmation of what goes where, then the POST that books it.
    The form's one-time token makes a repeated confirmation book once."""
    volunteer = request.volunteer
    if volunteer is None:
        return login_first(request)
    standing = _standing(volunteer)
    context = {**standing, "step": "form", "error": ""}
    if request.method != "POST":
        initial = {"to": TO_VOLUNTEER, "token": secrets.token_hex(16)}
        station = parse_id(request.GET.get("station"))
        if station:
            initial.update(to=TO_STATION, station=str(station))
        context["form"] = DonateForm(initial=initial, volunteer=volunteer)
        return _page(request, "donate.html", context)
    form = DonateForm(request.POST, volunteer=volunteer)
    context["form"] = form
    if not form.is_valid():
        return _page(request, "donate.html", context, 400)
    data = form.cleaned_data
    if request.POST.get("confirm") != CONFIRM:
        context.update(step="confirm", confirm_value=CONFIRM, data=data)
        return _page(request, "donate.html", context)
    try:
        transfer = timebank.donate(
            volunteer=volunteer,
            to_volunteer_number=data["recipient"].number if data["recipient"] else None,
            to_station=data["to_station"],
            points=data["amount"],
            token=data["token"] or None,
        )
    except timebank.PointsRefused as refusal:
        context["error"] = refusal.message
        return _page(request, "donate.html", context, 409)
    return _done("points", donated=transfer.pk)
