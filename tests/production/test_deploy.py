"""DJANGO_ENV=production: Django's deploy checks pass, and the switch refuses bad setups.

Each runs `manage.py` in a subprocess, as a deploy would, because settings are read
once at import: the test process's own settings cannot be switched in place.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from telephone_site.settings import (
    PRODUCTION_FORBIDS_DEBUG,
    PRODUCTION_NEEDS_EMAIL,
    PRODUCTION_NEEDS_HOSTS,
    PRODUCTION_NEEDS_SECRET_KEY,
)

ROOT = Path(__file__).resolve().parents[2]
# Variables a developer's shell or .env could set that would change what is checked.
CLEARED = (
    "DJANGO_ENV",
    "SECRET_KEY",
    "DEBUG",
    "ALLOWED_HOSTS",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "TRUST_X_FORWARDED_PROTO",
    "EMAIL_HOST",
    "EMAIL_BACKEND",
    "TRUSTED_PROXIES",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
)  # the browser tests set this one for Playwright


def production_env(**overrides: str) -> dict:
    env = {key: value for key, value in os.environ.items() if key not in CLEARED}
    # Mail goes to a port nothing listens on: no test here sends any, and one that did
    # would fail at once instead of reaching a real server.
    env.update(
        DJANGO_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="telephone.example.org",
        SITE_URL="https://telephone.example.org",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT="9",
    )
    env.update(overrides)
    return {key: value for key, value in env.items() if value is not None}


def manage(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_passes_at_warning_level_in_production():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_fails_on_development_settings():
    """The check above can fail: the embedded development defaults do not pass it."""
    env = production_env(DJANGO_ENV="development", SECRET_KEY=None, ALLOWED_HOSTS=None, SITE_URL=None)
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016", "security.W018"):
        assert warning in result.stderr, warning


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"SECRET_KEY": None}, PRODUCTION_NEEDS_SECRET_KEY),
        ({"SECRET_KEY": "dev-only-insecure-key-change-me-in-production"}, PRODUCTION_NEEDS_SECRET_KEY),
        ({"ALLOWED_HOSTS": None}, PRODUCTION_NEEDS_HOSTS),
        ({"DEBUG": "true"}, PRODUCTION_FORBIDS_DEBUG),
        # Accounts mail verification links and password resets: the console reaches nobody.
        ({"EMAIL_HOST": None}, PRODUCTION_NEEDS_EMAIL),
        ({"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}, PRODUCTION_NEEDS_EMAIL),
    ],
)
def test_production_refuses_to_start_without_what_it_cannot_guess(overrides, message):
    result = manage("check", env=production_env(**overrides))
    assert result.returncode != 0
    assert message in result.stderr
