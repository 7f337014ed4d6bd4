"""What discussions keeps about a person: their posts and the earlier texts of them, their
reactions, flags and reading (``core.personal_data``); and what becomes of it when they erase
their account (``accounts.hooks.account_erased``): their posts stay, signed "Former member",
or go. Registered in ``DiscussionsConfig.ready``."""

from collections.abc import Iterator

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Prefetch, Subquery
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from praxis.accounts.hooks import Erasure
from praxis.accounts.models import User
from praxis.core.personal_data import Absolute, Field, Row, Section
from praxis.discussions import counters
from praxis.discussions.models import (
    Attachment,
    Flag,
    Post,
    PostRevision,
    Reaction,
    Thread,
    ThreadRead,
    ThreadVisitDay,
)

# Posts removed per DELETE: the collector loads what each one cascades to.
BATCH = 500

COMMUNITY = Field("community", _("community"))
THREAD = Field("thread", _("thread"))
THREAD_URL = Field("thread_url", _("thread's address"), "link")
POST_URL = Field("post_url", _("post's address"), "link")


def _where(post: Post, absolute: Absolute) -> dict[str, object]:
    thread = post.thread
    return {
        "post_url": absolute(Post.address(thread.community.slug, post.pk)),
        "community": thread.community.name,
        "thread": thread.title,
        "thread_url": absolute(Thread.address(thread.community.slug, thread.pk)),
    }


def _posts(user: User, absolute: Absolute) -> Iterator[Row]:
    posts = (Post.objects.filter(author=user)
             .select_related("thread__community", "thread__topic", "parent")
             .prefetch_related(Prefetch("attachments",
                                        queryset=Attachment.objects.only("post", "original_name")))
             .only("id", "body", "created_at", "edited_at", "is_hidden", "source", "parent_id",
                   "parent__id", "thread__id", "thread__title", "thread__community__slug",
                   "thread__community__name", "thread__topic__title", "thread__topic__slug",
                   "thread__topic__community_id")
             .order_by("created_at", "pk"))
    for post in posts.iterator(chunk_size=BATCH):
        slug = post.thread.community.slug
        topic = post.thread.topic
        yield {
            "id": post.pk, **_where(post, absolute),
            "topic": topic.title, "topic_url": absolute(topic.get_absolute_url()),
            "in_reply_to": absolute(Post.address(slug, post.parent_id)) if post.parent_id else "",
            "created_at": post.created_at, "edited_at": post.edited_at,
            "is_hidden": post.is_hidden, "source": post.source, "body": post.body,
            "attachments": [attachment.original_name for attachment in post.attachments.all()],
        }


POSTS = Section(
    key="posts", order=40,
    title=_("Your posts"),
    fields=(
        Field("id", _("number")), POST_URL, COMMUNITY, Field("topic", _("topic")),
        Field("topic_url", _("topic's address"), "link"), THREAD, THREAD_URL,
        Field("in_reply_to", _("in reply to"), "link"), Field("created_at", _("written"), "when"),
        Field("edited_at", _("edited"), "when"), Field("is_hidden", _("hidden by a moderator"),
                                                      "flag"),
        Field("source", _("written on")), Field("body", _("message"), "long"),
        Field("attachments", _("attached files")),
    ),
    rows=_posts,
    purpose=_("The community's conversations: what members learn from each other."),
    retention=_("As long as the community keeps its discussions. When you erase your "
                "account you choose: they stay, signed \"Former member\", or they go."),
    seen_by=_("Whoever may read the community; a hidden post: its author and the "
              "moderators."),
)


def _revisions(user: User, absolute: Absolute) -> Iterator[Row]:
    revisions = (PostRevision.objects.filter(post__author=user)
                 .select_related("post__thread__community").order_by("created_at", "pk"))
    for revision in revisions.iterator(chunk_size=BATCH):
        yield {
            **_where(revision.post, absolute), "created_at": revision.created_at,
            "edited_by": gettext("you") if revision.edited_by_id == user.pk
            else gettext("someone else"),
            "body": revision.body,
        }


REVISIONS = Section(
    key="post_revisions", order=41,
    title=_("Earlier texts of your posts"),
    fields=(POST_URL, COMMUNITY, THREAD, THREAD_URL,
            Field("created_at", _("replaced"), "when"), Field("edited_by", _("edited by")),
            Field("body", _("text before the edit"), "long")),
    rows=_revisions,
    purpose=_("So facilitators can see how a post changed, and nobody can rewrite what "
              "others answered."),
    retention=_("As long as the post; removed with it."),
    seen_by=_("The community's facilitators and stewards."),
)


def _reactions(user: User, absolute: Absolute) -> Iterator[Row]:
    reactions = (Reaction.objects.filter(user=user)
                 .select_related("post__thread__community").order_by("created_at", "pk"))
    for reaction in reactions.iterator(chunk_size=BATCH):
        yield {**_where(reaction.post, absolute), "kind": reaction.get_kind_display(),
               "created_at": reaction.created_at}


REACTIONS = Section(
    key="reactions", order=42,
    title=_("Your reactions"),
    fields=(Field("kind", _("reaction")), POST_URL, COMMUNITY, THREAD, THREAD_URL,
            Field("created_at", _("when"), "when")),
    rows=_reactions,
    purpose=_("To show which posts members found helpful or will use in their training."),
    retention=_("Until you take it back or erase your account."),
    seen_by=_("The community's members see the counts; the author of the post sees them too."),
)


def _flags(user: User, absolute: Absolute) -> Iterator[Row]:
    flags = (Flag.objects.filter(flagged_by=user)
             .select_related("post__thread__community").order_by("created_at", "pk"))
    for flag in flags.iterator(chunk_size=BATCH):
        yield {**_where(flag.post, absolute), "reason": flag.reason,
               "created_at": flag.created_at, "resolved_at": flag.resolved_at}


FLAGS = Section(
    key="flags", order=43,
    title=_("Posts you flagged"),
    fields=(POST_URL, COMMUNITY, THREAD, THREAD_URL, Field("reason", _("reason"), "long"),
            Field("created_at", _("when"), "when"), Field("resolved_at", _("resolved"), "when")),
    rows=_flags,
    purpose=_("To bring a post to the moderators' attention."),
    retention=_("Until you erase your account."),
    seen_by=_("The community's facilitators and stewards."),
)


def _reading(user: User, absolute: Absolute) -> Iterator[Row]:
    reads = (ThreadRead.objects.filter(user=user).select_related("thread__community")
             .order_by("first_read_at", "pk"))
    for read in reads.iterator(chunk_size=BATCH):
        thread = read.thread
        yield {"community": thread.community.name, "thread": thread.title,
               "thread_url": absolute(thread.get_absolute_url()),
               "first_read_at": read.first_read_at, "last_read_at": read.last_read_at,
               "visits": read.visits}


READING = Section(
    key="reading", order=44,
    title=_("What you have read"),
    fields=(COMMUNITY, THREAD, THREAD_URL, Field("first_read_at", _("first read"), "when"),
            Field("last_read_at", _("last read"), "when"), Field("visits", _("visits"))),
    rows=_reading,
    purpose=_("To show you what is new since your last visit, and to let the community see "
              "how many read without writing."),
    retention=_("Until you leave the community or erase your account."),
    seen_by=_("You; stewards see counts, not names."),
)



def _visit_days(user: User, absolute: Absolute) -> Iterator[Row]:
    days = (ThreadVisitDay.objects.filter(user=user)
            .select_related("thread__community").order_by("day", "pk"))
    for visit in days.iterator(chunk_size=BATCH):
        thread = visit.thread
        yield {"community": thread.community.name, "thread": thread.title,
               "thread_url": absolute(thread.get_absolute_url()), "day": visit.day,
               "visits": visit.visits}


VISIT_DAYS = Section(
    key="reading_days", order=45,
    title=_("The days you read each thread"),
    fields=(COMMUNITY, THREAD, THREAD_URL, Field("day", _("day (UTC)")),
            Field("visits", _("visits"))),
    rows=_visit_days,
    purpose=_("To let the community see how its reading goes over time, in any window of "
              "days."),
    retention=_("Until you erase your account."),
    seen_by=_("You; stewards see counts, not names."),
)

SECTIONS = (POSTS, REVISIONS, REACTIONS, FLAGS, READING, VISIT_DAYS)


# ------------------------------------------------------------------------------ erasure

def removed_post_html() -> str:
    """What a removed post that others answered shows in place of its words. Stored once
    and read by everyone, so it says it in each language the site speaks."""
    notes = []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            notes.append(format_html(
                '<p lang="{}" dir="{}"><em>{}</em></p>', code,
                "rtl" if translation.get_language_bidi() else "ltr",
                gettext("This post was removed by its author.")))
    return "".join(notes)


def _delete_files(names: list[str]) -> None:
    storage = Attachment._meta.get_field("file").storage  # type: ignore[union-attr]
    for name in names:
        storage.delete(name)


def _files_of(posts: object) -> list[str]:
    return list(Attachment.objects.filter(post__in=posts).values_list("file", flat=True))


def remove_posts_of(user: User) -> None:
    """Removes a person's posts: those nobody else answered are deleted (their own replies
    to them first, so a chain of theirs goes whole); those others answered keep their place
    in the tree, as a note that the author removed them, with no text, earlier texts,
    files, reactions or flags. A thread they opened keeps its opening post while anyone
    else wrote in it (its question is what the others answer), and goes when nobody did.
    The threads' and topics' counters are then counted again from the rows
    (``counters.recount``)."""
    thread_ids = set(Post.objects.filter(author=user).values_list("thread_id", flat=True))
    topic_ids = set(Thread.objects.filter(pk__in=thread_ids).values_list("topic_id", flat=True))
    files: list[str] = []
    first_post = (Post.objects.filter(thread=OuterRef("thread"), parent=None)
                  .order_by("path").values("pk")[:1])
    theirs = Post.objects.filter(author=user).annotate(first=Subquery(first_post))
    unanswered = theirs.exclude(pk=F("first")).exclude(
        Exists(Post.objects.filter(parent=OuterRef("pk"))))
    while batch := list(unanswered.values_list("pk", flat=True)[:BATCH]):
        files += _files_of(batch)
        Post.objects.filter(pk__in=batch).delete()
    alone = list(theirs.filter(pk=F("first")).exclude(
        Exists(Post.objects.filter(thread=OuterRef("thread")).exclude(pk=OuterRef("pk"))))
        .values_list("pk", flat=True))
    files += _files_of(alone)
    Post.objects.filter(pk__in=alone).delete()
    answered = Post.objects.filter(author=user)
    files += _files_of(answered)
    for related in (Attachment, PostRevision, Reaction, Flag):
        related.objects.filter(post__in=answered).delete()  # type: ignore[attr-defined]
    answered.update(body="", body_html=removed_post_html(), edited_at=None, word_count=0)
    Thread.objects.filter(pk__in=thread_ids).exclude(
        Exists(Post.objects.filter(thread=OuterRef("pk")))).delete()
    counters.recount(thread_ids=thread_ids, topic_ids=topic_ids)
    # The files go once the rows are gone for good.
    transaction.on_commit(lambda: _delete_files(files))


def forget_erased_member(erasure: Erasure) -> None:
    """Registered on ``accounts.hooks.account_erased``: their reactions, read marks, days of
    reading and flags go; the earlier texts of posts they edited stay (the community's
    record) without saying who edited them; their posts stay or go as they chose
    (``remove_posts_of``)."""
    user = erasure.user
    Reaction.objects.filter(user=user).delete()
    ThreadRead.objects.filter(user=user).delete()
    ThreadVisitDay.objects.filter(user=user).delete()
    Flag.objects.filter(flagged_by=user).delete()
    PostRevision.objects.filter(edited_by=user).update(edited_by=None)
    if not erasure.keep_posts:
        remove_posts_of(user)
