"""What impact keeps about a person: their value-creation stories (private ones and drafts
included: the export is theirs alone) and the evidence attached to them, the promises "I
will use this in my training" they made, and the cascade events that record them training
others (``core.personal_data``); and what becomes of it when they erase their account
(``accounts.hooks.account_erased``, decision 35). Registered in ``ImpactConfig.ready``.

On erasure: promises go; a draft and a private story go (nobody else could read them);
a told story shared with the leaders or the community stays, shown as by a former member,
or goes with its evidence and files, as the person chose for their posts. Cascade events
stay as counts of the community's reach, by a former member; their notes go unless the
person kept their posts. An acknowledgement they gave is kept without their name.
"""

from collections.abc import Iterator
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from praxis.accounts.hooks import Erasure
from praxis.accounts.models import User
from praxis.core.personal_data import Absolute, Field, Row, Section
from praxis.impact.models import CascadeEvent, StoryEvidence, UsePromise, ValueStory

BATCH = 500

COMMUNITY = Field("community", _("community"))
URL = Field("url", _("address"), "link")
STORY = Field("story", _("story"))


def _stories(user: User, absolute: Absolute) -> Iterator[Row]:
    stories = (ValueStory.objects.filter(author=user).select_related("community")
               .prefetch_related("source_topics", "source_resources")
               .order_by("created_at", "pk"))
    for story in stories.iterator(chunk_size=BATCH):
        yield {
            "title": story.title, "url": absolute(story.get_absolute_url()),
            "community": story.community.name, "status": story.get_status_display(),
            "visibility": story.get_visibility_display(),
            "sources": [topic.title for topic in story.source_topics.all()]
            + [resource.title for resource in story.source_resources.all()],
            "immediate": story.immediate, "potential": story.potential,
            "applied": story.applied,
            "session_date": story.session_date.isoformat() if story.session_date else "",
            "session_audience": story.session_audience,
            "trainee_count": story.trainee_count if story.trainee_count is not None else "",
            "realised": story.realised, "reframing": story.reframing,
            "created_at": story.created_at, "told_at": story.told_at,
            "acknowledged_at": story.acknowledged_at,
        }


STORIES = Section(
    key="value_stories", order=70,
    title=_("Your value-creation stories"),
    fields=(Field("title", _("title")), URL, COMMUNITY, Field("status", _("status")),
            Field("visibility", _("who can read it")), Field("sources", _("what it came from")),
            Field("immediate", _("what you took from it"), "long"),
            Field("potential", _("what you gained"), "long"),
            Field("applied", _("what you did differently"), "long"),
            Field("session_date", _("date of the training session")),
            Field("session_audience", _("who took part")),
            Field("trainee_count", _("how many trainees")),
            Field("realised", _("what happened"), "long"),
            Field("reframing", _("how it changed how you see your work"), "long"),
            Field("created_at", _("begun"), "when"), Field("told_at", _("told"), "when"),
            Field("acknowledged_at", _("acknowledged"), "when")),
    rows=_stories,
    purpose=_("To record what taking part led to in your training, and to show the "
              "community's facilitators and stewards what it changes."),
    retention=_("Until you delete the story. When you erase your account drafts and private "
                "stories go; shared ones stay, shown as by a former member, or go, as you "
                "choose for your posts."),
    seen_by=_("You alone for a private story or a draft; the community's facilitators and "
              "stewards, or its members, for a story you shared. Never stewards, site "
              "admins or researchers otherwise."),
)


def _evidence(user: User, absolute: Absolute) -> Iterator[Row]:
    evidence = (StoryEvidence.objects.filter(story__author=user)
                .select_related("story", "plan_version").order_by("story_id", "pk"))
    for item in evidence.iterator(chunk_size=BATCH):
        yield {"story": item.story.title or str(item.story_id),
               "kind": item.get_kind_display(), "caption": item.caption, "text": item.text,
               "file": item.original_name,
               "plan": str(item.plan_version) if item.plan_version else "",
               "created_at": item.created_at}


EVIDENCE = Section(
    key="story_evidence", order=71,
    title=_("Evidence attached to your stories"),
    fields=(STORY, Field("kind", _("kind")), Field("caption", _("caption")),
            Field("text", _("comments"), "long"), Field("file", _("file")),
            Field("plan", _("session plan version")), Field("created_at", _("added"), "when")),
    rows=_evidence,
    purpose=_("To show what happened: photos, documents, trainees' comments, plans."),
    retention=_("As long as its story."),
    seen_by=_("Whoever may read its story."),
)


def _promises(user: User, absolute: Absolute) -> Iterator[Row]:
    promises = (UsePromise.objects.filter(user=user).select_related("community")
                .order_by("session_date", "pk"))
    for promise in promises.iterator(chunk_size=BATCH):
        yield {"community": promise.community.name,
               "session_date": promise.session_date.isoformat(), "note": promise.note,
               "created_at": promise.created_at, "invited_at": promise.invited_at,
               "dismissed_at": promise.dismissed_at}


PROMISES = Section(
    key="use_promises", order=72,
    title=_("What you said you would use in your training"),
    fields=(COMMUNITY, Field("session_date", _("date of the training session")),
            Field("note", _("what you will use")), Field("created_at", _("said"), "when"),
            Field("invited_at", _("asked what happened"), "when"),
            Field("dismissed_at", _("put aside"), "when")),
    rows=_promises,
    purpose=_("To ask you, after the session, what happened."),
    retention=_("Until you erase your account."),
    seen_by=_("You alone."),
)


def _events(user: User, absolute: Absolute) -> Iterator[Row]:
    events = (CascadeEvent.objects.filter(trainer=user).select_related("community", "cohort")
              .order_by("held_on", "pk"))
    for event in events.iterator(chunk_size=BATCH):
        yield {"community": event.community.name, "held_on": event.held_on.isoformat(),
               "kind": event.get_kind_display(), "audience": event.get_audience_display(),
               "people": event.people, "cohort": event.cohort.name if event.cohort else "",
               "notes": event.notes, "created_at": event.created_at}


EVENTS = Section(
    key="cascade_events", order=73,
    title=_("Trainings you gave (the cascade)"),
    fields=(COMMUNITY, Field("held_on", _("date")), Field("kind", _("kind")),
            Field("audience", _("audience")), Field("people", _("number of people")),
            Field("cohort", _("cohort formed")), Field("notes", _("notes"), "long"),
            Field("created_at", _("recorded"), "when")),
    rows=_events,
    purpose=_("To show how far the community's ideas travel: who trained whom."),
    retention=_("As long as the community. When you erase your account they stay as "
                "numbers, by a former member; their notes go unless you keep your posts."),
    seen_by=_("The community's facilitators and stewards, and you."),
)

SECTIONS = (STORIES, EVIDENCE, PROMISES, EVENTS)


# ------------------------------------------------------------------------------ erasure

def _delete_stories(stories: QuerySet[ValueStory]) -> None:
    files = list(StoryEvidence.objects.filter(story__in=stories).exclude(file="")
                 .values_list("file", flat=True))
    stories.delete()
    if files:
        storage = StoryEvidence._meta.get_field("file").storage  # type: ignore[union-attr]
        transaction.on_commit(lambda: _delete_files(storage, files))


def _delete_files(storage: Any, names: list[str]) -> None:
    for name in names:
        storage.delete(name)


def forget_erased_member(erasure: Erasure) -> None:
    """Erases, or strips of the person, what impact keeps about them (see the module)."""
    user = erasure.user
    UsePromise.objects.filter(user=user).delete()
    mine = ValueStory.objects.filter(author=user)
    _delete_stories(mine.exclude(status=ValueStory.Status.TOLD,
                                 visibility__in=[ValueStory.Visibility.LEADERS,
                                                 ValueStory.Visibility.COMMUNITY]))
    if not erasure.keep_posts:
        _delete_stories(ValueStory.objects.filter(author=user))
    ValueStory.objects.filter(author=user).update(author=None)
    ValueStory.objects.filter(acknowledged_by=user).update(acknowledged_by=None)
    events = CascadeEvent.objects.filter(trainer=user)
    if not erasure.keep_posts:
        events.update(notes="")
    events.update(trainer=None)
