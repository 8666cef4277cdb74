"""我的服务记录: a volunteer's confirmed hours, 星级 with the date each was reached, every record
with its state, and the request for a correction (records.py decides what it may say)."""

from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from home.base.inputs import parse_id
from stations.hours import HoursRefused
from stations.models import CorrectionRequest, CorrectionStatus, RecordStatus, ServiceRecord
from stations.volunteers import levels, public_figures, records
from stations.volunteers.views import login_first, private

RECORDS_TEMPLATE = "stations/volunteers/records/index.html"
CORRECTION_TEMPLATE = "stations/volunteers/records/correction.html"


def service_summary(volunteer) -> dict:
    """For 我的志愿服务's summary card: level progress and the count still waiting, in two
    queries whatever the number of records (the thresholds, and one pass over the records)."""
    sums = ServiceRecord.objects.filter(volunteer=volunteer).aggregate(
        confirmed=Sum("hours", filter=Q(status=RecordStatus.CONFIRMED)),
        pending=Count("pk", filter=Q(status=RecordStatus.PENDING)),
    )
    hours = sums["confirmed"] or Decimal("0")
    return {
        "progress": levels.progress(volunteer, hours=hours, with_dates=False),
        "pending": sums["pending"],
    }


def my_records(volunteer):
    rows = list(ServiceRecord.objects.filter(volunteer=volunteer).order_by("-starts_at", "-pk"))
    open_ids = set(
        CorrectionRequest.objects.filter(
            record__volunteer=volunteer, status=CorrectionStatus.OPEN
        ).values_list("record_id", flat=True)
    )
    answered = {}
    for request in (
        CorrectionRequest.objects.filter(record__volunteer=volunteer)
        .exclude(status=CorrectionStatus.OPEN)
        .order_by("decided_at")
    ):
        answered[request.record_id] = request  # the latest answer per record
    for row in rows:
        row.correction_open = row.pk in open_ids
        row.last_answer = answered.get(row.pk)
    return rows


@require_http_methods(["GET", "HEAD"])
def records_page(request):
    volunteer = request.volunteer
    if volunteer is None:
        return login_first(request)
    context = {
        "volunteer": volunteer,
        "records": my_records(volunteer),
        "asked": request.GET.get("asked") == "1",
        **service_summary(volunteer),
    }
    return private(TemplateResponse(request, RECORDS_TEMPLATE, context))


@require_http_methods(["GET", "HEAD", "POST"])
def correction(request, pk):
    volunteer = request.volunteer
    if volunteer is None:
        return login_first(request)
    record_id = parse_id(pk)
    record = (
        ServiceRecord.objects.filter(pk=record_id, volunteer=volunteer).first()
        if record_id
        else None
    )
    if record is None:
        raise Http404
    error, status = "", 200
    values = {"hours": "", "reason": ""}
    if request.method == "POST":
        values = {key: request.POST.get(key, "")[:400] for key in values}
        try:
            records.request_correction(
                record=record,
                volunteer=volunteer,
                hours_raw=values["hours"],
                reason=values["reason"],
            )
        except HoursRefused as refused:
            error, status = refused.message, 400
        else:
            url = reverse("volunteers:records") + "?asked=1"
            return private(HttpResponseRedirect(url, status=303))
    context = {"record": record, "error": error, "values": values}
    return private(TemplateResponse(request, CORRECTION_TEMPLATE, context, status=status))


HONOUR_TEMPLATE = "stations/volunteers/records/honour.html"


@require_http_methods(["GET", "HEAD", "POST"])
def honour_list(request):
    """Choose the stations whose public honour list shows my name and hours (opt-in)."""
    volunteer = request.volunteer
    if volunteer is None:
        return login_first(request)
    if request.method == "POST":
        chosen = {parse_id(raw) for raw in request.POST.getlist("station")[:200]}
        public_figures.set_honour_list(volunteer=volunteer, station_ids=chosen - {None})
        return private(HttpResponseRedirect(reverse("volunteers:honour") + "?saved=1", status=303))
    context = {
        "volunteer": volunteer,
        "choices": public_figures.honour_choices(volunteer),
        "saved": request.GET.get("saved") == "1",
    }
    return private(TemplateResponse(request, HONOUR_TEMPLATE, context))
