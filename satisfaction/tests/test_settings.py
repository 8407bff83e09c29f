"""Settings come from the environment; a malformed value stops start-up naming the variable."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from satisfaction.settings import database_config, envbool, envint

SETUP = (
    "import os; os.environ['DJANGO_SETTINGS_MODULE'] = 'satisfaction.settings'; "
    "import django; django.setup()"
)
GOOD = {
    "DATABASE_URL": "postgresql://postgres@127.0.0.1:5432/satisfaction_dev",
    "DEBUG": "true",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}


def start(**overrides: str | None) -> subprocess.CompletedProcess[str]:
    """Set Django up in a fresh interpreter with the good environment changed by `overrides`."""
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "SECRET_KEY"}}
    env.update(GOOD)
    for name, value in overrides.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return subprocess.run(  # noqa: S603 - a fixed command line
        [sys.executable, "-c", SETUP],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_it_starts_with_a_good_environment():
    result = start()
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"DATABASE_URL": "mysql://x/y"}, "DATABASE_URL='mysql://x/y' is not a PostgreSQL URL"),
        ({"DATABASE_URL": "garbage"}, "DATABASE_URL='garbage' is not a PostgreSQL URL"),
        (
            {"DATABASE_URL": "postgresql://postgres@127.0.0.1:5432/"},
            "DATABASE_URL='postgresql://postgres@127.0.0.1:5432/' names no database",
        ),
        ({"DEBUG": "maybe"}, "DEBUG='maybe' is not a boolean"),
        ({"DEBUG": "false", "SECRET_KEY": None}, "SECRET_KEY is not set"),
        ({"REDIS_URL": "http://x"}, "REDIS_URL='http://x' is not a redis:// URL"),
        ({"LOGIN_FAILURE_LIMIT": "abc"}, "LOGIN_FAILURE_LIMIT='abc' is not a whole number"),
        ({"LOGIN_FAILURE_LIMIT": "0"}, "LOGIN_FAILURE_LIMIT='0' must be at least 1"),
        ({"SECURE_COOKIES": "sometimes"}, "SECURE_COOKIES='sometimes' is not a boolean"),
    ],
    ids=[
        "mysql-url",
        "garbage-url",
        "url-without-name",
        "debug-maybe",
        "no-secret-key",
        "http-redis",
        "limit-abc",
        "limit-zero",
        "secure-cookies",
    ],
)
def test_it_refuses_a_malformed_environment_naming_the_variable(overrides, message):
    result = start(**overrides)
    assert result.returncode != 0
    assert "django.core.exceptions.ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_it_reads_booleans_in_several_spellings(monkeypatch):
    for raw, value in [("1", True), ("Yes", True), (" on ", True), ("0", False), ("no", False)]:
        monkeypatch.setenv("SOME_FLAG", raw)
        assert envbool("SOME_FLAG", not value) is value
    monkeypatch.delenv("SOME_FLAG")
    assert envbool("SOME_FLAG", True) is True


def test_it_reads_whole_numbers_with_a_default(monkeypatch):
    monkeypatch.setenv("SOME_NUMBER", "")
    assert envint("SOME_NUMBER", 7) == 7
    monkeypatch.setenv("SOME_NUMBER", "12")
    assert envint("SOME_NUMBER", 7) == 12
    monkeypatch.setenv("SOME_NUMBER", "1.5")
    with pytest.raises(ImproperlyConfigured, match=r"SOME_NUMBER='1\.5'"):
        envint("SOME_NUMBER", 7)


def test_it_parses_a_postgresql_url():
    config = database_config("postgresql://user:pa%40ss@db.example:6543/hailong")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["USER"], config["PASSWORD"]) == ("user", "pa@ss")
    assert (config["HOST"], config["PORT"], config["NAME"]) == ("db.example", 6543, "hailong")
    assert config["CONN_HEALTH_CHECKS"] is True


def test_it_names_the_test_database_with_the_suffix():
    suffix = os.environ.get("TEST_DB_SUFFIX", "")
    assert settings.DATABASES["default"]["TEST"]["NAME"] == f"test_satisfaction{suffix}"
