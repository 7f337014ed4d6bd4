"""What practice keeps about a person: the session plans they shared and their versions, the
feedback they gave and asked for, their critical friendships and their reflection diary
(``core.personal_data``); and what becomes of it when they erase their account
(``accounts.hooks.account_erased``): the diary and the friendships go; the plans and the
feedback stay, shown as by a former member, or go, as the person chose for their posts
(decision 35, ``remove_plans_and_feedback_of``). Registered in ``PracticeConfig.ready``.

The diary section holds every entry of the person's own, private ones included: the export
is theirs alone. Nobody else's export names an entry of someone else (a friend's shared
entry is not the reader's data)."""

from collections.abc import Callable, Iterator

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from praxis.accounts.hooks import Erasure
from praxis.accounts.models import User
from praxis.core.personal_data import Absolute, Field, Row, Section
from praxis.notifications.models import OutboundEmail
from praxis.practice.models import (
    Feedback,
    FeedbackRequest,
    Friendship,
    JournalEntry,
    PlanStage,
    PlanVersion,
    SessionPlan,
)
from praxis.practice.reflection import headed_parts

BATCH = 500

COMMUNITY = Field("community", _("community"))
PLAN = Field("plan", _("session plan"))
URL = Field("url", _("address"), "link")


def _plans(user: User, absolute: Absolute) -> Iterator[Row]:
    plans = (SessionPlan.objects.filter(author=user).select_related("community")
             .order_by("created_at", "pk"))
    for plan in plans.iterator(chunk_size=BATCH):
        yield {"plan": plan.title, "url": absolute(plan.get_absolute_url()),
               "community": plan.community.name, "created_at": plan.created_at,
               "updated_at": plan.updated_at}


PLANS = Section(
    key="session_plans", order=60,
    title=_("Session plans you shared"),
    fields=(PLAN, URL, COMMUNITY, Field("created_at", _("shared"), "when"),
            Field("updated_at", _("last version"), "when")),
    rows=_plans,
    purpose=_("To let members learn from each other's sessions and give feedback on them."),
    retention=_("As long as the community keeps them. When you erase your account you "
                "choose, as for your posts: they stay, shown as by a former member, or they "
                "go (a plan others gave feedback on keeps its titles, as a note that you "
                "removed it)."),
    seen_by=_("The community's members."),
)


def _versions(user: User, absolute: Absolute) -> Iterator[Row]:
    versions = (PlanVersion.objects.filter(plan__author=user)
                .select_related("plan__community").prefetch_related("stages")
                .order_by("plan_id", "number"))
    for version in versions.iterator(chunk_size=BATCH):
        yield {
            "plan": version.plan.title, "url": absolute(version.get_absolute_url()),
            "community": version.plan.community.name, "number": version.number,
            "title": version.title, "audience": version.get_audience_display(),
            "level": version.level, "duration_minutes": version.duration_minutes,
            "aims": version.aims, "change_note": version.change_note,
            "stages": [f"{stage.minutes} min, {stage.get_interaction_display()}: {stage.activity}"
                       + (f" ({stage.materials})" if stage.materials else "")
                       for stage in version.stages.all()],
            "original_name": version.original_name, "created_at": version.created_at,
        }


VERSIONS = Section(
    key="plan_versions", order=61,
    title=_("Versions of your session plans"),
    fields=(PLAN, URL, COMMUNITY, Field("number", _("version")), Field("title", _("title")),
            Field("audience", _("audience")), Field("level", _("level")),
            Field("duration_minutes", _("duration (minutes)")),
            Field("aims", _("aims"), "long"), Field("change_note", _("what changed"), "long"),
            Field("stages", _("stages")), Field("original_name", _("original file")),
            Field("created_at", _("posted"), "when")),
    rows=_versions,
    purpose=_("Every version is kept, so any two compare and feedback stays tied to the "
              "version it was given on."),
    retention=_("As long as the plan."),
    seen_by=_("The community's members."),
)


def _feedback(user: User, absolute: Absolute) -> Iterator[Row]:
    given = (Feedback.objects.filter(author=user).select_related("version__plan__community")
             .order_by("created_at", "pk"))
    for item in given.iterator(chunk_size=BATCH):
        version = item.version
        yield {"plan": str(version), "url": absolute(version.get_absolute_url()),
               "community": version.plan.community.name, "works": item.works,
               "change": item.change, "question": item.question, "comment": item.comment,
               "source": item.get_source_display(), "created_at": item.created_at,
               "acted_on_at": item.acted_on_at}


FEEDBACK = Section(
    key="plan_feedback", order=62,
    title=_("Feedback you gave on session plans"),
    fields=(PLAN, URL, COMMUNITY, Field("works", _("what works"), "long"),
            Field("change", _("what to change"), "long"),
            Field("question", _("a question"), "long"),
            Field("comment", _("other comments"), "long"), Field("source", _("given on")),
            Field("created_at", _("given"), "when"),
            Field("acted_on_at", _("acted upon"), "when")),
    rows=_feedback,
    purpose=_("To help the plan's author improve their session; the next version may name "
              "it as the feedback it answers."),
    retention=_("As long as the plan. When you erase your account you choose, as for your "
                "posts: it stays, shown as by a former member, or it goes (feedback the "
                "author acted on stays as a note that you removed it)."),
    seen_by=_("The plan's author and the community's members."),
)


def _requests(user: User, absolute: Absolute) -> Iterator[Row]:
    asked = (FeedbackRequest.objects.filter(asked_by=user)
             .select_related("version__plan__community").prefetch_related("asked")
             .order_by("created_at", "pk"))
    for request in asked.iterator(chunk_size=BATCH):
        version = request.version
        yield {"plan": str(version), "url": absolute(version.get_absolute_url()),
               "community": version.plan.community.name,
               "audience": request.get_audience_display(), "questions": request.questions,
               "asked": [str(person) for person in request.asked.all()],
               "created_at": request.created_at, "closed_at": request.closed_at}


REQUESTS = Section(
    key="feedback_requests", order=63,
    title=_("Feedback you asked for"),
    fields=(PLAN, URL, COMMUNITY, Field("audience", _("who was asked")),
            Field("questions", _("focus questions"), "long"), Field("asked", _("people asked")),
            Field("created_at", _("asked on"), "when"), Field("closed_at", _("closed"), "when")),
    rows=_requests,
    purpose=_("To reach the people you asked, by page and by email."),
    retention=_("As long as the plan."),
    seen_by=_("The people asked, and the community's members."),
)


def _friendships(user: User, absolute: Absolute) -> Iterator[Row]:
    friendships = (Friendship.objects.filter(Q(inviter=user) | Q(invitee=user))
                   .select_related("inviter", "invitee", "community")
                   .order_by("created_at", "pk"))
    for friendship in friendships.iterator(chunk_size=BATCH):
        invited_by_you = friendship.inviter_id == user.pk
        other = friendship.invitee if invited_by_you else friendship.inviter
        yield {"community": friendship.community.name, "friend": str(other),
               "invited_by_you": invited_by_you, "status": friendship.get_status_display(),
               "message": friendship.message, "created_at": friendship.created_at,
               "answered_at": friendship.answered_at, "ended_at": friendship.ended_at}


FRIENDSHIPS = Section(
    key="critical_friends", order=64,
    title=_("Your critical friends and invitations"),
    fields=(COMMUNITY, Field("friend", _("the other member")),
            Field("invited_by_you", _("invited by you"), "flag"), Field("status", _("status")),
            Field("message", _("message"), "long"), Field("created_at", _("invited"), "when"),
            Field("answered_at", _("answered"), "when"), Field("ended_at", _("ended"), "when")),
    rows=_friendships,
    purpose=_("So critical friends read what you share with friends and are asked for "
              "feedback first."),
    retention=_("Until you erase your account; an ended friendship is kept as a record "
                "until then."),
    seen_by=_("You and the other member."),
)


def _entries(user: User, absolute: Absolute) -> Iterator[Row]:
    entries = (JournalEntry.objects.filter(author=user)
               .select_related("community", "plan_version__plan").order_by("written_on", "pk"))
    for entry in entries.iterator(chunk_size=BATCH):
        yield {
            "title": entry.title, "url": absolute(entry.get_absolute_url()),
            "written_on": entry.written_on.isoformat(),
            "visibility": entry.get_visibility_display(),
            "community": entry.community.name if entry.community else "",
            "session_date": entry.session_date.isoformat() if entry.session_date else "",
            "session_audience": entry.session_audience,
            "plan": str(entry.plan_version) if entry.plan_version else "",
            "model": entry.get_model_display(),
            "text": "\n\n".join(f"## {prompt.heading}\n\n{text}"
                                for prompt, text in headed_parts(entry.model, entry.parts)),
            "created_at": entry.created_at, "updated_at": entry.updated_at,
        }


DIARY = Section(
    key="reflection_diary", order=65,
    title=_("Your reflection diary"),
    fields=(Field("title", _("title")), URL, Field("written_on", _("date")),
            Field("visibility", _("who can read it")), COMMUNITY,
            Field("session_date", _("date of the session")),
            Field("session_audience", _("who took part")), PLAN,
            Field("model", _("prompts")), Field("text", _("entry"), "long"),
            Field("created_at", _("written"), "when"),
            Field("updated_at", _("last changed"), "when")),
    rows=_entries,
    purpose=_("Your own reflection on your training sessions."),
    retention=_("Until you delete the entry or erase your account."),
    seen_by=_("You alone for a private entry; your critical friends in the community, or its "
              "members, for an entry you shared. Never stewards, site admins or "
              "researchers otherwise."),
)

SECTIONS = (PLANS, VERSIONS, FEEDBACK, REQUESTS, FRIENDSHIPS, DIARY)


# ------------------------------------------------------------------------------ erasure

def _in_each_language(words: Callable[[], str]) -> str:
    """A note stored once and read by everyone, so it says it in each language the site
    speaks, one line each (plain text: the pages show it as written)."""
    lines: list[str] = []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            line = words()
        if line not in lines:
            lines.append(line)
    return "\n".join(lines)


def removed_plan_text() -> str:
    """What a removed plan that others gave feedback on says in place of its aims."""
    return _in_each_language(lambda: gettext("This session plan was removed by its author."))


def removed_feedback_text() -> str:
    """What removed feedback that its plan's author acted on says in place of its words."""
    return _in_each_language(lambda: gettext("This feedback was removed by its author."))


def _delete_files(names: list[str]) -> None:
    storage = PlanVersion._meta.get_field("original_file").storage  # type: ignore[union-attr]
    for name in names:
        storage.delete(name)


def remove_plans_and_feedback_of(user: User) -> None:
    """Removes what a person wrote in practice, as discussions removes posts
    (``discussions.personal_data.remove_posts_of``).

    Feedback they gave goes, unless the plan's author acted on it (marked it, or a later
    version answers it): that keeps its place, as the evidence that feedback led to a
    change, with its words replaced by a note that its author removed it.

    A plan of theirs nobody else gave feedback on goes whole (versions, stages, requests).
    One others gave feedback on stays, as a thread others wrote in keeps its opening post:
    its versions keep their numbers, titles, audience and length (the feedback is tied to
    them), and lose their aims (a note instead), level, what changed, stages and original
    file; their requests for feedback lose their questions and close.

    The emails that carry their feedback or their requests go, and the stored original
    files once the transaction is committed."""
    given = Feedback.objects.filter(author=user)
    acted = given.filter(Q(acted_on_at__isnull=False)
                         | Exists(PlanVersion.objects.filter(answers=OuterRef("pk"))))
    feedback_keys = [f"plan_feedback:{pk}" for pk in given.values_list("pk", flat=True)]
    given.exclude(pk__in=acted.values("pk")).delete()
    acted.update(works="", change="", question="", comment=removed_feedback_text())

    plans = SessionPlan.objects.filter(author=user)
    files = sorted(set(PlanVersion.objects.filter(plan__in=plans).exclude(original_file="")
                       .values_list("original_file", flat=True)))
    request_ids = list(FeedbackRequest.objects.filter(
        Q(asked_by=user) | Q(version__plan__in=plans)).values_list("pk", flat=True))
    others_wrote = Exists(Feedback.objects.filter(version__plan=OuterRef("pk"))
                          .exclude(author=user))
    plans.exclude(others_wrote).delete()
    kept = plans.filter(others_wrote)
    PlanStage.objects.filter(version__plan__in=kept).delete()
    PlanVersion.objects.filter(plan__in=kept).update(
        aims=removed_plan_text(), level="", change_note="", original_file="",
        original_name="", content_type="", size=0)
    FeedbackRequest.objects.filter(pk__in=request_ids).update(
        questions="", closed_at=Coalesce("closed_at", timezone.now()))

    emails = Q(key__in=feedback_keys)
    for pk in request_ids:
        emails |= Q(key__startswith=f"plan_request:{pk}:")
    OutboundEmail.objects.filter(kind=OutboundEmail.Kind.PLAN_FEEDBACK).filter(emails).delete()
    # The files go once the rows are gone for good.
    transaction.on_commit(lambda: _delete_files(files))


def _forget_invitation_emails(user: User) -> None:
    """The emails that told someone of the person's invitations to be critical friends
    carry its message; they go with the invitations (``notifications`` has already taken
    the person's name out of those still to be sent)."""
    invited = (Friendship.objects.filter(inviter=user).exclude(message="")
               .values_list("invitee_id", "message"))
    for invitee_id, message in invited.iterator(chunk_size=BATCH):
        OutboundEmail.objects.filter(kind=OutboundEmail.Kind.NOTICE, user_id=invitee_id).filter(
            Q(body_text__contains=message) | Q(body_html__contains=escape(message))).delete()


def forget_erased_member(erasure: Erasure) -> None:
    """Registered on ``accounts.hooks.account_erased``: their diary and their friendships
    (with invitations either way) go; their plans, versions, requests and feedback stay with
    the anonymised account, shown as by a former member, or go, as they chose for their
    posts (``remove_plans_and_feedback_of``)."""
    user = erasure.user
    JournalEntry.objects.filter(author=user).delete()
    _forget_invitation_emails(user)
    Friendship.objects.filter(inviter=user).delete()
    Friendship.objects.filter(invitee=user).delete()
    if not erasure.keep_posts:
        remove_plans_and_feedback_of(user)
