"""Volunteer service activities (志愿服务活动, training included), residents' sign-ups and
check-ins; split by CONVENTIONS' size rule and imported from here as before."""

from stations.activities.models.checkin import CheckIn
from stations.activities.models.pages import (
    ActivityCategory,
    ActivityImage,
    ActivityIndexPage,
    ActivityPage,
)
from stations.activities.models.signups import ActivitySignup, ActivityTally, SignupStatus

__all__ = [
    "ActivityCategory",
    "ActivityImage",
    "ActivityIndexPage",
    "ActivityPage",
    "ActivitySignup",
    "ActivityTally",
    "CheckIn",
    "SignupStatus",
]
