from .activities import (
    ActivityCategory,
    ActivityImage,
    ActivityIndexPage,
    ActivityPage,
    ActivitySignup,
    ActivityTally,
    SignupStatus,
)
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
    "ActivityCategory",
    "ActivityImage",
    "ActivityIndexPage",
    "ActivityPage",
    "ActivitySignup",
    "ActivityTally",
    "SignupStatus",
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
