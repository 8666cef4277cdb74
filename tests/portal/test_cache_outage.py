"""Redis going away: pages and forms keep answering, and the rate limit counts in-process.

Each test starts a Redis of its own on a free port (never the one on 6379), points the cache at it
with the production settings (portal.settings.base.redis_cache) and stops it by its process id.
"""

import logging
import shutil
import socket
import subprocess
import time

import pytest
import redis

from portal import redis_connection
from portal.settings.base import redis_cache
from stations import antispam
from stations.models import ActivitySignup, VolunteerRegistration
from tests.factories.stations import (
    ActivityPageFactory,
    VolunteerTeamFactory,
    make_activity_site,
    make_registration_form,
)

REDIS_SERVER = shutil.which("redis-server")
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(REDIS_SERVER is None, reason="redis-server is not installed"),
]

SIGNUP = {"name": "陈小明", "mobile": "139 1234 5678", "consent": "on", "homepage": ""}


class OwnRedis:
    """A redis-server child process on a free local port, without persistence."""

    def __init__(self):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        assert self.port != 6379
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1"]
            + ["--save", "", "--appendonly", "no", "--daemonize", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.client = redis.Redis.from_url(self.url, socket_timeout=1)
        deadline = time.monotonic() + 10
        while True:
            try:
                self.client.ping()
                break
            except redis.ConnectionError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    pytest.fail(f"redis-server did not start on port {self.port}")
                time.sleep(0.05)

    def keys(self) -> list[str]:
        return [key.decode() for key in self.client.keys("*")]

    def stop(self):
        """Kill this process (by its own pid, through Popen) and wait until it is gone."""
        self.client.close()
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


@pytest.fixture
def own_redis(settings):
    server = OwnRedis()
    settings.CACHES = {"default": redis_cache(server.url)}
    antispam.clear_local_counts()
    redis_connection.resume_all()
    yield server
    server.stop()
    antispam.clear_local_counts()
    redis_connection.resume_all()


@pytest.fixture
def site():
    activity_index, station, _areas = make_activity_site()
    home = activity_index.get_parent()
    VolunteerTeamFactory(station=station, name="石牌助老小队")
    activity = ActivityPageFactory(parent=activity_index, station=station, title="社区清洁日")
    form_page = make_registration_form(home)
    return {
        "pages": [home, station.get_parent(), station, activity_index, activity],
        "station": station,
        "activity": activity,
        "form_page": form_page,
    }


def registration_data(form_page, station, mobile="13812345678"):
    names = {field.label: field.clean_name for field in form_page.form_fields.all()}
    by_label = {
        "姓名": "李小梅",
        "手机号码": mobile,
        "年龄": "35",
        "政治面貌": "群众",
        "可服务时间": ["周末"],
        "加入的队伍": str(station.teams.get().pk),
    }
    data = {names[label]: value for label, value in by_label.items() if label in names}
    return data | {"station": str(station.pk), "consent_privacy": "on", "homepage": ""}


def assert_pages_answer(client, pages):
    for page in pages:
        response = client.get(page.url)
        assert response.status_code == 200, (page.url, response.status_code)


def test_pages_and_forms_keep_working_when_redis_stops(client, own_redis, site, caplog):
    # With Redis up the pages fill it, Wagtail's site-root cache and the rate limit included.
    assert_pages_answer(client, site["pages"])
    assert client.post(site["activity"].url, SIGNUP).status_code == 303
    keys = own_redis.keys()
    assert any("wagtail_site_root_paths" in key for key in keys), keys
    assert any("portal:sections" in key for key in keys), keys
    assert any(":rl:" in key for key in keys), keys  # the shared count
    ActivitySignup.objects.all().delete()

    own_redis.stop()
    caplog.clear()
    with caplog.at_level(logging.ERROR, logger="django_redis.cache"):
        assert_pages_answer(client, site["pages"])

        signup = client.post(site["activity"].url, SIGNUP | {"mobile": "139 8765 4321"})
        assert signup.status_code == 303
        assert ActivitySignup.objects.filter(mobile="13987654321").count() == 1

        form_page, station = site["form_page"], site["station"]
        registered = client.post(form_page.url, registration_data(form_page, station))
        assert registered.status_code == 200
        assert "报名已提交" in registered.content.decode()
        assert VolunteerRegistration.objects.count() == 1
    # Skipped reads and writes were logged (once per 30 s: portal/log_filters.py), not raised.
    assert any(record.message.startswith("Exception ignored") for record in caplog.records)


def test_the_rate_limit_counts_per_process_while_redis_is_down(client, own_redis, site, settings):
    settings.REGISTRATION_RATE_LIMIT = "2/m"
    settings.ACTIVITY_SIGNUP_RATE_LIMIT = "2/m"
    own_redis.stop()
    form_page, station, activity = site["form_page"], site["station"], site["activity"]

    statuses = [
        client.post(form_page.url, registration_data(form_page, station, f"1380000000{n}"))
        for n in range(3)
    ]
    assert [response.status_code for response in statuses] == [200, 200, 429]
    assert "短时间内提交次数过多" in statuses[-1].content.decode()
    assert VolunteerRegistration.objects.count() == 2

    signups = [
        client.post(activity.url, SIGNUP | {"mobile": f"1390000000{n}"}).status_code
        for n in range(3)
    ]
    assert signups == [303, 303, 429]
    assert ActivitySignup.objects.count() == 2

    # Counted per address, as the shared limit is: another network is not held back.
    other = client.post(
        form_page.url, registration_data(form_page, station, "13800000009"), REMOTE_ADDR="10.1.2.3"
    )
    assert other.status_code == 200


def test_a_redis_that_never_answers_is_asked_once_then_left_alone(
    client, site, settings, monkeypatch
):
    # A Redis that hangs (or whose host is gone) costs a timeout per call: after the first one
    # the connection does not ask again for a while, so pages do not wait call after call.
    monkeypatch.setattr(redis_connection, "PAUSE_SECONDS", 60)
    redis_connection.resume_all()
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(128)  # the kernel completes the connections; nothing ever answers
        settings.CACHES = {"default": redis_cache(f"redis://127.0.0.1:{silent.getsockname()[1]}/0")}
        assert_pages_answer(client, site["pages"])
        form_page, station = site["form_page"], site["station"]
        registered = client.post(form_page.url, registration_data(form_page, station))
        assert registered.status_code == 200

        silent.setblocking(False)
        connections = []
        while True:
            try:
                connections.append(silent.accept()[0])
            except BlockingIOError:
                break
        for connection in connections:
            connection.close()
    redis_connection.resume_all()
    assert len(connections) == 1
