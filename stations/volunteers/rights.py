"""A volunteer's rights over their own data (个人信息保护法 arts. 44–47): to see everything the
portal holds about them, take a copy, correct their name, withdraw the separate consent to
sensitive answers (art. 29), and delete their account. What is held and the copy are read by
rights_data.py; the views are in rights_views.py, and each right asks for a fresh code first.

What each does, decided here once:
- Correcting the name changes the volunteer, their upcoming sign-ups (not cancelled, activity
  not begun) and every registration (its column and the name answers in form_data): the rows a
  station will act on. Past and cancelled sign-ups keep the name given then: they are the
  station's record of that day.
- Withdrawing the consent deletes the sensitive answers from form_data at once, clears
  `sensitive_consent` and stamps `sensitive_withdrawn_at`, so the station sees that it was
  withdrawn rather than an answer quietly missing.
- Deleting the account cancels the upcoming sign-ups by the sign-up rules (places freed, the
  waitlist promoted), erases name, mobile and answers from every sign-up and registration (the
  rows stay, with the volunteer and so the 志愿者编号, so stations' counts stand), deletes the
  sign-in codes sent to the number and every session, and keeps the Volunteer row with its number
  only (numbers are never issued twice). All in one transaction.
- Every use is a DataRightsLog row and a log line, holding counts and row ids, never a value.
"""

import logging
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from stations.models import (
    ActivitySignup,
    CertificateRequest,
    CheckIn,
    CorrectionRequest,
    LoginCode,
    RegistrationFormField,
    SignupStatus,
    StationVolunteer,
    Volunteer,
    VolunteerRegistration,
    VolunteerSession,
)
from stations.signup import SignupRefused, State, cancel_signup
from stations.volunteers.accounts import NameRefused, clean_name, link_rows
from stations.volunteers.forms import has_value
from stations.volunteers.models import NAME, DataRightsAction, DataRightsLog
from stations.volunteers.rights_data import with_answers

logger = logging.getLogger(__name__)


class RightsRefused(Exception):
    """A right that could not be acted on as asked; `message` is for the volunteer."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotYours(Exception):
    """A registration id that is not one of the volunteer's (the view answers 404)."""


# --- the record of each use -------------------------------------------------------------------


def _record(volunteer, action: str, now, **details) -> DataRightsLog:
    """The log row and line of one use: counts and ids only (the callers pass nothing else)."""
    entry = DataRightsLog.objects.create(
        volunteer=volunteer, action=action, at=now, details=details
    )
    counts = ", ".join(
        f"{key} {len(value) if isinstance(value, list) else value}"
        for key, value in details.items()
    )
    logger.info("Volunteer #%s: %s (%s)", volunteer.pk, action, counts or "no rows")
    return entry


def record_export(volunteer, *, kind: str, now=None) -> DataRightsLog:
    return _record(volunteer, DataRightsAction.DATA_EXPORTED, now or timezone.now(), format=kind)


# --- correcting the name ----------------------------------------------------------------------


def correct_name(*, volunteer: Volunteer, name, now=None) -> DataRightsLog:
    """Give the volunteer `name` (accounts.clean_name's rules; NameRefused else, nothing changed)
    and put it on their upcoming sign-ups and their registrations."""
    now = now or timezone.now()
    name = clean_name(name)
    if name == volunteer.name:
        raise NameRefused(_("新姓名和现在的一样，不需要更正。"))
    with transaction.atomic():
        Volunteer.objects.filter(pk=volunteer.pk).update(name=name)
        upcoming = ActivitySignup.objects.filter(
            volunteer=volunteer, activity__starts_at__gt=now
        ).exclude(status=SignupStatus.CANCELLED)
        signup_ids = list(upcoming.values_list("pk", flat=True))
        ActivitySignup.objects.filter(pk__in=signup_ids).update(name=name)
        registrations = list(VolunteerRegistration.objects.filter(volunteer=volunteer))
        name_keys = {}
        for field in RegistrationFormField.objects.filter(
            page_id__in={r.page_id for r in registrations}, field_type=NAME
        ):
            name_keys.setdefault(field.page_id, []).append(field.clean_name)
        for registration in registrations:
            registration.name = name
            data = dict(registration.form_data or {})
            for key in name_keys.get(registration.page_id, []):
                if key in data:
                    data[key] = name
            registration.form_data = data
        VolunteerRegistration.objects.bulk_update(registrations, ["name", "form_data"])
        entry = _record(
            volunteer,
            DataRightsAction.NAME_CORRECTED,
            now,
            signups=signup_ids,
            registrations=[r.pk for r in registrations],
        )
    volunteer.name = name
    return entry


# --- withdrawing the sensitive-information consent --------------------------------------------


def withdraw_consent(*, volunteer: Volunteer, registration_id: int | None, now=None):
    """Withdraw the consent on one registration (`registration_id`), or on all of the
    volunteer's when None: the sensitive answers are deleted from the row. NotYours for an id
    that is not theirs; RightsRefused when there is nothing to withdraw."""
    now = now or timezone.now()
    with transaction.atomic():
        rows = VolunteerRegistration.objects.select_for_update().filter(volunteer=volunteer)
        if registration_id is not None:
            rows = rows.filter(pk=registration_id)
        rows = list(rows.order_by("pk"))
        if registration_id is not None and not rows:
            raise NotYours(registration_id)
        changed, erased = [], 0
        for found in with_answers(rows):
            row = found.registration
            if not found.withdrawable:
                continue
            data = dict(row.form_data or {})
            for answer in found.answers:
                if answer.sensitive:
                    erased += has_value(data.pop(answer.key))
            row.form_data = data
            row.sensitive_consent = False
            row.sensitive_withdrawn_at = now
            changed.append(row)
        if not changed:
            raise RightsRefused(_("没有需要撤回的敏感个人信息同意：相关信息已经删除或从未填写。"))
        VolunteerRegistration.objects.bulk_update(
            changed, ["form_data", "sensitive_consent", "sensitive_withdrawn_at"]
        )
        return _record(
            volunteer,
            DataRightsAction.CONSENT_WITHDRAWN,
            now,
            registrations=[r.pk for r in changed],
            answers_erased=erased,
        )


# --- deleting the account ---------------------------------------------------------------------


def _upcoming(volunteer, now):
    return ActivitySignup.objects.filter(volunteer=volunteer, activity__starts_at__gt=now).exclude(
        status=SignupStatus.CANCELLED
    )


@dataclass(frozen=True)
class DeletionSummary:
    upcoming: int
    signups: int
    registrations: int
    sign_ins: int
    sessions: int


def deletion_summary(volunteer: Volunteer, *, now=None) -> DeletionSummary:
    """What deleting the account would touch, for the confirmation page."""
    now = now or timezone.now()
    return DeletionSummary(
        upcoming=_upcoming(volunteer, now).count(),
        signups=ActivitySignup.objects.filter(volunteer=volunteer).count(),
        registrations=VolunteerRegistration.objects.filter(volunteer=volunteer).count(),
        sign_ins=LoginCode.objects.filter(mobile=volunteer.mobile or "").count(),
        sessions=VolunteerSession.objects.filter(volunteer=volunteer).count(),
    )


# A sign-up that stopped being upcoming meanwhile (cancelled by its link, or its activity moved
# to the past) is no longer for the volunteer to cancel: it is erased like a past one.
NO_LONGER_UPCOMING = ("cancelled", State.STARTED)


def delete_account(*, volunteer: Volunteer, now=None) -> DataRightsLog:
    """Erase the volunteer's data and keep their number (the module's docstring says what
    happens to each row). RightsRefused when the account is already deleted."""
    now = now or timezone.now()
    with transaction.atomic():
        current = Volunteer.objects.select_for_update().active().filter(pk=volunteer.pk).first()
        if current is None:
            raise RightsRefused(_("这个账号已经注销了。"))
        mobile = current.mobile
        link_rows(current)  # a row stored with the number a moment ago is theirs too
        cancelled, promoted = [], []
        # In activity order, so two requests never wait on each other's activity locks.
        upcoming = _upcoming(current, now).order_by("activity_id", "pk")
        for signup_id in list(upcoming.values_list("pk", flat=True)):
            try:
                result = cancel_signup(signup_id=signup_id, now=now, volunteer=current)
            except SignupRefused as refusal:
                if refusal.code not in NO_LONGER_UPCOMING:
                    raise
                continue
            cancelled.append(signup_id)
            promoted.extend(signup.pk for signup in result.promoted)
        signups = ActivitySignup.objects.filter(volunteer=current)
        signup_ids = list(signups.values_list("pk", flat=True))
        signups.update(name="", mobile="")
        registrations = VolunteerRegistration.objects.filter(volunteer=current)
        registration_ids = list(registrations.values_list("pk", flat=True))
        registrations.update(name="", mobile="", form_data={}, sensitive_consent=False)
        sign_ins, _by_model = LoginCode.objects.filter(mobile=mobile).delete()
        sessions, _by_model = VolunteerSession.objects.filter(volunteer=current).delete()
        service = erase_service_data(current)
        Volunteer.objects.filter(pk=current.pk).update(mobile=None, name="")
        entry = _record(
            current,
            DataRightsAction.ACCOUNT_DELETED,
            now,
            signups_cancelled=cancelled,
            waitlist_promoted=promoted,
            signups_erased=signup_ids,
            registrations_erased=registration_ids,
            sign_in_records_deleted=sign_ins,
            sessions_ended=sessions,
            **service,
        )
    volunteer.mobile, volunteer.name = None, ""
    return entry


def erase_service_data(volunteer) -> dict:
    """On deletion: where the phone was at check-in, what the volunteer wrote in requests, and
    their place on honour lists go; records, points and hours stay with the number only (a
    station's figures stand). Issued certificates are kept as issued, as the station's record
    of a document it signed: the public page shows only the masked name."""
    check_ins = CheckIn.objects.filter(volunteer=volunteer).update(
        in_latitude=None,
        in_longitude=None,
        in_accuracy_m=None,
        out_latitude=None,
        out_longitude=None,
        out_accuracy_m=None,
    )
    requests = CorrectionRequest.objects.filter(record__volunteer=volunteer).update(reason="")
    CertificateRequest.objects.filter(volunteer=volunteer).update(purpose="")
    StationVolunteer.objects.filter(volunteer=volunteer, honour_list=True).update(
        honour_list=False, honour_list_changed_at=timezone.now()
    )
    return {"check_in_locations_erased": check_ins, "correction_reasons_erased": requests}
