"""The community's signing key: made once, named by its thumbprint, never shown whole."""

import base64
import hashlib
import json

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from joserfc.jwk import RSAKey

from praxis.communities.tests.factories import CommunityFactory
from praxis.credentials import keys
from praxis.credentials.models import IssuerKey


def thumbprint(jwk: dict) -> str:
    """RFC 7638, by hand: SHA-256 of the required members, sorted, without spaces."""
    canonical = json.dumps({name: jwk[name] for name in ("e", "kty", "n")},
                           separators=(",", ":"), sort_keys=True)
    digest = hashlib.sha256(canonical.encode()).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def test_a_community_gets_one_rsa_key_named_by_its_thumbprint(db):
    community = CommunityFactory()
    key = keys.issuer_key(community)
    assert keys.issuer_key(community) == key and IssuerKey.objects.count() == 1
    public = keys.public_jwk(key)
    assert set(public) == {"kty", "n", "e"} and public["kty"] == "RSA"
    assert key.kid == thumbprint(public)
    private = serialization.load_pem_private_key(key.private_pem.encode(), password=None)
    assert isinstance(private, rsa.RSAPrivateKey) and private.key_size == 2048


def test_the_key_set_carries_no_private_part_and_names_the_key_by_address(db, settings):
    settings.SITE_URL = "https://praxis.example.org"
    community = CommunityFactory(slug="teacher-trainers")
    key = keys.issuer_key(community)
    jwks = keys.public_jwks(community)
    (published,) = jwks["keys"]
    assert not {"d", "p", "q", "dp", "dq", "qi"} & set(published)
    # Named by the issuer's public id, never by the community's slug.
    assert published["kid"] == ("https://praxis.example.org/credentials/issuers/"
                                f"{key.public_id}/keys/{key.kid}.json")
    assert "teacher-trainers" not in published["kid"]
    assert (published["alg"], published["use"]) == ("RS256", "sig")


def test_two_requests_making_a_key_at_once_end_with_the_same_one(db, monkeypatch):
    community = CommunityFactory()
    original = RSAKey.generate_key
    winner: list[IssuerKey] = []

    def slow_generate(*args, **kwargs):
        # Another request stores its key while this one is generating.
        if not winner:
            other = original(2048, private=True)
            winner.append(IssuerKey.objects.create(
                community=community, kid=other.thumbprint(),
                private_pem=other.as_pem(private=True).decode(),
                public_jwk=other.as_dict(private=False)))
        return original(*args, **kwargs)

    monkeypatch.setattr(RSAKey, "generate_key", slow_generate)
    assert keys.issuer_key(community) == winner[0]
    assert IssuerKey.objects.filter(community=community).count() == 1


def test_each_community_has_its_own_key(db):
    first, second = keys.issuer_key(CommunityFactory()), keys.issuer_key(CommunityFactory())
    assert first.kid != second.kid
