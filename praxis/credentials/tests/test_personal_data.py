"""What credentials keep about a person: in their export, and forgotten when they erase
their account (the whole-account checks are in accounts/tests/test_privacy.py)."""

import pytest
from django.utils import timezone

from praxis.accounts import services as account_services
from praxis.core.personal_data import sections
from praxis.credentials.models import Certificate
from praxis.credentials.personal_data import CERTIFICATES
from praxis.credentials.services import issue, revoke
from praxis.credentials.tests.criteria_world import World, build


@pytest.fixture
def world(cast, settings) -> World:
    settings.SITE_URL = "https://praxis.example.org"
    return build(cast)


def test_the_section_is_registered():
    assert "certificates" in sections


def test_the_export_lists_the_members_certificates_with_their_addresses(world):
    programme = world.programme(name="Reflective practice", min_posts=1)
    issue(programme, [world.cast.member, world.nadia], issued_by=world.cast.steward)
    mine = Certificate.objects.get(recipient=world.cast.member)
    rows = list(CERTIFICATES.rows(world.cast.member,
                                  lambda path: f"https://praxis.example.org{path}"))
    assert len(rows) == 1
    row = rows[0]
    assert (row["programme"], row["community"], row["name"]) == (
        "Reflective practice", world.cast.community.name, "Mina Sadeghi")
    assert row["url"] == f"https://praxis.example.org/verify/{mine.public_id}/"
    assert row["open_badges_3"].endswith(f"/credentials/{mine.public_id}/ob3.json")
    assert row["open_badges_2"].endswith(f"/credentials/{mine.public_id}/ob2.json")
    assert row["topics"] == ["Alpha: loop input", "Beta: feedback"]
    assert row["evidence"]["posts"] == 5
    assert row["revoked_at"] is None


def test_erasing_revokes_and_unnames_and_keeps_an_earlier_reason(world):
    first = world.programme(name="Autumn", min_posts=1)
    second = world.programme(name="Spring", min_posts=1)
    autumn = issue(first, [world.cast.member, world.nadia], issued_by=None).issued
    spring = issue(second, [world.cast.member], issued_by=None).issued[0]
    revoke(spring, by=world.cast.steward, reason="Issued by mistake")
    before = timezone.now()
    account_services.erase_account(user=world.cast.member, keep_posts=True)
    mine = {c.programme.name: c for c in Certificate.objects.filter(
        pk__in=[spring.pk, *(c.pk for c in autumn if c.recipient == world.cast.member)])}
    assert mine["Autumn"].revoked_at >= before
    assert mine["Autumn"].revocation_reason == "The holder closed their account"
    assert mine["Spring"].revocation_reason == "Issued by mistake"
    for certificate in mine.values():
        assert certificate.recipient is None
        assert certificate.recipient_name == "Former member"
    nadias = Certificate.objects.get(recipient=world.nadia)
    assert not nadias.is_revoked and nadias.recipient_name == "Nadia Karimi"
