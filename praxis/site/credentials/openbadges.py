"""The Open Badges documents: public, read by wallets and verifiers without signing in
(``praxis.credentials.openbadges`` writes them). Each answers with its own content type, may
be cached a little, and may be read from any origin (a wallet in a browser fetches them).

What is public: a certificate's documents (its id is unguessable; the holder shares it), and
the documents of a programme or community that has issued at least one certificate
(``openbadges.published_programmes``, ``openbadges.publishes``). Those are addressed by
unguessable ids too (the programme's ``public_id``, the issuer key's ``public_id``), never by
a sequential id or a slug, so a stranger cannot walk them to learn a private community's
programmes or whether it exists. A private community's issuer documents answer once it has
issued a certificate (a verifier must read them) and say its name and address, nothing more.
"""

import json
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from praxis.communities.models import Community
from praxis.credentials import keys, openbadges
from praxis.credentials.models import Certificate, IssuerKey

JSON_LD = "application/ld+json; charset=utf-8"
JSON = "application/json; charset=utf-8"
JWT = "application/jwt"
# Seconds a document may be kept; a revocation shows within this time.
MAX_AGE = 300


def _public(response: HttpResponse, *, max_age: int = MAX_AGE) -> HttpResponse:
    patch_cache_control(response, public=True, max_age=max_age)
    response["Access-Control-Allow-Origin"] = "*"
    response["X-Robots-Tag"] = "noindex"
    return response


def _json(document: dict[str, Any], *, content_type: str = JSON_LD,
          status: int = 200) -> HttpResponse:
    body = json.dumps(document, ensure_ascii=False, indent=2)
    return _public(HttpResponse(body, content_type=content_type, status=status))


def _certificate(public_id: str) -> Certificate:
    return get_object_or_404(Certificate.objects.select_related(
        "programme", "community", "recipient"), public_id=public_id)


def _issuing_community(issuer_id: str) -> Community:
    """The community whose issuer key has this public id, once it has issued."""
    issuer = get_object_or_404(IssuerKey.objects.select_related("community"),
                               public_id=issuer_id)
    if not openbadges.publishes(issuer.community):
        raise Http404
    return issuer.community


@require_safe
def ob3_json(request: HttpRequest, public_id: str) -> HttpResponse:
    return _json(openbadges.ob3_credential(_certificate(public_id)))


@require_safe
def ob3_jwt(request: HttpRequest, public_id: str) -> HttpResponse:
    certificate = _certificate(public_id)
    response = _public(HttpResponse(openbadges.ob3_jwt(certificate), content_type=JWT))
    response["Content-Disposition"] = (
        f'attachment; filename="certificate-{certificate.public_id}.jwt"')
    return response


@require_safe
def ob2_json(request: HttpRequest, public_id: str) -> HttpResponse:
    """The hosted assertion; HTTP 410 once revoked, saying so (Open Badges 2.0)."""
    certificate = _certificate(public_id)
    status = 410 if certificate.is_revoked else 200
    return _json(openbadges.ob2_assertion(certificate), status=status)


@require_safe
def badge_json(request: HttpRequest, public_id: str) -> HttpResponse:
    programme = get_object_or_404(openbadges.published_programmes(), public_id=public_id)
    return _json(openbadges.ob2_badge_class(programme))


@require_safe
def badge_svg(request: HttpRequest, public_id: str) -> HttpResponse:
    programme = get_object_or_404(openbadges.published_programmes(), public_id=public_id)
    response = HttpResponse(openbadges.badge_svg(programme), content_type="image/svg+xml")
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return _public(response, max_age=86400)


@require_safe
def issuer_json(request: HttpRequest, issuer_id: str) -> HttpResponse:
    return _json(openbadges.ob2_issuer(_issuing_community(issuer_id)))


@require_safe
def issuer_keys(request: HttpRequest, issuer_id: str) -> HttpResponse:
    return _json(keys.public_jwks(_issuing_community(issuer_id)), content_type=JSON)


@require_safe
def issuer_key(request: HttpRequest, issuer_id: str, kid: str) -> HttpResponse:
    """One key as a JWK: what a JWS header's ``kid`` names."""
    community = _issuing_community(issuer_id)
    if keys.issuer_key(community).kid != kid:
        raise Http404
    return _json(keys.published_jwk(community), content_type=JSON)


@require_safe
def status_jwt(request: HttpRequest, issuer_id: str) -> HttpResponse:
    community = _issuing_community(issuer_id)
    return _public(HttpResponse(openbadges.status_list_jwt(community), content_type=JWT),
                   max_age=60)


@require_safe
def status_json(request: HttpRequest, issuer_id: str) -> HttpResponse:
    document = openbadges.status_list_credential(_issuing_community(issuer_id))
    response = _json(document)
    return _public(response, max_age=60)
