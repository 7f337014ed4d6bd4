"""The page budget (DESIGN.md): every main page of the demo loads in <= 30 KB compressed with
its stylesheet, fetches nothing from another host, uses no web fonts; pages are compressed,
answer 304 when unchanged, stay private when personal; static files are hashed, compressed
and cached for a year."""

import gzip

import brotli
import pytest
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse

from bench.page_weight import (
    BUDGET_BYTES,
    STYLESHEET,
    css_references,
    external_references,
    main_pages,
    stylesheet,
    weigh_all,
)
from praxis.accounts.models import User
from praxis.core.middleware import page_etag
from praxis.demo.communities import MAIN_SLUG, MEMBER_EMAIL

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def weights(demo, django_db_blocker):
    with django_db_blocker.unblock():
        return weigh_all()


def test_every_main_page_is_measured(weights):
    names = {weight.page.name for weight in weights}
    for name in ("home", "community home", "topic list", "topic page", "unread",
                 "member directory", "cohorts", "search results", "proposals", "archive",
                 "profile", "email settings", "invitations", "join requests", "log in",
                 "study participation", "case-by-theme grid", "coding a source"):
        assert name in names
    thread = next(w for w in weights if w.page.name.startswith("thread"))
    assert int(thread.page.name.split("(")[1].split()[0]) >= 100  # a long thread
    assert all(weight.status == 200 for weight in weights), [
        (w.page.url, w.status) for w in weights if w.status != 200]


def test_every_main_page_loads_within_the_budget(weights):
    over = [(w.page.name, w.first_load) for w in weights if w.first_load > BUDGET_BYTES]
    assert not over, f"over {BUDGET_BYTES} bytes on first load: {over}"


def test_pages_are_sent_compressed(weights):
    assert all(w.html_bytes < w.raw_bytes for w in weights)


def test_no_page_fetches_from_another_host(weights):
    external = {w.page.name: w.external for w in weights if w.external}
    assert not external


def test_no_web_fonts_and_nothing_external_in_the_stylesheet():
    css = stylesheet()
    assert "@font-face" not in css
    assert not [url for url in css_references(css) if not url.startswith("data:")
                and ("//" in url)]


def test_external_references_are_found():
    html = ('<link rel="stylesheet" href="https://cdn.example.com/x.css">'
            '<script src="//cdn.example.com/x.js"></script>'
            '<img src="http://testserver/media/a.png" srcset="https://img.example.com/b.png 2x">'
            '<a href="https://example.com/">a link is not a request</a>'
            '<div style="background: url(https://example.com/bg.png)"></div>')
    assert len(external_references(html)) == 4


def test_unchanged_page_answers_304_without_a_body(demo):
    client = Client()
    client.force_login(User.objects.get(email=MEMBER_EMAIL))
    url = reverse("communities:detail", args=[MAIN_SLUG])
    first = client.get(url)
    assert first.status_code == 200 and first["ETag"]
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""
    # compressed, the ETag is weakened but still matches
    zipped = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert zipped["Content-Encoding"] == "gzip"
    assert client.get(url, HTTP_ACCEPT_ENCODING="gzip",
                      HTTP_IF_NONE_MATCH=zipped["ETag"]).status_code == 304


def test_the_etag_ignores_csrf_masks_but_not_the_secret():
    page = b'<form><input type="hidden" name="csrfmiddlewaretoken" value="%s"></form>'
    assert page_etag(page % b"aaa", "secret") == page_etag(page % b"bbb", "secret")
    assert page_etag(page % b"aaa", "secret") != page_etag(page % b"aaa", "other")
    assert page_etag(b"<p>one</p>", "s") != page_etag(b"<p>two</p>", "s")


def test_signed_in_pages_are_private(demo):
    client = Client()
    client.force_login(User.objects.get(email=MEMBER_EMAIL))
    for page in main_pages():
        if page.who != "member":
            continue
        response = client.get(page.url)
        assert "Cookie" in response["Vary"], page.url
        directives = {d.strip() for d in response["Cache-Control"].split(",")}
        assert {"private", "no-cache"} <= directives, (page.url, directives)


def test_stylesheet_is_hashed_compressed_and_cached_for_a_year(tmp_path, settings):
    storages = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}}
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=storages, DEBUG=False,
                           WHITENOISE_AUTOREFRESH=False):
        call_command("collectstatic", interactive=False, verbosity=0,
                     ignore_patterns=["admin"])
        from django.contrib.staticfiles.storage import staticfiles_storage

        url = staticfiles_storage.url(STYLESHEET)
        assert url != f"/static/{STYLESHEET}"  # the name carries the content's hash
        client = Client()  # a new handler: WhiteNoise scans the new STATIC_ROOT
        response = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
        assert response.status_code == 200
        assert response["Content-Encoding"] == "gzip"
        body = b"".join(response.streaming_content)  # type: ignore[arg-type]
        assert gzip.decompress(body).decode() == stylesheet()
        max_age = next(int(d.split("=")[1]) for d in response["Cache-Control"].split(", ")
                       if d.startswith("max-age="))
        assert max_age >= 365 * 24 * 3600
        assert "immutable" in response["Cache-Control"]
        response.close()
        # Browsers that take Brotli get the smaller file.
        response = client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
        assert response["Content-Encoding"] == "br"
        body = b"".join(response.streaming_content)  # type: ignore[arg-type]
        assert brotli.decompress(body).decode() == stylesheet()
        response.close()
