"""The credentials part of the demo: a programme in the main community with certificates
issued to those who meet it (the demo member among them), some who nearly do, one revoked;
a Persian-named programme in the community moved from Moodle; documents that verify."""

import json

import jwt
import pytest
from django.test import Client

from praxis.credentials.criteria import standings
from praxis.credentials.models import Certificate, Programme
from praxis.demo.communities import MAIN_SLUG, MEMBER_EMAIL
from praxis.demo.moodle import SLUG as MOODLE_SLUG

pytestmark = pytest.mark.django_db


def test_the_demo_programme_issues_to_those_who_meet_it(demo):
    programme = Programme.objects.get(community__slug=MAIN_SLUG,
                                      name="Reflective practice 2025–26")
    found = standings(programme)
    meets = {s.user.pk for s in found if s.meets}
    issued = Certificate.objects.filter(programme=programme)
    assert {c.recipient_id for c in issued} == meets
    assert any(s.nearly for s in found)
    assert issued.filter(recipient__email=MEMBER_EMAIL, revoked_at=None).exists()
    (revoked,) = issued.filter(revoked_at__isnull=False)
    assert revoked.revocation_reason.startswith("Issued in error")


def test_the_demo_has_a_persian_programme_and_its_credentials_verify(demo):
    programme = Programme.objects.get(community__slug=MOODLE_SLUG)
    assert programme.name.startswith("گواهی")
    certificate = programme.certificates.first()
    assert certificate is not None
    token = Client().get(f"/credentials/{certificate.public_id}/ob3.jwt").content.decode()
    header = jwt.get_unverified_header(token)
    claims = jwt.decode(token, jwt.PyJWK(header["jwk"]).key, algorithms=["RS256"],
                        options={"verify_aud": False})
    assert claims["name"] == programme.name
    # The status list is where the credential says, keyed by the issuer's public id.
    address = claims["credentialStatus"]["statusListCredential"].replace(".jwt", ".json")
    assert MOODLE_SLUG not in address
    status = json.loads(Client().get(address).content)
    assert status["credentialSubject"]["statusPurpose"] == "revocation"
