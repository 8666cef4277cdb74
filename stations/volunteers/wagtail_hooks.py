"""Registrations in the admin (the managers' registrations) and on the station page."""

from wagtail import hooks
from wagtail_modeladmin.options import modeladmin_register

from stations.models.stations import STATION_PAGE_CONTEXT
from stations.volunteers.admin import RegistrationAdmin, hide_registration_forms
from stations.volunteers.registration import registration_url

modeladmin_register(RegistrationAdmin)
hooks.register("filter_form_submissions_for_user", hide_registration_forms)


@hooks.register(STATION_PAGE_CONTEXT)
def station_registration_context(*, page, request) -> dict:
    return {"registration_url": registration_url(station=page)}
