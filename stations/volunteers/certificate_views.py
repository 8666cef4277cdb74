"""The pages of 志愿服务记录证明.

- /v/<code>/ (public, the URL in the certificate's QR code): valid or revoked (with the date and
  reason), the number, the issuing station, the date, the total hours and a masked name, and
  nothing else: the template gets only those values, never the certificate. Cached briefly
  (a revocation shows within PUBLIC_SECONDS), never indexed.
- /v/ (public): finding a certificate from paper, by its number and its 核验码 together, both
  printed on it. The number alone is not enough: numbers run in order (ZD0012-2026-0001, -0002 …),
  so looking them up one by one would list every volunteer's masked name and hours.
- /volunteer/certificates/ (the volunteer's own): my requests and certificates, asking a station
  where I have confirmed hours, and the PDF of my certificates.
"""

from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from home.base.inputs import parse_id
from stations.models import CertificateRequest, ServiceCertificate
from stations.volunteers.certificate_forms import RequestForm, show_refusal
from stations.volunteers.certificate_pdf import CertificateFontMissing, pdf_response
from stations.volunteers.certificates import (
    CertificateRefused,
    masked_name,
    normalise_code,
    normalise_number,
    request_certificate,
    stations_with_hours,
    verification_path,
)
from stations.volunteers.views import login_first, private

TEMPLATES = "stations/volunteers/certificates/"
PUBLIC_SECONDS = 300
# What the verification page may show, read as values: nothing else reaches the template.
PUBLIC_FIELDS = (
    "number",
    "station_name",
    "issued_on",
    "total_hours",
    "name",
    "revoked_at",
    "revoked_reason",
)


def _public(request, response):
    # A signed-in visitor's page carries their header and admin bar: theirs alone to cache.
    signed_in = request.user.is_authenticated or getattr(request, "volunteer", None) is not None
    scope = {"private": True} if signed_in else {"public": True}
    patch_cache_control(response, max_age=PUBLIC_SECONDS, **scope)
    response["X-Robots-Tag"] = "noindex, nofollow"
    # The code in the URL is the key to the page: never sent on to another site.
    response["Referrer-Policy"] = "no-referrer"
    return response


def public_facts(row: dict) -> dict:
    """The verification page's facts from the PUBLIC_FIELDS values of one certificate."""
    return {
        "valid": row["revoked_at"] is None,
        "revoked_at": row["revoked_at"],
        "revoked_reason": row["revoked_reason"],
        "number": row["number"],
        "station_name": row["station_name"],
        "issued_on": row["issued_on"],
        "total_hours": row["total_hours"],
        "masked_name": masked_name(row["name"]),
    }


def _lookup_page(request, *, status=200, error="", number="", code=""):
    context = {"error": error, "number": number, "code": code}
    page = TemplateResponse(request, TEMPLATES + "lookup.html", context, status=status)
    return _public(request, page)


@require_http_methods(["GET", "HEAD"])
def verify(request, code):
    normal = normalise_code(code)
    row = (
        ServiceCertificate.objects.filter(verify_code=normal).values(*PUBLIC_FIELDS).first()
        if normal
        else None
    )
    if row is None:
        return _lookup_page(
            request,
            status=404,
            error=_("没有找到核验码为“%(code)s”的证明。请核对证明上的二维码或核验码。")
            % {"code": normal or _("（格式不对）")},
        )
    if normal != code:  # typed in lower case or with spaces: one address per certificate
        return HttpResponseRedirect(verification_path(normal))
    context = {"facts": public_facts(row), "lookup_url": reverse("certificate_lookup")}
    return _public(request, TemplateResponse(request, TEMPLATES + "verify.html", context))


@require_http_methods(["GET", "HEAD"])
def lookup(request):
    raw_number = request.GET.get("number", "")[:64]
    raw_code = request.GET.get("code", "")[:64]
    if not raw_number and not raw_code:
        return _lookup_page(request)
    number, code = normalise_number(raw_number), normalise_code(raw_code)
    shown = {"number": number or "", "code": code or ""}
    if number is None or code is None:
        error = _("请填写证明上的证明编号（如 ZD0012-2026-0001）和 10 位核验码。")
        return _lookup_page(request, status=400, error=error, **shown)
    if not ServiceCertificate.objects.filter(number=number, verify_code=code).exists():
        error = _("没有找到证明编号与核验码都相符的证明，请核对后再试。")
        return _lookup_page(request, status=404, error=error, **shown)
    return HttpResponseRedirect(verification_path(code))


# --- the volunteer's own ------------------------------------------------------------------------


def _my_page(request, context, *, status=200):
    response = TemplateResponse(request, TEMPLATES + "mine.html", context, status=status)
    return private(response)


@require_http_methods(["GET", "HEAD", "POST"])
def my_certificates(request):
    volunteer = request.volunteer
    if volunteer is None:
        return login_first(request)
    stations = stations_with_hours(volunteer)
    form, status = RequestForm(stations=stations), 200
    if request.method == "POST":
        form = RequestForm(request.POST, stations=stations)
        status = 400
        if form.is_valid():
            by_id = {row.station_id: row.station for row in stations}
            try:
                made = request_certificate(
                    volunteer=volunteer,
                    station=by_id[form.cleaned_data["station"]],
                    period_start=form.cleaned_data["period_start"],
                    period_end=form.cleaned_data["period_end"],
                    purpose=form.cleaned_data["purpose"],
                )
            except CertificateRefused as refusal:
                show_refusal(form, refusal)
            else:
                done = reverse("volunteers:certificates") + f"?requested={made.pk}"
                return private(HttpResponseRedirect(done, status=303))
    requests = list(
        CertificateRequest.objects.filter(volunteer=volunteer)
        .select_related("station", "certificate")
        .order_by("-created_at", "-pk")
    )
    requested = parse_id(request.GET.get("requested"))
    context = {
        "volunteer": volunteer,
        "form": form,
        "stations": stations,
        "requests": requests,
        "certificates": list(ServiceCertificate.objects.filter(volunteer=volunteer)),
        "just_requested": next((r for r in requests if r.pk == requested), None),
    }
    return _my_page(request, context, status=status)


@require_http_methods(["GET", "HEAD"])
def my_certificate_pdf(request, pk):
    volunteer = request.volunteer
    if volunteer is None:
        return login_first(request)
    found = ServiceCertificate.objects.filter(
        pk=parse_id(str(pk)), volunteer=volunteer, revoked_at__isnull=True
    ).first()
    if found is None:
        raise Http404
    try:
        return pdf_response(found)
    except CertificateFontMissing:
        message = _("证明文件暂时无法生成，站点和网站管理员会尽快处理，请稍后再试。")
        response = TemplateResponse(
            request, TEMPLATES + "unavailable.html", {"message": message}, status=503
        )
        response["Retry-After"] = "3600"
        return private(response)
