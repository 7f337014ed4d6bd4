"""Writes of critical friends and the reflection diary. Each is one transaction; a refusal
raises ``DiaryRuleError`` with a message for the person and changes nothing.

The callers have asked the door (``praxis.access.diary``) already; these keep the rules that
hold whoever calls: friends are two members of one community, one live invitation or
friendship per pair, an entry shared is shared in a community its author belongs to.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from praxis.accounts.models import User
from praxis.communities.models import Community, Membership
from praxis.core.email import absolute_url, send_notice
from praxis.practice.models import Friendship, JournalEntry, PlanVersion
from praxis.practice.models.diary import ReflectionModel
from praxis.practice.reflection import prompts_of

MESSAGE_MAX = 1000
PART_MAX = 20000


class DiaryRuleError(Exception):
    """A request that the rules of friends or the diary refuse; the message is for the
    person."""


# Critical friends -----------------------------------------------------------------------------

def _is_member(user: User, community: Community) -> bool:
    return Membership.objects.filter(user=user, community=community).exists()


@transaction.atomic
def invite_friend(*, community: Community, inviter: User, invitee: User, message: str = "",
                  site_url: str | None = None) -> Friendship:
    """Invites a member of the community to be a critical friend, and tells them by email
    (when they take emails about what concerns them)."""
    message = message.strip()
    if len(message) > MESSAGE_MAX:
        raise DiaryRuleError(_("Keep the message under %(max)s characters.")
                             % {"max": MESSAGE_MAX})
    if invitee.pk == inviter.pk:
        raise DiaryRuleError(_("You cannot be your own critical friend."))
    if not (_is_member(inviter, community) and _is_member(invitee, community)
            and invitee.is_active):
        raise DiaryRuleError(_("Critical friends are two members of the same community."))
    pair = (Q(inviter=inviter, invitee=invitee) | Q(inviter=invitee, invitee=inviter))
    live = (Friendship.objects.select_for_update()
            .filter(pair, community=community,
                    status__in=[Friendship.Status.INVITED, Friendship.Status.ACCEPTED]).first())
    if live is not None:
        if live.status == Friendship.Status.ACCEPTED:
            raise DiaryRuleError(_("You are critical friends already."))
        if live.inviter_id == inviter.pk:
            raise DiaryRuleError(_("You have invited them already; they have not answered "
                                   "yet."))
        raise DiaryRuleError(_("They have invited you already: accept their invitation "
                               "instead."))
    try:
        with transaction.atomic():
            friendship = Friendship.objects.create(community=community, inviter=inviter,
                                                   invitee=invitee, message=message)
    except IntegrityError as error:  # the same invitation sent twice at once
        raise DiaryRuleError(_("You have invited them already; they have not answered "
                               "yet.")) from error
    if invitee.email_direct:
        link = absolute_url(site_url, reverse("practice:friends", args=[community.slug]))
        send_notice(
            to=invitee,
            subject_template="practice/email/friend_invited_subject.txt",
            body_template="practice/email/friend_invited.txt",
            context={"community": community, "inviter": inviter, "message": message,
                     "link": link, "recipient": invitee},
        )
    return friendship


def _locked(friendship: Friendship) -> Friendship:
    return Friendship.objects.select_for_update().get(pk=friendship.pk)


@transaction.atomic
def answer_invitation(*, friendship: Friendship, actor: User, accept: bool) -> Friendship:
    """The invitee accepts or declines an invitation still waiting for an answer."""
    friendship = _locked(friendship)
    if friendship.invitee_id != actor.pk:
        raise DiaryRuleError(_("Only the person invited answers an invitation."))
    if friendship.status != Friendship.Status.INVITED:
        raise DiaryRuleError(_("This invitation has been answered already."))
    if accept and not _is_member(actor, friendship.community):
        raise DiaryRuleError(_("Critical friends are two members of the same community."))
    friendship.status = Friendship.Status.ACCEPTED if accept else Friendship.Status.DECLINED
    friendship.answered_at = timezone.now()
    friendship.save(update_fields=["status", "answered_at"])
    return friendship


@transaction.atomic
def end_friendship(*, friendship: Friendship, actor: User) -> Friendship:
    """Either friend ends a friendship, or the inviter withdraws an invitation: from then on,
    neither reads what the other shares with friends."""
    friendship = _locked(friendship)
    if actor.pk not in (friendship.inviter_id, friendship.invitee_id):
        raise DiaryRuleError(_("Only the two friends end a friendship."))
    if friendship.status == Friendship.Status.INVITED and friendship.inviter_id != actor.pk:
        raise DiaryRuleError(_("Answer the invitation instead: accept it or decline it."))
    if friendship.status not in (Friendship.Status.INVITED, Friendship.Status.ACCEPTED):
        raise DiaryRuleError(_("This friendship has ended already."))
    friendship.status = Friendship.Status.ENDED
    friendship.ended_at = timezone.now()
    friendship.save(update_fields=["status", "ended_at"])
    return friendship


# The diary ------------------------------------------------------------------------------------

@dataclass
class EntryDraft:
    """What a member writes in an entry; ``parts`` maps the model's part keys to Markdown."""

    written_on: date
    visibility: str
    model: str = ReflectionModel.FREE
    parts: dict[str, str] = field(default_factory=dict)
    title: str = ""
    community: Community | None = None
    session_date: date | None = None
    session_audience: str = ""
    plan_version: PlanVersion | None = None


def _checked(author: User, draft: EntryDraft) -> dict[str, object]:
    """The entry's fields once the rules hold, or DiaryRuleError."""
    if draft.visibility not in JournalEntry.Visibility.values:
        raise DiaryRuleError(_("Choose who can read the entry."))
    if draft.model not in ReflectionModel.values:
        raise DiaryRuleError(_("Choose one of the prompt models."))
    keys = [prompt.key for prompt in prompts_of(draft.model)]
    parts = {key: (draft.parts.get(key) or "").strip() for key in keys}
    if any(len(text) > PART_MAX for text in parts.values()):
        raise DiaryRuleError(_("Each part of an entry holds at most %(max)s characters.")
                             % {"max": PART_MAX})
    parts = {key: text for key, text in parts.items() if text}
    if not parts:
        raise DiaryRuleError(_("Write something in at least one part of the entry."))
    community = draft.community
    if community is not None and not _is_member(author, community):
        raise DiaryRuleError(_("Choose one of your own communities."))
    if draft.visibility != JournalEntry.Visibility.PRIVATE and community is None:
        raise DiaryRuleError(_("Choose the community to share the entry in."))
    version = draft.plan_version
    if version is not None:
        plan_community = version.plan.community_id
        if not Membership.objects.filter(user=author, community_id=plan_community).exists():
            raise DiaryRuleError(_("Choose a session plan from one of your communities."))
        if (draft.visibility != JournalEntry.Visibility.PRIVATE
                and community is not None and plan_community != community.pk):
            raise DiaryRuleError(_("A shared entry names a session plan of the community it "
                                   "is shared in."))
    return {
        "written_on": draft.written_on, "visibility": draft.visibility, "model": draft.model,
        "parts": parts, "title": draft.title.strip(), "community": community,
        "session_date": draft.session_date, "session_audience": draft.session_audience.strip(),
        "plan_version": version,
    }


@transaction.atomic
def create_entry(*, author: User, draft: EntryDraft) -> JournalEntry:
    """Writes a diary entry: private unless its author shares it in one of their
    communities."""
    return JournalEntry.objects.create(author=author, **_checked(author, draft))


@transaction.atomic
def update_entry(*, entry: JournalEntry, actor: User, draft: EntryDraft) -> JournalEntry:
    """The author changes their entry (its visibility too)."""
    if entry.author_id != actor.pk:
        raise DiaryRuleError(_("Only the author changes an entry."))
    for name, value in _checked(actor, draft).items():
        setattr(entry, name, value)
    entry.updated_at = timezone.now()
    entry.save()
    return entry


@transaction.atomic
def delete_entry(*, entry: JournalEntry, actor: User) -> None:
    if entry.author_id != actor.pk:
        raise DiaryRuleError(_("Only the author deletes an entry."))
    entry.delete()
