"""The key each community signs its credentials with.

One RSA key of 2048 bits per community (RS256: Open Badges 3.0 §8.2 asks every verifier to
support it), made the first time the community signs something. ``IssuerKey.kid`` is the
key's RFC 7638 thumbprint; where a document names the key (a JWS header's ``kid``, the key
set) it names it by an address a verifier can look it up at, ending with the thumbprint
(``key_id``: ``.../issuers/<issuer id>/keys/<thumbprint>.json``, which answers the key as a
JWK), as OB 3.0 §8.2 asks of a ``kid`` (a URI dereferenced to the key). The issuer's
addresses name it by ``IssuerKey.public_id`` (unguessable), never by the community's slug: a
stranger walking slugs learns nothing of a private community. The private half
stays in the database; the public half (``kty``, ``n``, ``e``: never ``d``) goes in every
signed document's header and in the community's key set (``public_jwks``). Signing is
joserfc's, never ours.
"""

from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from joserfc import jws
from joserfc.jwk import RSAKey

from praxis.communities.models import Community
from praxis.core.email import absolute_url
from praxis.credentials.models import IssuerKey

KEY_SIZE = 2048
ALGORITHM = "RS256"


def issuer_key(community: Community) -> IssuerKey:
    """The community's key, made if it has none yet. Two requests making one at once both
    end with the same key: the second one's insert fails on the unique community and it
    reads the first one's."""
    found = IssuerKey.objects.filter(community=community).first()
    if found is not None:
        return found
    key = RSAKey.generate_key(KEY_SIZE, private=True)
    public = key.as_dict(private=False)
    bare = {name: public[name] for name in ("kty", "n", "e")}
    try:
        with transaction.atomic():
            return IssuerKey.objects.create(
                community=community, kid=key.thumbprint(),
                private_pem=key.as_pem(private=True).decode("ascii"), public_jwk=bare)
    except IntegrityError:
        return IssuerKey.objects.get(community=community)


def signing_key(issuer: IssuerKey) -> RSAKey:
    return RSAKey.import_key(issuer.private_pem)


def public_jwk(issuer: IssuerKey) -> dict[str, Any]:
    """The public key as a bare JWK (``kty``, ``n``, ``e``), as a JWS header carries it."""
    return {name: issuer.public_jwk[name] for name in ("kty", "n", "e")}


def public_pem(issuer: IssuerKey) -> str:
    return RSAKey.import_key(public_jwk(issuer)).as_pem(private=False).decode("ascii")


def key_id(community: Community) -> str:
    """The address naming the community's key (see the module)."""
    issuer = issuer_key(community)
    path = reverse("credentials:issuer_key", args=[issuer.public_id, issuer.kid])
    return absolute_url(None, path)


def published_jwk(community: Community) -> dict[str, Any]:
    """The public key as the key set and its own address give it: named by ``key_id``."""
    return {**public_jwk(issuer_key(community)), "kid": key_id(community), "alg": ALGORITHM,
            "use": "sig"}


def public_jwks(community: Community) -> dict[str, Any]:
    """The community's key set: ``{"keys": [the public key, named by key_id]}``."""
    return {"keys": [published_jwk(community)]}


def sign(community: Community, payload: bytes) -> str:
    """A compact JWS of ``payload`` (a JWT's claims) signed with the community's key; the
    header names the key (``kid``) and carries its public half (``jwk``), the only headers
    OB 3.0 §8.2 allows besides ``alg`` and ``typ``."""
    issuer = issuer_key(community)
    header = {"alg": ALGORITHM, "typ": "JWT", "kid": key_id(community),
              "jwk": public_jwk(issuer)}
    return jws.serialize_compact(header, payload, signing_key(issuer), algorithms=[ALGORITHM])
