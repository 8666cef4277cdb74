"""Registrations in the admin (the managers' registrations) and on the station page; the
volunteers' accounts and sign-in codes in the admin, for superusers."""

from wagtail import hooks
from wagtail_modeladmin.options import modeladmin_register

from stations.models.stations import STATION_PAGE_CONTEXT
from stations.volunteers.account_admin import LoginCodeAdmin, VolunteerAdmin
from stations.volunteers.admin import RegistrationAdmin, hide_registration_forms
from stations.volunteers.certificate_admin import CertificateRequestAdmin, ServiceCertificateAdmin
from stations.volunteers.public_figures import station_service
from stations.volunteers.records_admin import ServiceRecordAdmin
from stations.volunteers.registration import registration_url
from stations.volunteers.timebank_admin import TimebankAdminGroup

modeladmin_register(RegistrationAdmin)
modeladmin_register(ServiceRecordAdmin)
# 志愿服务记录证明: requests to the station and what it issued (certificate_admin.py).
modeladmin_register(CertificateRequestAdmin)
modeladmin_register(ServiceCertificateAdmin)
# 时间银行: the catalogue, the exchanges to hand over, the stations' pools (timebank_admin.py).
modeladmin_register(TimebankAdminGroup)
# Superusers only, read-only (account_admin.py), in the settings menu beside the users.
modeladmin_register(VolunteerAdmin)
modeladmin_register(LoginCodeAdmin)
hooks.register("filter_form_submissions_for_user", hide_registration_forms)


@hooks.register(STATION_PAGE_CONTEXT)
def station_registration_context(*, page, request) -> dict:
    return {
        "registration_url": registration_url(station=page),
        "station_service": station_service(page),
    }
