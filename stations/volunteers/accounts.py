"""Volunteers: the one a verified mobile number becomes, the rows that are theirs, their name.

A volunteer is made the first time a code sent to their number is verified (codes.py); from then
on the number's sign-ups and registrations are theirs. Which rows are a volunteer's follows the
mobile number on each row, the number the resident typed: those already stored are linked when
the number is verified (again at each sign-in, so a row stored in the moment between is not
missed), and later ones as they are stored (activities/signup.py, registration.py). A volunteer
who signs up a relative with the relative's number does not get that sign-up on their page.
"""

import logging
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from home.base.inputs import text_problem
from stations.models import ActivitySignup, Volunteer, VolunteerRegistration
from stations.volunteers.numbers import new_number

logger = logging.getLogger(__name__)

NAME_MAX_LENGTH = 40  # Volunteer.name; a sign-up's name is 40 too, so it can be filled from it
NUMBER_ATTEMPTS = 20


class NameRefused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _create(*, mobile: str, now) -> Volunteer:
    """A new volunteer with a fresh number; retried when a number is already taken."""
    for _attempt in range(NUMBER_ATTEMPTS):
        try:
            with transaction.atomic():
                return Volunteer.objects.create(
                    number=new_number(), mobile=mobile, created_at=now, verified_at=now
                )
        except IntegrityError:
            existing = Volunteer.objects.filter(mobile=mobile).first()
            if existing is not None:  # the same number verified at the same moment elsewhere
                return existing
            logger.info("Volunteer number collision; drawing another")
    raise RuntimeError(f"No free volunteer number after {NUMBER_ATTEMPTS} draws")


def link_rows(volunteer: Volunteer) -> tuple[int, int]:
    """Give the volunteer the sign-ups and registrations with their number that have no
    volunteer yet: (sign-ups, registrations) linked."""
    signups = ActivitySignup.objects.filter(mobile=volunteer.mobile, volunteer=None).update(
        volunteer=volunteer
    )
    registrations = VolunteerRegistration.objects.filter(
        mobile=volunteer.mobile, volunteer=None
    ).update(volunteer=volunteer)
    return signups, registrations


def volunteer_for_verified_mobile(*, mobile: str, now=None) -> Volunteer:
    """The volunteer of a number whose code was just verified, made the first time."""
    now = now or timezone.now()
    volunteer = Volunteer.objects.active().filter(mobile=mobile).first()
    if volunteer is None:
        volunteer = _create(mobile=mobile, now=now)
    elif volunteer.verified_at is None:
        volunteer.verified_at = now
        volunteer.save(update_fields=["verified_at"])
    link_rows(volunteer)
    return volunteer


def clean_name(raw) -> str:
    """A name as a volunteer types it, spaces collapsed; NameRefused with the reason else."""
    name = " ".join(str(raw or "").split())
    if not name:
        raise NameRefused(_("请填写姓名。"))
    if len(name) > NAME_MAX_LENGTH:
        raise NameRefused(
            _("姓名最多 %(max)d 个字，现在是 %(count)d 个。")
            % {"max": NAME_MAX_LENGTH, "count": len(name)}
        )
    problem = text_problem(name)
    if problem:
        raise NameRefused(problem)
    return name


def set_name_once(*, volunteer: Volunteer, name: str) -> bool:
    """Record the volunteer's name if none is known yet; False when one already was.

    Correcting a known name is a right over one's data, which asks for a fresh code: a later step.
    """
    name = clean_name(name)
    updated = Volunteer.objects.filter(pk=volunteer.pk, name="").update(name=name)
    if updated:
        volunteer.name = name
    return bool(updated)


@dataclass(frozen=True)
class VolunteerRecords:
    signups: list[ActivitySignup]
    registrations: list[VolunteerRegistration]


def volunteer_records(volunteer: Volunteer) -> VolunteerRecords:
    """The volunteer's sign-ups (newest activity first) and registrations, in two queries
    however many there are."""
    signups = (
        ActivitySignup.objects.filter(volunteer=volunteer)
        .select_related("activity", "activity__station")
        .order_by("-activity__starts_at", "-pk")
    )
    registrations = (
        VolunteerRegistration.objects.filter(volunteer=volunteer)
        .select_related("station", "team")
        .order_by("-submit_time", "-pk")
    )
    return VolunteerRecords(list(signups), list(registrations))
