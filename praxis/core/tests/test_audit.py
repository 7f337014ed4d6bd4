"""The security audit log: logins and failures, password resets, role changes, removals and
moderation are recorded where they happen; site admins read them, nobody else."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from praxis.access import topic_access
from praxis.accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from praxis.communities import services as communities
from praxis.communities.models import Membership
from praxis.core.audit import forget_old_events
from praxis.core.models import AuditEvent
from praxis.discussions import moderation
from praxis.discussions.tests.factories import make_thread, make_topic

pytestmark = pytest.mark.django_db
Kind = AuditEvent.Kind


def test_logins_and_failures_are_recorded_with_their_address(client):
    leila = UserFactory(email="leila@example.org")
    login = reverse("accounts:login")
    client.post(login, {"username": leila.email, "password": "wrong"}, REMOTE_ADDR="203.0.113.7")
    client.post(login, {"username": leila.email, "password": DEFAULT_PASSWORD},
                REMOTE_ADDR="203.0.113.7")
    failed, succeeded = AuditEvent.objects.order_by("pk")
    assert (failed.kind, failed.actor, failed.subject, failed.address) == (
        Kind.LOGIN_FAILED, None, leila.email, "203.0.113.7")
    assert (succeeded.kind, succeeded.actor) == (Kind.LOGIN, leila)


def test_role_changes_removals_and_moderation_are_recorded_with_who_did_them(cast):
    membership = Membership.objects.get(community=cast.community, user=cast.member)
    communities.change_member(membership=membership, role=Membership.Role.FACILITATOR,
                              tier="", actor=cast.steward)
    communities.change_member(membership=membership, role=Membership.Role.FACILITATOR,
                              tier="trainer", actor=cast.steward)  # no change of role
    thread = make_thread(make_topic(cast.community), cast.facilitator)
    moderation.lock_thread(access=topic_access(cast.steward, thread.topic), actor=cast.steward,
                           thread=thread, reason="Off topic")
    communities.remove_member(membership=membership, actor=cast.steward)
    events = list(AuditEvent.objects.order_by("pk").values_list("kind", "actor", "subject"))
    assert events == [
        (Kind.ROLE_CHANGED, cast.steward.pk,
         f"{cast.member.email}: Member → Facilitator in {cast.community.name}"),
        (Kind.MODERATION, cast.steward.pk, f"lock: thread {thread.pk} in {cast.community.name}"),
        (Kind.MEMBER_REMOVED, cast.steward.pk, f"{cast.member.email} from {cast.community.name}"),
    ]


def test_only_site_admins_read_the_log_and_old_events_are_forgotten(client, cast):
    AuditEvent.objects.create(kind=Kind.LOGIN, subject="old",
                              created_at=timezone.now() - timedelta(days=400))
    AuditEvent.objects.create(kind=Kind.LOGIN, subject="recent")
    url = reverse("admin:core_auditevent_changelist")
    cast.steward.is_staff = True
    cast.steward.save()
    client.force_login(cast.steward)
    assert client.get(url).status_code == 403
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    page = client.get(url)
    assert page.status_code == 200 and "recent" in page.content.decode()
    assert forget_old_events() == 1
    assert list(AuditEvent.objects.values_list("subject", flat=True)) == ["recent"]
