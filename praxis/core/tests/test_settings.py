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
             if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "SITE_URL",
                          "DJANGO_SETTINGS_MODULE"}}
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
    ({"SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "praxis.example.org"}, "SITE_URL must be"),
    ({"SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "a.org", "SITE_URL": "a.org"}, "SITE_URL must"),
])
def test_production_mode_refuses_unsafe_settings(env, problem):
    result = _load_settings(**env)
    assert result.returncode != 0
    assert problem in result.stderr


def test_production_mode_starts_with_safe_settings():
    result = _load_settings(SECRET_KEY=GOOD_KEY, ALLOWED_HOSTS="praxis.example.org",
                            SITE_URL="https://praxis.example.org")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False ['praxis.example.org']"


def test_development_mode_needs_nothing():
    result = _load_settings(DEBUG="true")
    assert result.returncode == 0, result.stderr


def test_make_run_links_emails_to_the_port_it_serves():
    """`make run PORT=8811`: the demo, the worker and the server all write links to 8811."""
    result = subprocess.run(["make", "-n", "run", "PORT=8811"],  # noqa: S607 (make on PATH)
                            cwd=ROOT, capture_output=True, text=True, check=True)
    commands = [part for line in result.stdout.splitlines() for part in line.split(";")
                if "manage.py" in part]
    assert {"migrate", "seed_demo", "worker", "runserver"} <= {
        word for command in commands for word in command.split()}
    for command in commands:
        assert "SITE_URL=http://127.0.0.1:8811" in command, command
    assert "runserver 127.0.0.1:8811" in result.stdout


def test_a_refused_request_is_logged_on_one_line(client, db, capfd):
    import logging.config

    from django.conf import settings
    handlers, quiet = logging.root.handlers[:], logging.getLogger("fontTools").level
    logging.config.dictConfig(settings.LOGGING)
    try:
        client.get("/admin/", HTTP_HOST="127.0.0.1")  # a redirect: nothing logged
        response = client.get("/c/no-such-community/")
        assert response.status_code == 404
        logging.getLogger("django.request").warning(
            "Forbidden (Permission denied): /x/", exc_info=ValueError("refused"),
            extra={"status_code": 403})
        logging.getLogger("fontTools.subset").info("a table written")
    finally:
        logging.root.handlers[:] = handlers
        logging.getLogger("fontTools").setLevel(quiet)
    logged = capfd.readouterr().err.strip().splitlines()
    assert any("Forbidden (Permission denied): /x/" in line for line in logged)
    assert not any("Traceback" in line or "fontTools" in line for line in logged), logged


PRODUCTION = {"SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "praxis.example.org",
              "SITE_URL": "https://praxis.example.org", "SECURE_SSL_REDIRECT": "true",
              "SECURE_HSTS_SECONDS": "31536000", "SECURE_HSTS_INCLUDE_SUBDOMAINS": "true",
              "SECURE_HSTS_PRELOAD": "true"}


def test_the_documented_production_settings_pass_djangos_deploy_check():
    clean = {k: v for k, v in os.environ.items()
             if k not in {"DEBUG", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
             and not k.startswith(("SECURE_", "SECRET_KEY", "ALLOWED_HOSTS", "SITE_URL"))}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env={**clean, **PRODUCTION}, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
