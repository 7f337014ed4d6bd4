"""Value-creation stories: the cycles a story reaches, saving drafts and telling them,
evidence checked by its content, acknowledgement, and the pages that do all this."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from praxis.discussions.models import ThreadRead
from praxis.discussions.tests.factories import make_thread, make_topic, opener
from praxis.discussions.tests.samples import image
from praxis.impact import stories as services
from praxis.impact import story_queries as queries
from praxis.impact.models import Cycle, StoryEvidence, ValueStory
from praxis.impact.stories import StoryDraft
from praxis.impact.tests.story_factories import tell
from praxis.library.tests.documents import PDF
from praxis.practice.tests.plan_factories import share

pytestmark = pytest.mark.django_db


# Cycles ---------------------------------------------------------------------------------------

def test_a_story_reaches_the_cycles_its_parts_fill(cast):
    story = tell(cast.community, cast.member, tell=False, potential="", applied="",
                 realised="The trainees wrote their own rules.", reframing="  ")
    assert queries.reaches(story) == [Cycle.REALISED]


def test_picked_sources_alone_reach_immediate_value(cast):
    topic = make_topic(cast.community)
    story = tell(cast.community, cast.member, potential="", applied="",
                 sources={"source_topics": [topic]})
    assert queries.reaches(story) == [Cycle.IMMEDIATE]
    assert queries.cycles_of(story) == [Cycle.IMMEDIATE]


def test_cycles_of_many_answers_for_each_in_a_bounded_number_of_queries(
        cast, django_assert_max_num_queries):
    topic = make_topic(cast.community)
    stories = [tell(cast.community, cast.member, sources={"source_topics": [topic]}),
               tell(cast.community, cast.member, potential="", applied="",
                    reframing="Success is what trainees do, not what I say."),
               tell(cast.community, cast.member, tell=False, potential="", applied="",
                    session_date=None)]
    with django_assert_max_num_queries(5):
        found = queries.cycles_of_many(stories)
    assert found == {stories[0].pk: ["immediate", "potential", "applied"],
                     stories[1].pk: ["reframing"], stories[2].pk: []}
    assert queries.cycles_of_many([]) == {}


# Services -------------------------------------------------------------------------------------

def test_a_draft_is_saved_half_done_and_told_later(cast):
    story = tell(cast.community, cast.member, tell=False, applied="", realised="")
    assert story.status == ValueStory.Status.DRAFT and story.told_at is None
    draft = StoryDraft(title=story.title, visibility="leaders", potential=story.potential,
                       realised="They set their own rules.")
    story = services.save_story(community=cast.community, author=cast.member, draft=draft,
                                story=story, tell=True)
    assert story.status == ValueStory.Status.TOLD and story.told_at is not None
    assert story.realised == "They set their own rules." and story.visibility == "leaders"


def test_a_story_that_says_nothing_is_not_told_and_nothing_is_saved(cast):
    with pytest.raises(services.StoryRuleError):
        services.save_story(community=cast.community, author=cast.member,
                            draft=StoryDraft(title="Empty"), tell=True)
    assert not ValueStory.objects.exists()


def test_only_the_author_changes_a_story(cast):
    story = tell(cast.community, cast.member)
    with pytest.raises(services.StoryRuleError):
        services.save_story(community=cast.community, author=cast.facilitator,
                            draft=StoryDraft(potential="mine now"), story=story)


def test_acknowledging_records_who_and_when_once(cast):
    story = tell(cast.community, cast.member)
    services.acknowledge(story=story, by=cast.facilitator)
    first = story.acknowledged_at
    services.acknowledge(story=story, by=cast.steward)
    story.refresh_from_db()
    assert story.acknowledged_by == cast.facilitator and story.acknowledged_at == first
    draft = tell(cast.community, cast.member, tell=False)
    with pytest.raises(services.StoryRuleError):
        services.acknowledge(story=draft, by=cast.facilitator)


def test_evidence_of_every_kind(cast, media):
    story = tell(cast.community, cast.member)
    plan = share(cast.community, cast.member)
    version = plan.versions.get()
    photo = services.add_evidence(story=story, kind="photo", caption="Board work",
                                  upload=SimpleUploadedFile("board.png", image("PNG")))
    document = services.add_evidence(story=story, kind="document",
                                     upload=SimpleUploadedFile("handout.pdf", PDF))
    services.add_evidence(story=story, kind="comments", text="We made the rules ourselves.")
    services.add_evidence(story=story, kind="plan", plan_version=version)
    assert photo.content_type == "image/png" and photo.file.name.endswith(".png")
    assert document.content_type == "application/pdf"
    assert story.evidence.count() == 4


@pytest.mark.parametrize(("kind", "name", "content"), [
    ("photo", "board.png", b"not a picture at all"),
    ("photo", "board.gif", image("GIF")),
    ("photo", "board.png", image("JPEG")),
    ("document", "handout.pdf", b"MZ\x90\x00 an executable"),
    ("photo", "empty.png", b""),
])
def test_a_bad_file_is_refused_with_a_message_and_nothing_is_saved(cast, media, kind, name,
                                                                   content):
    story = tell(cast.community, cast.member)
    with pytest.raises(services.StoryRuleError) as refusal:
        services.add_evidence(story=story, kind=kind,
                              upload=SimpleUploadedFile(name, content))
    assert str(refusal.value)
    assert not StoryEvidence.objects.exists()
    assert not (media / "impact").exists() or not any((media / "impact").rglob("*.*"))


def test_a_plan_version_of_another_community_is_refused(cast, make_cast):
    other = make_cast()
    version = share(other.community, other.member).versions.get()
    story = tell(cast.community, cast.member)
    with pytest.raises(services.StoryRuleError):
        services.add_evidence(story=story, kind="plan", plan_version=version)


def test_deleting_a_story_takes_its_evidence_and_files(cast, media,
                                                       django_capture_on_commit_callbacks):
    story = tell(cast.community, cast.member)
    photo = services.add_evidence(story=story, kind="photo",
                                  upload=SimpleUploadedFile("board.jpg", image("JPEG")))
    path = media / photo.file.name
    assert path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.delete_story(story=story)
    assert not ValueStory.objects.exists() and not StoryEvidence.objects.exists()
    assert not path.exists()


# What can be picked ----------------------------------------------------------------------------

def test_sources_offered_are_what_the_member_has_seen_most_recent_first_and_bounded(cast):
    topic = make_topic(cast.community, facilitators=[cast.facilitator])
    read = make_thread(topic, cast.facilitator, title="Read by the member")
    unread = make_thread(topic, cast.facilitator, title="Never opened")
    ThreadRead.objects.create(user=cast.member, thread=read)
    choices = queries.source_choices(cast.community.pk, cast.member.pk)
    assert opener(read) in choices.posts and opener(unread) not in choices.posts
    assert topic in choices.topics
    for _n in range(queries.PICK_LIMIT + 3):
        make_topic(cast.community)
    choices = queries.source_choices(cast.community.pk, cast.member.pk)
    assert len(choices.topics) == queries.PICK_LIMIT


def test_a_draft_keeps_a_pick_that_has_aged_out_of_the_list(cast):
    old = make_topic(cast.community)
    story = tell(cast.community, cast.member, tell=False, sources={"source_topics": [old]})
    for _n in range(queries.PICK_LIMIT + 1):
        make_topic(cast.community)
    assert old not in queries.source_choices(cast.community.pk, cast.member.pk).topics
    assert old in queries.source_choices(cast.community.pk, cast.member.pk, story).topics


def test_a_post_hidden_after_it_was_picked_stays_picked(cast):
    topic = make_topic(cast.community, facilitators=[cast.facilitator])
    post = opener(make_thread(topic, cast.facilitator, title="Loop input, step by step"))
    ThreadRead.objects.create(user=cast.member, thread=post.thread)
    story = tell(cast.community, cast.member, tell=False, sources={"source_posts": [post]})
    type(post).objects.filter(pk=post.pk).update(is_hidden=True)
    assert post not in queries.source_choices(cast.community.pk, cast.member.pk).posts
    assert post in queries.source_choices(cast.community.pk, cast.member.pk, story).posts


# Pages ----------------------------------------------------------------------------------------

def _url(name, cast, *args):
    return reverse(f"impact:{name}", args=[cast.community.slug, *args])


def test_telling_a_story_through_the_form_in_two_goes(cast, client):
    topic = make_topic(cast.community)
    client.force_login(cast.member)
    response = client.post(_url("story_create", cast), {
        "title": "Trainees set their own rules", "source_topics": [str(topic.pk)],
        "visibility": "community", "draft": "",
    })
    story = ValueStory.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _url("story_edit", cast, story.pk)
    assert story.status == "draft" and list(story.source_topics.all()) == [topic]
    response = client.post(_url("story_edit", cast, story.pk), {
        "title": "Trainees set their own rules", "source_topics": [str(topic.pk)],
        "visibility": "community", "applied": "I let them write the class rules.",
        "session_date": "2026-03-14", "trainee_count": "22", "tell": "",
    })
    story.refresh_from_db()
    assert response.status_code == 302 and response["Location"] == story.get_absolute_url()
    assert story.status == "told" and story.trainee_count == 22
    page = client.get(story.get_absolute_url()).content.decode()
    assert "I let them write the class rules." in page
    assert "Immediate value" in page and "Applied value" in page


@pytest.mark.parametrize("change", [
    {"tell": ""},  # nothing said
    {"tell": "", "trainee_count": "-3", "potential": "x"},
    {"draft": "", "session_date": "next Tuesday"},
    {"draft": "", "visibility": "everyone"},
    {"draft": "", "source_topics": ["999999"]},
])
def test_bad_input_gets_a_message_and_saves_nothing(cast, client, change):
    client.force_login(cast.member)
    data = {"title": "A story", "visibility": "private", **change}
    response = client.post(_url("story_create", cast), data)
    assert response.status_code == 400
    assert b'class="errorlist' in response.content or b"form-errors" in response.content
    assert not ValueStory.objects.exists()


def test_a_bad_evidence_file_gets_a_message_on_the_page_and_nothing_is_saved(cast, client,
                                                                              media):
    story = tell(cast.community, cast.member, tell=False)
    client.force_login(cast.member)
    response = client.post(_url("evidence_add", cast, story.pk), {
        "kind": "photo", "upload": SimpleUploadedFile("board.png", b"%PDF-1.4 not a photo"),
    })
    assert response.status_code == 400
    assert "board.png" in response.content.decode()
    assert not StoryEvidence.objects.exists()
    response = client.post(_url("evidence_add", cast, story.pk), {
        "kind": "photo", "upload": SimpleUploadedFile("board.png", image("PNG")),
        "caption": "The rules on the board"})
    assert response.status_code == 302
    evidence = StoryEvidence.objects.get()
    served = client.get(_url("evidence_file", cast, story.pk, evidence.pk))
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    client.post(_url("evidence_remove", cast, story.pk, evidence.pk))
    assert not StoryEvidence.objects.exists()


def test_the_facilitator_acknowledges_through_the_page(cast, client):
    story = tell(cast.community, cast.member, visibility="leaders")
    client.force_login(cast.facilitator)
    response = client.post(_url("story_acknowledge", cast, story.pk))
    assert response.status_code == 302
    page = client.get(story.get_absolute_url()).content.decode()
    assert f"Acknowledged by {cast.facilitator}" in page
    assert "Acknowledge this story" not in page


def test_the_list_shows_told_stories_with_their_cycles_and_my_drafts(cast, client):
    told = tell(cast.community, cast.facilitator, title="Reflection in every session")
    tell(cast.community, cast.facilitator, tell=False, title="Facilitator draft")
    mine = tell(cast.community, cast.member, tell=False, title="My half-done story")
    client.force_login(cast.member)
    page = client.get(_url("stories", cast)).content.decode()
    assert told.title in page and "Facilitator draft" not in page
    assert mine.title in page and _url("story_edit", cast, mine.pk) in page
    assert "cycle-potential" in page and "cycle-applied" in page


@pytest.mark.parametrize("size", [1, 12])
def test_story_pages_ask_a_constant_number_of_queries(cast, client, size,
                                                      django_assert_max_num_queries):
    topic = make_topic(cast.community)
    plan = share(cast.community, cast.member)
    for n in range(size):
        story = tell(cast.community, cast.member, title=f"Story {n}",
                     sources={"source_topics": [topic],
                              "source_versions": [plan.versions.get()]})
        services.add_evidence(story=story, kind="comments", text=f"comment {n}")
        services.add_evidence(story=story, kind="plan", plan_version=plan.versions.get())
    client.force_login(cast.member)
    with django_assert_max_num_queries(20):
        assert client.get(_url("stories", cast)).status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get(story.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(25):
        assert client.get(_url("story_edit", cast, story.pk)).status_code == 200
    with django_assert_max_num_queries(25):
        assert client.get(_url("story_create", cast)).status_code == 200


def test_session_date_shows_through_the_date_filter_in_persian(cast, client):
    story = tell(cast.community, cast.member, session_date=date(2026, 3, 21))
    cast.member.locale = "fa"
    cast.member.save()
    client.force_login(cast.member)
    page = client.get(story.get_absolute_url()).content.decode()
    assert "۱۴۰۵" in page
