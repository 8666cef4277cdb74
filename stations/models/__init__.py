from .reference import Area, AreaLevel, StationType
from .registration import RegistrationFormField, RegistrationFormPage, VolunteerRegistration
from .stations import (
    StandardCheck,
    StationIndexPage,
    StationPage,
    StationPhoto,
    TeamLevel,
    VolunteerTeam,
)

__all__ = [
    "Area",
    "AreaLevel",
    "RegistrationFormField",
    "RegistrationFormPage",
    "StandardCheck",
    "StationIndexPage",
    "StationPage",
    "StationPhoto",
    "StationType",
    "TeamLevel",
    "VolunteerRegistration",
    "VolunteerTeam",
]
