"""Topic and proposal services: the rules they keep, one behaviour per test."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from praxis.accounts.tests.factories import UserFactory
from praxis.discussions import services as discussion_services
from praxis.discussions.models import Post, Thread
from praxis.discussions.services import DiscussionRuleError
from praxis.library.models import Resource
from praxis.library.tests.documents import PDF
from praxis.topics import services
from praxis.topics.models import ProposalSupport, Topic, TopicProposal
from praxis.topics.services import QuestionDraft, SeedArticle, TopicRuleError
from praxis.topics.tests.factories import ProposalFactory, TopicFactory

DAY = timedelta(days=1)


def _dates(start_in_days: float = -1, apply_day: float = 4, length: float = 7):
    start = timezone.now() + timedelta(days=start_in_days)
    return {"starts_at": start, "apply_from": start + timedelta(days=apply_day),
            "ends_at": start + timedelta(days=length)}


def _topic(cast, **fields):
    values = {"community": cast.community, "actor": cast.facilitator, "title": "Loop input",
              **_dates(), **fields}
    return services.create_topic(**values)


# Dates ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("apply_day,length,message", [
    (-1, 7, "apply phase cannot begin before the topic starts"),
    (8, 7, "cannot end before its apply phase begins"),
    (0, 0, "must end after it starts"),
])
def test_dates_out_of_order_are_refused_with_a_clear_reason(cast, apply_day, length, message):
    with pytest.raises(TopicRuleError, match=message):
        _topic(cast, **_dates(apply_day=apply_day, length=length))
    assert not Topic.objects.exists()


def test_the_apply_phase_may_start_with_the_topic_or_at_its_end(cast):
    _topic(cast, **_dates(apply_day=0))
    _topic(cast, title="Other", **_dates(apply_day=7))
    assert Topic.objects.count() == 2


@pytest.mark.parametrize("days,apply_day", [(7, 4), (21, 13), (2, 1), (1, 0)])
def test_suggested_dates_put_the_apply_phase_at_about_sixty_percent(days, apply_day):
    start, apply_from, end = services.suggested_dates(days)
    assert start > timezone.now()
    assert (apply_from - start).days == apply_day
    assert (end - start).days == days
    assert timezone.localtime(start).hour == 0


# Creating topics -----------------------------------------------------------------------------

def test_a_topic_gets_a_web_address_from_its_title_unique_in_its_community(cast, make_cast):
    first = _topic(cast, title="Loop input: trying it out!")
    second = _topic(cast, title="Loop input: trying it out?")
    elsewhere = _topic(make_cast(), title="Loop input: trying it out")
    assert first.slug == "loop-input-trying-it-out"
    assert second.slug == "loop-input-trying-it-out-2"
    assert elsewhere.slug == "loop-input-trying-it-out"


def test_a_persian_title_keeps_its_letters_in_the_web_address(cast):
    topic = _topic(cast, title="بازتاب دربارهٔ بازتاب")
    assert topic.slug == "بازتاب-درباره-بازتاب"  # the hamza mark is not a letter


def test_a_title_without_letters_still_gets_an_address(cast):
    assert _topic(cast, title="???").slug == "topic"


def test_creating_a_topic_opens_a_thread_per_question_in_order_and_the_apply_thread(cast):
    topic = _topic(cast, apply_prompt="Post one session you will change.", questions=[
        QuestionDraft("What is loop input?", "Read the article first."),
        QuestionDraft("   "),  # an empty slot of the form
        QuestionDraft("Where would it confuse?"),
    ])
    questions = list(topic.threads.filter(kind=Thread.Kind.QUESTION).order_by("position"))
    assert [(q.title, q.position) for q in questions] == [
        ("What is loop input?", 1), ("Where would it confuse?", 2)]
    opening = Post.objects.get(thread=questions[0])
    assert (opening.author, opening.body) == (cast.facilitator, "Read the article first.")
    assert Post.objects.get(thread=questions[1]).body == "Where would it confuse?"
    apply_thread = topic.threads.get(kind=Thread.Kind.APPLY)
    assert apply_thread.title == "How will you apply this in your own context?"
    assert Post.objects.get(thread=apply_thread).body == "Post one session you will change."
    assert apply_thread.position > questions[-1].position


def test_without_an_apply_prompt_the_apply_thread_asks_in_general_words(cast):
    topic = _topic(cast)
    body = Post.objects.get(thread__topic=topic, thread__kind=Thread.Kind.APPLY).body
    assert "your own training context" in body


def test_facilitators_must_be_members_of_the_community(cast):
    with pytest.raises(TopicRuleError, match="must be members"):
        _topic(cast, facilitators=[cast.facilitator, cast.outsider])
    topic = _topic(cast, facilitators=[cast.facilitator, cast.member])
    assert set(topic.facilitators.all()) == {cast.facilitator, cast.member}


def test_a_seed_link_is_added_to_the_library_with_its_citation(cast):
    topic = _topic(cast, seed=SeedArticle(title="Loop input", url="https://example.org/loop",
                                          citation="Woodward (2003)"))
    resource = topic.seed_resource
    assert (resource.kind, resource.url, resource.citation, resource.community) == (
        Resource.Kind.LINK, "https://example.org/loop", "Woodward (2003)", cast.community)


def test_a_seed_file_is_checked_and_stored(cast):
    upload = SimpleUploadedFile("loop input.pdf", PDF, content_type="application/pdf")
    topic = _topic(cast, seed=SeedArticle(title="", upload=upload))
    resource = topic.seed_resource
    assert resource.kind == Resource.Kind.FILE
    assert resource.original_name == "loop input.pdf" and resource.title == "loop input"
    assert resource.file.name.endswith(".pdf") and "loop" not in resource.file.name
    assert resource.file.read() == PDF


def test_a_seed_file_that_is_not_a_document_is_refused_and_nothing_is_created(cast):
    upload = SimpleUploadedFile("article.pdf", b"MZ\x90\x00 not a pdf")
    with pytest.raises(TopicRuleError, match="not a PDF"):
        _topic(cast, seed=SeedArticle(upload=upload))
    assert not Topic.objects.exists() and not Resource.objects.exists()


def test_a_seed_article_of_another_community_is_refused(cast, make_cast):
    other = make_cast()
    resource = Resource.objects.create(community=other.community, kind="link", title="x",
                                       url="https://example.org")
    with pytest.raises(TopicRuleError, match="another community"):
        _topic(cast, seed_resource=resource)


# Editing -------------------------------------------------------------------------------------

def _update(topic, actor, **fields):
    values = {"title": topic.title, "summary": topic.summary, "facilitators": [],
              "starts_at": topic.starts_at, "apply_from": topic.apply_from,
              "ends_at": topic.ends_at, "apply_prompt": topic.apply_prompt, **fields}
    return services.update_topic(topic=topic, actor=actor, **values)


def test_editing_a_topic_keeps_its_web_address_and_may_replace_the_article(cast):
    topic = _topic(cast, seed=SeedArticle(title="Old", url="https://example.org/old"))
    updated = _update(topic, cast.facilitator, title="Loop input, again",
                      seed=SeedArticle(title="New", url="https://example.org/new"))
    assert updated.slug == topic.slug
    assert updated.seed_resource.title == "New"
    assert _update(updated, cast.facilitator).seed_resource.title == "New"  # kept
    assert _update(updated, cast.facilitator, remove_seed=True).seed_resource is None


def test_editing_refuses_dates_out_of_order(cast):
    topic = _topic(cast)
    with pytest.raises(TopicRuleError):
        _update(topic, cast.facilitator, ends_at=topic.starts_at - DAY)
    topic.refresh_from_db()
    assert topic.ends_at > topic.starts_at


# Questions -----------------------------------------------------------------------------------

def _titles(topic):
    return list(topic.threads.filter(kind=Thread.Kind.QUESTION)
                .order_by("position").values_list("title", flat=True))


def test_a_question_added_later_comes_last_with_its_thread(cast):
    topic = _topic(cast, questions=[QuestionDraft("One?"), QuestionDraft("Two?")])
    thread = discussion_services.add_question(topic=topic, author=cast.member, title="Three?",
                                              body="")
    assert _titles(topic) == ["One?", "Two?", "Three?"]
    assert thread.post_count == 1 and thread.created_by == cast.member


def test_questions_move_up_and_down(cast):
    topic = _topic(cast, questions=[QuestionDraft(t) for t in ("A?", "B?", "C?")])
    c = topic.threads.get(title="C?")
    discussion_services.move_question(topic=topic, thread=c, direction="up")
    assert _titles(topic) == ["A?", "C?", "B?"]
    discussion_services.move_question(topic=topic, thread=c, direction="up")
    discussion_services.move_question(topic=topic, thread=c, direction="up")  # first already
    assert _titles(topic) == ["C?", "A?", "B?"]
    discussion_services.move_question(topic=topic, thread=topic.threads.get(title="B?"),
                                      direction="down")
    assert _titles(topic) == ["C?", "A?", "B?"]


def test_only_a_question_of_the_topic_can_be_moved(cast):
    topic = _topic(cast, questions=[QuestionDraft("A?")])
    apply_thread = topic.threads.get(kind=Thread.Kind.APPLY)
    with pytest.raises(DiscussionRuleError):
        discussion_services.move_question(topic=topic, thread=apply_thread, direction="up")


def test_an_archived_topic_takes_no_new_questions(cast):
    topic = TopicFactory(community=cast.community, archived_at=timezone.now(),
                         **_dates(start_in_days=-10))
    with pytest.raises(DiscussionRuleError, match="archived"):
        discussion_services.add_question(topic=topic, author=cast.facilitator, title="Late?")


# Lifecycle -----------------------------------------------------------------------------------

def test_state_follows_the_dates(cast):
    now = timezone.now()
    assert TopicFactory(**_dates(start_in_days=1)).state == Topic.State.SCHEDULED
    assert TopicFactory(**_dates(start_in_days=-1)).state == Topic.State.OPEN
    assert TopicFactory(**_dates(start_in_days=-5)).state == Topic.State.APPLY
    assert TopicFactory(**_dates(start_in_days=-8)).state == Topic.State.CLOSED
    archived = TopicFactory(archived_at=now, **_dates(start_in_days=-8))
    assert archived.state == Topic.State.ARCHIVED


def test_closing_early_ends_the_topic_now_and_brings_the_apply_phase_forward(cast):
    topic = _topic(cast)  # open, apply phase still to come
    before = timezone.now()
    closed = services.close_topic_early(topic=topic)
    assert closed.state == Topic.State.CLOSED
    assert before <= closed.ends_at <= timezone.now()
    assert closed.starts_at <= closed.apply_from == closed.ends_at


def test_closing_early_keeps_an_apply_phase_that_has_begun(cast):
    topic = _topic(cast, **_dates(start_in_days=-5))
    apply_from = topic.apply_from
    closed = services.close_topic_early(topic=topic)
    assert closed.apply_from == apply_from < closed.ends_at


@pytest.mark.parametrize("start_in_days,message", [(2, "not started"), (-9, "already closed")])
def test_only_a_running_topic_closes_early(cast, start_in_days, message):
    topic = _topic(cast, **_dates(start_in_days=start_in_days))
    with pytest.raises(TopicRuleError, match=message):
        services.close_topic_early(topic=topic)


def test_extending_gives_a_topic_a_later_end(cast):
    topic = _topic(cast)
    new_end = topic.ends_at + 7 * DAY
    assert services.extend_topic(topic=topic, ends_at=new_end).ends_at == new_end


def test_extending_a_closed_topic_opens_it_again(cast):
    topic = services.close_topic_early(topic=_topic(cast))
    extended = services.extend_topic(topic=topic, ends_at=timezone.now() + 3 * DAY)
    assert extended.state == Topic.State.APPLY


@pytest.mark.parametrize("shift,message", [(-DAY, "later than the present one"),
                                           (timedelta(0), "later than the present one")])
def test_extending_refuses_an_end_that_is_not_later(cast, shift, message):
    topic = _topic(cast)
    with pytest.raises(TopicRuleError, match=message):
        services.extend_topic(topic=topic, ends_at=topic.ends_at + shift)


def test_extending_refuses_an_end_in_the_past(cast):
    topic = _topic(cast, **_dates(start_in_days=-30))
    with pytest.raises(TopicRuleError, match="in the future"):
        services.extend_topic(topic=topic, ends_at=topic.ends_at + DAY)


def test_archiving_takes_a_closed_topic_only(cast):
    running = _topic(cast)
    with pytest.raises(TopicRuleError, match="Only a closed topic"):
        services.archive_topic(topic=running)
    closed = services.close_topic_early(topic=running)
    archived = services.archive_topic(topic=closed)
    assert archived.state == Topic.State.ARCHIVED and archived.archived_at
    with pytest.raises(TopicRuleError, match="already archived"):
        services.archive_topic(topic=archived)
    with pytest.raises(TopicRuleError, match="archived topic cannot be extended"):
        services.extend_topic(topic=archived, ends_at=timezone.now() + DAY)


# Synthesis -----------------------------------------------------------------------------------

def test_the_synthesis_is_rendered_safely_and_published(cast):
    topic = _topic(cast)
    text = "## Key points\n- Set rules *with* the group\n<script>alert(1)</script>"
    draft = services.save_synthesis(topic=topic, text=text, published=False)
    assert draft.synthesis_published_at is None and draft.synthesis == text
    assert "<em>with</em>" in draft.synthesis_html and "<script" not in draft.synthesis_html
    assert "<h4>Key points</h4>" in draft.synthesis_html  # below the page's own headings
    published = services.save_synthesis(topic=topic, text=text, published=True)
    first = published.synthesis_published_at
    assert first is not None
    again = services.save_synthesis(topic=topic, text=text + "\n- more", published=True)
    assert again.synthesis_published_at == first
    assert services.save_synthesis(topic=topic, text=text,
                                   published=False).synthesis_published_at is None


def test_an_empty_synthesis_cannot_be_published(cast):
    with pytest.raises(TopicRuleError, match="Write the synthesis"):
        services.save_synthesis(topic=_topic(cast), text="  ", published=True)


# Proposals -----------------------------------------------------------------------------------

def _propose(cast, **fields):
    values = {"community": cast.community, "proposer": cast.member, "title": "Loop input",
              "rationale": "My trainees never see techniques in action.", **fields}
    return services.propose_topic(**values)


def test_the_proposers_own_support_counts(cast):
    proposal = _propose(cast, suggested_days=21, suggested_facilitator="Maryam")
    assert proposal.status == TopicProposal.Status.PENDING
    assert list(proposal.supports.values_list("user", flat=True)) == [cast.member.pk]


def test_support_toggles_once_per_person(cast):
    proposal = _propose(cast)
    assert services.toggle_support(proposal=proposal, user=cast.steward) is True
    assert proposal.supports.count() == 2
    assert services.toggle_support(proposal=proposal, user=cast.steward) is False
    assert services.toggle_support(proposal=proposal, user=cast.member) is False
    assert proposal.supports.count() == 0
    services.toggle_support(proposal=proposal, user=cast.facilitator)
    assert ProposalSupport.objects.filter(proposal=proposal).count() == 1


def _approve(proposal, cast, **fields):
    values = {"proposal": proposal, "actor": cast.steward, "title": proposal.title,
              "summary": proposal.rationale, "facilitators": [cast.facilitator],
              **_dates(start_in_days=3), **fields}
    return services.approve_proposal(**values)


def test_approving_schedules_the_topic_with_its_question_threads_and_tells_the_proposer(
    cast, django_capture_on_commit_callbacks
):
    proposal = _propose(cast)
    with django_capture_on_commit_callbacks(execute=True):
        topic = _approve(proposal, cast, questions=[QuestionDraft("Why?"),
                                                    QuestionDraft("How?")])
    proposal.refresh_from_db()
    assert proposal.status == TopicProposal.Status.APPROVED
    assert (proposal.topic, proposal.decided_by) == (topic, cast.steward)
    assert proposal.decided_at is not None
    assert topic.state == Topic.State.SCHEDULED
    assert list(topic.facilitators.all()) == [cast.facilitator]
    assert _titles(topic) == ["Why?", "How?"]
    assert topic.threads.filter(kind=Thread.Kind.APPLY).count() == 1
    [message] = mail.outbox
    assert message.to == [cast.member.email]
    assert "Loop input" in message.subject
    assert f"/c/{cast.community.slug}/t/{topic.slug}/" in message.body


def test_a_proposal_is_decided_once(cast):
    proposal = _propose(cast)
    _approve(proposal, cast)
    with pytest.raises(TopicRuleError, match="already been decided"):
        _approve(proposal, cast)
    with pytest.raises(TopicRuleError, match="already been decided"):
        services.decline_proposal(proposal=proposal, actor=cast.steward, reason="No.")
    with pytest.raises(TopicRuleError, match="already been decided"):
        services.toggle_support(proposal=proposal, user=cast.steward)
    assert Topic.objects.count() == 1


def test_an_approval_with_dates_out_of_order_leaves_the_proposal_pending(cast):
    proposal = _propose(cast)
    with pytest.raises(TopicRuleError):
        _approve(proposal, cast, **_dates(apply_day=9))
    proposal.refresh_from_db()
    assert proposal.status == TopicProposal.Status.PENDING and not Topic.objects.exists()


def test_declining_needs_a_reason_which_the_proposer_gets(cast,
                                                          django_capture_on_commit_callbacks):
    proposal = _propose(cast)
    with pytest.raises(TopicRuleError, match="reason"):
        services.decline_proposal(proposal=proposal, actor=cast.steward, reason="  ")
    with django_capture_on_commit_callbacks(execute=True):
        services.decline_proposal(proposal=proposal, actor=cast.steward,
                                  reason="We ran this topic last spring; see the archive.")
    proposal.refresh_from_db()
    assert proposal.status == TopicProposal.Status.DECLINED
    assert proposal.decline_reason == "We ran this topic last spring; see the archive."
    [message] = mail.outbox
    assert message.to == [cast.member.email]
    assert "We ran this topic last spring" in message.body
    assert f"/proposals/{proposal.pk}/" in message.body


def test_the_proposers_email_comes_in_their_language(cast, django_capture_on_commit_callbacks):
    persian = UserFactory(locale="fa")
    proposal = ProposalFactory(community=cast.community, proposed_by=persian)
    with django_capture_on_commit_callbacks(execute=True):
        services.decline_proposal(proposal=proposal, actor=cast.steward, reason="نه")
    assert mail.outbox[0].body.strip()
