"""The volunteers' models: registration at a station, and the volunteer account (split by
CONVENTIONS' size rule); imported from here as before."""

from stations.volunteers.models.accounts import (
    DataRightsAction,
    DataRightsLog,
    LoginCode,
    Volunteer,
    VolunteerDeletionRefused,
    VolunteerQuerySet,
    VolunteerSession,
)
from stations.volunteers.models.registration import (
    MOBILE,
    NAME,
    REGISTRATION_FIELD_CHOICES,
    TEAM,
    RegistrationFormField,
    RegistrationFormPage,
    VolunteerRegistration,
)

__all__ = [
    "MOBILE",
    "NAME",
    "REGISTRATION_FIELD_CHOICES",
    "TEAM",
    "DataRightsAction",
    "DataRightsLog",
    "LoginCode",
    "RegistrationFormField",
    "RegistrationFormPage",
    "Volunteer",
    "VolunteerDeletionRefused",
    "VolunteerQuerySet",
    "VolunteerSession",
    "VolunteerRegistration",
]
