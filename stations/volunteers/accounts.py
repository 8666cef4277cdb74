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
from stations.models import (
    ActivitySignup,
    RegistrationFormField,
    SignupStatus,
    Volunteer,
    VolunteerRegistration,
)
from stations.numbers import new_number
from stations.signup import with_waitlist_position
from stations.volunteers.models import MOBILE, NAME, TEAM

logger = logging.getLogger(__name__)

NAME_MAX_LENGTH = 40  # Volunteer.name; a sign-up's name is 40 too, so it can be filled from it
NUMBER_ATTEMPTS = 20
FIXED_TYPES = (NAME, MOBILE, TEAM)  # shown from the registration's columns


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
    upcoming: list[ActivitySignup]  # not cancelled, not over: soonest first
    history: list[ActivitySignup]  # over or cancelled: latest first
    registrations: list[VolunteerRegistration]

    @property
    def promoted(self) -> list[ActivitySignup]:
        """Upcoming places that came off the waitlist: the page says so at the top."""
        return [s for s in self.upcoming if s.promoted_at and s.status == SignupStatus.CONFIRMED]

    @property
    def is_empty(self) -> bool:
        return not (self.upcoming or self.history or self.registrations)


def volunteer_records(volunteer: Volunteer, *, now=None) -> VolunteerRecords:
    """The volunteer's sign-ups, each waitlisted one with its place in line (`position`), and
    registrations: two queries however many there are."""
    now = now or timezone.now()
    signups = with_waitlist_position(
        ActivitySignup.objects.filter(volunteer=volunteer)
        .select_related("activity", "activity__station")
        .order_by("activity__starts_at", "pk")
    )
    upcoming, history = [], []
    for signup in signups:
        signup.position = signup.queue_position
        signup.can_cancel = (
            signup.status != SignupStatus.CANCELLED and now < signup.activity.starts_at
        )
        if signup.status != SignupStatus.CANCELLED and now < signup.activity.ends_at:
            upcoming.append(signup)
        else:
            history.append(signup)
    history.reverse()
    registrations = (
        VolunteerRegistration.objects.filter(volunteer=volunteer)
        .select_related("station", "team")
        .order_by("-submit_time", "-pk")
    )
    return VolunteerRecords(upcoming, history, list(registrations))


@dataclass(frozen=True)
class Answer:
    label: str
    value: str
    sensitive: bool = False


def registration_answers(registrations) -> dict[int, list[Answer]]:
    """What the volunteer gave in each registration, by registration id: each answer with its
    field's label, in form order (one query for all the forms' fields). Name, mobile and team
    are shown from their columns, not repeated; answers to fields an editor has since removed
    are listed under their stored key, so nothing stored is hidden from its owner."""
    from stations.volunteers.admin import display_answer

    registrations = list(registrations)
    by_page: dict[int, list[RegistrationFormField]] = {}
    fields = RegistrationFormField.objects.filter(
        page_id__in={r.page_id for r in registrations}
    ).order_by("page_id", "sort_order", "pk")
    for field in fields:
        by_page.setdefault(field.page_id, []).append(field)
    result = {}
    for registration in registrations:
        stored = dict(registration.form_data or {})
        answers = []
        for field in by_page.get(registration.page_id, []):
            value = stored.pop(field.clean_name, None)
            if field.field_type in FIXED_TYPES or value in (None, "", []):
                continue
            answers.append(Answer(field.label, display_answer(value), field.sensitive))
        for key, value in stored.items():
            if value not in (None, "", []):
                answers.append(Answer(key, display_answer(value)))
        result[registration.pk] = answers
    return result
