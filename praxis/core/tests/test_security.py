"""Security headers: a strict Content-Security-Policy on pages, looser only in the back
office, stricter where a view serves something else."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _policy(response) -> dict[str, str]:
    return {part.split()[0]: part for part in
            (piece.strip() for piece in response["Content-Security-Policy"].split(";")) if part}


def test_pages_run_no_script_and_load_only_this_sites_style(client, cast):
    client.force_login(cast.member)
    for path in ("/", "/accounts/login/", cast.community.get_absolute_url(), "/search/?q=x"):
        policy = _policy(client.get(path))
        assert policy["default-src"] == "default-src 'none'"
        assert policy["style-src"] == "style-src 'self'"
        assert "script-src" not in policy  # falls back to none
        assert policy["frame-ancestors"] == "frame-ancestors 'none'"
        assert policy["form-action"] == "form-action 'self'"


def test_the_back_office_runs_its_own_scripts_only(client, cast):
    cast.steward.is_staff = cast.steward.is_superuser = True
    cast.steward.save()
    client.force_login(cast.steward)
    policy = _policy(client.get(reverse("admin:index")))
    assert policy["script-src"] == "script-src 'self'"
    assert "unsafe-eval" not in str(policy)


def test_error_pages_carry_the_policy_too(client, settings):
    settings.DEBUG = False
    response = client.get("/c/no-such-community/")
    assert response.status_code == 404
    assert _policy(response)["default-src"] == "default-src 'none'"
