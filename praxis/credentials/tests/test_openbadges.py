"""The Open Badges documents, checked as a stranger checks them: fetched through the public
addresses only (the test client, signed in as nobody), the signatures verified with an
independent library (PyJWT) and the key found in the JWT's header or in the community's key
set; the shapes compared with the specifications' examples (OB 3.0 Example 1 and §8.2,
W3C Bitstring Status List v1.0, OB 2.0 hosted assertions)."""

import base64
import gzip
import hashlib
import json
from datetime import UTC, datetime

import jwt
import pytest
from django.test import Client

from praxis.communities.models import Community
from praxis.credentials import keys, openbadges
from praxis.credentials.models import Certificate, IssuerKey, Programme
from praxis.credentials.services import issue, revoke
from praxis.credentials.tests.criteria_world import World, build

SITE = "https://praxis.example.org"


@pytest.fixture
def world(cast, settings) -> World:
    settings.SITE_URL = SITE
    return build(cast)


@pytest.fixture
def issued(world) -> list[Certificate]:
    """Three certificates (status places 0, 1, 2): Farid, Mina, Nadia."""
    programme = world.programme(name="Reflective practice 2025–26", min_posts=1,
                                min_replies=1, description="Taking part, reflectively.")
    return issue(programme, [world.cast.facilitator, world.cast.member, world.nadia],
                 issued_by=world.cast.steward).issued


def fetch(address: str, **headers):
    """GET an absolute address of the site, as a stranger (nobody signed in)."""
    assert address.startswith(SITE), address
    return Client().get(address[len(SITE):], **headers)


def fetch_json(address: str) -> dict:
    response = fetch(address)
    assert response.status_code == 200, (address, response.status_code)
    return json.loads(response.content)


def verify_with_jwks(token: str) -> dict:
    """What a verifier does knowing only the token: take the issuer's key set (published
    beside its profile, ``<issuer>/keys.json``), take the key with the header's ``kid``,
    check the signature; and check the claims name that issuer."""
    header = jwt.get_unverified_header(token)
    issuer = json.loads(base64.urlsafe_b64decode(
        token.split(".")[1] + "=" * (-len(token.split(".")[1]) % 4)))["iss"]
    jwks = fetch_json(issuer.removesuffix(".json") + "/keys.json")
    (key,) = [k for k in jwks["keys"] if k["kid"] == header["kid"]]
    return jwt.decode(token, jwt.PyJWK(key).key, algorithms=["RS256"],
                      options={"verify_aud": False})


def verify_with_kid(token: str) -> dict:
    """What OB 3.0 §8.2 asks: dereference the header's ``kid`` to a JWK, verify with it."""
    key = fetch_json(jwt.get_unverified_header(token)["kid"])
    return jwt.decode(token, jwt.PyJWK(key).key, algorithms=["RS256"],
                      options={"verify_aud": False})


def mina(issued: list[Certificate]) -> Certificate:
    return next(c for c in issued if c.recipient_name == "Mina Sadeghi")


def test_the_credential_has_the_shape_of_the_specifications_example(world, issued):
    certificate = mina(issued)
    programme, community = certificate.programme, world.cast.community
    credential = fetch_json(f"{SITE}/credentials/{certificate.public_id}/ob3.json")
    assert credential["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]
    assert credential["id"] == f"{SITE}/verify/{certificate.public_id}/"
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["issuer"] == {
        "id": f"{SITE}/credentials/issuers/{issuer_id(community)}.json", "type": ["Profile"],
        "name": community.name, "url": f"{SITE}/c/{community.slug}/"}
    assert credential["name"] == "Reflective practice 2025–26"
    assert credential["validFrom"] == certificate.issued_at.astimezone(UTC).strftime(
        "%Y-%m-%dT%H:%M:%SZ")
    subject = credential["credentialSubject"]
    assert subject["type"] == ["AchievementSubject"]
    (identifier,) = subject["identifier"]
    salt = identifier["salt"]
    expected = hashlib.sha256((world.cast.member.email.lower() + salt).encode()).hexdigest()
    assert identifier == {"type": "IdentityObject", "identityHash": f"sha256${expected}",
                          "identityType": "emailAddress", "hashed": True, "salt": salt}
    assert world.cast.member.email not in json.dumps(credential)
    achievement = subject["achievement"]
    assert achievement["id"] == f"{SITE}/credentials/programmes/{programme.public_id}/badge.json"
    assert achievement["type"] == ["Achievement"]
    assert achievement["name"] == programme.name
    assert achievement["description"] == "Taking part, reflectively."
    assert achievement["criteria"]["narrative"].endswith(
        "with at least 1 post; at least 1 reply to others.")
    assert achievement["creditsAvailable"] == 12
    assert achievement["image"] == {
        "id": f"{SITE}/credentials/programmes/{programme.public_id}/badge.svg", "type": "Image"}
    assert subject["creditsEarned"] == 12
    status = credential["credentialStatus"]
    status_list = f"{SITE}/credentials/issuers/{issuer_id(community)}/status.jwt"
    assert status == {"id": f"{status_list}#{certificate.status_index}",
                      "type": "BitstringStatusListEntry", "statusPurpose": "revocation",
                      "statusListIndex": str(certificate.status_index),
                      "statusListCredential": status_list}
    assert "Beta: feedback" in credential["evidence"][0]["narrative"]


def test_the_jwt_verifies_with_the_key_in_its_header(world, issued):
    certificate = mina(issued)
    response = fetch(f"{SITE}/credentials/{certificate.public_id}/ob3.jwt")
    assert response["Content-Type"] == "application/jwt"
    assert response["Content-Disposition"] == (
        f'attachment; filename="certificate-{certificate.public_id}.jwt"')
    token = response.content.decode()
    header = jwt.get_unverified_header(token)
    assert set(header) == {"alg", "typ", "kid", "jwk"}
    assert (header["alg"], header["typ"]) == ("RS256", "JWT")
    assert set(header["jwk"]) == {"kty", "n", "e"}  # never "d"
    claims = jwt.decode(token, jwt.PyJWK(header["jwk"]).key, algorithms=["RS256"],
                        options={"verify_aud": False})
    credential = openbadges.ob3_credential(certificate)
    assert {k: v for k, v in claims.items() if k not in ("iss", "jti", "nbf")} == credential
    assert claims["iss"] == credential["issuer"]["id"]
    assert claims["jti"] == credential["id"]
    assert claims["nbf"] == int(certificate.issued_at.timestamp())
    assert datetime.fromtimestamp(claims["nbf"], UTC).strftime(
        "%Y-%m-%dT%H:%M:%SZ") == credential["validFrom"]
    assert "sub" not in claims  # the subject is named by a hashed address, not an id


def test_the_jwt_verifies_with_the_key_its_kid_names_and_the_key_set(world, issued):
    token = fetch(f"{SITE}/credentials/{mina(issued).public_id}/ob3.jwt").content.decode()
    claims = verify_with_jwks(token)
    assert claims["name"] == "Reflective practice 2025–26"
    assert verify_with_kid(token) == claims
    issuer = issuer_id(world.cast.community)
    key_set = fetch(f"{SITE}/credentials/issuers/{issuer}/keys.json")
    assert key_set["Content-Type"] == "application/json; charset=utf-8"
    kid = jwt.get_unverified_header(token)["kid"]
    assert kid == (f"{SITE}/credentials/issuers/{issuer}/keys/"
                   f"{keys.issuer_key(world.cast.community).kid}.json")
    assert fetch(kid.replace(".json", "x.json")).status_code == 404


def test_a_tampered_credential_fails_verification(world, issued):
    token = openbadges.ob3_jwt(mina(issued))
    head, body, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    claims["name"] = "Master of everything"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    with pytest.raises(jwt.InvalidSignatureError):
        verify_with_jwks(f"{head}.{forged}.{signature}")
    # Another community's key does not verify it either.
    other = Community.objects.create(name="Elsewhere", slug="elsewhere")
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(token, jwt.PyJWK(keys.public_jwks(other)["keys"][0]).key,
                   algorithms=["RS256"], options={"verify_aud": False})


def issuer_id(community: Community) -> str:
    """What the issuer's addresses name the community by: its key's public id."""
    return IssuerKey.objects.get(community=community).public_id


def bits_of(encoded: str) -> bytes:
    """Multibase base64url, then GZIP: decoded by hand, not with the module's own code."""
    assert encoded.startswith("u")
    body = encoded[1:]
    return gzip.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))


def test_the_status_list_sets_the_revoked_certificates_bit_and_only_it(world, issued):
    community = world.cast.community
    revoked = mina(issued)
    assert revoked.status_index == 1
    revoke(revoked, by=world.cast.steward, reason="Counted a colleague's posts")
    credential = fetch_json(openbadges.ob3_credential(revoked)["credentialStatus"][
        "statusListCredential"].replace("status.jwt", "status.json"))
    token_response = fetch(f"{SITE}/credentials/issuers/{issuer_id(community)}/status.jwt")
    assert token_response["Content-Type"] == "application/jwt"
    claims = verify_with_jwks(token_response.content.decode())
    assert verify_with_kid(token_response.content.decode()) == claims
    for document in (credential, claims):
        assert document["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
        assert document["id"] == f"{SITE}/credentials/issuers/{issuer_id(community)}/status.jwt"
        subject = document["credentialSubject"]
        assert subject["type"] == "BitstringStatusList"
        assert subject["statusPurpose"] == "revocation"
        bits = bits_of(subject["encodedList"])
        assert len(bits) * 8 == 131_072
        # Index 1 is the second bit from the left of the first byte.
        assert bits[0] == 0b0100_0000 and not any(bits[1:])
    assert claims["iss"] == credential["issuer"]["id"]


def test_the_status_list_grows_past_its_first_131072_bits(world, issued):
    certificate = mina(issued)
    Certificate.objects.filter(pk=certificate.pk).update(status_index=200_000)
    certificate.refresh_from_db()
    revoke(certificate, by=None, reason="Test")
    bits = openbadges.status_bits(world.cast.community)
    assert len(bits) * 8 == 2 * 131_072
    assert bits[25_000] == 0x80 and sum(bin(b).count("1") for b in bits) == 1


def test_the_status_list_holds_every_certificates_index_revoked_or_not(world, issued):
    """Sized by the highest index of all the community's certificates: a valid certificate
    past the last revoked one's block still has its bit to read (unset)."""
    revoked, valid = issued[0], mina(issued)
    assert revoked.pk != valid.pk and revoked.status_index < 131_072
    revoke(revoked, by=None, reason="Test")
    Certificate.objects.filter(pk=valid.pk).update(status_index=300_000)
    bits = openbadges.status_bits(world.cast.community)
    assert len(bits) * 8 == 3 * 131_072 > 300_000
    assert not bits[300_000 // 8] & (0x80 >> (300_000 % 8))
    assert sum(bin(b).count("1") for b in bits) == 1
    # Exactly one block while every index fits in it.
    Certificate.objects.filter(pk=valid.pk).update(status_index=131_071)
    assert len(openbadges.status_bits(world.cast.community)) * 8 == 131_072


def test_the_hosted_assertion_and_its_badge_class_and_issuer(world, issued):
    certificate = mina(issued)
    programme, community = certificate.programme, world.cast.community
    address = f"{SITE}/credentials/{certificate.public_id}/ob2.json"
    response = fetch(address)
    assert response["Content-Type"] == "application/ld+json; charset=utf-8"
    assert response["Access-Control-Allow-Origin"] == "*"
    assertion = json.loads(response.content)
    salt = assertion["recipient"]["salt"]
    expected = hashlib.sha256((world.cast.member.email.lower() + salt).encode()).hexdigest()
    assert assertion == {
        "@context": "https://w3id.org/openbadges/v2", "type": "Assertion", "id": address,
        "recipient": {"type": "email", "hashed": True, "salt": salt,
                      "identity": f"sha256${expected}"},
        "badge": f"{SITE}/credentials/programmes/{programme.public_id}/badge.json",
        "verification": {"type": "hosted"},
        "issuedOn": certificate.issued_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "image": f"{SITE}/credentials/programmes/{programme.public_id}/badge.svg",
        "evidence": [{"id": f"{SITE}/verify/{certificate.public_id}/",
                      "narrative": assertion["evidence"][0]["narrative"]}],
    }
    badge = fetch_json(assertion["badge"])
    assert badge == {
        "@context": "https://w3id.org/openbadges/v2", "type": "BadgeClass",
        "id": assertion["badge"], "name": "Reflective practice 2025–26",
        "description": "Taking part, reflectively.", "image": assertion["image"],
        "criteria": {"narrative": badge["criteria"]["narrative"]},
        "issuer": f"{SITE}/credentials/issuers/{issuer_id(community)}.json"}
    image = fetch(badge["image"])
    assert image["Content-Type"] == "image/svg+xml"
    assert b"<title>Reflective practice 2025\xe2\x80\x9326</title>" in image.content
    issuer = fetch_json(badge["issuer"])
    assert set(issuer) == {"@context", "type", "id", "name", "url", "publicKey"}
    assert (issuer["type"], issuer["id"], issuer["name"]) == (
        "Issuer", badge["issuer"], community.name)
    assert issuer["publicKey"]["publicKeyPem"].startswith("-----BEGIN PUBLIC KEY-----")
    assert "PRIVATE" not in json.dumps(issuer)


def test_a_revoked_hosted_assertion_answers_410_saying_why(world, issued):
    certificate = mina(issued)
    revoke(certificate, by=world.cast.steward, reason="Counted a colleague's posts")
    response = fetch(f"{SITE}/credentials/{certificate.public_id}/ob2.json")
    assert response.status_code == 410
    body = json.loads(response.content)
    assert body["revoked"] is True
    assert body["revocationReason"] == "Counted a colleague's posts"
    # The OB 3.0 credential still answers: its status list says it is revoked.
    assert fetch(f"{SITE}/credentials/{certificate.public_id}/ob3.json").status_code == 200


def test_unknown_documents_are_not_found(world, issued):
    programme = issued[0].programme
    unissued = world.programme(name="Nobody yet")
    for address in ("/credentials/nope/ob3.json", "/credentials/nope/ob3.jwt",
                    "/credentials/nope/ob2.json",
                    f"/credentials/programmes/{unissued.public_id}/badge.json",
                    f"/credentials/programmes/{unissued.public_id}/badge.svg",
                    "/credentials/issuers/nowhere.json"):
        assert Client().get(address).status_code == 404, address
    assert Client().get(f"/credentials/programmes/{programme.public_id}/badge.json"
                        ).status_code == 200
    # Not by its sequential id: walking ids finds nothing.
    for end in ("badge.json", "badge.svg"):
        assert Client().get(f"/credentials/programmes/{programme.pk}/{end}"
                            ).status_code == 404


def test_a_private_communitys_issuer_answers_only_once_it_has_issued(world, make_cast):
    """And only at its unguessable addresses: neither its slug nor its programme's sequential
    id tells a stranger that it exists or what it runs."""
    private = make_cast(visibility=Community.Visibility.PRIVATE,
                        description="Our restructuring plans, not for outsiders.")
    slug = private.community.slug
    ends = (".json", "/keys.json", "/status.jwt", "/status.json")
    by_slug = [f"/credentials/issuers/{slug}{end}" for end in ends]
    for address in by_slug:
        assert Client().get(address).status_code == 404, address
    assert not IssuerKey.objects.filter(community=private.community).exists()
    programme = private.community.programmes.create(
        name="Inner circle", start=world.start, end=world.end)
    (certificate,) = issue(programme, [private.member], issued_by=private.steward).issued
    # A verifier learns the issuer's addresses from the certificate's documents.
    credential = json.loads(Client().get(f"/credentials/{certificate.public_id}/ob3.json"
                                         ).content)
    issuer = IssuerKey.objects.get(community=private.community)
    assert credential["issuer"]["id"] == f"{SITE}/credentials/issuers/{issuer.public_id}.json"
    assert len(issuer.public_id) >= 22 and issuer.public_id not in (slug, issuer.kid)
    addresses = [f"/credentials/issuers/{issuer.public_id}{end}" for end in ends]
    for address in addresses:
        assert Client().get(address).status_code == 200, address
    for address in by_slug:
        assert Client().get(address).status_code == 404, address
    key_address = f"/credentials/issuers/{issuer.public_id}/keys/{issuer.kid}.json"
    assert Client().get(key_address).status_code == 200
    assert Client().get(f"/credentials/issuers/{slug}/keys/{issuer.kid}.json"
                        ).status_code == 404
    badge = f"/credentials/programmes/{programme.public_id}/badge.json"
    assert Client().get(badge).status_code == 200
    assert Client().get(f"/credentials/programmes/{programme.pk}/badge.json"
                        ).status_code == 404
    document = json.loads(Client().get(addresses[0]).content)
    assert "restructuring" not in json.dumps(document)
    assert slug not in document["id"] and document["id"].endswith(addresses[0])
    assert set(document) == {"@context", "type", "id", "name", "url", "publicKey"}


def test_programmes_and_issuers_each_have_their_own_public_id(world, make_cast):
    other = make_cast()
    programmes = [world.programme(name=f"P{n}") for n in range(3)]
    programmes.append(Programme.objects.create(community=other.community, name="Q",
                                               start=world.start, end=world.end))
    ids = {programme.public_id for programme in programmes}
    assert len(ids) == 4 and all(len(public_id) >= 22 for public_id in ids)
    first, second = keys.issuer_key(world.cast.community), keys.issuer_key(other.community)
    assert first.public_id != second.public_id


def test_the_documents_may_be_cached_a_little_and_read_from_anywhere(world, issued):
    response = fetch(f"{SITE}/credentials/{mina(issued).public_id}/ob3.json")
    assert "public" in response["Cache-Control"] and "max-age=300" in response["Cache-Control"]
    assert response["Access-Control-Allow-Origin"] == "*"
    assert Client().post(f"/credentials/{mina(issued).public_id}/ob3.json").status_code == 405



def test_an_empty_list_encodes_as_the_specifications_example_decodes():
    """W3C Bitstring Status List v1.0, Example 2: an empty list of 131,072 bits."""
    example = "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA"
    assert bits_of(example) == bytes(16_384)
    assert bits_of(openbadges.encode_list(bytes(16_384))) == bytes(16_384)
    assert openbadges.decode_list(example) == bytes(16_384)
