"""The fault drill's processes and ports: a Redis of its own, a port that refuses connections,
the database's connections cut from outside, and gunicorn with its logs kept."""

import re
import socket
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Iterable

import redis
from django.db import connections
from redis.backoff import NoBackoff
from redis.retry import Retry

from ..load import LOOPBACK
from ..server import GunicornServer, free_port

REDIS_PORTS = range(6391, 6400)  # never 6379, which the machine's own Redis holds


class FaultError(RuntimeError):
    """A fault could not be set up as asked (a port taken, a Redis that will not start)."""


def refuses_connections(port: int, host: str = LOOPBACK) -> bool:
    """True when connecting is refused at once, as to a stopped service; a port that accepts
    or hangs is not closed."""
    try:
        socket.create_connection((host, port), timeout=0.5).close()
    except ConnectionRefusedError:
        return True
    except OSError:
        return False
    return False


def closed_port(host: str = LOOPBACK) -> int:
    """A local port nothing listens on, for a service that is meant to be unreachable."""
    port = free_port(host)
    if not refuses_connections(port, host):
        raise FaultError(f"Port {port} was meant to be closed but answers.")
    return port


def unused_port(ports: Iterable[int], host: str = LOOPBACK) -> int:
    """The first of `ports` that nothing listens on and this process could bind."""
    for port in ports:
        with socket.socket() as probe:
            try:
                probe.bind((host, port))
            except OSError:
                continue
        if refuses_connections(port, host):
            return port
    raise FaultError(f"Every port of {ports} is in use.")


class RedisServer:
    """redis-server as a child process on `port` of the loopback, without persistence; killed
    and restarted by its own process id, never by name."""

    def __init__(self, port: int, *, executable: str = "redis-server"):
        self.port, self.executable = port, executable
        self.process: subprocess.Popen | None = None
        # No retries: a Redis that is down should say so at once (redis-py retries with backoff).
        self.client = redis.Redis(
            host=LOOPBACK, port=port, socket_timeout=1, retry=Retry(NoBackoff(), 0)
        )

    @property
    def url(self) -> str:
        return f"redis://{LOOPBACK}:{self.port}/0"

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.kill()

    def start(self, *, timeout: float = 10.0):
        if self.running:
            return self
        self.process = subprocess.Popen(
            [self.executable, "--port", str(self.port), "--bind", LOOPBACK]
            + ["--save", "", "--appendonly", "no", "--daemonize", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + timeout
        while not self.answers():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.kill()
                raise FaultError(f"redis-server did not start on port {self.port}.")
            time.sleep(0.05)
        return self

    def answers(self) -> bool:
        try:
            return bool(self.client.ping())
        except redis.RedisError:
            return False

    def keys(self) -> int:
        """How many keys it holds now (0 when it is down)."""
        try:
            return int(self.client.dbsize())
        except redis.RedisError:
            return 0

    def kill(self) -> None:
        """SIGKILL, as a crash: clients find their connections gone, nothing is saved."""
        self.client.close()
        if self.running:
            self.process.kill()
            self.process.wait(timeout=10)


class BackendTerminator:
    """Every `interval` seconds, cuts every other client connection to `database` with
    pg_terminate_backend, from a connection of its own (a database restart or failover as the
    app processes see it). Counts the rounds and the connections cut."""

    QUERY = (
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s"
        " AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
    )

    def __init__(self, database: str, *, interval: float = 0.5, alias: str = "default"):
        self.database, self.interval, self.alias = database, interval, alias
        self.rounds = self.terminated = 0
        self.errors: list[str] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="terminator", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=10)

    def _run(self) -> None:
        connection = connections[self.alias]  # this thread's own
        try:
            while not self._stop.is_set():
                try:
                    with connection.cursor() as cursor:
                        cursor.execute(self.QUERY, [self.database])
                        self.terminated += sum(1 for (done,) in cursor.fetchall() if done)
                    self.rounds += 1
                except Exception as error:  # shown in the report; the drill goes on
                    self.errors.append(f"{type(error).__name__}: {error}")
                    connection.close()
                self._stop.wait(self.interval)
        finally:
            connection.close()


class LoggedServer(GunicornServer):
    """GunicornServer run with the project's gunicorn.conf.py, its workers' own output (Django's
    log, tracebacks included) captured into the error log, and the access log kept in a file."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.access_log_path = self.log_path.with_suffix(".access.log")
        self.command += ["--capture-output", f"--access-logfile={self.access_log_path}"]

    def error_log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def access_statuses(self) -> Counter:
        """Status codes as gunicorn's access log recorded them."""
        try:
            lines = self.access_log_path.read_text(errors="replace").splitlines()
        except OSError:
            return Counter()
        return Counter(
            int(found.group(1)) for line in lines if (found := ACCESS_STATUS.search(line))
        )

    def remove_log(self) -> None:
        super().remove_log()
        self.access_log_path.unlink(missing_ok=True)


# gunicorn's default access format: host - user [time] "request line" status length "referer" …
ACCESS_STATUS = re.compile(r'^\S+ \S+ \S+ \[[^\]]*\] "(?:[^"\\]|\\.)*" (\d{3}) ')
