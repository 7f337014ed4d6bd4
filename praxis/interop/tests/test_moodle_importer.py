"""The importer on records made here (the readers have their own tests): what becomes what,
all or nothing, and importing again adds only what is new."""

import io
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image

from praxis.accounts.models import User
from praxis.communities.models import Cohort, Membership
from praxis.discussions.models import (
    Attachment,
    Post,
    Reaction,
    Thread,
    ThreadRead,
    ThreadVisitDay,
)
from praxis.interop.models import ImportedItem
from praxis.interop.moodle import importer
from praxis.interop.moodle.importer import import_source
from praxis.interop.moodle.records import (
    Discussion,
    Forum,
    ForumContent,
    Group,
    MoodleUser,
    Origin,
    Rating,
    ReadEvent,
    RoleAssignment,
    Skipped,
    Source,
    StoredFile,
)
from praxis.interop.moodle.records import (
    Post as MoodlePost,
)
from praxis.topics.models import Topic

T0 = datetime(2019, 3, 4, 9, 0, tzinfo=UTC)
def _png() -> bytes:
    picture = io.BytesIO()
    Image.new("RGB", (2, 2), (200, 10, 10)).save(picture, "PNG")
    return picture.getvalue()


PNG = _png()


def at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


USERS = [
    MoodleUser(id=2, email="Maryam.Ahmadi@Example.org", username="mahmadi", firstname="Maryam",
               lastname="Ahmadi", lang="fa", timezone="Asia/Tehran", city="Shiraz"),
    MoodleUser(id=3, email="reza@example.org", firstname="Reza", lastname="Karimi",
               timezone="99"),
    MoodleUser(id=4, email="", firstname="Old", lastname="Account", deleted=True),
    MoodleUser(id=5, email="lurker@example.org", firstname="Quiet", lastname="Reader"),
]


def posts_of(discussion_id: int, first_id: int) -> tuple[MoodlePost, ...]:
    return (
        MoodlePost(id=first_id, discussion_id=discussion_id, parent_id=0, user_id=2,
                   created=at(0), modified=at(0), subject="Loop input",
                   message="<p>How do you <strong>model</strong> loop input?</p>"
                           '<img src="@@PLUGINFILE@@/board%20photo.png" alt="board">',
                   message_format=1, ratings=(Rating(user_id=3, value=2),), tags=("loop input",)),
        MoodlePost(id=first_id + 1, discussion_id=discussion_id, parent_id=first_id, user_id=3,
                   created=at(1), modified=at(1), subject="Re: Loop input",
                   message="I start with a *micro* session.", message_format=4),
        MoodlePost(id=first_id + 2, discussion_id=discussion_id, parent_id=first_id + 1,
                   user_id=4, created=at(2), modified=at(2), subject="Re: Loop input",
                   message="Thanks!", message_format=2),
        MoodlePost(id=first_id + 3, discussion_id=discussion_id, parent_id=first_id + 1,
                   user_id=2, created=at(3), modified=at(3), subject="Re: Loop input",
                   message="Just between us: it failed once.", message_format=2,
                   private_reply_to=3),
    )


def make_source(tmp_path: Path, *, site: str = "site-a", discussions: int = 1,
                reads: bool = True, packaging: str = "tar.gz") -> Source:
    blob = tmp_path / "blob"
    blob.write_bytes(PNG)
    forum = Forum(id=7, module_id=70, context_id=700, name="Week 1: loop input",
                  intro="<p>Read <em>Woodward</em> first.</p>", intro_format=1,
                  type="general", time_modified=at(-24))
    discussion_list = [
        Discussion(id=10 + n, forum_id=7, name="Loop input" if n == 0 else f"Question {n}",
                   user_id=2, posts=posts_of(10 + n, 100 + 10 * n), pinned=n == 0)
        for n in range(discussions)
    ]
    files = [
        StoredFile(content_hash="ab" * 20, context_id=700, component="mod_forum",
                   file_area="post", item_id=100, file_path="/", file_name="board photo.png",
                   mime_type="image/png", size=len(PNG), user_id=2, blob=blob),
        StoredFile(content_hash="cd" * 20, context_id=700, component="mod_forum",
                   file_area="attachment", item_id=101, file_path="/",
                   file_name="plan.pdf", mime_type="application/pdf", size=10, user_id=3,
                   blob=None),
    ]
    read_events = [
        ReadEvent(user_id=5, discussion_id=10, time=at(1.5), source="standard_log"),
        ReadEvent(user_id=5, discussion_id=10, time=at(1.6), source="standard_log"),
        ReadEvent(user_id=5, discussion_id=10, time=at(30), source="legacy_log"),
        ReadEvent(user_id=3, discussion_id=10, time=at(5), source="read_tracking"),
        ReadEvent(user_id=99, discussion_id=10, time=at(5), source="standard_log"),
        ReadEvent(user_id=5, discussion_id=999, time=at(5), source="standard_log"),
    ] if reads else []
    return Source(
        origin=Origin(site=site, packaging=packaging, kind="course", course_id=3,
                      course_name="Teacher trainers' CoP", moodle_release="3.9.2",
                      with_users=True, with_logs=True, course_start=at(-48)),
        users=USERS,
        roles=[RoleAssignment(user_id=2, shortname="editingteacher",
                              archetype="editingteacher"),
               RoleAssignment(user_id=3, shortname="student", archetype="student"),
               RoleAssignment(user_id=5, shortname="manager", archetype="manager")],
        groups=[Group(id=1, name="Shiraz trainers 2012", member_ids=(2, 5))],
        files=files,
        forums=[ForumContent(forum=forum, discussions=discussion_list)],
        reads=read_events,
        # The reader names a file the backup lists but does not hold.
        skipped=[Skipped(what="plan.pdf", reason="The backup does not contain it.")],
    )


@pytest.fixture
def community(cast):
    return cast.community


def run(tmp_path, community, **options):
    source = make_source(tmp_path, **{k: v for k, v in options.items()
                                      if k in ("site", "discussions", "reads", "packaging")})
    return import_source(source, community=community, actor=None,
                         dry_run=options.get("dry_run", False))


def test_a_forum_becomes_a_topic_with_its_threads_posts_and_people(tmp_path, community,
                                                                   settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    summary = run(tmp_path, community)

    topic = Topic.objects.get(community=community, title="Week 1: loop input")
    assert "*Woodward*" in topic.summary
    assert topic.starts_at == at(0) and topic.ends_at == at(3)
    thread = Thread.objects.get(topic=topic)
    assert (thread.title, thread.is_pinned, thread.kind) == ("Loop input", True,
                                                             Thread.Kind.MEMBER)
    # The private reply is not counted: a count would tell others it exists.
    assert thread.post_count == 3 and topic.post_count == 3
    opener, answer, thanks, private = Post.objects.filter(thread=thread).order_by("created_at")
    assert opener.parent_id is None and opener.source == "moodle"
    # Answering the opening post is answering the thread.
    assert answer.parent_id is None
    assert thanks.parent_id == answer.pk and thanks.path.startswith(answer.path + ".")
    assert private.parent_id == answer.pk
    assert "**model**" in opener.body and "<strong>model</strong>" in opener.body_html
    assert thanks.author.is_erased and str(thanks.author) == "Former member"

    maryam = User.objects.get(email="maryam.ahmadi@example.org")
    reza = User.objects.get(email="reza@example.org")
    assert private.private_to == reza and private.author == maryam
    assert not maryam.has_usable_password()
    assert (maryam.locale, maryam.timezone, maryam.region) == ("fa", "Asia/Tehran", "Shiraz")
    assert maryam.digest == User.Digest.OFF
    assert reza.timezone == "UTC"
    roles = dict(Membership.objects.filter(community=community).values_list("user__email",
                                                                            "role"))
    assert roles["maryam.ahmadi@example.org"] == Membership.Role.FACILITATOR
    assert roles["reza@example.org"] == Membership.Role.MEMBER
    assert roles["lurker@example.org"] == Membership.Role.STEWARD
    assert not Membership.objects.filter(user=thanks.author).exists()
    assert list(topic.facilitators.all()) == [maryam]

    cohort = Cohort.objects.get(community=community, name="Shiraz trainers 2012")
    assert {m.user.email for m in cohort.members.all()} == {"maryam.ahmadi@example.org",
                                                            "lurker@example.org"}
    image = Attachment.objects.get(post=opener)
    assert image.original_name == "board photo.png" and image.content_type == "image/png"
    assert f"[board](/c/{community.slug}/attachments/{image.pk}/)" in opener.body
    assert Path(image.file.path).read_bytes() == PNG
    assert Reaction.objects.get(post=opener).user == reza
    assert [t.name for t in opener.tags.all()] == ["loop input"]

    assert summary.counts["posts"] == 4 and summary.counts["private_replies"] == 1
    assert summary.counts["members_created"] == 3 and summary.counts["former_members"] == 1
    assert summary.counts["files"] == 1 and summary.counts["read_events"] == 6
    assert [s["what"] for s in summary.skipped] == ["plan.pdf"]


def test_the_log_becomes_reading_history_lurkers_included(tmp_path, community):
    run(tmp_path, community)
    thread = Thread.objects.get(community=community)
    lurker = User.objects.get(email="lurker@example.org")
    mark = ThreadRead.objects.get(user=lurker, thread=thread)
    assert (mark.first_read_at, mark.last_read_at, mark.visits) == (at(1.5), at(30), 2)
    # Read at 30 h: every post (the last at 3 h) had been written.
    assert mark.last_read_post_id >= thread.latest_post_id
    days = dict(ThreadVisitDay.objects.filter(user=lurker).values_list("day", "visits"))
    # Two reads six minutes apart are one visit, as on the web.
    assert days == {at(1.5).date(): 1, at(30).date(): 1}
    early = ThreadRead.objects.get(user__email="reza@example.org", thread=thread)
    assert early.last_read_post_id == Post.objects.get(thread=thread, created_at=at(3)).pk


def test_importing_again_changes_nothing_and_a_later_backup_adds_what_is_new(
        tmp_path, community):
    run(tmp_path, community)
    counts = {model: model.objects.count() for model in (
        User, Membership, Topic, Thread, Post, Attachment, Reaction, ThreadRead,
        ThreadVisitDay, Cohort, ImportedItem)}
    visits = list(ThreadVisitDay.objects.values_list("visits", flat=True))

    again = run(tmp_path, community, packaging="zip")
    assert {model: model.objects.count() for model in counts} == counts
    assert list(ThreadVisitDay.objects.values_list("visits", flat=True)) == visits
    assert again.counts.get("posts", 0) == 0 and again.counts["already_imported"] > 0

    later = run(tmp_path, community, discussions=2)
    assert Thread.objects.filter(community=community).count() == 2
    assert Post.objects.count() == counts[Post] + 4
    assert later.counts["posts"] == 4 and later.counts["discussions"] == 1
    assert Topic.objects.filter(community=community).count() == 1


def test_another_moodle_site_is_imported_beside_it(tmp_path, community):
    run(tmp_path, community)
    run(tmp_path, community, site="site-b")
    assert Topic.objects.filter(community=community).count() == 2
    assert len({t.slug for t in Topic.objects.filter(community=community)}) == 2
    # The same addresses are the same people, whichever site they come from.
    assert User.objects.filter(email="reza@example.org").count() == 1


def test_a_dry_run_counts_everything_and_keeps_nothing(tmp_path, community, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    before = (User.objects.count(), Post.objects.count(), ImportedItem.objects.count())
    summary = run(tmp_path, community, dry_run=True)
    assert summary.dry_run and summary.counts["posts"] == 4
    assert (User.objects.count(), Post.objects.count(), ImportedItem.objects.count()) == before
    assert not (tmp_path / "media").exists() or not any((tmp_path / "media").rglob("*.png"))


def test_a_failure_leaves_the_community_as_it_was(tmp_path, community, settings, monkeypatch):
    settings.MEDIA_ROOT = tmp_path / "media"
    before = (User.objects.count(), Post.objects.count(), Topic.objects.count())

    def broken(self, reads):
        raise RuntimeError("disk full")

    monkeypatch.setattr(importer.Importer, "import_reads", broken)
    with pytest.raises(RuntimeError):
        run(tmp_path, community)
    assert (User.objects.count(), Post.objects.count(), Topic.objects.count()) == before
    # The picture written before the failure is gone too.
    assert not any((tmp_path / "media").rglob("*.png"))


def test_an_existing_member_is_matched_by_email_and_keeps_their_role(tmp_path, cast):
    cast.member.email = "reza@example.org"
    cast.member.save()
    summary = run(tmp_path, cast.community)
    assert summary.counts["members_matched"] == 1
    membership = Membership.objects.get(community=cast.community, user=cast.member)
    assert membership.role == Membership.Role.MEMBER
    assert Post.objects.filter(author=cast.member).count() == 1


def test_what_a_steward_deleted_since_is_not_brought_back(tmp_path, community):
    run(tmp_path, community, discussions=2)
    Thread.objects.get(community=community, title="Question 1").delete()
    summary = run(tmp_path, community, discussions=2)
    assert not Thread.objects.filter(community=community, title="Question 1").exists()
    assert "deleted here since" in summary.skipped[0]["reason"]

    Topic.objects.filter(community=community).delete()
    summary = run(tmp_path, community, discussions=2)
    assert not Topic.objects.filter(community=community).exists()
    assert summary.counts.get("posts", 0) == 0


def test_plain_text_attachments_come_too_and_other_kinds_are_named(tmp_path, community,
                                                                   settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    notes, program = tmp_path / "notes", tmp_path / "program"
    notes.write_text("Stage 1: warmer\nمرحله ۲: بازخورد\n", encoding="utf-8")
    program.write_bytes(b"MZ\x90\x00" + b"\x00" * 200)
    source = make_source(tmp_path)
    for blob, file_name in ((notes, "session notes.txt"), (program, "setup.exe")):
        source.files.append(StoredFile(
            content_hash=blob.name * 8, context_id=700, component="mod_forum",
            file_area="attachment", item_id=102, file_path="/", file_name=file_name,
            mime_type="", size=blob.stat().st_size, user_id=4, blob=blob))
    summary = import_source(source, community=community, actor=None)
    text = Attachment.objects.get(original_name="session notes.txt")
    assert text.content_type == "text/plain"
    assert Path(text.file.path).read_text(encoding="utf-8").endswith("بازخورد\n")
    assert not Attachment.objects.filter(original_name="setup.exe").exists()
    assert "setup.exe" in [item["what"] for item in summary.skipped]


def test_a_groups_or_timed_discussion_is_named_as_changed_in_the_move(tmp_path, community):
    source = make_source(tmp_path)
    content = source.forums[0]
    content.discussions = [replace(discussion, group_id=1, time_end=at(100))
                           for discussion in content.discussions]
    summary = import_source(source, community=community, actor=None)
    assert [(item["what"], item["how"][:60]) for item in summary.changed] == [
        ("Loop input", "In Moodle only the group “Shiraz trainers 2012” saw this dis"),
        ("Loop input", "In Moodle this discussion was shown only between set dates; "),
    ]


def chain(discussion_id: int, first_id: int, length: int, *, missing_parent: int = 0):
    """A discussion whose posts each answer the one before: deeper than a page indents."""
    posts = [MoodlePost(id=first_id, discussion_id=discussion_id, parent_id=0, user_id=2,
                        created=at(0), modified=at(0), subject="Deep", message="Start",
                        message_format=2)]
    for n in range(1, length):
        parent = missing_parent if n == 1 and missing_parent else first_id + n - 1
        posts.append(MoodlePost(id=first_id + n, discussion_id=discussion_id,
                                parent_id=parent, user_id=3 if n % 2 else 2,
                                created=at(n), modified=at(n), subject="Re: Deep",
                                message=f"Reply {n}", message_format=2))
    return Discussion(id=discussion_id, forum_id=7, name="Deep", user_id=2,
                      posts=tuple(posts))


def with_discussions(source: Source, *discussions: Discussion) -> Source:
    source.forums[0].discussions = list(discussions)
    return source


def test_a_reply_chain_deeper_than_a_page_indents_keeps_whole_paths(tmp_path, community):
    import_source(with_discussions(make_source(tmp_path), chain(50, 500, 30)),
                  community=community, actor=None)
    posts = list(Post.objects.filter(thread__community=community).order_by("path"))
    assert len(posts) == 30
    assert all(not post.path.startswith("~") for post in posts)
    # In time order, and none deeper than the page indents (MAX_DEPTH).
    assert [post.created_at for post in posts] == sorted(post.created_at for post in posts)
    assert max(post.depth for post in posts) == importer.MAX_DEPTH
    for post in posts:
        if post.parent_id:
            parent = next(p for p in posts if p.pk == post.parent_id)
            assert post.path.startswith(parent.path + ".")
            assert post.depth == parent.depth + 1


def test_a_reply_under_a_post_missing_from_the_backup_keeps_its_own_replies(tmp_path,
                                                                           community):
    import_source(with_discussions(make_source(tmp_path), chain(60, 600, 4,
                                                                 missing_parent=999)),
                  community=community, actor=None)
    _start, orphan, reply, last = Post.objects.filter(
        thread__community=community).order_by("created_at")
    assert orphan.parent_id is None
    assert reply.parent_id == orphan.pk and last.parent_id == reply.pk


def test_an_answer_to_a_private_reply_stays_between_the_same_two(tmp_path, community):
    source = make_source(tmp_path)
    opener, answer, thanks, private = posts_of(10, 100)
    reply = MoodlePost(id=104, discussion_id=10, parent_id=103, user_id=3, created=at(4),
                       modified=at(4), subject="Re: Loop input", message="Sorry to hear.",
                       message_format=2)
    with_discussions(source, Discussion(id=10, forum_id=7, name="Loop input", user_id=2,
                                        posts=(opener, answer, thanks, private, reply)))
    import_source(source, community=community, actor=None)
    answered = Post.objects.get(body="Sorry to hear.")
    assert answered.private_to.email == "maryam.ahmadi@example.org"


def test_someone_removed_since_is_not_brought_back_and_cohorts_stay_as_left(
        tmp_path, community):
    run(tmp_path, community)
    lurker = Membership.objects.get(community=community, user__email="lurker@example.org")
    lurker.delete()
    cohort = Cohort.objects.get(community=community, name="Shiraz trainers 2012")
    cohort.name = "Shiraz, first cascade"
    cohort.save()
    cohort.members.remove(*cohort.members.all())
    run(tmp_path, community)
    assert not Membership.objects.filter(community=community,
                                         user__email="lurker@example.org").exists()
    assert list(Cohort.objects.filter(community=community).values_list("name", flat=True)) == [
        "Shiraz, first cascade"]
    assert not cohort.members.exists()
    cohort.delete()
    run(tmp_path, community)
    assert not Cohort.objects.filter(community=community).exists()


def test_an_existing_account_joins_as_a_member_whatever_the_backup_says(tmp_path, cast):
    """A backup is the uploader's word: naming someone's address as the course's manager
    must not make them a steward here."""
    outsider = cast.outsider
    outsider.email = "lurker@example.org"  # the backup's manager
    outsider.save()
    summary = run(tmp_path, cast.community)
    membership = Membership.objects.get(community=cast.community, user=outsider)
    assert membership.role == Membership.Role.MEMBER
    assert summary.matched == [outsider.display_name]


def test_only_favourable_ratings_become_helpful_marks_and_are_counted_once(tmp_path,
                                                                           community):
    source = make_source(tmp_path)
    opener, *rest = posts_of(10, 100)
    opener = replace(opener, ratings=(Rating(user_id=3, value=4, scale_id=5),
                                      Rating(user_id=5, value=1, scale_id=5),
                                      Rating(user_id=2, value=0, scale_id=-1)))
    with_discussions(source, Discussion(id=10, forum_id=7, name="Loop input", user_id=2,
                                        posts=(opener, *rest)))
    summary = import_source(source, community=community, actor=None)
    assert summary.counts["ratings"] == 1
    assert list(Reaction.objects.values_list("user__email", flat=True)) == ["reza@example.org"]


def test_a_later_import_widens_a_topics_dates_and_keeps_its_apply_phase(tmp_path, community):
    run(tmp_path, community)
    topic = Topic.objects.get(community=community)
    topic.apply_from = at(2)
    topic.save()
    run(tmp_path, community, discussions=2)
    topic.refresh_from_db()
    assert topic.apply_from == at(2)
    assert topic.starts_at <= topic.apply_from <= topic.ends_at


def test_posts_imported_into_a_month_already_counted_are_counted(tmp_path, community):
    from praxis.analytics.engagement import Scope, engagement_table
    from praxis.analytics.models import SettledMonth

    month = T0.date().replace(day=1)
    window = Scope(community=community, start=month, end=(month + timedelta(days=31)).replace(
        day=1) - timedelta(days=1))
    assert sum(row.posts for row in engagement_table(window)) == 0
    assert SettledMonth.objects.filter(community=community, month=month).exists()
    run(tmp_path, community)
    # Those of today's members (a former member's post is no row of the table).
    assert sum(row.posts for row in engagement_table(window)) == Post.objects.filter(
        thread__community=community, author__memberships__community=community).count() == 3
