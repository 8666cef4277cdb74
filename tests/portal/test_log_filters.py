"""An outage logs a line now and then, not a traceback per request."""

import logging

from django.conf import settings

from portal.log_filters import OncePerInterval


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def record(message="Redis is down", error=None):
    exc_info = (type(error), error, None) if error else None
    return logging.LogRecord("django_redis", logging.ERROR, __file__, 1, message, None, exc_info)


def test_one_line_per_interval_without_the_traceback_counting_what_it_left_out():
    clock = Clock()
    throttle = OncePerInterval(seconds=30, clock=clock)
    first = record(error=ConnectionError("Connection refused"))
    assert throttle.filter(first)
    assert first.exc_info is None
    assert first.getMessage() == "Redis is down: ConnectionError: Connection refused"
    assert not any(throttle.filter(record()) for _ in range(2_000))
    clock.now += 29.9
    assert not throttle.filter(record())
    clock.now += 0.2
    later = record()
    assert throttle.filter(later)
    assert later.getMessage() == "Redis is down (2001 more like it in the last interval)"


def test_django_redis_logs_through_the_throttle_and_elasticsearch_retries_are_quiet():
    assert settings.DJANGO_REDIS_LOGGER == "django_redis"
    logger = logging.getLogger(settings.DJANGO_REDIS_LOGGER)
    assert any(isinstance(f, OncePerInterval) for f in logger.filters)
    assert logging.getLogger("elastic_transport").getEffectiveLevel() == logging.ERROR
