"""签到/签退: the rules of checking in at an activity by scanning its QR code.

- Each activity has one signed link (django.core.signing, salt "checkin") naming the activity and
  its start time: moving the activity makes the old poster's link stop working. The link works
  from CHECKIN_OPENS_BEFORE minutes before the start to CHECKIN_CLOSES_AFTER minutes after the
  end (settings, 60 and 60 by default).
- The first scan checks the volunteer in, the second checks them out (which opens their service
  record, stations/hours.py), a third only says they are done.
- Where the phone says it is, when it says, is kept; farther than CHECKIN_MAX_DISTANCE_M (500 m)
  from the activity's place flags the check-in for the manager, never refuses it.
- A volunteer who has not signed up joins on the spot (stations/signup.py: walk_in) while a place
  is free; a waitlisted one is refused.

Concurrency: one CheckIn row per activity and volunteer (a unique constraint); a walk-in takes the
activity's tally lock, as every sign-up does, so capacity holds under any burst.
"""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.http import base36_to_int, int_to_base36
from django.utils.translation import gettext as _

from home.base.inputs import ascii_number
from home.base.restrictions import is_public
from stations import hours
from stations import signup as signups
from stations.coords import distance_m
from stations.models import ActivityPage, ActivitySignup, CheckIn, SignupStatus

SALT = "checkin"
TOKEN_MAX_LENGTH = 80
# A signature of 22 base64 characters (132 bits): short enough for a link written on a poster,
# far beyond guessing.
SIGNATURE_LENGTH = 22
# An accuracy beyond this (metres) says the phone does not know where it is.
MAX_ACCURACY_M = 100_000


class CheckInRefused(Exception):
    """A check-in that was not made, and why, for the volunteer; `status` is the HTTP status the
    page answers with."""

    def __init__(self, message: str, code: str, status: int = 409):
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status


class _ShortSigner(signing.Signer):
    def signature(self, value, key=None):
        return super().signature(value, key)[:SIGNATURE_LENGTH]


def _signer() -> signing.Signer:
    return _ShortSigner(salt=SALT)


def _start_stamp(activity) -> str:
    return int_to_base36(int(activity.starts_at.timestamp()))


# --- the link ----------------------------------------------------------------------------------


def checkin_token(activity) -> str:
    """The secret in the activity's check-in link: its id and start time, signed."""
    return _signer().sign(f"{activity.pk}.{_start_stamp(activity)}")


def checkin_path(activity) -> str:
    return reverse("activity_checkin", kwargs={"token": checkin_token(activity)})


def checkin_url(activity, request=None) -> str:
    path = checkin_path(activity)
    if request is not None:
        return request.build_absolute_uri(path)
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def window(activity) -> tuple[datetime, datetime]:
    """When the link works: (opens, closes)."""
    before = getattr(settings, "CHECKIN_OPENS_BEFORE", 60)
    after = getattr(settings, "CHECKIN_CLOSES_AFTER", 60)
    return (
        activity.starts_at - timedelta(minutes=before),
        activity.ends_at + timedelta(minutes=after),
    )


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def check_window(activity, now=None) -> None:
    """CheckInRefused unless `now` is within the activity's check-in window."""
    now = now or timezone.now()
    opens, closes = window(activity)
    if now < opens:
        raise CheckInRefused(
            _("签到尚未开始：请在 %(opens)s 之后扫码签到。") % {"opens": _local(opens)},
            "not_open",
            403,
        )
    if now > closes:
        raise CheckInRefused(
            _("本次活动的签到已于 %(closes)s 结束。如需补记，请联系主办站点。")
            % {"closes": _local(closes)},
            "closed",
            410,
        )


def _forged() -> CheckInRefused:
    return CheckInRefused(
        _("这个签到链接无效，可能没有扫完整。请重新扫描活动现场的签到二维码。"), "forged", 404
    )


def read_token(token) -> tuple[int, int]:
    """(activity id, start timestamp) from a link's secret; CheckInRefused when it is forged."""
    text = str(token or "")
    if not text or len(text) > TOKEN_MAX_LENGTH or not text.isascii():
        raise _forged()
    try:
        value = _signer().unsign(text)
        pk, stamp = value.split(".")
        return int(pk), base36_to_int(stamp)
    except (signing.BadSignature, ValueError):
        raise _forged() from None


def activity_for_token(token, *, now=None) -> ActivityPage:
    """The live activity a link is for, when the link is good now; CheckInRefused else."""
    pk, stamp = read_token(token)
    activity = ActivityPage.objects.live().select_related("station").filter(pk=pk).first()
    if activity is None or not is_public(activity):
        raise CheckInRefused(_("这个活动已下线或已删除，无法签到。"), "gone", 404)
    if stamp != int(activity.starts_at.timestamp()):
        raise CheckInRefused(
            _("活动时间已经调整，这张二维码已经失效。请扫描主办站点新发布的签到二维码。"),
            "rescheduled",
            410,
        )
    check_window(activity, now)
    return activity


# --- where the phone was -----------------------------------------------------------------------


@dataclass(frozen=True)
class Location:
    lat: float
    lng: float
    accuracy: float | None


def _number(raw) -> float | None:
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        value = float(raw)
    else:
        text = ascii_number(raw)
        if text is None:
            return None
        value = float(text)
    return value if math.isfinite(value) else None


def clean_location(lat, lng, accuracy=None) -> Location | None:
    """The browser's position when it is one (WGS-84 degrees in range); None for anything else,
    which is treated as no location at all, never refused."""
    lat, lng, accuracy = _number(lat), _number(lng), _number(accuracy)
    if lat is None or lng is None or not (-90 <= lat <= 90 and -180 <= lng <= 180):
        return None
    if accuracy is not None and not 0 <= accuracy <= MAX_ACCURACY_M:
        accuracy = None
    return Location(lat, lng, accuracy)


def max_distance_m() -> float:
    return getattr(settings, "CHECKIN_MAX_DISTANCE_M", 500)


def distance_from(activity, location: Location | None) -> float | None:
    lat, lng = activity.point
    if location is None or lat is None or lng is None:
        return None
    return round(distance_m(location.lat, location.lng, lat, lng), 1)


# --- checking in and out -----------------------------------------------------------------------


class Action:
    IN = "in"  # checked in just now
    ALREADY_IN = "already_in"  # the page said 签到, but they were in already: nothing changed
    OUT = "out"  # checked out just now
    DONE = "done"  # in and out already: nothing changed


@dataclass(frozen=True)
class CheckInResult:
    action: str
    check_in: CheckIn
    walk_in: bool = False

    @property
    def changed(self) -> bool:
        return self.action in (Action.IN, Action.OUT)


def state_of(*, activity, volunteer) -> CheckIn | None:
    return CheckIn.objects.filter(activity=activity, volunteer=volunteer).first()


def _signup_of(activity, volunteer) -> ActivitySignup | None:
    mine = Q(volunteer=volunteer)
    if volunteer.mobile:
        mine |= Q(mobile=volunteer.mobile)
    return (
        ActivitySignup.objects.filter(mine, activity=activity)
        .exclude(status=SignupStatus.CANCELLED)
        .order_by("-pk")
        .first()
    )


def _place(activity, volunteer, now) -> tuple[ActivitySignup, bool]:
    """The confirmed sign-up the check-in goes with, a walk-in's if need be: (signup, walk_in)."""
    found = _signup_of(activity, volunteer)
    if found is not None and found.status == SignupStatus.WAITLISTED:
        raise CheckInRefused(
            _("您在本活动的候补名单上，还没有确认的名额，不能签到。请联系现场工作人员。"),
            "waitlisted",
        )
    if found is not None:
        return found, False
    try:
        return signups.walk_in(activity=activity, volunteer=volunteer, now=now), True
    except signups.SignupRefused as refused:
        raise CheckInRefused(refused.message, refused.code) from None


def _set_location(check_in: CheckIn, side: str, activity, location: Location | None) -> None:
    distance = distance_from(activity, location)
    setattr(check_in, f"{side}_latitude", location.lat if location else None)
    setattr(check_in, f"{side}_longitude", location.lng if location else None)
    setattr(check_in, f"{side}_accuracy_m", location.accuracy if location else None)
    setattr(check_in, f"{side}_distance_m", distance)
    if distance is not None and distance > max_distance_m():
        check_in.flagged = True


def check_in_or_out(
    *, activity, volunteer, lat=None, lng=None, accuracy=None, now=None, intent=None
) -> CheckInResult:
    """Check the volunteer in, or out if they are in, or say they are done.

    `intent` is what the page's button said ("in" or "out"): a second tap of 签到, or a form sent
    twice, then changes nothing instead of checking out. CheckInRefused, and nothing stored,
    outside the window, for a waitlisted volunteer, or a walk-in when no place is free.
    """
    now = now or timezone.now()
    check_window(activity, now)
    location = clean_location(lat, lng, accuracy)
    with transaction.atomic():
        current = (
            CheckIn.objects.select_for_update()
            .filter(activity=activity, volunteer=volunteer)
            .first()
        )
        if current is None:
            signup, walked_in = _place(activity, volunteer, now)
            check_in = CheckIn(
                activity=activity,
                volunteer=volunteer,
                signup=signup,
                walk_in=walked_in,
                checked_in_at=now,
            )
            _set_location(check_in, "in", activity, location)
            try:
                with transaction.atomic():
                    check_in.save()
            except IntegrityError:
                # The same volunteer's other tap got there first: that one stands.
                current = CheckIn.objects.get(activity=activity, volunteer=volunteer)
                return CheckInResult(Action.ALREADY_IN, current)
            if signup.attended is None:
                # Their check-in is the attendance record, until the manager says otherwise.
                ActivitySignup.objects.filter(pk=signup.pk, attended=None).update(attended=True)
            return CheckInResult(Action.IN, check_in, walk_in=walked_in)
        if current.checked_out_at is not None:
            return CheckInResult(Action.DONE, current)
        if intent == Action.IN:
            return CheckInResult(Action.ALREADY_IN, current)
        current.checked_out_at = max(now, current.checked_in_at)
        _set_location(current, "out", activity, location)
        current.save()
        hours.open_record(activity=activity, volunteer=volunteer, check_in=current, by=None)
        return CheckInResult(Action.OUT, current)


def record_attendance(*, signup, attended: bool | None, by=None) -> ActivitySignup:
    """A manager marks a confirmed sign-up attended or absent by hand; attended opens the
    volunteer's service record (with the check-in's hours when they checked in and out)."""
    with transaction.atomic():
        marked = signups.mark_attendance(signup, attended)
        if attended and marked.volunteer_id is not None:
            activity = ActivityPage.objects.select_related("station").get(pk=marked.activity_id)
            check_in = CheckIn.objects.filter(
                activity_id=marked.activity_id, volunteer_id=marked.volunteer_id
            ).first()
            hours.open_record(
                activity=activity, volunteer=marked.volunteer, check_in=check_in, by=by
            )
    return marked
