"""The fault drill's load: residents browsing and signing up, phase by phase, each request
recorded with the phase it was sent in."""

import queue
import re
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from ..load import LOOPBACK, LoadError, Request, Response, Session, send


@dataclass(frozen=True)
class Probe:
    """A GET the clients repeat. `expect`: text every 200 answer holds while the database is up
    (e.g. the site search's note that it answered from the database index)."""

    label: str
    path: str
    expect: str = ""


@dataclass(frozen=True)
class SignupTarget:
    activity: str  # its key in the stored rows (the slug)
    path: str


@dataclass(frozen=True)
class SignupForm:
    """How the site's sign-up form is filled in and its answers read."""

    fields: Callable[[str], Mapping[str, str]]  # the POST fields for a mobile number
    link: re.Pattern  # the path a stored sign-up's 303 leads to
    duplicate: str  # text of the refusal of a number already signed up
    full: str  # text of the refusal when no place and no waitlist are left
    state: re.Pattern  # group 1 of the sign-up page: the state it shows


@dataclass(frozen=True)
class Phase:
    """One stretch of the drill. `outage`: the database is down, so 503 is a right answer.
    start, middle and end are the fault's actions at those moments."""

    name: str
    outage: bool = False
    probes: Sequence[Probe] = ()  # what the public clients GET (empty: the drill's default)
    signups: Sequence[SignupTarget] = ()
    start: Callable[[], None] | None = None
    middle: Callable[[], None] | None = None
    end: Callable[[], None] | None = None


@dataclass
class Record:
    """One request: the phase it was sent in, what it was, its status (0: no answer)."""

    phase: str
    label: str
    status: int
    seconds: float
    error: str = ""  # why there was no answer
    problem: str = ""  # why the answer, whatever its status, is wrong
    began: float = 0.0  # time.monotonic() when sent and when answered
    ended: float = 0.0
    missing: str = ""  # the probe's expected text, absent from its 200 answer


class Outcome:
    STORED = "stored"  # 303 to the sign-up's own page
    DUPLICATE = "duplicate"  # 409: this number is signed up already
    FULL = "full"  # 409: no place, no waitlist
    UNANSWERED = "unanswered"  # 503 or no answer: the client cannot know
    WRONG = "wrong"  # any other answer


@dataclass
class SignupAttempt:
    phase: str
    activity: str
    mobile: str
    status: int
    outcome: str
    link: str = ""
    told: str = ""  # the state the sign-up's page showed (confirmed, waitlisted), once read


@dataclass
class DrillResult:
    records: list[Record]
    attempts: list[SignupAttempt]
    windows: dict[str, tuple[float, float]]  # each phase's start and end, time.monotonic()

    def seconds(self, phase: str) -> float:
        began, ended = self.windows.get(phase, (0.0, 0.0))
        return ended - began


SECRET_SEGMENT = re.compile(r"[-\w]{16,}")
OUTAGE_TEXT = "服务暂时不可用"  # portal/views.py's 503 page and JSON


def outage_problem(response: Response) -> str:
    """What is wrong with a 503, if anything: it must be the site's own outage answer."""
    if not response.header("Retry-After"):
        return "503 without Retry-After"
    if OUTAGE_TEXT not in response.body.decode(errors="replace"):
        return "503 without the outage message"
    return ""


class Drill:
    """Clients against the server at `port` through the phases, `seconds` each: `clients`
    threads GET the probes in turn, one more GETs `admin_probes` with a signed-in session, and
    `signup_clients` threads post each phase's sign-ups at even intervals over it, every one
    with a new mobile number, retried while the answer is 503 or none (as a resident would)."""

    def __init__(
        self,
        *,
        port: int,
        phases: Sequence[Phase],
        seconds: float,
        probes: Sequence[Probe],
        form: SignupForm,
        signups_per_target: int = 10,
        clients: int = 3,
        signup_clients: int = 2,
        admin_session: Session | None = None,
        admin_probes: Sequence[Probe] = (),
        retries: int = 3,
        timeout: float = 30.0,
    ):
        self.port, self.phases, self.seconds, self.probes = port, list(phases), seconds, probes
        self.form, self.per_target, self.retries, self.timeout = (
            form,
            signups_per_target,
            retries,
            timeout,
        )
        self.admin_session, self.admin_probes = admin_session, admin_probes
        self.sessions = [Session(port) for _ in range(signup_clients)]
        self.clients = clients
        self.phase = self.phases[0]
        self.records: list[Record] = []
        self.attempts: list[SignupAttempt] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()  # the phases are over: browsing ends
        self._abort = threading.Event()  # interrupted: sign-ups still queued are dropped
        self._jobs: queue.Queue = queue.Queue()

    def prepare(self) -> None:
        """Before any fault: each sign-up client opens a form (its CSRF cookie and token), and
        every page is asked for once, unrecorded, so that both workers are warm (their first
        requests load templates and fill the cache) and the baseline measures the site."""
        first = next(target for phase in self.phases for target in phase.signups)
        paths = {probe.path for phase in self.phases for probe in (*phase.probes, *self.probes)}
        try:
            for session in self.sessions:
                session.open_form(first.path)
            for path in sorted(paths) * 2:  # twice: the two workers take turns
                send(Request("GET", path), port=self.port, timeout=self.timeout)
            for probe in self.admin_probes if self.admin_session else ():
                self.admin_session.get(probe.path, timeout=self.timeout)
        except OSError as error:
            raise LoadError(f"The server did not answer before the drill: {error}") from error

    def run(self) -> DrillResult:
        threads = [
            threading.Thread(target=self._browse, args=(None, offset), daemon=True)
            for offset in range(self.clients)
        ]
        if self.admin_session and self.admin_probes:
            threads.append(
                threading.Thread(target=self._browse, args=(self.admin_session, 0), daemon=True)
            )
        signers = [
            threading.Thread(target=self._sign_up, args=(session,), daemon=True)
            for session in self.sessions
        ]
        windows: dict[str, tuple[float, float]] = {}
        try:
            for thread in threads + signers:
                thread.start()
            for index, phase in enumerate(self.phases):
                windows[phase.name] = self._run_phase(index, phase)
        except BaseException:
            self._abort.set()
            raise
        finally:
            self._stop.set()
            for _ in signers:
                self._jobs.put(None)
            for thread in threads + signers:
                thread.join(timeout=self.timeout + 5)
        self._read_unread_pages()
        return DrillResult(self.records, self.attempts, windows)

    def _run_phase(self, index: int, phase: Phase) -> tuple[float, float]:
        began = time.monotonic()
        self.phase = phase
        count = self.per_target * len(phase.signups)
        for number in range(count):
            target = phase.signups[number % len(phase.signups)]
            mobile = f"139{index:02d}{number % len(phase.signups)}{number:05d}"
            self._jobs.put((began + (number + 0.5) * self.seconds / max(count, 1), target, mobile))
        for action, at in ((phase.start, 0.0), (phase.middle, 0.5), (phase.end, 1.0)):
            time.sleep(max(0.0, began + at * self.seconds - time.monotonic()))
            if action:
                action()
        return began, time.monotonic()

    def _send(self, request: Request, session: Session | None) -> tuple[Response | None, str]:
        try:
            if session:
                return session.send(request, timeout=self.timeout), ""
            return send(request, port=self.port, timeout=self.timeout), ""
        except Exception as error:  # counted as no answer, never lost in the thread
            return None, f"{type(error).__name__}: {error}"

    def _record(
        self, phase, label, began, response, error, problem, attempt=None, missing=""
    ) -> None:
        ended = time.monotonic()
        status, seconds = (response.status, response.seconds) if response else (0, ended - began)
        record = Record(phase, label, status, seconds, error, problem, began, ended, missing)
        with self._lock:
            self.records.append(record)
            if attempt:
                self.attempts.append(attempt)

    def _browse(self, session: Session | None, offset: int) -> None:
        turn = offset
        while not self._stop.is_set():
            phase = self.phase
            probes = self.admin_probes if session else (phase.probes or self.probes)
            probe = probes[turn % len(probes)]
            turn += 1
            request = session.request("GET", probe.path) if session else Request("GET", probe.path)
            began = time.monotonic()
            response, error = self._send(request, session)
            problem = missing = ""
            if response and response.status == 503:
                problem = outage_problem(response)
            elif response and response.status == 200 and probe.expect:
                body = response.body.decode(errors="replace")
                missing = "" if probe.expect in body else probe.expect
            self._record(phase.name, probe.label, began, response, error, problem, missing=missing)

    def _sign_up(self, session: Session) -> None:
        # Sign-ups still queued when the phases end are sent then (late, counted in the last
        # phase): every one posted is checked.
        while (job := self._jobs.get()) is not None:
            due, target, mobile = job
            if self._abort.wait(max(0.0, due - time.monotonic())):
                continue
            for attempt in range(self.retries):
                if attempt and self._abort.wait(0.3):
                    break
                if self._post(session, target, mobile) != Outcome.UNANSWERED:
                    break

    def _post(self, session: Session, target: SignupTarget, mobile: str) -> str:
        phase = self.phase.name
        request = session.form_post(target.path, self.form.fields(mobile))
        began = time.monotonic()
        response, error = self._send(request, session)
        outcome, problem, link = self.classify(response)
        status = response.status if response else 0
        attempt = SignupAttempt(phase, target.activity, mobile, status, outcome, link)
        self._record(phase, "sign-up", began, response, error, problem, attempt)
        if link:
            self._read_page(session, attempt)
        return outcome

    def classify(self, response: Response | None) -> tuple[str, str, str]:
        """(outcome, problem, link) of a sign-up's answer."""
        if response is None:
            return Outcome.UNANSWERED, "", ""
        body = response.body.decode(errors="replace")
        location = (response.header("Location") or "").removeprefix(
            f"http://{LOOPBACK}:{self.port}"
        )
        if response.status == 303 and self.form.link.fullmatch(location):
            return Outcome.STORED, "", location
        if response.status == 409 and self.form.duplicate in body:
            return Outcome.DUPLICATE, "", ""
        if response.status == 409 and self.form.full in body:
            return Outcome.FULL, "", ""
        if response.status == 503:
            return Outcome.UNANSWERED, outage_problem(response), ""
        # Long segments (a sign-up's secret) folded: the report groups alike and shows no secret.
        where = SECRET_SEGMENT.sub("…", location.split("?")[0]) if location else "the form"
        return Outcome.WRONG, f"{response.status} to {where}", ""

    def _read_page(self, session: Session, attempt: SignupAttempt) -> None:
        """The resident opens the page the 303 led to; what it says is what they were told."""
        phase, began = self.phase, time.monotonic()
        response, error = self._send(session.request("GET", attempt.link), session)
        problem = ""
        if response and response.status == 200:
            found = self.form.state.search(response.body.decode(errors="replace"))
            attempt.told = found.group(1) if found else ""
            problem = "" if found else "the sign-up's page shows no state"
        elif response and response.status == 503:
            problem = outage_problem(response)
        self._record(phase.name, "sign-up page", began, response, error, problem)

    def _read_unread_pages(self) -> None:
        """Pages that could not be read during the outage, read again afterwards."""
        for attempt in self.attempts:
            if attempt.link and not attempt.told:
                try:
                    page = send(Request("GET", attempt.link), port=self.port, timeout=self.timeout)
                except OSError:
                    continue  # left unknown: the check then asks only that it is stored
                found = self.form.state.search(page.body.decode(errors="replace"))
                attempt.told = found.group(1) if found else ""
