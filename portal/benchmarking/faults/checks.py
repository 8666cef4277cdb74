"""The fault drill's checks: what the clients were told against what the server answered and
the database stored."""

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from .drill import Outcome, Phase, Record, SignupAttempt

SIGNUP_STATUSES = {303, 409}  # a place or the waitlist; refused by the rules


def expected_statuses(label: str) -> set[int]:
    return SIGNUP_STATUSES if label == "sign-up" else {200}


def during_outage(
    record: Record, phases: Sequence[Phase], windows: Mapping[str, tuple[float, float]]
) -> bool:
    """Sent in a phase where the database is down, or still in flight when one began (or sent
    before one ended): the outage itself, as that request met it."""
    outage = [phase.name for phase in phases if phase.outage]
    return record.phase in outage or any(
        record.began < windows[name][1] and record.ended > windows[name][0]
        for name in outage
        if name in windows
    )


def answer_failures(
    records: Sequence[Record],
    phases: Sequence[Phase],
    windows: Mapping[str, tuple[float, float]] | None = None,
) -> list[str]:
    """Every request answered, each as it should be: 200 (303 or 409 for a sign-up), 503 only
    during an outage of the database, and never an answer with a problem."""
    wrong: Counter = Counter()
    for record in records:
        outage = during_outage(record, phases, windows or {})
        allowed = expected_statuses(record.label) | ({503} if outage else set())
        if record.error:
            wrong[(record.phase, record.label, f"no answer ({record.error.split(':')[0]})")] += 1
        elif record.status not in allowed:
            wrong[(record.phase, record.label, f"HTTP {record.status}")] += 1
        elif record.problem:
            wrong[(record.phase, record.label, record.problem)] += 1
        elif record.missing and not outage:  # with the database down a page may say less
            wrong[(record.phase, record.label, f"200 without “{record.missing}”")] += 1
    return [
        f"{phase}: {count} × {what} for {label}" for (phase, label, what), count in wrong.items()
    ]


@dataclass(frozen=True)
class StoredSignup:
    activity: str
    mobile: str
    status: str  # confirmed, waitlisted, cancelled
    order: int  # its primary key: the order places were given in


@dataclass(frozen=True)
class ActivityPlaces:
    activity: str
    capacity: int
    waitlist: bool
    tally_confirmed: int
    tally_waitlisted: int


@dataclass
class SignupCheck:
    failures: list[str] = field(default_factory=list)
    told: int = 0  # (activity, number) pairs the client was told are stored
    stored: int = 0
    unacknowledged: list[tuple[str, str]] = field(default_factory=list)  # stored, never told
    not_stored: int = 0  # never answered, and indeed not stored


def signup_check(attempts: Sequence[SignupAttempt], stored: Sequence[StoredSignup]) -> SignupCheck:
    """Told stored ⇒ stored exactly once, in the state the page showed; told refused (full) ⇒
    not stored; never two live rows for one number at one activity, and no row nobody sent.
    A row whose every attempt went unanswered (the answer lost on a cut connection) is counted,
    not failed: the client never heard either way."""
    check = SignupCheck()
    rows: dict[tuple[str, str], list[StoredSignup]] = defaultdict(list)
    for row in stored:
        if row.status != "cancelled":
            rows[(row.activity, row.mobile)].append(row)
    tries: dict[tuple[str, str], list[SignupAttempt]] = defaultdict(list)
    for attempt in attempts:
        tries[(attempt.activity, attempt.mobile)].append(attempt)
    check.stored = len(rows)
    for key, found in rows.items():
        if len(found) > 1:
            check.failures.append(f"{len(found)} rows for {key[1]} at {key[0]}")
        if key not in tries:
            check.failures.append(f"a row for {key[1]} at {key[0]}, which nobody sent")
    for key, sent in tries.items():
        outcomes = Counter(attempt.outcome for attempt in sent)
        found = rows.get(key, [])
        told = [attempt for attempt in sent if attempt.outcome == Outcome.STORED]
        if outcomes[Outcome.STORED] > 1:
            check.failures.append(f"{key[1]} at {key[0]} was told stored {len(told)} times")
        if told or outcomes[Outcome.DUPLICATE]:
            check.told += 1
            if not found:
                check.failures.append(f"{key[1]} at {key[0]} was told stored, but is not")
            for attempt in told:
                if found and attempt.told and attempt.told != found[0].status:
                    check.failures.append(
                        f"{key[1]} at {key[0]} was told {attempt.told}, stored {found[0].status}"
                    )
        elif outcomes[Outcome.FULL] and found:
            check.failures.append(f"{key[1]} at {key[0]} was refused as full, but is stored")
        elif found:
            check.unacknowledged.append(key)
        elif outcomes[Outcome.UNANSWERED]:
            check.not_stored += 1
    return check


def capacity_failures(
    places: Sequence[ActivityPlaces], stored: Sequence[StoredSignup]
) -> list[str]:
    """Never more confirmed than places; a waitlist only where the activity keeps one and only
    once the places are gone; places in order of arrival; the tally equal to the rows."""
    failures = []
    by_activity: dict[str, list[StoredSignup]] = defaultdict(list)
    for row in stored:
        by_activity[row.activity].append(row)
    for activity in places:
        rows = sorted(by_activity.get(activity.activity, []), key=lambda row: row.order)
        confirmed = [row for row in rows if row.status == "confirmed"]
        waiting = [row for row in rows if row.status == "waitlisted"]
        name = activity.activity
        if len(confirmed) > activity.capacity:
            failures.append(f"{name}: {len(confirmed)} confirmed for {activity.capacity} places")
        if waiting and not activity.waitlist:
            failures.append(f"{name}: {len(waiting)} waitlisted, but it keeps no waitlist")
        if waiting and len(confirmed) < activity.capacity:
            failures.append(f"{name}: {len(waiting)} wait while a place is free")
        if waiting and confirmed and waiting[0].order < confirmed[-1].order:
            failures.append(f"{name}: someone waits who came before a confirmed sign-up")
        tally = (activity.tally_confirmed, activity.tally_waitlisted)
        if tally != (len(confirmed), len(waiting)):
            failures.append(
                f"{name}: the tally says {tally}, the rows ({len(confirmed)}, {len(waiting)})"
            )
    return failures
