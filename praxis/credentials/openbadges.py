"""A certificate as the badge wallets read it: Open Badges 3.0 and Open Badges 2.0.

Open Badges 3.0 (a W3C Verifiable Credential, data model 2.0): ``ob3_credential`` is the
``OpenBadgeCredential``; ``ob3_jwt`` signs it as a VC-JWT (OB 3.0 §8.2: a compact JWS, RS256,
the credential's members at the top of the payload with ``iss``, ``jti``, ``nbf``), with the
community's key (``keys``), so anyone verifies it with the public key alone: the key is in
the header (``jwk``), and ``kid`` names it at the community's key set. Revocation is read in
the community's status list (W3C Bitstring Status List v1.0: ``status_list_credential``,
signed as ``status_list_jwt``): bit ``status_index`` set means revoked.

Open Badges 2.0 hosted: ``ob2_assertion`` (answered with HTTP 410 once revoked, saying so),
``ob2_badge_class`` (one per programme) and ``ob2_issuer`` (one per community).

Every address is absolute (``settings.SITE_URL``). The recipient is named by a salted hash
of their email address, never the address; the salt is derived from the certificate's
public id, so a certificate's documents read the same each time they are asked for.

The documents describe a community by its name and address only: a private community's
issuer documents answer (a verifier must read them), and say nothing more. No public address
holds a guessable name: the issuer's are keyed by its key's ``public_id``, a programme's by
its own ``public_id``, so walking slugs or ids tells a stranger nothing.
"""

import base64
import gzip
import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from django.db.models import Exists, Max, OuterRef, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext

from praxis.communities.models import Community
from praxis.core.email import absolute_url
from praxis.credentials import keys
from praxis.credentials.criteria import narrative
from praxis.credentials.models import Certificate, Programme

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB3_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB2_CONTEXT = "https://w3id.org/openbadges/v2"
# W3C Bitstring Status List v1.0 asks for at least 131,072 bits (16 KB), so a list says
# nothing about how many certificates a community issued.
MIN_STATUS_BITS = 131_072


def _url(name: str, *args: object) -> str:
    return absolute_url(None, reverse(f"credentials:{name}", args=args))


def _iso(moment: datetime) -> str:
    """An instant in UTC, to the second, with ``Z`` (as the examples write it)."""
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _number(value: Any) -> int | float:
    number = float(value)
    return int(number) if number.is_integer() else number


# ------------------------------------------------------------------------------ what is public

def publishes(community: Community) -> bool:
    """A community's issuer documents (profile, keys, status list) answer once it has issued
    a certificate, whatever its visibility: a verifier must read them, and before that there
    is nothing to verify (nor a key to make for a stranger's request)."""
    return Certificate.objects.filter(community=community).exists()


def published_programmes() -> QuerySet[Programme]:
    """The programmes whose badge documents answer: those with a certificate issued."""
    return Programme.objects.filter(
        Exists(Certificate.objects.filter(programme=OuterRef("pk")))
    ).select_related("community")


# ------------------------------------------------------------------------------ addresses

def credential_url(certificate: Certificate) -> str:
    """The credential's id: its public verification page."""
    return absolute_url(None, certificate.get_absolute_url())


def issuer_id(community: Community) -> str:
    """What the issuer's addresses name the community by (its key's public id)."""
    return keys.issuer_key(community).public_id


def issuer_url(community: Community) -> str:
    return _url("issuer_json", issuer_id(community))


def keys_url(community: Community) -> str:
    return _url("issuer_keys", issuer_id(community))


def status_list_url(community: Community) -> str:
    """The signed status list: the ``statusListCredential`` every credential points to."""
    return _url("status_jwt", issuer_id(community))


def achievement_url(programme: Programme) -> str:
    """The programme's achievement (OB 3.0) and badge class (OB 2.0)."""
    return _url("badge_json", programme.public_id)


def badge_image_url(programme: Programme) -> str:
    return _url("badge_svg", programme.public_id)


# ------------------------------------------------------------------------------ recipient

def salt_of(certificate: Certificate) -> str:
    return hashlib.sha256(f"praxis-recipient:{certificate.public_id}".encode()).hexdigest()[:32]


def identity_hash(email: str, salt: str) -> str:
    """``sha256$`` and the hex digest of the address (lower case) followed by the salt, as
    Open Badges hashes a recipient."""
    digest = hashlib.sha256((email.strip().lower() + salt).encode()).hexdigest()
    return f"sha256${digest}"


def _recipient_email(certificate: Certificate) -> str | None:
    recipient = certificate.recipient
    if recipient is None or recipient.is_erased:
        return None
    return recipient.email


# ------------------------------------------------------------------------------ Open Badges 3.0

def ob3_profile(community: Community) -> dict[str, Any]:
    return {"id": issuer_url(community), "type": ["Profile"], "name": community.name,
            "url": absolute_url(None, community.get_absolute_url())}


def ob3_achievement(programme: Programme) -> dict[str, Any]:
    achievement: dict[str, Any] = {
        "id": achievement_url(programme),
        "type": ["Achievement"],
        "achievementType": "Certificate",
        "name": programme.name,
        "description": programme.description or narrative(programme),
        "criteria": {"narrative": narrative(programme)},
        "image": {"id": badge_image_url(programme), "type": "Image"},
        "creator": {"id": issuer_url(programme.community), "type": ["Profile"],
                    "name": programme.community.name},
    }
    if programme.hours:
        achievement["creditsAvailable"] = _number(programme.hours)
    return achievement


def _evidence_narrative(certificate: Certificate) -> str:
    figures = certificate.evidence or {}
    parts = [gettext("Posts: %(count)s") % {"count": figures.get("posts", 0)},
             gettext("replies to others: %(count)s") % {
                 "count": figures.get("replies_to_others", 0)},
             gettext("topics taken part in: %(count)s") % {"count": figures.get("topics", 0)}]
    if figures.get("applied_story"):
        parts.append(gettext("told a story of value applied in practice"))
    text = "; ".join(parts) + "."
    if certificate.topics:
        text += " " + gettext("Topics: %(topics)s.") % {"topics": "; ".join(certificate.topics)}
    return text


def ob3_credential(certificate: Certificate) -> dict[str, Any]:
    """The certificate as an ``OpenBadgeCredential`` (unsigned: ``ob3_jwt`` signs it)."""
    programme = certificate.programme
    community = certificate.community
    subject: dict[str, Any] = {"type": ["AchievementSubject"]}
    email = _recipient_email(certificate)
    if email is not None:
        salt = salt_of(certificate)
        subject["identifier"] = [{"type": "IdentityObject",
                                  "identityHash": identity_hash(email, salt),
                                  "identityType": "emailAddress", "hashed": True,
                                  "salt": salt}]
    subject["achievement"] = ob3_achievement(programme)
    if certificate.hours:
        subject["creditsEarned"] = _number(certificate.hours)
    subject["activityStartDate"] = f"{programme.start.isoformat()}T00:00:00Z"
    subject["activityEndDate"] = f"{programme.end.isoformat()}T23:59:59Z"
    index = str(certificate.status_index)
    return {
        "@context": [VC_CONTEXT, OB3_CONTEXT],
        "id": credential_url(certificate),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": ob3_profile(community),
        "name": programme.name,
        "validFrom": _iso(certificate.issued_at),
        "credentialSubject": subject,
        "evidence": [{"type": ["Evidence"], "name": gettext("Taking part"),
                      "narrative": _evidence_narrative(certificate)}],
        "credentialStatus": {
            "id": f"{status_list_url(community)}#{index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": index,
            "statusListCredential": status_list_url(community),
        },
    }


def _jwt_payload(credential: dict[str, Any], validity_start: datetime) -> bytes:
    claims: dict[str, Any] = {
        **credential,
        "iss": credential["issuer"]["id"],
        "jti": credential["id"],
        "nbf": int(validity_start.timestamp()),
    }
    subject_id = credential.get("credentialSubject", {}).get("id")
    if subject_id:
        claims["sub"] = subject_id
    return json.dumps(claims, ensure_ascii=False, separators=(",", ":")).encode()


def ob3_jwt(certificate: Certificate) -> str:
    """The credential as a VC-JWT (OB 3.0 §8.2), signed with the community's key."""
    credential = ob3_credential(certificate)
    return keys.sign(certificate.community, _jwt_payload(credential, certificate.issued_at))


# ------------------------------------------------------------------------------ status list

def status_bits(community: Community) -> bytes:
    """The community's revocation bitstring: bit i (most significant bit of the first byte
    first) set when the certificate at status index i is revoked; at least
    ``MIN_STATUS_BITS`` long, in whole multiples of it, and long enough to hold every
    certificate's index, revoked or not (a verifier reading past the end gets an error)."""
    certificates = Certificate.objects.filter(community=community)
    highest = certificates.aggregate(highest=Max("status_index"))["highest"] or 0
    revoked = list(certificates.filter(revoked_at__isnull=False)
                   .values_list("status_index", flat=True))
    size = MIN_STATUS_BITS * (highest // MIN_STATUS_BITS + 1)
    bits = bytearray(size // 8)
    for index in revoked:
        bits[index // 8] |= 0x80 >> (index % 8)
    return bytes(bits)


def encode_list(bits: bytes) -> str:
    """Multibase base64url (``u``, no padding) of the GZIP of the bitstring. The GZIP header's
    time is zero, so the same list always encodes alike."""
    packed = gzip.compress(bits, mtime=0)
    return "u" + base64.urlsafe_b64encode(packed).decode("ascii").rstrip("=")


def decode_list(encoded: str) -> bytes:
    """The bitstring back (for tests and for anyone checking by hand)."""
    if not encoded.startswith("u"):
        raise ValueError("not multibase base64url")
    body = encoded[1:]
    return gzip.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))


def status_list_credential(community: Community, now: datetime | None = None
                           ) -> dict[str, Any]:
    """The community's ``BitstringStatusListCredential`` (unsigned: ``status_list_jwt``)."""
    moment = now or timezone.now()
    url = status_list_url(community)
    return {
        "@context": [VC_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": ob3_profile(community),
        "validFrom": _iso(moment),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encode_list(status_bits(community)),
        },
    }


def status_list_jwt(community: Community, now: datetime | None = None) -> str:
    """The status list signed as the credentials are."""
    moment = now or timezone.now()
    credential = status_list_credential(community, moment)
    return keys.sign(community, _jwt_payload(credential, moment))


# ------------------------------------------------------------------------------ Open Badges 2.0

def ob2_assertion_url(certificate: Certificate) -> str:
    return _url("ob2_json", certificate.public_id)


def ob2_assertion(certificate: Certificate) -> dict[str, Any]:
    """The hosted assertion. A revoked one keeps its members and adds ``revoked`` and
    ``revocationReason`` (its address answers HTTP 410)."""
    assertion: dict[str, Any] = {
        "@context": OB2_CONTEXT,
        "type": "Assertion",
        "id": ob2_assertion_url(certificate),
        "badge": achievement_url(certificate.programme),
        "verification": {"type": "hosted"},
        "issuedOn": _iso(certificate.issued_at),
        "image": badge_image_url(certificate.programme),
        "evidence": [{"id": credential_url(certificate),
                      "narrative": _evidence_narrative(certificate)}],
    }
    email = _recipient_email(certificate)
    if email is not None:
        salt = salt_of(certificate)
        assertion["recipient"] = {"type": "email", "hashed": True, "salt": salt,
                                  "identity": identity_hash(email, salt)}
    if certificate.is_revoked:
        assertion["revoked"] = True
        assertion["revocationReason"] = certificate.revocation_reason
    return assertion


def ob2_badge_class(programme: Programme) -> dict[str, Any]:
    return {
        "@context": OB2_CONTEXT,
        "type": "BadgeClass",
        "id": achievement_url(programme),
        "name": programme.name,
        "description": programme.description or narrative(programme),
        "image": badge_image_url(programme),
        "criteria": {"narrative": narrative(programme)},
        "issuer": issuer_url(programme.community),
    }


def ob2_issuer(community: Community) -> dict[str, Any]:
    """The issuer's profile (Open Badges 2.0 ``Issuer``, which 3.0 calls a ``Profile``), with
    its public key."""
    issuer = keys.issuer_key(community)
    return {
        "@context": OB2_CONTEXT,
        "type": "Issuer",
        "id": issuer_url(community),
        "name": community.name,
        "url": absolute_url(None, community.get_absolute_url()),
        "publicKey": {"type": "CryptographicKey", "id": keys.key_id(community),
                      "owner": issuer_url(community),
                      "publicKeyPem": keys.public_pem(issuer)},
    }


# ------------------------------------------------------------------------------ badge image

def badge_svg(programme: Programme) -> str:
    """A small seal: no words in it (its name is in its ``title``), so it reads alike in
    every language and direction."""
    title = escape(programme.name)
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 120" width="120" '
        f'height="120" role="img" aria-label="{title}"><title>{title}</title>'
        '<circle cx="60" cy="60" r="56" fill="#1f5f8b"/>'
        '<circle cx="60" cy="60" r="46" fill="none" stroke="#fff" stroke-width="3"/>'
        '<path d="M38 62l15 15 30-32" fill="none" stroke="#fff" stroke-width="9" '
        'stroke-linecap="round" stroke-linejoin="round"/></svg>'
    )
