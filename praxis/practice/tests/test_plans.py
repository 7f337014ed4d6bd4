"""Session plans: sharing, versions that answer feedback, asking for and giving feedback
(and the emails they owe), the diff of two versions, and splitting a reply by its headings."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from praxis.communities.tests.factories import MembershipFactory
from praxis.discussions.tests import samples
from praxis.notifications.models import Mode, OutboundEmail, Subscription
from praxis.practice import diff
from praxis.practice.models import Feedback, FeedbackRequest, Friendship, PlanVersion
from praxis.practice.queries import plans as queries
from praxis.practice.services import plans as services
from praxis.practice.tests.plan_factories import STAGES, draft, share

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Uploaded files go to a temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def befriend(community, one, other):
    return Friendship.objects.create(community=community, inviter=one, invitee=other,
                                     status=Friendship.Status.ACCEPTED)


def test_sharing_a_plan_makes_version_1_with_its_stages_in_order(cast):
    plan = share(cast.community, cast.member)
    version = plan.versions.get()
    assert (version.number, version.title, plan.title) == (1, plan.title, version.title)
    assert [s.position for s in version.stages.all()] == [1, 2, 3]
    assert version.stages.first().activity.startswith("Warm-up")


def test_a_plan_without_stages_or_title_is_refused_and_saves_nothing(cast):
    with pytest.raises(services.PlanRuleError):
        share(cast.community, cast.member, stages=[])
    with pytest.raises(services.PlanRuleError):
        share(cast.community, cast.member, title="  ")
    assert not PlanVersion.objects.exists()


def test_an_original_file_is_checked_by_content_and_stored_under_a_random_name(cast):
    upload = samples.upload("my plan.pdf", samples.pdf())
    plan = services.share_plan(community=cast.community, author=cast.member, draft=draft(),
                               upload=upload)
    version = plan.versions.get()
    assert version.original_name == "my plan.pdf"
    assert "my plan" not in version.original_file.name
    assert version.content_type == "application/pdf"
    fake = SimpleUploadedFile("plan.pdf", b"MZ not a pdf at all")
    with pytest.raises(services.PlanRuleError):
        services.share_plan(community=cast.community, author=cast.member, draft=draft(),
                            upload=fake)


def test_a_new_version_answers_feedback_and_marks_it_acted_upon(cast):
    plan = share(cast.community, cast.member)
    v1 = plan.versions.get()
    feedback = services.give_feedback(version=v1, author=cast.facilitator,
                                      change="Too much input: cut the video to one clip.")
    other = services.give_feedback(version=v1, author=cast.steward, works="The warm-up.")
    v2 = services.post_version(plan=plan, draft=draft(title="Feedback that trainees use"),
                               change_note="Shorter input", answers=[feedback])
    assert v2.number == 2
    feedback.refresh_from_db()
    other.refresh_from_db()
    assert feedback.acted_on_at is not None and other.acted_on_at is None
    assert list(feedback.answered_in.all()) == [v2]
    plan.refresh_from_db()
    assert plan.title == "Feedback that trainees use"


def test_feedback_marked_acted_upon_can_still_be_named_by_the_next_version(cast):
    plan = share(cast.community, cast.member)
    feedback = services.give_feedback(version=plan.versions.get(), author=cast.facilitator,
                                      change="Cut the video to one clip.")
    services.mark_acted_upon(feedback=feedback)
    page = queries.plan_page(plan)
    assert page.unanswered == [feedback]  # a mark is a note; the version is the evidence
    v2 = services.post_version(plan=plan, draft=draft(), change_note="One clip",
                               answers=[feedback])
    assert list(feedback.answered_in.all()) == [v2]
    assert queries.plan_page(plan).unanswered == []
    # Once a version answers it, it cannot be unmarked.
    with pytest.raises(services.PlanRuleError):
        services.mark_acted_upon(feedback=feedback, acted=False)
    feedback.refresh_from_db()
    assert feedback.acted_on_at is not None


def test_a_version_cannot_answer_another_plans_feedback(cast):
    plan = share(cast.community, cast.member)
    elsewhere = share(cast.community, cast.steward, title="Another plan")
    foreign = services.give_feedback(version=elsewhere.versions.get(), author=cast.member,
                                     works="Good")
    with pytest.raises(services.PlanRuleError):
        services.post_version(plan=plan, draft=draft(), change_note="x", answers=[foreign])
    assert plan.versions.count() == 1


def test_feedback_says_something_and_is_not_the_authors_own(cast):
    version = share(cast.community, cast.member).versions.get()
    with pytest.raises(services.PlanRuleError):
        services.give_feedback(version=version, author=cast.steward, works="  ")
    with pytest.raises(services.PlanRuleError):
        services.give_feedback(version=version, author=cast.member, works="Mine is great")
    assert not Feedback.objects.exists()


def test_the_author_is_emailed_of_feedback_unless_they_turned_such_email_off(cast):
    version = share(cast.community, cast.member).versions.get()
    services.give_feedback(version=version, author=cast.steward, works="Clear aims")
    email = OutboundEmail.objects.get(user=cast.member)
    assert email.kind == OutboundEmail.Kind.PLAN_FEEDBACK
    assert "Clear aims" in email.body_text
    cast.member.email_direct = False
    cast.member.save()
    services.give_feedback(version=version, author=cast.facilitator, works="Timing")
    assert OutboundEmail.objects.filter(user=cast.member).count() == 1


def test_asking_the_whole_community_emails_every_member_but_the_author(cast, settings):
    settings.PRAXIS_REPLY_DOMAIN = "praxis.example.org"
    version = share(cast.community, cast.member).versions.get()
    quiet = MembershipFactory(community=cast.community).user
    Subscription.objects.create(user=quiet, community=cast.community, mode=Mode.OFF)
    request = services.ask_for_feedback(version=version, asked_by=cast.member,
                                        audience="community", questions="Is it too long?")
    emailed = set(OutboundEmail.objects.values_list("user_id", flat=True))
    assert emailed == {cast.steward.pk, cast.facilitator.pk}
    email = OutboundEmail.objects.get(user=cast.steward)
    assert email.headers["Reply-To"].startswith(f"reply+f{request.pk}u{cast.steward.pk}d")
    assert "Is it too long?" in email.body_text and "What works:" in email.body_text


def test_critical_friends_are_asked_first(cast):
    version = share(cast.community, cast.member).versions.get()
    befriend(cast.community, cast.steward, cast.member)
    services.ask_for_feedback(version=version, asked_by=cast.member, audience="chosen",
                              questions="", chosen=[cast.facilitator, cast.steward])
    order = list(OutboundEmail.objects.order_by("pk").values_list("user_id", flat=True))
    assert order == [cast.steward.pk, cast.facilitator.pk]
    assert "critical friend" in OutboundEmail.objects.get(user=cast.steward).body_text


def test_asking_friends_asks_only_them_and_needs_some(cast):
    version = share(cast.community, cast.member).versions.get()
    with pytest.raises(services.PlanRuleError):
        services.ask_for_feedback(version=version, asked_by=cast.member, audience="friends",
                                  questions="")
    assert not FeedbackRequest.objects.exists()
    befriend(cast.community, cast.member, cast.facilitator)
    request = services.ask_for_feedback(version=version, asked_by=cast.member,
                                        audience="friends", questions="")
    assert list(request.asked.all()) == [cast.facilitator]
    assert list(OutboundEmail.objects.values_list("user_id", flat=True)) == [cast.facilitator.pk]


def test_only_members_can_be_chosen(cast):
    version = share(cast.community, cast.member).versions.get()
    with pytest.raises(services.PlanRuleError):
        services.ask_for_feedback(version=version, asked_by=cast.member, audience="chosen",
                                  questions="", chosen=[cast.outsider])
    assert not FeedbackRequest.objects.exists() and not OutboundEmail.objects.exists()


def test_a_member_who_wants_no_direct_email_is_asked_on_the_site_only(cast):
    version = share(cast.community, cast.member).versions.get()
    cast.steward.email_direct = False
    cast.steward.save()
    services.ask_for_feedback(version=version, asked_by=cast.member, audience="chosen",
                              questions="", chosen=[cast.steward])
    assert not OutboundEmail.objects.exists()


# Splitting a reply by its headings ---------------------------------------------------------

def test_a_reply_is_split_on_its_headings():
    parts = services.split_reply(
        "Thanks for sharing!\n\nWhat works: the warm-up\nand the video.\n\n"
        "WHAT TO CHANGE:\nLess input.\n\nQuestion: how long is the video?")
    assert parts == {"comment": "Thanks for sharing!",
                     "works": "the warm-up\nand the video.",
                     "change": "Less input.", "question": "how long is the video?"}


def test_persian_headings_and_text_without_headings():
    parts = services.split_reply("نقاط قوت: گرم کردن خوب بود\nپرسش: چند دقیقه؟")
    assert parts["works"] == "گرم کردن خوب بود" and parts["question"] == "چند دقیقه؟"
    assert services.split_reply("Just a thought.")["comment"] == "Just a thought."


# The diff -----------------------------------------------------------------------------------

def test_word_diff_marks_only_the_words_that_changed():
    sides = diff.word_diff("Trainers give feedback", "Trainers give useful feedback")
    assert [p.mark for p in sides.new] == ["same", "added", "same"]
    assert "".join(p.text for p in sides.new) == "Trainers give useful feedback"
    assert all(p.mark == "same" for p in sides.old)
    assert not diff.word_diff("same", "same").changed


def test_stages_are_matched_kept_changed_added_and_removed(cast):
    plan = share(cast.community, cast.member)
    changed = [STAGES[0],
               services.StageDraft(10, "Watch one short clip and note the feedback moves",
                                   "individual", "video"),
               services.StageDraft(5, "Exit ticket", "individual")]
    v2 = services.post_version(plan=plan, draft=draft(stages=changed), change_note="Less")
    v1 = plan.versions.get(number=1)
    result = diff.compare(v1, v2, list(v1.stages.all()), list(v2.stages.all()))
    assert [row.status for row in result.stages] == ["same", "changed", "changed"]
    assert result.stages[1].minutes_changed
    assert any(p.mark == "added" and "short" in p.text for p in result.stages[1].activity.new)
    fewer = services.post_version(plan=plan, draft=draft(stages=[STAGES[0]]), change_note="x")
    result = diff.compare(v2, fewer, list(v2.stages.all()), list(fewer.stages.all()))
    assert [row.status for row in result.stages] == ["same", "removed", "removed"]
    assert result.changed
