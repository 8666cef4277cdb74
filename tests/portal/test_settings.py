"""Production settings are checked in fresh interpreters, as a deployment would load them."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args, **env_overrides):
    unset = {"SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in unset}
    env["DJANGO_SETTINGS_MODULE"] = "portal.settings.production"
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    "env, missing",
    [
        ({"ALLOWED_HOSTS": "portal.example.cn"}, "SECRET_KEY"),
        ({"SECRET_KEY": "   ", "ALLOWED_HOSTS": "portal.example.cn"}, "SECRET_KEY"),
        ({"SECRET_KEY": secrets.token_urlsafe(50)}, "ALLOWED_HOSTS"),
    ],
)
def test_production_refuses_to_start_without_secret_key_or_hosts(env, missing):
    result = run_manage("check", **env)
    assert result.returncode != 0
    assert f"{missing} must be set in the environment for production" in result.stderr


def test_production_passes_the_deploy_check_without_warnings():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="portal.example.cn",
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_base_settings_are_safe_defaults(settings):
    from portal.settings import base

    assert base.DEBUG is False
    assert os.environ.get("SECRET_KEY", "") == base.SECRET_KEY
    assert base.LANGUAGE_CODE == "zh-hans" and base.TIME_ZONE == "Asia/Shanghai"


INTEGRATIONS = ("DATABASE_URL", "REDIS_URL", "ELASTICSEARCH_URL")


def backends_with(**integrations):
    """The database, cache and search backends base settings pick for these variables."""
    code = (
        "from portal.settings import base as s;"
        "print(s.DATABASES['default']['ENGINE']);"
        "print(s.CACHES['default']['BACKEND']);"
        "print(s.WAGTAILSEARCH_BACKENDS['default']['BACKEND'])"
    )
    env = {k: v for k, v in os.environ.items() if k not in INTEGRATIONS} | integrations
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return result.stdout.split()


def test_integrations_turn_on_from_the_environment():
    assert backends_with(
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/portal",
        REDIS_URL="redis://127.0.0.1:6379/1",
        ELASTICSEARCH_URL="http://127.0.0.1:9200",
    ) == [
        "django.db.backends.postgresql",
        "django_redis.cache.RedisCache",
        "search.backends.elasticsearch9",
    ]


def test_without_integrations_everything_is_embedded():
    assert backends_with() == [
        "django.db.backends.sqlite3",
        "django.core.cache.backends.locmem.LocMemCache",
        "search.backends.database",
    ]


def test_env_example_lists_every_variable():
    text = (ROOT / ".env.example").read_text(encoding="utf-8")
    for name in (
        "DATABASE_URL",
        "REDIS_URL",
        "ELASTICSEARCH_URL",
        "SECRET_KEY",
        "ALLOWED_HOSTS",
        "CSRF_TRUSTED_ORIGINS",
    ):
        assert f"\n{name}=" in f"\n{text}" or f"\n# {name}=" in f"\n{text}", name


def test_elasticsearch_keeps_the_database_index_as_its_fallback():
    code = (
        "from portal.settings import base as s;"
        "print(s.WAGTAILSEARCH_BACKENDS['database']['BACKEND']);"
        "print(s.WAGTAILSEARCH_BACKENDS['default']['INDEX_PREFIX'])"
    )
    env = {k: v for k, v in os.environ.items() if k not in INTEGRATIONS}
    env["ELASTICSEARCH_URL"] = "http://es1:9200,http://es2:9200"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["search.backends.database", "portal_"]


def print_database_options(**env):
    code = "from django.conf import settings; print(settings.DATABASES['default'].get('OPTIONS'))"
    return run_manage(
        "shell",
        "-c",
        code,
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="portal.example.cn",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/test",
        **env,
    )


def test_prepared_statements_are_off_unless_a_threshold_is_given():
    assert "prepare_threshold" not in print_database_options(DATABASE_PREPARE_THRESHOLD="").stdout
    assert "'prepare_threshold': 5" in print_database_options(DATABASE_PREPARE_THRESHOLD="5").stdout
    refused = print_database_options(DATABASE_PREPARE_THRESHOLD="五")
    assert refused.returncode != 0
    assert "DATABASE_PREPARE_THRESHOLD takes a whole number" in refused.stderr
