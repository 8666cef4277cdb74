"""Log-in throttling on the Wagtail admin's log-in (django-axes, portal/login_throttling.py)."""

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.management import call_command
from django.test import Client

LOGIN_URL = "/admin/login/"
LOCKED_OUT = "登录已暂时锁定"
PASSWORD = "right-password-123"

pytestmark = pytest.mark.django_db


@pytest.fixture
def accounts(django_user_model):
    return {
        name: django_user_model.objects.create_user(name, password=PASSWORD, is_staff=True)
        for name in ("alice", "bob")
    }


def log_in(username, password, *, ip="198.51.100.7", **headers):
    """One log-in attempt from a fresh browser at `ip`: (response, logged in?)."""
    client = Client(REMOTE_ADDR=ip, **headers)
    response = client.post(LOGIN_URL, {"username": username, "password": password})
    return response, SESSION_KEY in client.session


def fail(username, times, **kwargs):
    for _ in range(times):
        log_in(username, "wrong-password", **kwargs)


def assert_locked_out(response, logged_in):
    assert response.status_code == 429
    assert not logged_in
    assert LOCKED_OUT in response.content.decode()
    assert "no-store" in response["Cache-Control"]


def test_axes_guards_every_authentication():
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
    assert settings.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"
    assert settings.AXES_ENABLED


def test_five_wrong_passwords_lock_the_account_and_the_right_one_then_fails(accounts):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response, logged_in = log_in("alice", "wrong-password")
        assert response.status_code == 200  # the form again, with Wagtail's own message
        assert not logged_in

    assert_locked_out(*log_in("alice", "wrong-password"))
    response, logged_in = log_in("alice", PASSWORD)
    assert_locked_out(response, logged_in)
    assert "15 分钟" in response.content.decode()


def test_the_lockout_is_per_account_and_address(accounts):
    fail("alice", settings.AXES_FAILURE_LIMIT)

    # Another account from the same address, and the same account from another address, log in.
    response, logged_in = log_in("bob", PASSWORD)
    assert response.status_code == 302 and logged_in
    response, logged_in = log_in("alice", PASSWORD, ip="203.0.113.9")
    assert response.status_code == 302 and logged_in


def test_one_address_trying_many_accounts_locks_at_the_per_ip_limit(accounts):
    limit, ip_limit = settings.AXES_FAILURE_LIMIT, settings.LOGIN_FAILURE_LIMIT_PER_IP
    assert ip_limit > limit
    fail("alice", limit)
    # Guess other names, each fewer times than the per-account limit, up to one short of the
    # per-IP limit: bob still logs in from here.
    remaining = ip_limit - limit - 1
    for index in range(remaining):
        fail(f"guess{index // (limit - 1)}", 1)
    response, logged_in = log_in("bob", PASSWORD)
    assert response.status_code == 302 and logged_in

    fail("guess-last", 1)
    assert_locked_out(*log_in("bob", PASSWORD))
    # Other addresses are not held back.
    response, logged_in = log_in("bob", PASSWORD, ip="203.0.113.9")
    assert response.status_code == 302 and logged_in


def test_behind_a_proxy_the_client_header_is_the_address(accounts, settings):
    settings.RATELIMIT_IP_META_KEY = "HTTP_X_REAL_IP"
    proxy = "10.0.0.2"
    fail("alice", settings.AXES_FAILURE_LIMIT, ip=proxy, HTTP_X_REAL_IP="198.51.100.7")

    assert_locked_out(*log_in("alice", PASSWORD, ip=proxy, HTTP_X_REAL_IP="198.51.100.7"))
    response, logged_in = log_in("alice", PASSWORD, ip=proxy, HTTP_X_REAL_IP="198.51.100.8")
    assert response.status_code == 302 and logged_in
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"198.51.100.7"}


@pytest.mark.parametrize(
    "command",
    [("axes_reset",), ("axes_reset_username", "alice"), ("axes_reset_ip", "198.51.100.7")],
)
def test_an_administrator_unlocks_with_a_management_command(accounts, command):
    fail("alice", settings.AXES_FAILURE_LIMIT)
    assert_locked_out(*log_in("alice", PASSWORD))

    call_command(*command, verbosity=0)

    response, logged_in = log_in("alice", PASSWORD)
    assert response.status_code == 302 and logged_in


def test_an_administrator_unlocks_in_the_django_admin(accounts, admin_client):
    fail("alice", settings.AXES_FAILURE_LIMIT)
    attempt = AccessAttempt.objects.get(username="alice")

    listing = admin_client.get("/django-admin/axes/accessattempt/")
    assert listing.status_code == 200
    assert "alice" in listing.content.decode()
    response = admin_client.post(
        "/django-admin/axes/accessattempt/",
        {"action": "delete_selected", "_selected_action": [attempt.pk], "post": "yes"},
    )
    assert response.status_code == 302

    response, logged_in = log_in("alice", PASSWORD)
    assert response.status_code == 302 and logged_in
