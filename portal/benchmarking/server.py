"""gunicorn run for a benchmark: on a free port of 127.0.0.1, with its own environment, and the
CPU its workers use (Linux /proc).

    server = GunicornServer(settings_module="portal.settings.test", env={...}, workers=4)
    with server:  # starts it, and stops it at the end
        server.wait_until_ready("/")
        ...load it on server.port...
"""

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Self

from .load import LOOPBACK, Response, get


class ServerError(RuntimeError):
    """The server exited, answered wrongly or not at all; the message ends with its log."""


def free_port(host: str = LOOPBACK) -> int:
    """A port nothing listens on now (the server binds it a moment later)."""
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


class GunicornServer:
    """gunicorn serving `app` from `cwd` on a free local port, its error log in a temporary file.

    `env` is laid over this process's environment; `settings_module`, when given, becomes its
    DJANGO_SETTINGS_MODULE. The backlog holds a whole burst rather than turning part of it away.
    `config` is a gunicorn configuration file (e.g. the project's portal/gunicorn.conf.py); the
    options given here win over it.
    """

    def __init__(
        self,
        *,
        app: str = "portal.wsgi:application",
        settings_module: str | None = None,
        env: Mapping[str, str] | None = None,
        workers: int = 4,
        worker_class: str = "sync",
        threads: int = 1,
        backlog: int = 2048,
        timeout: int = 120,
        cwd: str | os.PathLike | None = None,
        name: str = "gunicorn",
        config: str | os.PathLike | None = None,
    ):
        self.app, self.settings_module = app, settings_module
        self.workers, self.worker_class, self.threads = workers, worker_class, threads
        self.host = LOOPBACK
        self.port = free_port(self.host)
        self.log_path = Path(tempfile.gettempdir()) / f"{name}-{os.getpid()}-{self.port}.log"
        self.command = [
            sys.executable,
            "-m",
            "gunicorn",
            app,
            f"--bind={self.host}:{self.port}",
            f"--workers={workers}",
            f"--worker-class={worker_class}",
            f"--threads={threads}",
            f"--backlog={backlog}",
            f"--timeout={timeout}",
            "--log-level=warning",
            f"--error-logfile={self.log_path}",
        ]
        if config:
            self.command.append(f"--config={config}")
        self.environment = {**os.environ, **(env or {})}
        if settings_module:
            self.environment["DJANGO_SETTINGS_MODULE"] = settings_module
        self.cwd = cwd
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    @property
    def origin(self) -> str:
        return f"http://{self.host}:{self.port}"

    def describe(self) -> str:
        """E.g. "4 sync workers, portal.settings.test"."""
        threads = f" × {self.threads} threads" if self.worker_class == "gthread" else ""
        serving = self.settings_module or self.app
        return f"{self.workers} {self.worker_class} workers{threads}, {serving}"

    def start(self) -> Self:
        if self.process is None:
            self.process = subprocess.Popen(
                self.command,
                cwd=self.cwd,
                env=self.environment,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        return self

    def wait_until_ready(
        self, path: str = "/", *, timeout: float = 90.0, headers: Mapping[str, str] | None = None
    ) -> Response:
        """Until GET `path` (with `headers`) answers 200, and that first 200; ServerError if
        gunicorn exits, `path` answers anything else, or nothing answers within `timeout`
        seconds."""
        if self.process is None:
            raise ServerError("gunicorn was not started.")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ServerError(f"gunicorn exited:\n{self.log_tail()}")
            try:
                response = get(path, port=self.port, host=self.host, headers=headers)
                status = response.status
            except OSError:
                status = None  # not listening yet
            if status == 200:
                return response
            if status is not None:
                raise ServerError(f"GET {path} answered {status}:\n{self.log_tail()}")
            time.sleep(0.2)
        raise ServerError(f"gunicorn did not answer within {timeout:g} s:\n{self.log_tail()}")

    def stop(self, *, timeout: float = 30.0) -> None:
        """gunicorn's graceful stop (workers finish their requests, then exit); killed if it
        takes longer than `timeout` seconds."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def remove_log(self) -> None:
        self.log_path.unlink(missing_ok=True)

    def worker_pids(self) -> list[int]:
        """The worker processes now: the children of gunicorn's arbiter."""
        if self.process is None:
            return []
        pid = self.process.pid
        try:
            return [
                int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
            ]
        except OSError:
            return []

    def cpu_seconds(self) -> float:
        """User and system CPU time the current workers have used so far."""
        return cpu_seconds(self.worker_pids())


def cpu_seconds(pids: Sequence[int]) -> float:
    """User and system CPU time the processes have used so far (Linux /proc); a process gone
    meanwhile counts nothing."""
    ticks = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


@contextmanager
def cpu_used(**groups: Sequence[int]) -> Iterator[dict[str, float]]:
    """CPU seconds each named group of processes, and this process as "client", uses inside the
    block; the dict is filled when the block ends:

        with cpu_used(workers=server.worker_pids()) as cpu:
            ...
        cpu["workers"], cpu["client"]
    """
    used: dict[str, float] = {}
    before = {name: cpu_seconds(pids) for name, pids in groups.items()}
    client = time.process_time()
    yield used
    used.update({name: cpu_seconds(pids) - before[name] for name, pids in groups.items()})
    used["client"] = time.process_time() - client
