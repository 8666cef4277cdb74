"""Load for a benchmark over loopback HTTP: one request, a browser's cookies and CSRF token, a
burst of requests at the same moment, a steady rate of them, and a closed loop of clients each
sending the next as soon as the last is answered.

Every request goes on a connection of its own (gunicorn's sync workers close each one anyway) and
is timed from sending it to the end of its body.
"""

import http.client
import re
import threading
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlencode

LOOPBACK = "127.0.0.1"
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class LoadError(RuntimeError):
    """The load could not be made as asked: a form without its token, a burst that never began."""


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    body: bytes | None = None
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass
class Response:
    status: int
    header_list: list[tuple[str, str]]
    body: bytes
    seconds: float  # from sending the request to the end of the body

    def headers(self, name: str) -> list[str]:
        return [value for key, value in self.header_list if key.lower() == name.lower()]

    def header(self, name: str) -> str | None:
        return next(iter(self.headers(name)), None)


def send(request: Request, *, port: int, host: str = LOOPBACK, timeout: float = 120.0) -> Response:
    """One request on a fresh connection; OSError if nothing listens."""
    started = time.perf_counter()
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        conn.request(request.method, request.path, body=request.body, headers=dict(request.headers))
        response = conn.getresponse()
        body = response.read()
        return Response(response.status, response.getheaders(), body, time.perf_counter() - started)
    finally:
        conn.close()


def get(
    path: str,
    *,
    port: int,
    host: str = LOOPBACK,
    timeout: float = 120.0,
    headers: Mapping[str, str] | None = None,
) -> Response:
    return send(
        Request("GET", path, headers=dict(headers or {})), port=port, host=host, timeout=timeout
    )


def form_token(html: bytes | str) -> str | None:
    """The csrfmiddlewaretoken of the first Django form in the page."""
    found = CSRF_INPUT.search(html.decode() if isinstance(html, bytes) else html)
    return found.group(1) if found else None


@dataclass
class Session:
    """One browser against one server: the cookies it was given and the CSRF token of the last
    form it opened. Requests it builds carry its cookies as they are when built."""

    port: int
    host: str = LOOPBACK
    cookies: dict[str, str] = field(default_factory=dict)
    csrf_token: str = ""

    @property
    def origin(self) -> str:
        return f"http://{self.host}:{self.port}"

    def request(
        self,
        method: str,
        path: str,
        *,
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Request:
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        return Request(method, path, body=body, headers=headers)

    def send(self, request: Request, *, timeout: float = 120.0) -> Response:
        """Send it and keep the cookies the answer sets."""
        response = send(request, port=self.port, host=self.host, timeout=timeout)
        received = SimpleCookie()
        for header in response.headers("Set-Cookie"):
            received.load(header)
        self.cookies.update({name: morsel.value for name, morsel in received.items()})
        return response

    def get(self, path: str, *, timeout: float = 120.0) -> Response:
        return self.send(self.request("GET", path), timeout=timeout)

    def open_form(self, path: str, *, csrf_cookie: str = "csrftoken") -> Response:
        """GET the page as a browser would and keep its CSRF cookie and form token; LoadError
        unless the page answers 200 with both."""
        response = self.get(path)
        token = form_token(response.body)
        if response.status != 200 or csrf_cookie not in self.cookies or not token:
            raise LoadError(f"GET {path} ({response.status}) gave no form with a CSRF token.")
        self.csrf_token = token
        return response

    def form_post(self, path: str, fields: Mapping[str, str]) -> Request:
        """The form's POST as the browser would send it: the fields and, once a form was
        opened, its token, from this origin. Without one, Django's CSRF check refuses it."""
        fields = dict(fields)
        if self.csrf_token:
            fields["csrfmiddlewaretoken"] = self.csrf_token
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": self.origin,
            "Referer": self.origin + path,
        }
        return self.request("POST", path, body=urlencode(fields).encode(), headers=headers)


@dataclass
class Answer:
    """One request of a load: its response, or the error that took its place."""

    response: Response | None = None
    error: str = ""
    finished: float = 0.0  # time.perf_counter() when it ended; 0 if it never did
    late: float = 0.0  # how long after its due moment it was sent (steady load)

    @property
    def status(self) -> int:
        return self.response.status if self.response else 0

    @property
    def seconds(self) -> float:
        return self.response.seconds if self.response else 0.0

    def header(self, name: str) -> str | None:
        return self.response.header(name) if self.response else None


@dataclass
class LoadResult:
    answers: list[Answer]
    wall: float  # from the first request's start to the last one's end

    @property
    def statuses(self) -> Counter:
        return Counter(answer.status for answer in self.answers if not answer.error)

    @property
    def errors(self) -> list[str]:
        return [answer.error for answer in self.answers if answer.error]

    def rate(self, status: int) -> float:
        """Answers with `status` per second of wall time."""
        return self.statuses[status] / self.wall if self.wall else 0.0

    def latencies(self) -> list[float]:
        return [answer.seconds for answer in self.answers if answer.status]


def _send_into(answer: Answer, request: Request, *, port: int, host: str, timeout: float):
    try:
        answer.response = send(request, port=port, host=host, timeout=timeout)
    except Exception as error:  # counted and shown, never lost in the thread
        answer.error = f"{type(error).__name__}: {error}"
    answer.finished = time.perf_counter()


def burst(
    requests: Sequence[Request],
    *,
    port: int,
    host: str = LOOPBACK,
    timeout: float = 120.0,
    deadline: float = 300.0,
) -> LoadResult:
    """Every request sent at the same moment, each from a thread and on a connection of its own:
    the threads wait at a barrier until all are ready. A request still unanswered `deadline`
    seconds after the threads start is left to its thread and counts as never finished."""
    if not requests:
        raise ValueError("A burst needs at least one request.")
    answers = [Answer() for _ in requests]
    released: list[float] = []
    barrier = threading.Barrier(len(requests), action=lambda: released.append(time.perf_counter()))

    def fire(request: Request, answer: Answer):
        try:
            barrier.wait(timeout=timeout)
        except threading.BrokenBarrierError as error:
            answer.error = f"{type(error).__name__}: {error}"
            answer.finished = time.perf_counter()
            return
        _send_into(answer, request, port=port, host=host, timeout=timeout)

    threads = [
        threading.Thread(target=fire, args=pair, daemon=True)
        for pair in zip(requests, answers, strict=True)
    ]
    for thread in threads:
        thread.start()
    ends = time.monotonic() + deadline
    for thread in threads:
        thread.join(timeout=max(0.0, ends - time.monotonic()))
    if not released:
        raise LoadError("The burst never started: a client thread failed.")
    return LoadResult(
        answers=answers, wall=max(answer.finished for answer in answers) - released[0]
    )


def steady(
    requests: Sequence[Request],
    *,
    port: int,
    per_second: float,
    concurrency: int = 8,
    host: str = LOOPBACK,
    timeout: float = 120.0,
) -> LoadResult:
    """An open loop: request i is due `i / per_second` seconds after the start and sent then by
    one of `concurrency` threads, or as soon as one is free (its `late` says by how much: a
    server slower than the rate shows there, not as a lower rate)."""
    if per_second <= 0 or concurrency < 1:
        raise ValueError("Need per_second > 0 and concurrency ≥ 1.")
    answers = [Answer() for _ in requests]
    started = time.perf_counter()

    def fire(number: int):
        due = started + number / per_second
        wait = due - time.perf_counter()
        if wait > 0:
            time.sleep(wait)
        answers[number].late = max(0.0, time.perf_counter() - due)
        _send_into(answers[number], requests[number], port=port, host=host, timeout=timeout)

    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        list(pool.map(fire, range(len(requests))))
    ended = max((answer.finished for answer in answers), default=started)
    return LoadResult(answers=answers, wall=ended - started)


def closed_loop(
    request: Request,
    *,
    port: int,
    seconds: float,
    clients: int = 8,
    host: str = LOOPBACK,
    timeout: float = 120.0,
) -> LoadResult:
    """`clients` threads, each sending `request` again as soon as its last answer is in, for
    `seconds` (what wrk does, in Python: for a machine without wrk, and slower than it)."""
    if seconds <= 0 or clients < 1:
        raise ValueError("Need seconds > 0 and clients ≥ 1.")
    answers: list[Answer] = []  # list.append is atomic: the threads share it without a lock
    started = time.perf_counter()
    ends = started + seconds

    def client():
        while time.perf_counter() < ends:
            answer = Answer()
            _send_into(answer, request, port=port, host=host, timeout=timeout)
            answers.append(answer)

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ended = max((answer.finished for answer in answers), default=started)
    return LoadResult(answers=answers, wall=ended - started)
