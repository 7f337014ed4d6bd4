"""Issuing and revoking: only those who meet the criteria, never twice, each certificate
with its own place in the community's status list."""

from decimal import Decimal

import pytest

from praxis.communities.models import Community
from praxis.communities.tests.factories import CommunityFactory, MembershipFactory
from praxis.credentials.models import Certificate, Programme
from praxis.credentials.services import bulk_candidates, issue, revoke
from praxis.credentials.tests.criteria_world import World, build


@pytest.fixture
def world(cast) -> World:
    return build(cast)


def test_issuing_keeps_what_the_certificate_states(world):
    programme = world.programme(min_posts=5, min_replies=3, min_topics=2,
                                needs_applied_story=True)
    result = issue(programme, [world.cast.member], issued_by=world.cast.steward)
    assert (len(result.issued), result.already, result.refused) == (1, [], [])
    certificate = Certificate.objects.get()
    assert certificate.recipient == world.cast.member
    assert certificate.recipient_name == "Mina Sadeghi"
    assert certificate.community == world.cast.community
    assert certificate.hours == Decimal("12.0")
    assert certificate.topics == ["Alpha: loop input", "Beta: feedback"]
    assert certificate.evidence == {
        "posts": 5, "replies_to_others": 3, "topics": 2, "applied_story": True,
        "start": world.start.isoformat(), "end": world.end.isoformat()}
    assert certificate.issued_by == world.cast.steward
    assert certificate.status_index == 0
    assert not certificate.is_revoked


def test_issuing_again_never_makes_a_second_certificate(world):
    programme = world.programme(min_posts=2)
    first = issue(programme, [world.cast.member], issued_by=world.cast.steward).issued[0]
    again = issue(programme, [world.cast.member, world.cast.member], issued_by=None)
    assert (again.issued, again.already, again.refused) == ([], [first], [])
    assert Certificate.objects.count() == 1


def test_a_revoked_certificate_stays_revoked_when_issued_again(world):
    programme = world.programme(min_posts=2)
    certificate = issue(programme, [world.cast.member], issued_by=None).issued[0]
    assert revoke(certificate, by=world.cast.steward, reason="Issued by mistake")
    again = issue(programme, [world.cast.member], issued_by=None)
    assert again.already == [certificate] and again.issued == []
    certificate.refresh_from_db()
    assert certificate.is_revoked and Certificate.objects.count() == 1


def test_those_who_do_not_meet_the_criteria_are_refused_with_what_they_miss(world):
    programme = world.programme(min_posts=2, needs_applied_story=True)
    result = issue(programme, [world.cast.member, world.cast.facilitator, world.nadia,
                               world.cast.outsider], issued_by=world.cast.steward)
    assert [c.recipient for c in result.issued] == [world.cast.member]
    refused = {r.user: r.reason for r in result.refused}
    assert refused == {
        world.cast.facilitator: "a story of value applied in practice",
        world.nadia: "1 more post; a story of value applied in practice",
        world.cast.outsider: "not a member of the community"}
    assert {r.user: r.member for r in result.refused}[world.cast.outsider] is False
    assert {r.user: r.reasons for r in result.refused}[world.cast.outsider] == []
    assert Certificate.objects.count() == 1


def test_bulk_issue_to_everyone_who_meets(world):
    programme = world.programme(min_posts=1)
    candidates = bulk_candidates(programme)
    assert {u.display_name for u in candidates} == {"Farid Ahmadi", "Mina Sadeghi",
                                                    "Nadia Karimi"}
    result = issue(programme, candidates, issued_by=world.cast.steward)
    assert len(result.issued) == 3
    assert sorted(c.status_index for c in Certificate.objects.all()) == [0, 1, 2]
    assert bulk_candidates(programme) == []


def test_issue_takes_the_standings_it_is_given(world, django_assert_num_queries):
    """Given the standings (as the bulk issue has them), issuing counts none again: the
    queries are those of the standings fewer; whether one holds a certificate is still read
    under the lock."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from praxis.credentials import criteria

    programme = world.programme(min_posts=1)
    with CaptureQueriesContext(connection) as counting:
        found = criteria.standings(programme)
    candidates = bulk_candidates(programme, found)
    with CaptureQueriesContext(connection) as given:
        result = issue(programme, candidates, issued_by=world.cast.steward, standings=found)
    assert len(result.issued) == 3
    Certificate.objects.all().delete()
    with CaptureQueriesContext(connection) as computed:
        issue(programme, candidates, issued_by=world.cast.steward)
    assert len(computed) - len(given) == len(counting)
    # Already issued since the standings were counted: not issued twice.
    again = issue(programme, candidates, issued_by=world.cast.steward, standings=found)
    assert (again.issued, len(again.already)) == ([], 3)


def test_a_bulk_issue_writes_its_audit_events_at_once(world):
    """One event per certificate, naming the recipient's address (erasure forgets it by
    matching it), written in one INSERT."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from praxis.core.models import AuditEvent

    programme = world.programme(min_posts=1)
    people = [world.cast.member, world.cast.facilitator, world.nadia]
    with CaptureQueriesContext(connection) as queries:
        issue(programme, people, issued_by=world.cast.steward)
    inserts = [q["sql"] for q in queries if q["sql"].startswith("INSERT")
               and "core_auditevent" in q["sql"]]
    assert len(inserts) == 1
    # (By this steward: a demo loaded in the same run leaves its own events.)
    subjects = set(AuditEvent.objects.filter(kind=AuditEvent.Kind.CERTIFICATE,
                                             actor=world.cast.steward)
                   .values_list("actor_id", "subject"))
    assert subjects == {(world.cast.steward.pk, f"issued to {person.email}: {programme.name}")
                        for person in people}


def test_status_places_are_unique_per_community_across_programmes(world):
    first = world.programme(name="Autumn", min_posts=1)
    second = world.programme(name="Spring", min_posts=1)
    issue(first, [world.cast.member, world.nadia], issued_by=None)
    issue(second, [world.cast.member], issued_by=None)
    issue(first, [world.cast.facilitator], issued_by=None)
    indexes = list(Certificate.objects.order_by("pk").values_list("status_index", flat=True))
    assert indexes == [0, 1, 2, 3]
    # Another community's list starts at the beginning.
    other = CommunityFactory()
    person = MembershipFactory(community=other).user
    programme = Programme.objects.create(community=other, name="Other", start=world.start,
                                         end=world.end)
    assert issue(programme, [person], issued_by=None).issued[0].status_index == 0


def test_revoking_needs_a_reason_and_happens_once(world):
    programme = world.programme()
    certificate = issue(programme, [world.cast.member], issued_by=None).issued[0]
    with pytest.raises(ValueError):
        revoke(certificate, by=world.cast.steward, reason="   ")
    certificate.refresh_from_db()
    assert not certificate.is_revoked
    assert revoke(certificate, by=world.cast.steward, reason="Counted twice") is True
    revoked_at = certificate.revoked_at
    assert revoke(certificate, by=world.cast.facilitator, reason="Again") is False
    certificate.refresh_from_db()
    assert (certificate.revoked_at, certificate.revoked_by, certificate.revocation_reason) == (
        revoked_at, world.cast.steward, "Counted twice")


def test_deleting_a_community_with_certificates_deletes_them(world):
    programme = world.programme()
    issue(programme, [world.cast.member, world.nadia], issued_by=None)
    revoke(Certificate.objects.first(), by=None, reason="Test")
    world.cast.community.delete()
    assert not Community.objects.filter(pk=world.cast.community.pk).exists()
    assert Certificate.objects.count() == 0 and Programme.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_two_stewards_issuing_at_once_share_no_status_place_and_no_person(make_cast):
    """PostgreSQL only (SQLite runs one writer at a time): the community's row is locked
    while the places are handed out."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent writers")
    import threading

    from django.db import connections

    world = build(make_cast())
    programme = world.programme(min_posts=1)
    barrier = threading.Barrier(2)
    failures: list[BaseException] = []

    def steward_issues(people) -> None:
        try:
            barrier.wait()
            issue(programme, people, issued_by=None)
        except BaseException as error:
            failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=steward_issues, args=(people,)) for people in (
        [world.cast.member, world.nadia], [world.cast.member, world.cast.facilitator])]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert sorted(Certificate.objects.values_list("status_index", flat=True)) == [0, 1, 2]
    assert Certificate.objects.filter(recipient=world.cast.member).count() == 1


def test_issuing_and_revoking_are_in_the_audit_log(world):
    from praxis.core.models import AuditEvent

    programme = world.programme()
    certificate = issue(programme, [world.cast.member], issued_by=world.cast.steward).issued[0]
    revoke(certificate, by=world.cast.steward, reason="Counted twice")
    revoke(certificate, by=world.cast.steward, reason="Again")
    events = list(AuditEvent.objects.filter(kind=AuditEvent.Kind.CERTIFICATE,
                                            actor=world.cast.steward)
                  .order_by("pk").values_list("actor_id", "subject"))
    assert events == [
        (world.cast.steward.pk, f"issued to {world.cast.member.email}: {programme.name}"),
        (world.cast.steward.pk, f"revoked for {world.cast.member.email}: {programme.name}"),
    ]
