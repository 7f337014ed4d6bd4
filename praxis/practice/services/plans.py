"""Writing session plans: sharing one (its version 1), posting new versions that answer
feedback, asking for feedback and giving it (on the page or by replying to the request's
email).

Every function is keyword-only and one transaction: a plan and its first version, a version
and the feedback it marks acted upon, a request and the emails it owes are saved together or
not at all."""

import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from praxis.accounts.models import User
from praxis.communities.models import Community, Membership
from praxis.library.validators import validate_document
from praxis.notifications.models import Mode, OutboundEmail, Subscription
from praxis.notifications.services import owe
from praxis.practice import emails
from praxis.practice.emails import HEADING_TEXTS
from praxis.practice.models import (
    Feedback,
    FeedbackRequest,
    PlanStage,
    PlanVersion,
    SessionPlan,
)
from praxis.practice.queries.friends import friend_ids
from praxis.topics.models import Topic

MAX_STAGES = 30


class PlanRuleError(Exception):
    """A write the rules refuse; its message is for the person."""


@dataclass(frozen=True)
class StageDraft:
    minutes: int
    activity: str
    interaction: str
    materials: str = ""


@dataclass(frozen=True)
class PlanDraft:
    """What one version of a plan says."""

    title: str
    audience: str
    level: str
    duration_minutes: int
    aims: str
    stages: Sequence[StageDraft]


def _check(draft: PlanDraft) -> None:
    if not draft.title.strip():
        raise PlanRuleError(_("Give the plan a title."))
    if not draft.stages:
        raise PlanRuleError(_("A plan needs at least one stage."))
    if len(draft.stages) > MAX_STAGES:
        raise PlanRuleError(_("A plan has at most %(count)s stages.") % {"count": MAX_STAGES})


def _store_file(version: PlanVersion, upload: UploadedFile) -> None:
    """Checks the file by its content and stores it under a random name."""
    try:
        kind = validate_document(upload)
    except ValidationError as error:
        raise PlanRuleError(" ".join(error.messages)) from error
    version.original_name = (upload.name or "")[-255:]
    version.content_type = kind.content_type
    version.size = upload.size or 0
    version.original_file.save(f"{uuid.uuid4().hex}.{kind.extension}", upload, save=False)


def _write_version(*, plan: SessionPlan, number: int, draft: PlanDraft, change_note: str,
                   upload: UploadedFile | None, previous: PlanVersion | None) -> PlanVersion:
    version = PlanVersion(
        plan=plan, number=number, title=draft.title.strip(), audience=draft.audience,
        level=draft.level.strip(), duration_minutes=draft.duration_minutes,
        aims=draft.aims.strip(), change_note=change_note.strip(),
    )
    if upload is not None:
        _store_file(version, upload)
    elif previous is not None and previous.original_file:
        # The original file goes on with the plan until a new one replaces it.
        version.original_file = previous.original_file.name
        version.original_name = previous.original_name
        version.content_type = previous.content_type
        version.size = previous.size
    version.save()
    PlanStage.objects.bulk_create(
        PlanStage(version=version, position=position, minutes=stage.minutes,
                  activity=stage.activity.strip(), interaction=stage.interaction,
                  materials=stage.materials.strip())
        for position, stage in enumerate(draft.stages, start=1)
    )
    return version


@transaction.atomic
def share_plan(*, community: Community, author: User, draft: PlanDraft,
               topics: Iterable[Topic] = (), upload: UploadedFile | None = None,
               ) -> SessionPlan:
    """Shares a plan in a community: the plan and its version 1, with its stages."""
    _check(draft)
    topics = list(topics)
    if any(topic.community_id != community.pk for topic in topics):
        raise PlanRuleError(_("Link only this community's topics."))
    now = timezone.now()
    plan = SessionPlan.objects.create(community=community, author=author,
                                      title=draft.title.strip(), created_at=now,
                                      updated_at=now)
    plan.topics.set(topics)
    _write_version(plan=plan, number=1, draft=draft, change_note="", upload=upload,
                   previous=None)
    return plan


def latest_version(plan: SessionPlan) -> PlanVersion:
    return PlanVersion.objects.filter(plan=plan).order_by("-number").first()  # type: ignore[return-value]


@transaction.atomic
def post_version(*, plan: SessionPlan, draft: PlanDraft, change_note: str,
                 answers: Iterable[Feedback] = (), upload: UploadedFile | None = None,
                 topics: Iterable[Topic] | None = None) -> PlanVersion:
    """A new version of the plan, numbered after the latest; the feedback it answers (given
    on earlier versions of this plan) is marked acted upon."""
    _check(draft)
    # Locks the plan: two versions posted at once get different numbers.
    plan = SessionPlan.objects.select_for_update().get(pk=plan.pk)
    previous = latest_version(plan)
    answers = list(answers)
    if any(item.version.plan_id != plan.pk for item in answers):
        raise PlanRuleError(_("A version answers feedback on its own plan only."))
    version = _write_version(plan=plan, number=previous.number + 1, draft=draft,
                             change_note=change_note, upload=upload, previous=previous)
    if answers:
        version.answers.set(answers)
        Feedback.objects.filter(pk__in=[item.pk for item in answers],
                                acted_on_at__isnull=True).update(acted_on_at=timezone.now())
    plan.title = version.title
    plan.updated_at = version.created_at
    plan.save(update_fields=["title", "updated_at"])
    if topics is not None:
        topics = list(topics)
        if any(topic.community_id != plan.community_id for topic in topics):
            raise PlanRuleError(_("Link only this community's topics."))
        plan.topics.set(topics)
    return version


@transaction.atomic
def mark_acted_upon(*, feedback: Feedback, acted: bool = True) -> Feedback:
    """The author says they acted on a piece of feedback (or takes it back, unless a version
    answers it)."""
    if not acted and feedback.answered_in.exists():
        raise PlanRuleError(_("A version of the plan answers this feedback: it stays acted "
                              "upon."))
    feedback.acted_on_at = timezone.now() if acted else None
    feedback.save(update_fields=["acted_on_at"])
    return feedback


# Asking for feedback --------------------------------------------------------------------------

def _members(community: Community) -> "list[int]":
    return list(Membership.objects.filter(community=community, user__is_active=True)
                .values_list("user_id", flat=True))


def _community_email_off(community: Community) -> set[int]:
    """Members who turned off email from this community as a whole."""
    return set(Subscription.objects.filter(
        community=community, topic__isnull=True, thread__isnull=True, mode=Mode.OFF,
    ).values_list("user_id", flat=True))


@transaction.atomic
def ask_for_feedback(*, version: PlanVersion, asked_by: User, audience: str, questions: str,
                     chosen: Iterable[User] = ()) -> FeedbackRequest:
    """Asks for feedback on a version: of the whole community, of chosen members, or of the
    author's critical friends. Each person asked is emailed (friends first), as their email
    choices allow, with an address to reply to with their feedback."""
    plan = version.plan
    community = plan.community
    members = set(_members(community))
    friends = friend_ids(asked_by.pk, community) & members
    named: set[int]
    if audience == FeedbackRequest.Audience.COMMUNITY:
        named = set()
        recipients = members - {asked_by.pk}
    elif audience == FeedbackRequest.Audience.FRIENDS:
        if not friends:
            raise PlanRuleError(_("You have no critical friends in this community yet: "
                                  "ask the whole community or choose members."))
        named = recipients = set(friends)
    elif audience == FeedbackRequest.Audience.CHOSEN:
        named = {person.pk for person in chosen} - {asked_by.pk}
        if not named:
            raise PlanRuleError(_("Choose at least one member to ask."))
        if not named <= members:
            raise PlanRuleError(_("Ask only members of this community."))
        recipients = named
    else:
        raise PlanRuleError(_("Choose whom to ask."))
    request = FeedbackRequest.objects.create(version=version, asked_by=asked_by,
                                             audience=audience, questions=questions.strip())
    if named:
        request.asked.set(named)
    if audience == FeedbackRequest.Audience.COMMUNITY:
        recipients -= _community_email_off(community)
    people = User.objects.filter(pk__in=recipients, is_active=True, email_direct=True)
    # Critical friends are asked first: their emails are owed (and so sent) before others'.
    for person in sorted(people, key=lambda p: (p.pk not in friends, p.pk)):
        owe(key=f"plan_request:{request.pk}:{person.pk}", kind=OutboundEmail.Kind.PLAN_FEEDBACK,
            user=person, post=None,
            rendered=emails.render_request_email(person, request, is_friend=person.pk in friends))
    return request


@transaction.atomic
def close_request(*, request: FeedbackRequest) -> FeedbackRequest:
    if request.closed_at is None:
        request.closed_at = timezone.now()
        request.save(update_fields=["closed_at"])
    return request


# Giving feedback ---------------------------------------------------------------------------------

@transaction.atomic
def give_feedback(*, version: PlanVersion, author: User, works: str = "", change: str = "",
                  question: str = "", comment: str = "",
                  request: FeedbackRequest | None = None,
                  source: str = Feedback.Source.WEB) -> Feedback:
    """Feedback on a version; its plan's author is emailed of it (if they want such email)."""
    parts = {"works": works.strip(), "change": change.strip(), "question": question.strip(),
             "comment": comment.strip()}
    if not any(parts.values()):
        raise PlanRuleError(_("Write what works, what to change or a question."))
    if request is not None and request.version_id != version.pk:
        raise PlanRuleError(_("That request is about another version."))
    plan = version.plan
    if author.pk == plan.author_id:
        raise PlanRuleError(_("Feedback is for others' plans."))
    feedback = Feedback.objects.create(version=version, author=author, request=request,
                                       source=source, **parts)
    plan_author = plan.author
    if plan_author is not None and plan_author.is_active and plan_author.email_direct:
        owe(key=f"plan_feedback:{feedback.pk}", kind=OutboundEmail.Kind.PLAN_FEEDBACK,
            user=plan_author, post=None,
            rendered=emails.render_feedback_email(plan_author, feedback))
    return feedback


# The headings a request's email asks people to write under (``emails.HEADING_TEXTS``) are
# read in every language the site speaks, as its catalogue words them; and some Persian forms
# people write by themselves.
HEADINGS = {
    "works": ("what works", "چه چیزی خوب است", "چه خوب است", "نقاط قوت"),
    "change": ("what to change", "چه چیزی را تغییر دهم", "چه را تغییر دهم", "پیشنهاد تغییر"),
    "question": ("question", "a question", "پرسش", "سؤال", "سوال"),
}
_COLONS = ":\uff1a"


def _heading_names() -> dict[str, str]:
    """Each heading's words (lower case, without the colon) -> the feedback part it names."""
    names = {name.lower(): part for part, found in HEADINGS.items() for name in found}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            for part, text in HEADING_TEXTS.items():
                names.setdefault(_(text).strip().rstrip(_COLONS).strip().lower(), part)
    return names


def split_reply(text: str) -> dict[str, str]:
    """A reply's text in the feedback's parts, by the headings it was asked to use ("What
    works:", "What to change:", "Question:" or their Persian forms); what comes before the
    first heading, or a reply without them, goes to ``comment``."""
    parts = {"works": "", "change": "", "question": "", "comment": ""}
    by_name = _heading_names()
    heading = re.compile(
        r"^[ \t>*_#]*(?P<name>" + "|".join(
            re.escape(name) for name in sorted(by_name, key=len, reverse=True))
        + r")[ \t*_]*[" + _COLONS + r"][ \t*_]*(?P<rest>.*)$",
        re.IGNORECASE | re.MULTILINE)
    matches = list(heading.finditer(text))
    parts["comment"] = text[:matches[0].start()].strip() if matches else text.strip()
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        part = by_name[match["name"].lower()]
        body = (match["rest"] + text[match.end():end]).strip()
        parts[part] = f"{parts[part]}\n\n{body}".strip() if parts[part] else body
    return parts


def feedback_from_email(*, request: FeedbackRequest, author: User, text: str) -> Feedback:
    """Feedback given by replying to a request's email (the door has said the sender was
    asked); its text is split by the headings."""
    return give_feedback(version=request.version, author=author, request=request,
                         source=Feedback.Source.EMAIL, **split_reply(text))

