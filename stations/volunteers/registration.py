"""Registering as a volunteer at a station: which form, and the rules a submission must pass.

The page (RegistrationFormPage) calls these functions from its form-builder hooks; the form
itself lives in forms.py, the default fields in defaults.py, the station's email in
notifications.py, the spam checks in stations/antispam.py.
"""

import logging

from django.db import IntegrityError, transaction
from django.template.response import TemplateResponse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from wagtail.models import Page

from home.base import page_links
from home.base.restrictions import exclude_private, is_public
from stations import autofill
from stations.antispam import RateLimit, count_submission, rate_limit_message
from stations.models import (
    RegistrationFormPage,
    StationIndexPage,
    StationPage,
    Volunteer,
    VolunteerRegistration,
)
from stations.validators import tel_uri
from stations.volunteers.forms import (
    SENSITIVE_CONSENT,
    STATION_FIELD,
    RegistrationForm,
)
from stations.volunteers.models import MOBILE, NAME, TEAM

logger = logging.getLogger(__name__)

RATE_LIMIT_GROUP = "registration"


def registration_form_for(*, station) -> RegistrationFormPage | None:
    """The form a station links to: its directory's chosen form, else the first live one."""
    # The parent by its path, with its chosen form, in one query.
    index = (
        StationIndexPage.objects.filter(path=station.path[: -Page.steplen])
        .select_related("registration_page")
        .first()
    )
    chosen = index.registration_page if index and index.registration_page_id else None
    if chosen is not None and chosen.live and is_public(chosen):
        return chosen
    return exclude_private(RegistrationFormPage.objects.live()).order_by("path").first()


def registration_url(*, station) -> str | None:
    """The registration form with this station chosen, or None when there is no form."""

    def form_url():
        form_page = registration_form_for(station=station)
        return form_page.url if form_page is not None else None

    # The same form for every station of a directory: cached per directory with the page tree.
    directory_path = station.path[: -Page.steplen]
    url = page_links.remember(f"registration-form:{directory_path}", form_url)
    if url is None:
        return None
    return f"{url}?station={station.pk}"


def directory_url() -> str | None:
    """Where residents choose a station: the live station directory, if there is one."""
    return page_links.first_live_url(StationIndexPage)


# --- storing ----------------------------------------------------------------------------------


class RegistrationRefused(Exception):
    """A valid form the database would not take; `message` tells the resident what to do."""

    def __init__(self, message, *, field=None):
        super().__init__(message)
        self.message = message
        self.field = field


def station_contact_line(station: StationPage) -> str:
    if station.phone:
        return _("请联系站点“%(station)s”（电话 %(phone)s）。") % {
            "station": station.title,
            "phone": station.phone,
        }
    return _("请联系站点“%(station)s”（%(address)s）。") % {
        "station": station.title,
        "address": station.address,
    }


def registration_create(*, page: RegistrationFormPage, form: RegistrationForm):
    """Store a valid registration, all or nothing; RegistrationRefused if it cannot be stored."""
    station = form.station
    mobile = form.typed_value(MOBILE) or ""
    team = form.typed_value(TEAM)
    # A number a volunteer has verified makes the registration theirs (accounts.py).
    volunteer = Volunteer.objects.filter(mobile=mobile).first() if mobile else None
    try:
        with transaction.atomic():
            return VolunteerRegistration.objects.create(
                page=page,
                station=station,
                team=team,
                name=form.typed_value(NAME) or "",
                mobile=mobile,
                sensitive_consent=bool(form.cleaned_data.get(SENSITIVE_CONSENT)),
                form_data=form.answers(),
                volunteer=volunteer,
            )
    except IntegrityError as error:
        if mobile and VolunteerRegistration.objects.filter(station=station, mobile=mobile).exists():
            message = _(
                "手机号码 %(mobile)s 已经在站点“%(station)s”报名过了，无需重复报名。"
                "如需修改报名信息，%(contact)s"
            ) % {
                "mobile": mobile,
                "station": station.title,
                "contact": station_contact_line(station),
            }
            field = form.typed_names[MOBILE][0]
            raise RegistrationRefused(message, field=field) from error
        # The station or team went away between the check and the insert.
        logger.warning("Registration refused by the database: %s", error)
        raise RegistrationRefused(
            _("报名没有保存：所选站点或队伍刚刚发生了变化。请刷新页面后重新提交。")
        ) from error


# --- the page ---------------------------------------------------------------------------------


def volunteer_initial(page, request) -> dict:
    """The signed-in volunteer's name and mobile, in every name and mobile field of the form."""
    values = autofill.initial_values(request)
    if not values:
        return {}
    typed = page.get_form_class().typed_names
    initial = {name: values["mobile"] for name in typed[MOBILE]}
    if "name" in values:
        initial.update({name: values["name"] for name in typed[NAME]})
    return initial


def form_context(*, page, request, form) -> dict:
    context = page.get_context(request)
    context.update(
        form=form,
        station=form.station,
        station_error=form.station_error,
        directory_url=directory_url(),
        **autofill.context(request, anchor="registration-form"),
    )
    return context


def serve_registration(*, page: RegistrationFormPage, request):
    """GET shows the form for `?station=<id>`; POST checks everything, then stores or explains."""
    if request.method != "POST":
        initial = {
            STATION_FIELD: request.GET.get(STATION_FIELD),
            **volunteer_initial(page, request),
        }
        form = page.get_form(page=page, user=request.user, initial=initial)
        return autofill.keep_private(
            request,
            TemplateResponse(
                request,
                page.get_template(request),
                form_context(page=page, request=request, form=form),
            ),
        )

    limit = count_submission(request, group=RATE_LIMIT_GROUP)
    form = page.get_form(request.POST, request.FILES, page=page, user=request.user)
    status = 200
    if limit is not RateLimit.OK:
        form.is_valid()  # show the field messages too, so nothing is a surprise next time
        form.add_error(None, rate_limit_message(limit))
        status = 429
    elif form.is_valid():
        try:
            registration = page.process_form_submission(form)
        except RegistrationRefused as refusal:
            form.add_error(refusal.field, refusal.message)
        else:
            return _no_store(page.render_landing_page(request, registration))
    return _no_store(
        TemplateResponse(
            request,
            page.get_template(request),
            form_context(page=page, request=request, form=form),
            status=status,
        )
    )


def _no_store(response):
    # A POST's answer shows what the resident typed (the thank-you page repeats the registration):
    # no shared cache, and no copy on the device once the page is gone.
    patch_cache_control(response, private=True, no_store=True)
    return response


def landing_context(*, page, request, registration=None, station=None) -> dict:
    station = station or (registration.station if registration is not None else None)
    context = page.get_context(request)
    context.update(
        form_submission=registration,
        registration=registration,
        station=station,
        # Empty when the editor wrote none: the template then says what usually happens.
        next_steps=page.thank_you_text,
        station_phone_uri=tel_uri(station.phone) if station and station.phone else "",
        directory_url=directory_url(),
    )
    return context


def preview_station() -> StationPage | None:
    """A station to show the form with in the admin preview, where there is no ?station=."""
    return StationPage.objects.live().public().order_by("path").first()
