"""Every write in topics that has rules: one function per use case, transaction inside.

Services trust that the caller passed the permission door (``permissions.access_topic`` or
``access_community``) for the actor; they keep the topic's own invariants (dates in order,
facilitators from the community, one open question thread per question, proposals decided
once) and raise ``TopicRuleError`` with a message fit to show the person.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from praxis.accounts.models import User
from praxis.communities.models import Community, Membership
from praxis.core.email import absolute_url, send_notice
from praxis.core.markdown import render_markdown
from praxis.library import services as library
from praxis.library.models import Resource
from praxis.topics import hooks
from praxis.topics.hooks import QuestionDraft
from praxis.topics.models import ProposalSupport, Topic, TopicProposal

SLUG_MAX = 80
# The apply phase usually starts a little past the middle of a topic.
APPLY_SHARE = 0.6


class TopicRuleError(Exception):
    """A request that the topic's rules refuse; the message is for the person."""


@dataclass(frozen=True)
class SeedArticle:
    """A new seed article: a link (``url``) or an uploaded document (``upload``)."""

    title: str = ""
    citation: str = ""
    url: str = ""
    upload: UploadedFile | None = None

    def add_to_library(self, *, community: Community, added_by: User) -> Resource:
        if self.upload is not None:
            try:
                return library.add_file(community=community, added_by=added_by,
                                        upload=self.upload, title=self.title,
                                        citation=self.citation)
            except ValidationError as error:
                raise TopicRuleError(" ".join(error.messages)) from error
        if not self.url:
            raise TopicRuleError(_("A seed article needs a web address or a file."))
        return library.add_link(community=community, added_by=added_by, title=self.title,
                                url=self.url, citation=self.citation)


# Dates -----------------------------------------------------------------------------------------

def check_dates(*, starts_at: datetime, apply_from: datetime, ends_at: datetime) -> None:
    """Refuses dates out of order: start <= apply phase <= end, and the end after the start."""
    if apply_from < starts_at:
        raise TopicRuleError(_("The apply phase cannot begin before the topic starts."))
    if ends_at < apply_from:
        raise TopicRuleError(_("The topic cannot end before its apply phase begins."))
    if ends_at <= starts_at:
        raise TopicRuleError(_("The topic must end after it starts."))


def suggested_dates(days: int, *, now: datetime | None = None) -> tuple[datetime, datetime,
                                                                          datetime]:
    """Start at the next local midnight, apply phase at about 60% of the length, end after
    ``days`` days: what a steward scheduling a proposal is offered."""
    now = timezone.localtime(now or timezone.now())
    days = max(1, days)
    start = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return start, start + timedelta(days=apply_day(days)), start + timedelta(days=days)


def apply_day(days: int) -> int:
    """The day of a ``days``-long topic on which its apply phase starts: about 60% in."""
    return min(days - 1, max(1, round(days * APPLY_SHARE))) if days > 1 else 0


# Topics ----------------------------------------------------------------------------------------

def _slug_base(title: str) -> str:
    base = slugify(title, allow_unicode=True)[: SLUG_MAX - 4].strip("-_")
    return base or "topic"


def _check_facilitators(community: Community, facilitators: Iterable[User]) -> list[User]:
    people = list(dict.fromkeys(facilitators))
    members = set(
        Membership.objects.filter(community=community, user__in=people)
        .values_list("user_id", flat=True)
    )
    outside = [person for person in people if person.pk not in members]
    if outside:
        raise TopicRuleError(
            _("Facilitators must be members of the community: %(names)s is not.")
            % {"names": ", ".join(str(person) for person in outside)}
        )
    return people


def _check_resource(community: Community, resource: Resource | None) -> None:
    if resource is not None and resource.community_id != community.pk:
        raise TopicRuleError(_("The seed article belongs to another community."))


def save_with_unique_slug(topic: Topic) -> None:
    """Saves a new topic under the first free slug made from its title (``-2``, ``-3``...)."""
    base = _slug_base(topic.title)
    taken = set(
        Topic.objects.filter(community_id=topic.community_id, slug__startswith=base)
        .values_list("slug", flat=True)
    )
    number = 1
    while True:
        slug = base if number == 1 else f"{base}-{number}"
        number += 1
        if slug in taken:
            continue
        topic.slug = slug
        try:
            # A savepoint: someone else may take the same slug at the same moment.
            with transaction.atomic():
                topic.save()
        except IntegrityError:
            if Topic.objects.filter(community_id=topic.community_id, slug=slug).exists():
                continue
            raise
        return


def default_apply_prompt() -> str:
    return _(
        "Post how you would apply these ideas in your own training context: what you would "
        "do, with which teachers or trainers, and what you expect to be hard."
    )


@transaction.atomic
def create_topic(*, community: Community, actor: User, title: str, summary: str = "",
                 facilitators: Iterable[User] = (), starts_at: datetime,
                 apply_from: datetime, ends_at: datetime, apply_prompt: str = "",
                 seed_resource: Resource | None = None, seed: SeedArticle | None = None,
                 questions: Sequence[QuestionDraft] = ()) -> Topic:
    """Creates a topic with its facilitators, its seed article (an existing resource, or
    ``seed`` added to the library) and, through ``hooks.topic_created``, each with its
    opening post by ``actor``, one thread per open question (in the order given) and the
    apply thread."""
    check_dates(starts_at=starts_at, apply_from=apply_from, ends_at=ends_at)
    people = _check_facilitators(community, facilitators)
    _check_resource(community, seed_resource)
    if seed is not None:
        seed_resource = seed.add_to_library(community=community, added_by=actor)
    topic = Topic(
        community=community, title=title, summary=summary, starts_at=starts_at,
        apply_from=apply_from, ends_at=ends_at, apply_prompt=apply_prompt,
        seed_resource=seed_resource, created_by=actor,
    )
    save_with_unique_slug(topic)
    topic.facilitators.set(people)
    hooks.topic_created.fire(topic, actor, questions)
    return topic


@transaction.atomic
def update_topic(*, topic: Topic, actor: User, title: str, summary: str,
                 facilitators: Iterable[User], starts_at: datetime, apply_from: datetime,
                 ends_at: datetime, apply_prompt: str, seed: SeedArticle | None = None,
                 remove_seed: bool = False) -> Topic:
    """Changes what a topic says and when it runs; its web address stays. ``seed`` replaces
    the seed article, ``remove_seed`` takes it away; otherwise it stays."""
    topic = Topic.objects.select_for_update().select_related("community").get(pk=topic.pk)
    check_dates(starts_at=starts_at, apply_from=apply_from, ends_at=ends_at)
    people = _check_facilitators(topic.community, facilitators)
    if seed is not None:
        topic.seed_resource = seed.add_to_library(community=topic.community, added_by=actor)
    elif remove_seed:
        topic.seed_resource = None
    topic.title, topic.summary, topic.apply_prompt = title, summary, apply_prompt
    topic.starts_at, topic.apply_from, topic.ends_at = starts_at, apply_from, ends_at
    topic.save(update_fields=["title", "summary", "apply_prompt", "starts_at", "apply_from",
                              "ends_at", "seed_resource", "updated_at"])
    topic.facilitators.set(people)
    return topic


# Lifecycle -------------------------------------------------------------------------------------

def _locked(topic: Topic) -> Topic:
    return Topic.objects.select_for_update().get(pk=topic.pk)


@transaction.atomic
def open_topic_now(*, topic: Topic) -> Topic:
    """Opens a scheduled topic at once: it starts now; its apply phase and end stay (an
    apply phase that was to start before now would have been impossible)."""
    topic = _locked(topic)
    if topic.state != Topic.State.SCHEDULED:
        raise TopicRuleError(_("Only a topic that has not started yet can be opened now."))
    topic.starts_at = timezone.now()
    topic.apply_from = max(topic.apply_from, topic.starts_at)
    topic.save(update_fields=["starts_at", "apply_from", "updated_at"])
    return topic


@transaction.atomic
def close_topic_early(*, topic: Topic) -> Topic:
    """Ends a running topic now: its end (and an apply phase still to come) move to now."""
    topic = _locked(topic)
    state = topic.state
    if state == Topic.State.SCHEDULED:
        raise TopicRuleError(
            _("This topic has not started yet. Change its dates instead of closing it.")
        )
    if state in (Topic.State.CLOSED, Topic.State.ARCHIVED):
        raise TopicRuleError(_("This topic is already closed."))
    now = timezone.now()
    topic.ends_at = now
    topic.apply_from = min(topic.apply_from, now)
    topic.starts_at = min(topic.starts_at, topic.apply_from)
    topic.save(update_fields=["starts_at", "apply_from", "ends_at", "updated_at"])
    return topic


@transaction.atomic
def extend_topic(*, topic: Topic, ends_at: datetime) -> Topic:
    """Gives a topic more time: a new end, later than the present one and in the future.
    A closed (not archived) topic opens again until then."""
    topic = _locked(topic)
    if topic.archived_at is not None:
        raise TopicRuleError(_("An archived topic cannot be extended."))
    if ends_at <= topic.ends_at:
        raise TopicRuleError(
            _("The new end must be later than the present one. To end sooner, close the "
              "topic early or edit its dates.")
        )
    if ends_at <= timezone.now():
        raise TopicRuleError(_("The new end must be in the future."))
    check_dates(starts_at=topic.starts_at, apply_from=topic.apply_from, ends_at=ends_at)
    topic.ends_at = ends_at
    topic.save(update_fields=["ends_at", "updated_at"])
    return topic


@transaction.atomic
def archive_topic(*, topic: Topic) -> Topic:
    """Files a closed topic in the archive; it is read-only from then on."""
    topic = _locked(topic)
    state = topic.state
    if state == Topic.State.ARCHIVED:
        raise TopicRuleError(_("This topic is already archived."))
    if state != Topic.State.CLOSED:
        raise TopicRuleError(_("Only a closed topic can be archived. Close it first."))
    topic.archived_at = timezone.now()
    topic.save(update_fields=["archived_at", "updated_at"])
    return topic


# Synthesis -------------------------------------------------------------------------------------

@transaction.atomic
def save_synthesis(*, topic: Topic, text: str, published: bool) -> Topic:
    """Saves the facilitator's closing synthesis (Markdown, rendered and sanitised), published
    on the topic page or kept as a draft. The first publication date is kept."""
    topic = _locked(topic)
    text = text.strip()
    if published and not text:
        raise TopicRuleError(_("Write the synthesis before publishing it."))
    topic.synthesis = text
    topic.synthesis_html = render_markdown(text)
    if not published:
        topic.synthesis_published_at = None
    elif topic.synthesis_published_at is None:
        topic.synthesis_published_at = timezone.now()
    topic.save(update_fields=["synthesis", "synthesis_html", "synthesis_published_at",
                              "updated_at"])
    return topic


# Proposals -------------------------------------------------------------------------------------

@transaction.atomic
def propose_topic(*, community: Community, proposer: User, title: str, rationale: str,
                  suggested_facilitator: str = "", suggested_days: int = 7) -> TopicProposal:
    """Records a member's proposal; the proposer's own support is its first."""
    if suggested_days < 1:
        raise TopicRuleError(_("A topic runs for at least one day."))
    proposal = TopicProposal.objects.create(
        community=community, proposed_by=proposer, title=title, rationale=rationale,
        suggested_facilitator=suggested_facilitator, suggested_days=suggested_days,
    )
    ProposalSupport.objects.create(proposal=proposal, user=proposer)
    return proposal


@transaction.atomic
def toggle_support(*, proposal: TopicProposal, user: User) -> bool:
    """Adds the person's support to a pending proposal, or takes it back. Returns whether
    they support it now; one support per person."""
    proposal = TopicProposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status != TopicProposal.Status.PENDING:
        raise TopicRuleError(_("This proposal has already been decided."))
    deleted, _rows = ProposalSupport.objects.filter(proposal=proposal, user=user).delete()
    if deleted:
        return False
    ProposalSupport.objects.create(proposal=proposal, user=user)
    return True


def _pending(proposal: TopicProposal) -> TopicProposal:
    proposal = (TopicProposal.objects.select_for_update()
                .select_related("community", "proposed_by").get(pk=proposal.pk))
    if proposal.status != TopicProposal.Status.PENDING:
        raise TopicRuleError(_("This proposal has already been decided."))
    return proposal


@transaction.atomic
def approve_proposal(*, proposal: TopicProposal, actor: User, title: str, summary: str,
                     facilitators: Iterable[User], starts_at: datetime, apply_from: datetime,
                     ends_at: datetime, apply_prompt: str = "",
                     questions: Sequence[QuestionDraft] = (),
                     site_url: str | None = None) -> Topic:
    """Approves a proposal by scheduling it: creates its topic (see ``create_topic``) and
    tells the proposer by email once committed."""
    proposal = _pending(proposal)
    topic = create_topic(
        community=proposal.community, actor=actor, title=title, summary=summary,
        facilitators=facilitators, starts_at=starts_at, apply_from=apply_from,
        ends_at=ends_at, apply_prompt=apply_prompt, questions=questions,
    )
    proposal.status = TopicProposal.Status.APPROVED
    proposal.decided_by, proposal.decided_at = actor, timezone.now()
    proposal.topic = topic
    proposal.save(update_fields=["status", "decided_by", "decided_at", "topic"])
    link = absolute_url(site_url, topic.get_absolute_url())
    send_notice(
        to=proposal.proposed_by,
        subject_template="topics/email/proposal_approved_subject.txt",
        body_template="topics/email/proposal_approved.txt",
        context={"community": proposal.community, "proposal": proposal, "topic": topic,
                 "link": link, "recipient": proposal.proposed_by},
    )
    return topic


@transaction.atomic
def decline_proposal(*, proposal: TopicProposal, actor: User, reason: str,
                     site_url: str | None = None) -> TopicProposal:
    """Declines a proposal with a reason the proposer reads on its page and by email."""
    reason = reason.strip()
    if not reason:
        raise TopicRuleError(_("Give the proposer a reason."))
    proposal = _pending(proposal)
    proposal.status = TopicProposal.Status.DECLINED
    proposal.decided_by, proposal.decided_at = actor, timezone.now()
    proposal.decline_reason = reason
    proposal.save(update_fields=["status", "decided_by", "decided_at", "decline_reason"])
    link = absolute_url(site_url, reverse("topics:proposal",
                                       args=[proposal.community.slug, proposal.pk]))
    send_notice(
        to=proposal.proposed_by,
        subject_template="topics/email/proposal_declined_subject.txt",
        body_template="topics/email/proposal_declined.txt",
        context={"community": proposal.community, "proposal": proposal, "reason": reason,
                 "link": link, "recipient": proposal.proposed_by},
    )
    return proposal
