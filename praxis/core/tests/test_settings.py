"""Praxis refuses to start in production mode with settings that would make it unsafe."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
GOOD_KEY = "k3y-" + "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOP"


def _load_settings(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items()
             if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_SETTINGS_MODULE"}}
    return subprocess.run(
        [sys.executable, "-c", "import praxis.settings as s; print(s.DEBUG, s.ALLOWED_HOSTS)"],
        cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, check=False,
    )


@pytest.mark.parametrize("env,problem", [
    ({}, "SECRET_KEY must be set"),
    ({"SECRET_KEY": "short", "ALLOWED_HOSTS": "praxis.example.org"}, "at least 50"),
    ({"SECRET_KEY": GOOD_KEY}, "ALLOWED_HOSTS must list"),
    ({"SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "*"}, "must not contain '*'"),
    ({"SECRET_KEY": "django-insecure-" + "x" * 60, "ALLOWED_HOSTS": "a.org"},
     "SECRET_KEY must be set"),
])
def test_production_mode_refuses_unsafe_settings(env, problem):
    result = _load_settings(**env)
    assert result.returncode != 0
    assert problem in result.stderr


def test_production_mode_starts_with_safe_settings():
    result = _load_settings(SECRET_KEY=GOOD_KEY, ALLOWED_HOSTS="praxis.example.org")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False ['praxis.example.org']"


def test_development_mode_needs_nothing():
    result = _load_settings(DEBUG="true")
    assert result.returncode == 0, result.stderr
