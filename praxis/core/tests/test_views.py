from unittest import mock

from django.db.utils import OperationalError
from django.urls import reverse


def test_healthz_answers_200_when_the_database_answers(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_answers_503_when_the_database_is_unreachable(client, db):
    with mock.patch("praxis.site.core.views.connection.cursor",
                    side_effect=OperationalError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


def test_home_for_visitors_invites_to_sign_up(client, db):
    response = client.get(reverse("core:home"))
    assert response.status_code == 200
    assert reverse("accounts:signup").encode() in response.content


def test_a_forged_form_is_refused_with_a_plain_message_and_changes_nothing(db):
    from django.test import Client

    from praxis.accounts.models import User

    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("accounts:signup"), {
        "display_name": "Forger", "email": "forger@example.org",
        "password": "teaching-is-learning", "locale": "en",
    })
    assert response.status_code == 403
    assert "This form has expired" in response.content.decode()
    assert not User.objects.exists()


def test_the_stylesheet_is_found_by_the_static_files_finders():
    from django.contrib.staticfiles import finders

    assert finders.find("praxis/praxis.css")


def test_pages_render_with_the_production_static_storage(client, db, settings, tmp_path):
    from django.core.management import call_command

    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}}
    call_command("collectstatic", interactive=False, verbosity=0)
    page = client.get(reverse("core:home")).content.decode()
    assert "/static/praxis/praxis." in page and ".css" in page
    assert "/static/praxis/praxis.css" not in page  # hashed name, cacheable for ever
