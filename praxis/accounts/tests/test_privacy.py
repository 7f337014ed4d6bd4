"""Members own their data: the export of everything kept about them, and erasing their
account with their posts kept (as "Former member") or removed (docs/privacy.md)."""

import io
import json
import zipfile
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from praxis.accounts import services
from praxis.accounts.hooks import ErasureRefused, account_erased
from praxis.accounts.models import User
from praxis.accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from praxis.communities.models import Invitation, JoinRequest, Membership
from praxis.communities.tests.cast import Cast
from praxis.communities.tests.factories import CommunityFactory, MembershipFactory
from praxis.core import throttle
from praxis.core.models import AuditEvent, Throttle
from praxis.credentials import services as credential_services
from praxis.credentials.models import Certificate, Programme
from praxis.discussions import services as discussion_services
from praxis.discussions.models import (
    Flag,
    Post,
    PostRevision,
    Reaction,
    Thread,
    ThreadRead,
    ThreadVisitDay,
)
from praxis.discussions.tests import samples
from praxis.discussions.tests.factories import make_thread, make_topic, opener, reply
from praxis.interop import services as interop_services
from praxis.interop.models import FeedToken
from praxis.library import services as library_services
from praxis.library.models import Resource, ResourceRead
from praxis.notifications.models import DigestCursor, OutboundEmail, Subscription
from praxis.practice.models import (
    Feedback,
    FeedbackRequest,
    Friendship,
    JournalEntry,
    PlanStage,
    PlanVersion,
    SessionPlan,
)
from praxis.practice.services import diary as diary_services
from praxis.practice.services import plans as plan_services
from praxis.practice.tests.plan_factories import draft
from praxis.topics.models import ProposalSupport, Topic
from praxis.topics.tests.factories import ProposalFactory

NAME = "Zebulon Quartermaine"
EMAIL = "zebulon.q@example.org"


@dataclass
class Story:
    """A community where one member (``leaver``) has written, reacted, flagged, read,
    chosen email settings and made a feed token, as the tests' one account to export and
    erase."""

    cast: Cast
    leaver: User
    topic: Topic
    thread: Thread  # a facilitator's question, answered by the leaver
    answered: Post  # the leaver's post that the facilitator answered
    lonely: Post  # the leaver's reply nobody answered
    chain_start: Post  # a post of theirs that only their own reply answered
    own_thread: Thread  # a thread the leaver started, which nobody answered
    opened: Thread  # a thread the leaver started, where someone else wrote a post of their own
    practice: "Practice"


@dataclass
class Practice:
    """What the leaver did in practice and the library (``_practice_and_library``)."""

    plan: SessionPlan  # two versions, an original file; the facilitator gave feedback on it
    lonely_plan: SessionPlan  # nobody gave feedback on it; an original file of its own
    acted_on: Feedback  # the leaver's feedback that the facilitator's next version answers
    unanswered: Feedback  # the leaver's feedback nobody acted on
    link: Resource
    upload: Resource
    files: list[str]  # the stored names of the files the leaver uploaded


# Words only the leaver wrote, each once: a dump holding one still holds what they wrote.
WRITTEN = {
    "aims": "Wombataims: trainees notice their own feedback moves.",
    "stage": "Wombatstage: trainees rehearse the feedback talk",
    "materials": "Wombatmaterials cue cards",
    "level": "Wombatlevel novice mentors",
    "change_note": "Wombatchange: shorter rehearsal, after the feedback.",
    "lonely": "Wombatlonely plan",
    "questions": "Wombatquestion: is the rehearsal long enough?",
    "works": "Wombatworks: the video clip is well chosen.",
    "change": "Wombatchangeit: give trainees the checklist first.",
    "question": "Wombatquery: how long is the debrief?",
    "file": "wombat-original-plan.pdf",
    "article": "Wombatarticle on loop input",
    "article_file": "wombat-article.pdf",
}
# Words that go whatever the leaver chose: their diary and their friendships.
PRIVATE = {
    "private": "Wombatdiary private: the second stage lost them",
    "friends": "Wombatdiary friends: the jigsaw took too long",
    "community": "Wombatdiary community: the podcast clip worked",
    "invitation": "Wombatfriend: shall we read each other's plans?",
}
# Titles that stay as a note (decision 35: thread titles others answered stay).
PLAN_TITLE = "Loop input for novice trainers"
LINK_TITLE = "Woodward on loop input"


def _practice_and_library(cast: Cast, leaver: User) -> Practice:
    """The leaver shares two plans (one the facilitator gives feedback on, which the
    leaver's second version answers), asks a member for feedback, gives feedback on the
    facilitator's plan, has a critical friend and an invitation, writes a diary entry of
    each visibility, adds a link and a file to the library and reads."""
    community = cast.community
    plan = plan_services.share_plan(
        community=community, author=leaver,
        draft=draft(PLAN_TITLE, aims=WRITTEN["aims"], level=WRITTEN["level"],
                    stages=[plan_services.StageDraft(20, WRITTEN["stage"], "pairs",
                                                     WRITTEN["materials"])]),
        upload=samples.upload(WRITTEN["file"], samples.pdf()))
    first = plan.versions.get()
    theirs = plan_services.give_feedback(version=first, author=cast.facilitator,
                                         works="The stages flow.", change="Time the talk.")
    second = plan_services.post_version(
        plan=plan, draft=draft(PLAN_TITLE, aims=WRITTEN["aims"], level=WRITTEN["level"]),
        change_note=WRITTEN["change_note"], answers=[theirs])
    plan_services.ask_for_feedback(version=second, asked_by=leaver, audience="chosen",
                                   questions=WRITTEN["questions"], chosen=[cast.member])
    lonely_plan = plan_services.share_plan(
        community=community, author=leaver, draft=draft(WRITTEN["lonely"]),
        upload=samples.upload("wombat-lonely.pdf", samples.pdf()))
    facilitators = plan_services.share_plan(community=community, author=cast.facilitator,
                                            draft=draft("Observing a lesson"))
    on_theirs = facilitators.versions.get()
    acted_on = plan_services.give_feedback(version=on_theirs, author=leaver,
                                           works=WRITTEN["works"], change=WRITTEN["change"])
    unanswered = plan_services.give_feedback(version=on_theirs, author=leaver,
                                             question=WRITTEN["question"])
    plan_services.post_version(plan=facilitators, draft=draft("Observing a lesson"),
                               change_note="Shorter, as suggested.", answers=[acted_on])
    friendship = diary_services.invite_friend(community=community, inviter=leaver,
                                              invitee=cast.member,
                                              message=PRIVATE["invitation"])
    diary_services.answer_invitation(friendship=friendship, actor=cast.member, accept=True)
    diary_services.invite_friend(community=community, inviter=cast.facilitator, invitee=leaver)
    for visibility in ("private", "friends", "community"):
        diary_services.create_entry(author=leaver, draft=diary_services.EntryDraft(
            written_on=date(2026, 3, 1), visibility=visibility, title=f"Wombat {visibility}",
            parts={"text": PRIVATE[visibility]}, community=community,
            plan_version=second if visibility == "private" else None))
    link = library_services.add_link(community=community, added_by=leaver, title=LINK_TITLE,
                                     url="https://example.org/woodward")
    upload = library_services.add_file(
        community=community, added_by=leaver, title=WRITTEN["article"],
        upload=samples.upload(WRITTEN["article_file"], samples.pdf()))
    read = library_services.add_link(community=community, added_by=cast.facilitator,
                                     title="Read by the leaver", url="https://example.org/r")
    for resource in (read, upload):
        library_services.record_read(resource=resource, reader=leaver)
    files = sorted({first.original_file.name, lonely_plan.versions.get().original_file.name,
                    upload.file.name})
    return Practice(plan=plan, lonely_plan=lonely_plan, acted_on=acted_on,
                    unanswered=unanswered, link=link, upload=upload, files=files)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def story(cast, media) -> Story:
    leaver = UserFactory(email=EMAIL, display_name=NAME, institution="Quartermaine College",
                         region="Far Shire", bio="I train teachers of Zebulon County.")
    MembershipFactory(community=cast.community, user=leaver)
    topic = make_topic(cast.community, facilitators=[cast.facilitator])
    thread = make_thread(topic, cast.facilitator)
    answered = reply(thread, leaver, body="My first answer, in my own words.")
    reply(thread, cast.facilitator, parent=answered, body="Thank you, that helps.")
    discussion_services.edit_post(post=answered, editor=leaver,
                                  body="My first answer, edited.")
    lonely = reply(thread, leaver, body="A lonely reply nobody answered.")
    chain_start = reply(thread, leaver, body="Start of my own chain.")
    reply(thread, leaver, parent=chain_start, body="I answer myself.")
    own_thread = make_thread(topic, leaver, title="The leaver's own question",
                             body="Does anyone use loop input?", kind=Thread.Kind.MEMBER)
    opened = make_thread(topic, leaver, title="Another question of the leaver's",
                         body="Who has tried pair teaching?", kind=Thread.Kind.MEMBER)
    reply(opened, cast.member, body="Not a reply to it, but in its thread.")
    Reaction.objects.create(post=opener(thread), user=leaver, kind=Reaction.Kind.HELPFUL)
    Flag.objects.create(post=opener(thread), flagged_by=leaver, reason="Please look at it.")
    ThreadRead.objects.create(user=leaver, thread=thread, last_read_post_id=answered.pk)
    ThreadVisitDay.objects.create(community=cast.community, user=leaver, thread=thread,
                                  day=timezone.now().date(), visits=2)
    Subscription.objects.create(user=leaver, community=cast.community, mode="weekly")
    DigestCursor.objects.create(user=leaver, mode="daily", covered_until=timezone.now())
    interop_services.reset_feed_token(user=leaver)
    OutboundEmail.objects.create(key="test:leaver", kind="notice", user=leaver,
                                 to_address=EMAIL, subject="For you", body_text="Hello")
    OutboundEmail.objects.create(key="test:digest", kind="digest", user=cast.member,
                                 to_address=cast.member.email, status="sent",
                                 subject="Your digest", body_text=f"{NAME}, today: hello")
    OutboundEmail.objects.create(key="test:queued", kind="reply", user=cast.member,
                                 to_address=cast.member.email,
                                 subject=f"{NAME} replied to your post", body_text="Hi")
    elsewhere = CommunityFactory()
    Invitation.objects.create(community=elsewhere, email=EMAIL, token_hash="t" * 64,
                              expires_at=timezone.now() + timedelta(days=3))
    Invitation.objects.create(community=cast.community, email="friend@example.org",
                              invited_by=leaver, token_hash="u" * 64,
                              expires_at=timezone.now() + timedelta(days=3))
    JoinRequest.objects.create(community=elsewhere, user=leaver, message="Let me in, please.")
    ProposalSupport.objects.create(proposal=ProposalFactory(community=cast.community),
                                   user=leaver)
    AuditEvent.objects.create(kind=AuditEvent.Kind.LOGIN, actor=leaver, subject=EMAIL,
                              address="203.0.113.7")
    AuditEvent.objects.create(kind=AuditEvent.Kind.LOGIN_FAILED, subject=EMAIL.upper(),
                              address="203.0.113.8")
    throttle.hit(throttle.LOGIN_FAILURES_PER_ACCOUNT, EMAIL)
    LogEntry.objects.create(
        user=cast.steward, content_type=ContentType.objects.get_for_model(Membership),
        object_id="1", object_repr=f"{NAME} @ {cast.community}", action_flag=CHANGE)
    today = timezone.localdate()
    programme = Programme.objects.create(community=cast.community, name="Loop input course",
                                         start=today - timedelta(days=30), end=today)
    credential_services.issue(programme, [leaver], issued_by=cast.steward)
    return Story(cast=cast, leaver=leaver, topic=topic, thread=thread, answered=answered,
                 lonely=lonely, chain_start=chain_start, own_thread=own_thread,
                 opened=opened, practice=_practice_and_library(cast, leaver))


def _logged_in(user: User, **kwargs) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


# ------------------------------------------------------------------------------ export

def _export(client: Client) -> zipfile.ZipFile:
    response = client.post(reverse("accounts:data_export"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def test_the_export_holds_each_section_as_json_and_a_readable_page(story):
    archive = _export(_logged_in(story.leaver))
    names = set(archive.namelist())
    index = json.loads(archive.read("index.json"))
    keys = [section["key"] for section in index["sections"]]
    for key in ("profile", "memberships", "invitations", "join_requests", "topic_proposals",
                "topics_facilitated", "posts", "post_revisions", "reactions", "flags",
                "reading", "reading_days", "email_choices", "emails", "replies_by_email",
                "feed_tokens",
                "security_log", "session_plans", "plan_versions", "plan_feedback",
                "feedback_requests", "critical_friends", "reflection_diary",
                "library_resources", "library_reading", "certificates"):
        assert key in keys
        assert {f"json/{key}.json", f"html/{key}.html"} <= names
        json.loads(archive.read(f"json/{key}.json"))  # every file parses
    assert "index.html" in names
    assert NAME in archive.read("index.html").decode()


def test_the_export_holds_the_members_posts_with_where_they_are(story):
    archive = _export(_logged_in(story.leaver))
    posts = json.loads(archive.read("json/posts.json"))["rows"]
    bodies = {row["body"] for row in posts}
    assert {"My first answer, edited.", "A lonely reply nobody answered.",
            "Does anyone use loop input?"} <= bodies
    row = next(row for row in posts if row["id"] == story.answered.pk)
    assert row["thread"] == story.thread.title
    assert row["topic"] == story.topic.title
    assert row["community"] == story.cast.community.name
    assert row["post_url"].startswith("http") and row["post_url"].endswith(
        story.answered.get_absolute_url())
    page = archive.read("html/posts.html").decode()
    assert "My first answer, edited." in page and story.thread.title in page
    revisions = json.loads(archive.read("json/post_revisions.json"))["rows"]
    assert [r["body"] for r in revisions] == ["My first answer, in my own words."]
    profile = json.loads(archive.read("json/profile.json"))["rows"][0]
    assert profile["email"] == EMAIL and profile["institution"] == "Quartermaine College"
    assert profile["digest"] == "daily" and profile["locale_name"]
    flags = json.loads(archive.read("json/flags.json"))["rows"]
    assert [flag["reason"] for flag in flags] == ["Please look at it."]
    reactions = json.loads(archive.read("json/reactions.json"))["rows"]
    assert len(reactions) == 1
    security = json.loads(archive.read("json/security_log.json"))["rows"]
    assert any(event["address"] == "203.0.113.7" for event in security)


def test_the_export_holds_the_members_plans_feedback_diary_and_library(story):
    archive = _export(_logged_in(story.leaver))

    def rows(key: str) -> str:
        return archive.read(f"json/{key}.json").decode()

    assert PLAN_TITLE in rows("session_plans") and WRITTEN["lonely"] in rows("session_plans")
    versions = rows("plan_versions")
    for key in ("aims", "stage", "materials", "change_note", "file"):
        assert WRITTEN[key] in versions, key
    feedback = rows("plan_feedback")
    assert all(WRITTEN[key] in feedback for key in ("works", "change", "question"))
    assert "The stages flow." not in feedback  # given to them, not by them
    assert WRITTEN["questions"] in rows("feedback_requests")
    assert PRIVATE["invitation"] in rows("critical_friends")
    diary = rows("reflection_diary")
    assert all(PRIVATE[key] in diary for key in ("private", "friends", "community"))
    resources = rows("library_resources")
    assert LINK_TITLE in resources and WRITTEN["article_file"] in resources
    assert "Read by the leaver" in rows("library_reading")


def test_the_export_leaves_out_other_peoples_private_data(story):
    archive = _export(_logged_in(story.leaver))
    everything = "".join(archive.read(name).decode() for name in archive.namelist())
    cast = story.cast
    for private in (cast.facilitator.email, cast.member.email, cast.steward.email,
                    "friend@example.org", "Thank you, that helps.", "203.0.113.8"):
        assert private not in everything
    # The invitation the leaver sent is there, without whom it went to.
    invitations = json.loads(archive.read("json/invitations.json"))["rows"]
    assert len(invitations) == 2


def test_an_export_is_an_audit_event_and_only_a_post_makes_one(story):
    client = _logged_in(story.leaver)
    page = client.get(reverse("accounts:data_export"))
    assert page.status_code == 200
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.EXPORT).exists()
    _export(client)
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.EXPORT)
    assert event.actor == story.leaver


def test_an_export_without_the_csrf_token_is_refused(story):
    client = _logged_in(story.leaver, enforce_csrf_checks=True)
    assert client.post(reverse("accounts:data_export")).status_code == 403
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.EXPORT).exists()


def test_the_profile_links_to_the_export_and_the_erasure(story):
    html = _logged_in(story.leaver).get(reverse("accounts:profile")).content.decode()
    assert reverse("accounts:data_export") in html
    assert reverse("accounts:erase") in html


# ------------------------------------------------------------------------------ erasure

def _erase(client: Client, choice: str, password: str = DEFAULT_PASSWORD):
    return client.post(reverse("accounts:erase"), {"posts": choice, "password": password})


def _snapshot() -> str:
    out = io.StringIO()
    # django_rq (installed with Redis) has a model without a table: nothing of ours is there.
    table_less = ["django_rq"] if apps.is_installed("django_rq") else []
    call_command("dumpdata", exclude=["contenttypes", "auth.permission", *table_less],
                 stdout=out)
    return out.getvalue()


def _nothing_names_the_leaver(story: Story) -> None:
    dump = _snapshot()
    for trace in (NAME, EMAIL, "Quartermaine", "Far Shire", "203.0.113.7", "203.0.113.8"):
        assert trace.lower() not in dump.lower(), trace
    page = _logged_in(story.cast.member).get(story.thread.get_absolute_url())
    assert NAME not in page.content.decode()
    for plan in SessionPlan.objects.all():
        page = _logged_in(story.cast.member).get(plan.get_absolute_url())
        assert page.status_code == 200
        assert NAME not in page.content.decode()


@pytest.mark.parametrize("choice", ["keep", "remove"])
def test_erasing_leaves_nothing_that_names_the_member(story, choice):
    client = _logged_in(story.leaver)
    response = _erase(client, choice)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:erased")
    _nothing_names_the_leaver(story)
    assert client.get(reverse("accounts:erased")).status_code == 200
    # Logged out: the profile asks for a login again.
    assert client.get(reverse("accounts:profile")).status_code == 302


def test_erasing_and_keeping_posts_signs_them_former_member(story):
    _erase(_logged_in(story.leaver), "keep")
    leaver = User.objects.get(pk=story.leaver.pk)
    assert str(leaver) == "Former member"
    assert leaver.erased_at is not None and not leaver.is_active
    assert not leaver.has_usable_password()
    assert leaver.email == f"erased-{leaver.pk}@invalid"
    assert (leaver.display_name, leaver.institution, leaver.region, leaver.bio) == ("",) * 4
    assert Post.objects.filter(author=leaver).count() == 6
    page = _logged_in(story.cast.member).get(story.thread.get_absolute_url()).content.decode()
    assert "Former member" in page and "My first answer, edited." in page
    # The earlier text stays, the community's record, but not who edited it.
    revision = PostRevision.objects.get(post=story.answered)
    assert revision.body == "My first answer, in my own words."
    assert revision.edited_by is None


def test_erasing_forgets_everything_private(story):
    leaver = story.leaver
    _erase(_logged_in(leaver), "keep")
    assert not Membership.objects.filter(user=leaver).exists()
    for model, field in ((Reaction, "user"), (ThreadRead, "user"), (ThreadVisitDay, "user"),
                         (Flag, "flagged_by"),
                         (Subscription, "user"), (DigestCursor, "user"), (FeedToken, "user"),
                         (JoinRequest, "user"), (ProposalSupport, "user"),
                         (OutboundEmail, "user")):
        assert not model.objects.filter(**{field: leaver}).exists(), model
    assert not Invitation.objects.filter(email__iexact=EMAIL).exists()
    assert Invitation.objects.filter(invited_by=leaver).exists()  # the community's record
    assert not Throttle.objects.filter(key__contains="login-account").exists()
    # Audit events stay, without the address or where they came from.
    login = AuditEvent.objects.get(kind=AuditEvent.Kind.LOGIN, actor=leaver)
    assert (login.subject, login.address) == (f"erased-{leaver.pk}@invalid", "")
    erasure = AuditEvent.objects.get(kind=AuditEvent.Kind.ERASURE)
    assert erasure.actor_id == leaver.pk and f"[{story.cast.community.slug}]" in erasure.subject
    assert erasure.address == ""
    # Emails to others that named them: the sent copy goes, the queued one forgets the name.
    assert not OutboundEmail.objects.filter(key="test:digest").exists()
    assert OutboundEmail.objects.get(key="test:queued").subject == (
        "Former member replied to your post")


def test_erasing_and_removing_posts_keeps_only_what_others_answered(story):
    leaver = story.leaver
    _erase(_logged_in(leaver), "remove")
    # Left: the post the facilitator answered, and the opening post of a thread others wrote
    # in, both as notes that the author removed them.
    left = Post.objects.filter(author=leaver)
    assert set(left.values_list("pk", flat=True)) == {story.answered.pk, opener(story.opened).pk}
    for post in left:
        assert (post.body, post.word_count) == ("", 0)
        assert "removed by its author" in post.body_html
    assert not PostRevision.objects.filter(post__in=left).exists()
    assert Thread.objects.filter(pk=story.opened.pk).exists()
    assert not Post.objects.filter(pk__in=[story.lonely.pk, story.chain_start.pk]).exists()
    assert not Thread.objects.filter(pk=story.own_thread.pk).exists()
    page = _logged_in(story.cast.member).get(story.thread.get_absolute_url()).content.decode()
    assert "removed by its author" in page
    assert "Thank you, that helps." in page  # others' replies stay
    assert "A lonely reply nobody answered." not in page


def _stored(name: str) -> bool:
    return default_storage.exists(name)


@pytest.mark.parametrize("choice", ["keep", "remove"])
def test_erasing_forgets_the_diary_friendships_and_reading_either_way(
        story, choice, django_capture_on_commit_callbacks):
    leaver = story.leaver
    with django_capture_on_commit_callbacks(execute=True):
        _erase(_logged_in(leaver), choice)
    assert not JournalEntry.objects.filter(author=leaver).exists()
    assert not Friendship.objects.filter(inviter=leaver).exists()
    assert not Friendship.objects.filter(invitee=leaver).exists()
    assert not ResourceRead.objects.filter(user=leaver).exists()
    dump = _snapshot()
    for words in (*PRIVATE.values(), "Wombat private", "Wombat friends", "Wombat community"):
        assert words not in dump, words
    # What others wrote on the leaver's plan stays, whatever they chose.
    assert Feedback.objects.filter(author=story.cast.facilitator,
                                   version__plan=story.practice.plan).exists()


def test_erasing_and_keeping_posts_keeps_plans_feedback_and_uploads(
        story, django_capture_on_commit_callbacks):
    practice = story.practice
    with django_capture_on_commit_callbacks(execute=True):
        _erase(_logged_in(story.leaver), "keep")
    dump = _snapshot()
    for key, words in WRITTEN.items():
        assert words in dump, key
    assert SessionPlan.objects.filter(author=story.leaver).count() == 2
    assert Feedback.objects.filter(author=story.leaver).count() == 2
    assert all(_stored(name) for name in practice.files)
    page = _logged_in(story.cast.member).get(practice.plan.get_absolute_url()).content.decode()
    assert "Former member" in page and WRITTEN["aims"] in page


def test_erasing_and_removing_posts_removes_plans_feedback_and_uploads(
        story, django_capture_on_commit_callbacks):
    leaver, practice = story.leaver, story.practice
    with django_capture_on_commit_callbacks(execute=True):
        _erase(_logged_in(leaver), "remove")
    dump = _snapshot()
    for key, words in WRITTEN.items():
        assert words not in dump, key
    # The plan others gave feedback on keeps its place and titles, as a note; the other goes.
    assert not SessionPlan.objects.filter(pk=practice.lonely_plan.pk).exists()
    versions = PlanVersion.objects.filter(plan=practice.plan)
    assert [(v.number, v.title) for v in versions] == [(1, PLAN_TITLE), (2, PLAN_TITLE)]
    for version in versions:
        assert "removed by its author" in version.aims
        assert (version.level, version.change_note, version.original_file.name,
                version.original_name) == ("", "", "", "")
    assert not PlanStage.objects.filter(version__plan=practice.plan).exists()
    assert versions.get(number=2).answers.filter(author=story.cast.facilitator).exists()
    request = FeedbackRequest.objects.get(asked_by=leaver)
    assert request.questions == "" and request.closed_at is not None
    # Feedback the facilitator's next version answers stays as a note; the rest goes.
    assert list(Feedback.objects.filter(author=leaver)) == [practice.acted_on]
    acted_on = Feedback.objects.get(pk=practice.acted_on.pk)
    assert (acted_on.works, acted_on.change, acted_on.question) == ("", "", "")
    assert "removed by its author" in acted_on.comment
    assert not Feedback.objects.filter(pk=practice.unanswered.pk).exists()
    # The files they uploaded go, from the library and from disk; the link stays.
    assert not Resource.objects.filter(pk=practice.upload.pk).exists()
    assert Resource.objects.filter(pk=practice.link.pk, added_by=leaver).exists()
    assert not any(_stored(name) for name in practice.files)
    # The pages still read, with the note in place of the plan.
    member = _logged_in(story.cast.member)
    slug = story.cast.community.slug
    for url in (practice.plan.get_absolute_url(), versions.get(number=1).get_absolute_url(),
                reverse("practice:compare", args=[slug, practice.plan.pk]) + "?from=1&to=2"):
        page = member.get(url)
        assert page.status_code == 200, url
        assert NAME not in page.content.decode()
    page = member.get(practice.plan.get_absolute_url()).content.decode()
    assert "This session plan was removed by its author." in page
    assert "The stages flow." in page  # the facilitator's feedback on it stays
    page = member.get(acted_on.version.plan.get_absolute_url()).content.decode()
    assert "This feedback was removed by its author." in page


@pytest.mark.parametrize("choice", ["keep", "remove"])
def test_counters_equal_the_real_counts_after_erasing(story, choice):
    _erase(_logged_in(story.leaver), choice)
    for thread in Thread.objects.all():
        posts = Post.objects.filter(thread=thread)
        assert thread.post_count == posts.count()
        latest = posts.order_by("-pk").first()
        assert thread.latest_post_id == (latest.pk if latest else 0)
        assert thread.last_post_at == max(post.created_at for post in posts)
    for topic in Topic.objects.all():
        threads = Thread.objects.filter(topic=topic)
        assert topic.thread_count == threads.count()
        assert topic.post_count == Post.objects.filter(thread__topic=topic).count()


def test_an_erased_member_cannot_log_in(story):
    _erase(_logged_in(story.leaver), "keep")
    client = Client()
    response = client.post(reverse("accounts:login"),
                           {"username": EMAIL, "password": DEFAULT_PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_erasing_ends_the_members_other_sessions(story):
    elsewhere = Client()
    elsewhere.post(reverse("accounts:login"), {"username": EMAIL, "password": DEFAULT_PASSWORD})
    assert elsewhere.get(reverse("accounts:profile")).status_code == 200
    _erase(_logged_in(story.leaver), "keep")
    assert elsewhere.get(reverse("accounts:profile")).status_code == 302


def _unchanged(story: Story) -> None:
    leaver = User.objects.get(pk=story.leaver.pk)
    assert leaver.display_name == NAME and leaver.is_active and leaver.erased_at is None
    assert Post.objects.filter(author=leaver).count() == 6
    assert Membership.objects.filter(user=leaver).exists()
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.ERASURE).exists()


def test_a_wrong_password_erases_nothing(story):
    response = _erase(_logged_in(story.leaver), "remove", password="not-my-password")
    assert response.status_code == 200
    assert "That is not your password." in response.content.decode()
    _unchanged(story)


def test_an_erasure_without_the_csrf_token_erases_nothing(story):
    response = _erase(_logged_in(story.leaver, enforce_csrf_checks=True), "remove")
    assert response.status_code == 403
    _unchanged(story)


def test_an_erasure_needs_a_choice_and_a_post(story):
    client = _logged_in(story.leaver)
    assert client.post(reverse("accounts:erase"), {"password": DEFAULT_PASSWORD}
                       ).status_code == 200
    assert client.get(reverse("accounts:erase"), {"posts": "remove",
                                                  "password": DEFAULT_PASSWORD}
                      ).status_code == 200
    _unchanged(story)


def test_the_only_steward_cannot_erase_their_account(story):
    steward = story.cast.steward
    response = _erase(_logged_in(steward), "keep")
    assert response.status_code == 200
    assert "only steward" in response.content.decode()
    assert User.objects.get(pk=steward.pk).erased_at is None
    with pytest.raises(ErasureRefused):
        services.erase_account(user=steward, keep_posts=True)
    assert Membership.objects.filter(user=steward).exists()


def test_a_steward_with_a_fellow_steward_can_erase(story):
    MembershipFactory(community=story.cast.community, role="steward")
    assert _erase(_logged_in(story.cast.steward), "keep").status_code == 302


def test_an_erased_account_cannot_be_erased_twice(story):
    services.erase_account(user=story.leaver, keep_posts=True)
    with pytest.raises(ErasureRefused):
        services.erase_account(user=story.leaver, keep_posts=True)


# ---------------------------------------------------------------- record of processing

def test_the_record_of_processing_counts_exports_and_erasures(story):
    _export(_logged_in(story.leaver))
    MembershipFactory(community=story.cast.community)
    _erase(_logged_in(story.leaver), "keep")
    community = story.cast.community
    page = _logged_in(story.cast.steward).get(
        reverse("communities:privacy_record", args=[community.slug]))
    assert page.status_code == 200
    counts = page.context["counts"]
    # The export was made by someone who is no longer a member: it no longer counts.
    assert (counts.members, counts.exports, counts.erasures) == (
        Membership.objects.filter(community=community).count(), 0, 1)
    html = page.content.decode()
    assert "Your posts" in html and "Why it is kept" in html
    settings_page = _logged_in(story.cast.steward).get(
        reverse("communities:settings", args=[community.slug]))
    assert reverse("communities:privacy_record", args=[community.slug]) in (
        settings_page.content.decode())


def test_an_erasure_is_one_transaction(story):
    """An app refusing last (after posts were removed and memberships ended) undoes it all."""

    def refuse(erasure):
        raise ErasureRefused("Not now.")

    account_erased.register(refuse)
    try:
        response = _erase(_logged_in(story.leaver), "remove")
    finally:
        account_erased.receivers.remove(refuse)
    assert response.status_code == 200
    assert "Not now." in response.content.decode()
    _unchanged(story)


@pytest.mark.parametrize("choice", ["keep", "remove"])
def test_a_thread_page_seen_before_the_erasure_shows_none_of_it_after(story, choice):
    reader = _logged_in(story.cast.member)
    before = reader.get(story.thread.get_absolute_url()).content.decode()
    assert NAME in before and "My first answer, edited." in before
    _erase(_logged_in(story.leaver), choice)
    after = reader.get(story.thread.get_absolute_url()).content.decode()
    assert NAME not in after
    assert ("My first answer, edited." in after) == (choice == "keep")


@pytest.mark.parametrize("choice", ["keep", "remove"])
def test_erasing_revokes_the_members_certificates_and_unnames_them(story, choice):
    _erase(_logged_in(story.leaver), choice)
    certificate = Certificate.objects.get()
    assert certificate.recipient is None and certificate.recipient_name == "Former member"
    assert certificate.is_revoked
    assert certificate.revocation_reason == "The holder closed their account"
    page = Client().get(reverse("credentials:ob2_json", args=[certificate.public_id]))
    assert page.status_code == 410 and NAME not in page.content.decode()
    assert "recipient" not in json.loads(page.content)
