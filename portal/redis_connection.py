"""The Redis connection the cache uses: after a failure it stops asking for a few seconds.

django-redis (IGNORE_EXCEPTIONS) turns each failed cache call into a miss, but every call still
waits for its own timeout. A page makes a few dozen cache calls, so a Redis that hangs or whose
host is gone would cost each page seconds. After a connection fails, this one refuses at once,
without touching the network, until PAUSE_SECONDS have passed; then the next call tries again.
Each app process keeps its own pause (per host and port).
"""

import threading
import time

from redis.connection import Connection
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

PAUSE_SECONDS = 2.0

_lock = threading.Lock()
_paused_until: dict[tuple[str, int], float] = {}


class PausingConnection(Connection):
    def _address(self) -> tuple[str, int]:
        return (self.host, self.port)

    def _pause(self) -> None:
        with _lock:
            _paused_until[self._address()] = time.monotonic() + PAUSE_SECONDS

    def connect(self):
        if self._sock is None and time.monotonic() < _paused_until.get(self._address(), 0.0):
            raise RedisConnectionError(f"Redis at {self.host}:{self.port} failed just now")
        try:
            return super().connect()
        except (RedisConnectionError, RedisTimeoutError):
            self._pause()
            raise

    def read_response(self, *args, **kwargs):
        try:
            return super().read_response(*args, **kwargs)
        except (RedisConnectionError, RedisTimeoutError):
            self._pause()
            raise


def resume_all() -> None:
    """Forget every pause (tests)."""
    with _lock:
        _paused_until.clear()
