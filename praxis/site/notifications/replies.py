"""Reply by email: a message to a reply address becomes a post under its sender's name, in the
thread of the post it answers (or, to a feedback request's address, feedback on the session
plan version it asked about; to a promise's address, a draft story of what happened in the
training session it promised), or is rejected with a logged reason and changes nothing.

A rejected reply from the very member its address was made for (the address verifies, the
sender is that member, vouched for by our mail server when one is named) is told to the
member: an email says why, with their words quoted back. Nobody else is ever answered: not
a forger, another sender, a bounce or an automatic reply, so no mail goes to strangers and
no loop can start."""

import hashlib
import logging
import re
from dataclasses import dataclass, replace
from email import policy
from email.parser import BytesHeaderParser

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from praxis.access import TopicAccess, topic_access
from praxis.access.community import community_access
from praxis.access.practice import may_answer_request, plan_access
from praxis.accounts.models import User
from praxis.core.email import send_notice
from praxis.discussions.attachments import (
    MAX_FILES_PER_POST,
    CheckedFile,
    FileRefused,
    check_file,
    clean_name,
)
from praxis.discussions.models import Post
from praxis.discussions.services import publish_post
from praxis.impact import promise_emails
from praxis.impact.models import UsePromise, ValueStory
from praxis.impact.promises import APPLIED_MAX_LENGTH, draft_story, still_member
from praxis.notifications import emails, services
from praxis.notifications.inbound import InboundFile, InboundMessage, Rejected, parse_message
from praxis.notifications.models import InboundEmail, OutboundEmail
from praxis.notifications.tokens import (
    ExpiredToken,
    ForgedToken,
    ReplyTarget,
    find_reply_target,
)
from praxis.practice import emails as practice_emails
from praxis.practice.models import Feedback, FeedbackRequest
from praxis.practice.services.plans import PlanRuleError, feedback_from_email

# Feedback by email longer than this is refused (and told, with its text): the web form
# takes at most 18,000 characters in all.
MAX_FEEDBACK_EMAIL_CHARS = 18_000

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    posted: bool
    reason: str = ""  # why it was rejected, a short code
    detail: str = ""
    post: Post | None = None
    duplicate: bool = False
    feedback: Feedback | None = None  # feedback on a session plan, for a request's address
    # A refused reply to a feedback request's address, and the request if it still exists.
    for_feedback: bool = False
    request: FeedbackRequest | None = None
    # A rejection the member is told of: the verified member, why in a word for the notice
    # (the door's PostRefusal, or "gone", "expired", "empty"), the post
    # they answered if it is still there, and whether they may still read it.
    member: User | None = None
    notice: str = ""
    parent: Post | None = None
    can_read: bool = False
    # A reply to a promise's address: the draft story it made or added to; or, refused,
    # the promise if it still exists.
    story: ValueStory | None = None
    for_story: bool = False
    promise: UsePromise | None = None


def max_inbound_bytes() -> int:
    return int(settings.PRAXIS_MAX_INBOUND_MB) * 1024 * 1024


def receive(raw: bytes, *, channel: str) -> Outcome:
    """Takes one RFC 5322 message as delivered by a mail server; records what became of it.
    The post and the record of the message that made it are saved together, so a message
    delivered twice posts once."""
    message: InboundMessage | None = None
    try:
        message = parse_message(raw, max_bytes=max_inbound_bytes())
    except Rejected as rejected:
        outcome = Outcome(posted=False, reason=rejected.reason, detail=rejected.detail)
        message = rejected.message  # read, but with none of the member's own words
        if message is not None:
            outcome = _empty_reply(message, raw, outcome)
    else:
        try:
            with transaction.atomic():
                outcome = _post_reply(message, raw)
                if outcome.posted:
                    _record(raw, channel, message, outcome)
        except IntegrityError:
            outcome = Outcome(posted=False, reason="duplicate", duplicate=True)
    if outcome.duplicate:
        log.info("inbound email %s was posted already", message.message_id if message else "")
        return outcome
    if outcome.posted:
        log.info("inbound email from %s posted as post %s", message.sender if message else "",
                 outcome.post.pk if outcome.post else "")
    else:
        with transaction.atomic():
            _record(raw, channel, message, outcome)
            if message is not None and outcome.member is not None and outcome.notice:
                _tell_member(message, raw, outcome)
        log.warning("inbound email rejected (%s): %s", outcome.reason, outcome.detail)
    return outcome


def _record(raw: bytes, channel: str, message: InboundMessage | None, outcome: Outcome) -> None:
    InboundEmail.objects.create(
        channel=channel, size=len(raw), message_id=message.message_id[:300] if message else "",
        sender=message.sender[:254] if message else "",
        outcome=InboundEmail.Outcome.POSTED if outcome.posted else InboundEmail.Outcome.REJECTED,
        reason=outcome.reason, detail=outcome.detail[:2000],
        user=outcome.post.author if outcome.post else outcome.member, post=outcome.post,
    )


def notice_key(member: User, message: InboundMessage, raw: bytes) -> str:
    """One notice per message and member: a message delivered twice is told of once."""
    seed = message.message_id.encode() if message.message_id else raw
    return f"reply_refused:{member.pk}:{hashlib.sha256(seed).hexdigest()}"


def _tell_member(message: InboundMessage, raw: bytes, outcome: Outcome) -> None:
    """Owes the member an email saying their reply was not posted, with its text; in the
    transaction that records the message."""
    assert outcome.member is not None
    if outcome.for_story:
        rendered = promise_emails.render_refused_story(
            outcome.member, outcome.notice, message.text or message.full_text,
            promise=outcome.promise, received_at=timezone.now(),
            in_reply_to=message.message_id[:300])
    elif outcome.for_feedback:
        rendered = practice_emails.render_refused_feedback(
            outcome.member, outcome.notice, message.text or message.full_text,
            request=outcome.request, can_read=outcome.can_read, received_at=timezone.now(),
            in_reply_to=message.message_id[:300])
    else:
        rendered = emails.render_refused_reply(
            outcome.member, outcome.notice, message.text or message.full_text,
            parent=outcome.parent, can_read=outcome.can_read, received_at=timezone.now(),
            in_reply_to=message.message_id[:300],
            files=[clean_name(found.name) for found in message.files])
    # No post: the notice must go even though the member may no longer see the post.
    services.owe(key=notice_key(outcome.member, message, raw),
                  kind=OutboundEmail.Kind.REPLY_REFUSED, user=outcome.member, post=None,
                  rendered=rendered)


def _reject(reason: str, detail: str) -> Outcome:
    return Outcome(posted=False, reason=reason, detail=detail)


AUTH_RESULT = re.compile(r"\b(dmarc|dkim|spf)=(\w+)([^;]*)", re.IGNORECASE)
AUTH_DOMAIN = re.compile(r"\b(?:header\.d|header\.i|smtp\.mailfrom|header\.from)="
                         r"(?:[^\s;@]*@)?([A-Za-z0-9.-]+)", re.IGNORECASE)


def sender_authenticated(raw: bytes, sender: str, authserv_id: str) -> bool:
    """Whether our own mail server (its ``authserv_id``) vouched for the From address in an
    Authentication-Results header (RFC 8601): DMARC pass, or a DKIM or SPF pass for the
    sender's own domain. Headers naming another server are ignored: anyone can write one."""
    headers = BytesHeaderParser(policy=policy.default).parsebytes(raw)
    domain = sender.rpartition("@")[2].lower()
    for value in headers.get_all("Authentication-Results") or []:
        server, _, results = str(value).partition(";")
        if server.strip().split()[0:1] != [authserv_id]:
            continue
        for method, result, rest in AUTH_RESULT.findall(results):
            if result.lower() != "pass":
                continue
            if method.lower() == "dmarc":
                return True
            for found in AUTH_DOMAIN.findall(rest):
                if found.lower() == domain or domain.endswith("." + found.lower()):
                    return True
    return False


def _verified_member(message: InboundMessage, raw: bytes,
                     target: ReplyTarget) -> User | Outcome:
    """The member the reply address was made for, if they sent the message (and our mail
    server vouched for them, when one is named); else the rejection."""
    user = User.objects.filter(pk=target.user_id, is_active=True).first()
    if user is None or user.email.lower() != message.sender.lower():
        return _reject("unknown_sender",
                       f"{message.sender} is not the member the reply address was made for")
    authserv_id = settings.PRAXIS_INBOUND_AUTHSERV_ID
    if authserv_id and not sender_authenticated(raw, message.sender, authserv_id):
        return _reject("unauthenticated",
                       f"{authserv_id} did not vouch for {message.sender} (DMARC, DKIM, SPF)")
    return user


def _already_posted(message: InboundMessage) -> bool:
    return bool(message.message_id) and InboundEmail.objects.filter(
        message_id=message.message_id[:300], outcome=InboundEmail.Outcome.POSTED).exists()


def _parent(target: ReplyTarget) -> Post | None:
    return (Post.objects.select_related("thread", "thread__topic", "thread__community")
            .filter(pk=target.post_id).first())


def _refused(outcome: Outcome, user: User, notice: str, parent: Post | None,
             access: TopicAccess | None = None) -> Outcome:
    """A rejection the member is to be told of, with whether they may still read the
    thread (for its link); ``access``: theirs to the parent's topic, if already asked."""
    can_read = parent is not None and (
        access or topic_access(user, parent.thread.topic)).can_read
    return replace(outcome, member=user, notice=notice, parent=parent, can_read=can_read)


def _told_if_theirs(outcome: Outcome, message: InboundMessage, raw: bytes,
                    target: ReplyTarget, notice: str) -> Outcome:
    """The rejection, to be told of when the member the address was made for sent the
    message themselves and it was not posted before."""
    member = _verified_member(message, raw, target)
    if not isinstance(member, User) or _already_posted(message):
        return outcome
    if target.request_id:
        return _feedback_refused(outcome, member, notice, _feedback_request(target.request_id))
    if target.promise_id:
        return _story_refused(outcome, member, notice, _promise(target))
    return _refused(outcome, member, notice, _parent(target))


def _empty_reply(message: InboundMessage, raw: bytes, outcome: Outcome) -> Outcome:
    """A reply with none of the member's own words outside the quote (written inside it, in
    a mail client we cannot read that way): its member is told, with all the message's text."""
    try:
        target = find_reply_target(message.recipients)
    except (ForgedToken, ExpiredToken):
        return outcome
    if target is None:
        return outcome
    return _told_if_theirs(outcome, message, raw, target, "empty")


def _post_reply(message: InboundMessage, raw: bytes) -> Outcome:
    try:
        target = find_reply_target(message.recipients)
    except ForgedToken as forged:
        return _reject("forged_token", f"reply address {forged} does not verify")
    except ExpiredToken as expired:
        return _told_if_theirs(_reject("expired_token", f"reply address {expired} is too old"),
                               message, raw, expired.target, "expired")
    if target is None:
        return _reject("no_reply_address", "sent to none of Praxis's reply addresses")
    user = _verified_member(message, raw, target)
    if isinstance(user, Outcome):
        return user
    if _already_posted(message):
        return Outcome(posted=False, reason="duplicate", duplicate=True)
    if target.request_id:
        return _give_feedback(message, target, user)
    if target.promise_id:
        return _tell_story(message, target, user)
    parent = _parent(target)
    if parent is None:
        return _refused(_reject("gone", "the post replied to no longer exists"), user, "gone",
                        None)
    thread = parent.thread
    access = topic_access(user, thread.topic)
    # The door's one answer, as the web reply form gives it.
    refusal = access.why_cannot_post(thread, user=user, replying_to=parent)
    if refusal is not None:
        return _refused(
            _reject("not_allowed", f"{user.email} may not post in thread {thread.pk} now "
                                   f"({refusal})"),
            user, refusal, parent, access)
    with emails.as_reader(user):  # why a file is refused, in the member's language
        checked, refused = _checked_files(message.files)
    post = publish_post(thread=thread, author=user, body=message.text, parent=parent,
                        source="email", attachments=checked)
    if refused:
        _tell_files_refused(user, post, refused)
    return Outcome(posted=True, post=post)


def _feedback_request(request_id: int) -> FeedbackRequest | None:
    return (FeedbackRequest.objects
            .select_related("version__plan__community", "version__plan__author")
            .filter(pk=request_id).first())


def _feedback_refused(outcome: Outcome, user: User, notice: str,
                      request: FeedbackRequest | None) -> Outcome:
    """A refused reply to a feedback request, to be told to the member who sent it, with
    whether they may still read the plan (for its link)."""
    can_read = request is not None and plan_access(
        user, request.version.plan,
        community_access(user, request.version.plan.community)).can_read
    return replace(outcome, member=user, notice=notice, for_feedback=True, request=request,
                   can_read=can_read)


def _give_feedback(message: InboundMessage, target: ReplyTarget, user: User) -> Outcome:
    """A reply to a feedback request's email becomes feedback on the version it asked about,
    if the door says its sender was asked and may give feedback; else it is rejected and the
    member is told why, with their words."""
    request = _feedback_request(target.request_id)
    if request is None:
        return _feedback_refused(_reject("gone", "the feedback request no longer exists"),
                                 user, "gone", None)
    plan = request.version.plan
    access = plan_access(user, plan, community_access(user, plan.community))
    if request.closed_at is not None:
        return _feedback_refused(_reject("not_allowed", f"request {request.pk} is closed"),
                                 user, "closed", request)
    if not may_answer_request(access, request, user.pk):
        return _feedback_refused(
            _reject("not_allowed",
                    f"{user.email} may not give feedback on request {request.pk} now"),
            user, "not_allowed", request)
    if len(message.text) > MAX_FEEDBACK_EMAIL_CHARS:
        return _feedback_refused(_reject("too_long", f"{len(message.text)} characters"),
                                 user, "too_long", request)
    try:
        feedback = feedback_from_email(request=request, author=user, text=message.text)
    except PlanRuleError as error:
        return _feedback_refused(_reject("empty", str(error)), user, "empty", request)
    # ``member``: whose message it was, for its record; no notice.
    return Outcome(posted=True, feedback=feedback, member=user)


def _checked_files(files: tuple[InboundFile, ...]) -> tuple[list[CheckedFile], list[str]]:
    """The message's files that pass a web upload's checks (kind by content, size, at most
    MAX_FILES_PER_POST), and why each other one does not, in the member's words."""
    checked: list[CheckedFile] = []
    refused: list[str] = []
    for found in files:
        upload = SimpleUploadedFile(found.name, found.data, content_type=found.content_type)
        if len(checked) == MAX_FILES_PER_POST:
            refused.append(gettext("“%(name)s”: a post takes at most %(count)s files.") % {
                "name": clean_name(found.name), "count": MAX_FILES_PER_POST})
            continue
        try:
            checked.append(check_file(upload))
        except FileRefused as refusal:
            refused.append(str(refusal))
    return checked, refused


def _tell_files_refused(member: User, post: Post, refused: list[str]) -> None:
    """The reply is posted, but some files could not go with it: the member is told which
    and why, so nothing vanishes without a word. Queued in the posting transaction."""
    send_notice(to=member, subject_template="notifications/email/files_refused_subject.txt",
                body_template="notifications/email/files_refused.txt",
                context={"post": post, "thread": post.thread, "refused": refused,
                         "post_url": emails.post_url(post)})


def _promise(target: ReplyTarget) -> UsePromise | None:
    return (UsePromise.objects.select_related("community", "story")
            .filter(pk=target.promise_id, user_id=target.user_id).first())


def _story_refused(outcome: Outcome, user: User, notice: str,
                   promise: UsePromise | None) -> Outcome:
    return replace(outcome, member=user, notice=notice, for_story=True, promise=promise)


def _tell_story(message: InboundMessage, target: ReplyTarget, user: User) -> Outcome:
    """A reply to a promise's invitation becomes (or adds to) the draft story of what
    happened, while its sender is still a member and the story is not told; else it is
    rejected and the member is told why, with their words. Nothing more is emailed: their
    home page shows the draft to finish."""
    promise = _promise(target)
    if promise is None:
        return _story_refused(_reject("gone", "the promise no longer exists"), user, "gone",
                              None)
    if not still_member(promise):
        return _story_refused(
            _reject("not_allowed", f"{user.email} is no longer a member of "
                                   f"{promise.community.slug}"), user, "not_member", promise)
    if promise.story is not None and promise.story.status != ValueStory.Status.DRAFT:
        return _story_refused(_reject("not_allowed", f"promise {promise.pk}'s story is told"),
                              user, "told", promise)
    draft = promise.story.applied.strip() if promise.story is not None else ""
    # What the draft holds already counts: a second reply is added to it, never cut.
    if len(message.text.strip()) + len(draft) + (2 if draft else 0) > APPLIED_MAX_LENGTH:
        return _story_refused(_reject("too_long", f"{len(message.text)} characters"),
                              user, "too_long", promise)
    story = draft_story(promise=promise, applied=message.text)
    # ``member``: whose message it was, for its record; no notice.
    return Outcome(posted=True, story=story, member=user)
