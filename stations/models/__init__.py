"""The `stations` app's models, as Django loads them: the shared station and reference models
live here; each feature keeps its own in its folder and is listed below so the app registers
it (the one place shared code names the features, besides wagtail_hooks.py and apps.py)."""

from stations.activities.models import (
    ActivityCategory,
    ActivityImage,
    ActivityIndexPage,
    ActivityPage,
    ActivitySignup,
    ActivityTally,
    SignupStatus,
)

# Feature models (imported after the shared ones, which they refer to).
from stations.directory.models import StationIndexPage  # noqa: I001
from stations.models.reference import Area, AreaLevel, StationType
from stations.models.stations import (
    StandardCheck,
    StationPage,
    StationPhoto,
    TeamLevel,
    VolunteerTeam,
)
from stations.volunteers.models import (
    LoginCode,
    RegistrationFormField,
    RegistrationFormPage,
    Volunteer,
    VolunteerRegistration,
    VolunteerSession,
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
    "LoginCode",
    "RegistrationFormField",
    "RegistrationFormPage",
    "StandardCheck",
    "StationIndexPage",
    "StationPage",
    "StationPhoto",
    "StationType",
    "TeamLevel",
    "Volunteer",
    "VolunteerRegistration",
    "VolunteerSession",
    "VolunteerTeam",
]
