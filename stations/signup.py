"""The rules of signing up for an activity, in one place.

The activity page, the admin, the tests and the benchmark all go through these functions. Every
change to an activity's places happens inside one transaction holding the lock on the activity's
tally row (SELECT … FOR UPDATE on PostgreSQL; on SQLite every transaction takes the write lock
when it begins, see the settings), so concurrent sign-ups are served one at a time in order of
arrival and capacity can never be overrun. The lock is held for as little as the tally needs:
on PostgreSQL a sign-up that succeeds is a single statement that takes it, writes and commits.
"""

import hashlib
import secrets
from dataclasses import dataclass

import psycopg
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Subquery, When
from django.db.models.functions import Length, Substr
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from wagtail.models import PageViewRestriction

from home.base.inputs import text_problem
from stations import confirmations
from stations.models import ActivityPage, ActivitySignup, ActivityTally, SignupStatus, Volunteer
from stations.validators import normalise_mobile, validate_mainland_mobile

NAME_MAX_LENGTH = 40


class SignupRefused(Exception):
    """A sign-up, cancellation or attendance mark that was not made, and why, for the resident."""

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


# What a resident sees before signing up.
class State:
    NOT_OPEN = "not_open"
    OPEN = "open"
    WAITLIST = "waitlist"  # places are gone, the waitlist is open
    FULL = "full"  # places are gone and there is no waitlist
    CLOSED = "closed"  # the sign-up window has ended
    STARTED = "started"  # under way or over


@dataclass(frozen=True)
class Availability:
    state: str
    places_left: int
    confirmed: int
    waitlisted: int

    @property
    def accepts_signups(self) -> bool:
        return self.state in (State.OPEN, State.WAITLIST)


@dataclass(frozen=True)
class SignupResult:
    signup: ActivitySignup
    token: str  # the secret in the resident's link; only its hash is stored

    @property
    def confirmed(self) -> bool:
        return self.signup.status == SignupStatus.CONFIRMED


@dataclass(frozen=True)
class CancelResult:
    signup: ActivitySignup
    promoted: list[ActivitySignup]


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(24)


def window_state(activity, now=None) -> str | None:
    """NOT_OPEN, CLOSED or STARTED when the calendar alone rules a sign-up out, else None."""
    now = now or timezone.now()
    if now >= activity.starts_at:
        return State.STARTED
    if activity.signup_opens_at and now < activity.signup_opens_at:
        return State.NOT_OPEN
    if now >= (activity.signup_closes_at or activity.starts_at):
        return State.CLOSED
    return None


def availability(activity, *, confirmed: int, waitlisted: int, now=None) -> Availability:
    places_left = max(activity.capacity - confirmed, 0)
    state = window_state(activity, now)
    if state is None:
        if places_left:
            state = State.OPEN
        else:
            state = State.WAITLIST if activity.waitlist_enabled else State.FULL
    return Availability(state, places_left, confirmed, waitlisted)


def availability_of(activity, now=None) -> Availability:
    """The activity's availability read from its tally (one query unless already loaded)."""
    tally = ActivityTally.objects.filter(activity_id=activity.pk).first()
    return availability(
        activity,
        confirmed=tally.confirmed if tally else 0,
        waitlisted=tally.waitlisted if tally else 0,
        now=now,
    )


def clean_name(name) -> str:
    name = " ".join(str(name or "").split())
    if not name:
        raise SignupRefused(_("请填写姓名。"), "name")
    if len(name) > NAME_MAX_LENGTH:
        raise SignupRefused(
            _("姓名最多 %(max)s 个字，请检查是否填错。") % {"max": NAME_MAX_LENGTH}, "name"
        )
    if any(not ch.isprintable() for ch in name):
        raise SignupRefused(_("姓名中有无法显示的字符，请重新填写。"), "name")
    problem = text_problem(name)  # invalid UTF-8 arrives as U+FFFD, which is printable
    if problem:
        raise SignupRefused(problem, "name")
    return name


def clean_mobile(mobile) -> str:
    if not str(mobile or "").strip():
        raise SignupRefused(_("请填写手机号码。"), "mobile")
    try:
        validate_mainland_mobile(str(mobile))
    except ValidationError as error:
        raise SignupRefused(error.messages[0], "mobile") from None
    return normalise_mobile(str(mobile))


def _locked_tally(activity_id, *, volunteer_mobile: str | None = None) -> ActivityTally:
    """The activity's tally row, locked until the transaction ends, with the activity read in
    the same query (fresh: an editor may have changed capacity or times meanwhile) and whether a
    view restriction covers it or a page above it (`tally.private`). Made if it is missing; None
    when the activity is. Only the tally row is locked, so editors can still save the page.

    With `volunteer_mobile`, the same query reads the id of the volunteer who verified that
    number into `tally.volunteer_pk` (None when nobody has)."""
    # A restriction on the page or an ancestor: one whose page's path begins the activity's
    # (read in this query, so neither the restrictions' cache nor another query is needed).
    covering = PageViewRestriction.objects.filter(
        page__path=Substr(OuterRef("activity__path"), 1, Length("page__path"))
    )

    def locked():
        tally = (
            ActivityTally.objects.select_for_update(of=("self",))
            .select_related("activity")
            .annotate(private=Exists(covering))
        )
        if volunteer_mobile is not None:
            volunteer = Volunteer.objects.filter(mobile=volunteer_mobile)  # mobiles are unique
            tally = tally.annotate(volunteer_pk=Subquery(volunteer.values("pk")))
        return tally.filter(activity_id=activity_id).first()

    tally = locked()
    if tally is None:
        if not ActivityPage.objects.filter(pk=activity_id).exists():
            return None  # no such activity (a tally for it would fail only at the commit)
        try:
            with transaction.atomic():
                ActivityTally.objects.create(activity_id=activity_id)
        except IntegrityError:
            pass  # another request made it first
        tally = locked()
    return tally


def _live_activity(tally) -> ActivityPage:
    if tally is None or not tally.activity.live or tally.private:
        raise SignupRefused(_("这个活动已下线，无法报名。"), "gone")
    return tally.activity


WINDOW_MESSAGES = {
    State.NOT_OPEN: gettext_noop("报名尚未开始，请在 %(opens)s 之后再来报名。"),
    State.CLOSED: gettext_noop("报名已经截止。"),
    State.STARTED: gettext_noop("活动已经开始或已经结束，不能再报名。"),
}


def _refuse_window(activity, state) -> SignupRefused:
    opens = timezone.localtime(activity.signup_opens_at) if activity.signup_opens_at else None
    message = _(WINDOW_MESSAGES[state]) % {
        "opens": opens.strftime("%Y-%m-%d %H:%M") if opens else ""
    }
    return SignupRefused(message, state)


def sign_up(*, activity=None, activity_id=None, name, mobile, now=None) -> SignupResult:
    """Give the resident a place, a place on the waitlist, or a SignupRefused saying why not.

    `activity`, or just its `activity_id`: either way the activity is read afresh under the
    lock. Nothing is stored when it refuses. All that needs no lock (the input, the token) is
    done before taking it. On PostgreSQL a sign-up that succeeds is one statement
    (_sign_up_in_one_statement); the rules below decide everything else, and are the only path
    on other databases.
    """
    name = clean_name(name)
    mobile = clean_mobile(mobile)
    given_now, now = now, now or timezone.now()
    token = new_token()
    if activity is not None:
        activity_id = activity.pk
    fields = {"activity_id": activity_id, "name": name, "mobile": mobile, "now": now}
    fields |= {"created_at": given_now, "token": token}
    if connection.vendor == "postgresql":
        made = _sign_up_in_one_statement(**fields)
        if made is not None:
            return made
    return _sign_up_by_the_rules(**fields)


def _sign_up_by_the_rules(*, activity_id, name, mobile, now, created_at, token) -> SignupResult:
    """sign_up() in the ORM: one query under the lock reads the tally, the activity and the
    volunteer, then one insert and one update, five queries with BEGIN and COMMIT."""
    try:
        with transaction.atomic():
            # A number a volunteer has verified makes the sign-up theirs
            # (stations/volunteers/accounts.py).
            tally = _locked_tally(activity_id, volunteer_mobile=mobile)
            current = _live_activity(tally)
            state = window_state(current, now)
            if state is not None:
                raise _refuse_window(current, state)
            if tally.confirmed < current.capacity:
                status = SignupStatus.CONFIRMED
                tally.confirmed += 1
            elif current.waitlist_enabled:
                status = SignupStatus.WAITLISTED
                tally.waitlisted += 1
            else:
                # Someone who already holds a place is told so, not that it is full.
                if _has_live_signup(current.pk, mobile):
                    raise _already_signed_up()
                raise SignupRefused(_("名额已满，本活动不设候补。"), State.FULL)
            # A second live sign-up with this number fails here, on the unique constraint
            # one_live_signup_per_mobile, before the tally changes: no query asks first.
            signup = ActivitySignup.objects.create(
                activity=current,
                name=name,
                mobile=mobile,
                status=status,
                # Stamped inside the lock, so times follow the order places were given in.
                created_at=created_at or timezone.now(),
                token_hash=token_hash(token),
                volunteer_id=tally.volunteer_pk,
            )
            tally.save(update_fields=["confirmed", "waitlisted"])
            # The newest on the waitlist is last in line: its place is the waitlist's length.
            position = tally.waitlisted if status == SignupStatus.WAITLISTED else None
            confirmations.signup_made(signup, activity=current, position=position)
    except IntegrityError:
        # The constraint caught a live sign-up with this number (or rows written outside these
        # functions); the transaction is rolled back, so the tally is as it was.
        raise _already_signed_up() from None
    return SignupResult(signup, token)


# A sign-up that succeeds, in one PostgreSQL statement: the same rules as _sign_up_by_the_rules
# (a live, public activity, inside its window, a free place or an open waitlist, one live
# sign-up per mobile), checked on the tally row it locks (FOR UPDATE OF t, re-read at its newest
# when another sign-up held it), then the insert and the tally's update. Outside a transaction
# the statement commits by itself, so the lock is held for the statement and its commit alone:
# no round trip to the app while sign-ups queue for it. When any rule says no, nothing is
# written and no row comes back, and the rules in Python run to say why (or, should the
# activity have changed meanwhile, to give the place after all).
_ONE_STATEMENT_SQL = """
WITH target AS (
    SELECT t.activity_id, t.confirmed, a.capacity, a.starts_at, p.title, p.url_path
    FROM stations_activitytally t
    JOIN stations_activitypage a ON a.page_ptr_id = t.activity_id
    JOIN wagtailcore_page p ON p.id = t.activity_id
    WHERE t.activity_id = %(activity)s
      AND p.live
      AND NOT EXISTS (
          SELECT 1 FROM wagtailcore_pageviewrestriction r
          JOIN wagtailcore_page rp ON rp.id = r.page_id
          WHERE rp.path = SUBSTR(p.path, 1, LENGTH(rp.path))
      )
      AND %(now)s::timestamptz < a.starts_at
      AND (a.signup_opens_at IS NULL OR %(now)s::timestamptz >= a.signup_opens_at)
      AND %(now)s::timestamptz < COALESCE(a.signup_closes_at, a.starts_at)
      AND (t.confirmed < a.capacity OR a.waitlist_enabled)
    FOR UPDATE OF t
), signup AS (
    INSERT INTO stations_activitysignup
        (activity_id, name, mobile, status, created_at, token_hash, volunteer_id)
    SELECT activity_id, %(name)s::text, %(mobile)s::text,
           CASE WHEN confirmed < capacity THEN %(confirmed)s::text ELSE %(waitlisted)s::text END,
           -- stamped once the lock is held, so times follow the order places were given in
           COALESCE(%(created_at)s::timestamptz, clock_timestamp()),
           %(token_hash)s::text,
           -- a number a volunteer has verified makes the sign-up theirs (mobiles are unique)
           (SELECT v.id FROM stations_volunteer v WHERE v.mobile = %(mobile)s::text)
    FROM target
    ON CONFLICT DO NOTHING
    RETURNING id, status, created_at, volunteer_id
), counted AS (
    UPDATE stations_activitytally t
    SET confirmed = t.confirmed + CASE WHEN s.status = %(confirmed)s::text THEN 1 ELSE 0 END,
        waitlisted = t.waitlisted + CASE WHEN s.status = %(waitlisted)s::text THEN 1 ELSE 0 END
    FROM signup s
    WHERE t.activity_id = %(activity)s
    RETURNING t.waitlisted
)
SELECT s.id, s.status, s.created_at, s.volunteer_id, c.waitlisted,
       target.title, target.url_path, target.starts_at
FROM signup s, counted c, target
"""


def _sign_up_in_one_statement(
    *, activity_id, name, mobile, now, created_at, token
) -> SignupResult | None:
    """The sign-up made by _ONE_STATEMENT_SQL, or None when a rule refused it (nothing written)."""
    hashed = token_hash(token)
    params = {
        "activity": activity_id,
        "name": name,
        "mobile": mobile,
        "now": now,
        "created_at": created_at,
        "token_hash": hashed,
        "confirmed": SignupStatus.CONFIRMED.value,
        "waitlisted": SignupStatus.WAITLISTED.value,
    }
    row = _run_prepared(_ONE_STATEMENT_SQL, params)
    if row is None:
        return None
    pk, status, stamped, volunteer_id, waitlisted, title, url_path, starts_at = row
    # What the redirect's URL and the confirmation need; the rest is read if ever asked for.
    activity = _loaded(
        ActivityPage,
        {
            "id": activity_id,
            "page_ptr_id": activity_id,
            "title": title,
            "url_path": url_path,
            "starts_at": starts_at,
        },
    )
    signup = _loaded(
        ActivitySignup,
        {
            "id": pk,
            "activity_id": activity_id,
            "name": name,
            "mobile": mobile,
            "status": status,
            "created_at": stamped,
            "promoted_at": None,
            "cancelled_at": None,
            "attended": None,
            "token_hash": hashed,
            "volunteer_id": volunteer_id,
        },
    )
    signup.activity = activity
    position = waitlisted if status == SignupStatus.WAITLISTED else None
    # Committed already outside a transaction (the message goes at once), else on its commit.
    confirmations.signup_made(signup, activity=activity, position=position)
    return SignupResult(signup, token)


class _PreparingCursor(psycopg.Cursor):
    """A psycopg cursor that binds on the server and asks for each statement to be prepared.
    psycopg then parses and plans it once per connection (which took more of PostgreSQL's CPU
    than running it) when the connection allows prepared statements, OPTIONS prepare_threshold
    in the database settings; Django leaves them off by default for connection poolers that
    cannot keep them, and then the statement is simply sent unprepared. Django's own cursors
    bind on the client and are never prepared, whatever the setting."""

    def execute(self, query, params=None, *, prepare=None, binary=None):
        return super().execute(query, params, prepare=True, binary=binary)


def _run_prepared(sql: str, params: dict) -> tuple | None:
    """The first row of `sql` run on a _PreparingCursor, wrapped as Django wraps its own (the
    query log, execute wrappers, Django's database errors)."""
    with connection.cursor():  # connected, and its health checked, as for any query
        raw = _PreparingCursor(connection.connection)
    if connection.queries_logged:
        cursor = connection.make_debug_cursor(raw)
    else:
        cursor = connection.make_cursor(raw)
    with cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def _loaded(model, values: dict):
    """An instance of `model` as the database gave it: the fields in `values`, the others
    deferred (read on first use), as .only() would make it."""
    names = [f.attname for f in model._meta.concrete_fields if f.attname in values]
    return model.from_db(connection.alias, names, [values[name] for name in names])


def _has_live_signup(activity_id, mobile) -> bool:
    return (
        ActivitySignup.objects.filter(activity_id=activity_id, mobile=mobile)
        .exclude(status=SignupStatus.CANCELLED)
        .exists()
    )


def walk_in(*, activity, volunteer, now=None) -> ActivitySignup:
    """A confirmed place for a volunteer who turns up and checks in without having signed up
    (现场加入, stations/activities/checkin.py): outside the sign-up window, but only while a
    place is free and nobody is waiting for one. The volunteer's live sign-up when they have one
    (a waitlisted one is refused: its place was never given)."""
    if not volunteer.mobile:
        raise SignupRefused(_("这个志愿者账号已注销，无法现场加入。"), "gone")
    now = now or timezone.now()
    with transaction.atomic():
        tally = _locked_tally(activity.pk)
        current = _live_activity(tally)
        live = (
            ActivitySignup.objects.filter(activity_id=current.pk, mobile=volunteer.mobile)
            .exclude(status=SignupStatus.CANCELLED)
            .first()
        )
        if live is not None:
            if live.status != SignupStatus.CONFIRMED:
                raise SignupRefused(
                    _("您在本活动的候补名单上，还没有确认的名额，不能现场加入。"), State.WAITLIST
                )
            return live
        if tally.waitlisted:
            raise SignupRefused(
                _("本活动名额已满，候补名单上还有人在等，无法现场加入。"), State.WAITLIST
            )
        if tally.confirmed >= current.capacity:
            raise SignupRefused(_("本活动名额已满，无法现场加入。"), State.FULL)
        signup = ActivitySignup.objects.create(
            activity=current,
            # A name is asked once after the first sign-in; until then the number stands in.
            name=(volunteer.name or _("志愿者%(number)s") % {"number": volunteer.number})[
                :NAME_MAX_LENGTH
            ],
            mobile=volunteer.mobile,
            status=SignupStatus.CONFIRMED,
            created_at=now,
            token_hash=token_hash(new_token()),
            volunteer=volunteer,
        )
        tally.confirmed += 1
        tally.save(update_fields=["confirmed"])
    return signup


def _already_signed_up() -> SignupRefused:
    return SignupRefused(
        _(
            "这个手机号码已经报名了本活动，无需重复报名。"
            "查看或取消报名：用这个号码登录“我的志愿服务”，或打开报名后得到的链接。"
        ),
        "duplicate",
    )


def signup_for_token(token: str) -> ActivitySignup | None:
    if not token:
        return None
    return (
        ActivitySignup.objects.select_related("activity", "activity__station")
        .filter(token_hash=token_hash(token))
        .first()
    )


def waitlist_position(signup) -> int | None:
    """1 for the first in line; None when the sign-up is not waiting."""
    if signup.status != SignupStatus.WAITLISTED:
        return None
    ahead = ActivitySignup.objects.filter(
        activity_id=signup.activity_id, status=SignupStatus.WAITLISTED, pk__lt=signup.pk
    ).count()
    return ahead + 1


def with_waitlist_position(signups):
    """The sign-ups annotated with `queue_position`, waitlist_position counted in SQL (None when
    not waiting), so a list of any length stays one query."""
    in_line_to_here = (
        ActivitySignup.objects.filter(
            activity_id=OuterRef("activity_id"),
            status=SignupStatus.WAITLISTED,
            pk__lte=OuterRef("pk"),
        )
        .order_by()
        .values("activity_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return signups.annotate(
        queue_position=Case(
            When(status=SignupStatus.WAITLISTED, then=Subquery(in_line_to_here)),
            output_field=IntegerField(),
        )
    )


def _fill_places(activity, tally, now) -> list[ActivitySignup]:
    """Promote the waitlist, first come first served, while places are free. Caller holds the
    tally lock."""
    free = activity.capacity - tally.confirmed
    if free <= 0 or not tally.waitlisted:
        return []
    promoted = list(
        ActivitySignup.objects.filter(activity_id=activity.pk, status=SignupStatus.WAITLISTED)
        .order_by("pk")
        .select_for_update()[:free]
    )
    for signup in promoted:
        signup.status = SignupStatus.CONFIRMED
        signup.promoted_at = now
    ActivitySignup.objects.bulk_update(promoted, ["status", "promoted_at"])
    tally.confirmed += len(promoted)
    tally.waitlisted -= len(promoted)
    confirmations.places_given(promoted, activity=activity)
    return promoted


def cancel(*, token, now=None) -> CancelResult:
    """Cancel the sign-up behind a secret link; a freed place goes to the first on the waitlist."""
    found = signup_for_token(token)
    if found is None:
        raise SignupRefused(_("这个取消链接无效，请检查链接是否完整。"), "token")
    return cancel_signup(signup_id=found.pk, now=now)


def cancel_signup(*, signup_id, now=None, volunteer=None) -> CancelResult:
    """Cancel one sign-up (only `volunteer`'s, when given); a freed place goes to the first on the
    waitlist. SignupRefused, and nothing changed, when it is gone, not theirs, already cancelled
    or its activity has begun."""
    now = now or timezone.now()
    with transaction.atomic():
        found = ActivitySignup.objects.filter(pk=signup_id)
        if volunteer is not None:
            found = found.filter(volunteer=volunteer)
        activity_id = found.values_list("activity_id", flat=True).first()
        if activity_id is None:
            raise SignupRefused(_("找不到这个报名，可能已经删除。"), "gone")
        tally = _locked_tally(activity_id)
        signup = ActivitySignup.objects.get(pk=signup_id)  # its status as of now, under the lock
        activity = tally.activity
        if signup.status == SignupStatus.CANCELLED:
            raise SignupRefused(_("这个报名已经取消过了。"), "cancelled")
        if now >= activity.starts_at:
            raise SignupRefused(
                _("活动已经开始，不能在线取消；如有变化请直接联系站点。"), State.STARTED
            )
        if signup.status == SignupStatus.CONFIRMED:
            tally.confirmed -= 1
        else:
            tally.waitlisted -= 1
        signup.status = SignupStatus.CANCELLED
        signup.cancelled_at = now
        signup.save(update_fields=["status", "cancelled_at"])
        promoted = _fill_places(activity, tally, now)
        tally.save(update_fields=["confirmed", "waitlisted"])
    return CancelResult(signup, promoted)


def fill_free_places(activity, now=None) -> list[ActivitySignup]:
    """After an editor raises the capacity: give the new places to the waitlist."""
    now = now or timezone.now()
    if now >= activity.starts_at:
        return []
    with transaction.atomic():
        tally = _locked_tally(activity.pk)
        promoted = _fill_places(tally.activity, tally, now)
        if promoted:
            tally.save(update_fields=["confirmed", "waitlisted"])
    return promoted


def mark_attendance(signup, attended: bool | None) -> ActivitySignup:
    """Record whether a confirmed volunteer came (None: not recorded).

    Under the activity's lock, so a cancellation at the same moment cannot slip in between the
    check and the write.
    """
    with transaction.atomic():
        _locked_tally(signup.activity_id)
        current = ActivitySignup.objects.get(pk=signup.pk)
        if current.status != SignupStatus.CONFIRMED:
            raise SignupRefused(_("只能为已确认的报名记录出席情况。"), "status")
        current.attended = attended
        current.save(update_fields=["attended"])
    signup.attended = attended
    return current


def places_added(sender=None, instance=None, **kwargs):
    """page_published handler: an activity published with more places promotes its waitlist."""
    if isinstance(instance, ActivityPage):
        fill_free_places(instance)
