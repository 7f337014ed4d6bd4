"""Topic and proposal pages, driven as a person would: forms in, pages out."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from praxis.communities.tests.factories import MembershipFactory
from praxis.discussions.models import Reaction, Thread
from praxis.discussions.services import publish_post, start_thread
from praxis.library.tests.documents import PDF, docx
from praxis.topics import services
from praxis.topics.models import Topic, TopicProposal
from praxis.topics.services import QuestionDraft, SeedArticle

FORMAT = "%Y-%m-%dT%H:%M"


def _when(days: float) -> str:
    return (timezone.localtime() + timedelta(days=days)).strftime(FORMAT)


def _topic(cast, start_in_days=-1, apply_day=4, length=7, **fields):
    start = timezone.now() + timedelta(days=start_in_days)
    values = {"community": cast.community, "actor": cast.facilitator, "title": "Loop input",
              "starts_at": start, "apply_from": start + timedelta(days=apply_day),
              "ends_at": start + timedelta(days=length), **fields}
    return services.create_topic(**values)


def _url(name, topic, *extra):
    return reverse(f"topics:{name}", args=[topic.community.slug, topic.slug, *extra])


def _formset(prefix="questions", questions=(), total=4):
    data = {f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "20"}
    for index, (title, body) in enumerate(questions):
        data[f"{prefix}-{index}-title"] = title
        data[f"{prefix}-{index}-body"] = body
    return data


def _topic_form(cast, **fields):
    data = {"title": "Dealing with difficult participants",
            "summary": "Late comers and early leavers.",
            "facilitators": [cast.facilitator.pk], "starts_at": _when(1),
            "apply_from": _when(14), "ends_at": _when(22), "apply_prompt": "Post your rules.",
            "seed-source": "none", **_formset(questions=[("Who was difficult?", "No names."),
                                                         ("", ""), ("Rules: whose?", "")])}
    data.update(fields)
    return data


# Proposals -----------------------------------------------------------------------------------

def test_a_member_proposes_a_topic_and_finds_it_on_the_proposals_page(cast, client):
    client.force_login(cast.member)
    response = client.post(reverse("topics:propose", args=[cast.community.slug]), {
        "title": "Presenting at conferences", "rationale": "We are asked to present.",
        "suggested_facilitator": "Maryam", "suggested_days": "21",
    }, follow=True)
    proposal = TopicProposal.objects.get()
    assert response.redirect_chain[-1][0] == reverse(
        "topics:proposal", args=[cast.community.slug, proposal.pk])
    assert (proposal.proposed_by, proposal.suggested_days) == (cast.member, 21)
    assert "Presenting at conferences" in response.content.decode()
    listing = client.get(reverse("topics:proposals", args=[cast.community.slug])).content.decode()
    assert "Presenting at conferences" in listing and "1 supporter" in listing


def test_the_proposal_form_offers_one_week_and_three_weeks(cast, client):
    client.force_login(cast.member)
    page = client.get(reverse("topics:propose", args=[cast.community.slug])).content.decode()
    assert 'value="7"' in page and 'value="21"' in page
    response = client.post(reverse("topics:propose", args=[cast.community.slug]), {
        "title": "x", "rationale": "y", "suggested_days": "5"})
    assert response.status_code == 200 and not TopicProposal.objects.exists()


def test_pending_proposals_are_listed_by_support(cast, client):
    few = services.propose_topic(community=cast.community, proposer=cast.member,
                                 title="Fewer supporters", rationale="r")
    many = services.propose_topic(community=cast.community, proposer=cast.facilitator,
                                  title="More supporters", rationale="r")
    services.toggle_support(proposal=many, user=cast.steward)
    services.decline_proposal(
        proposal=services.propose_topic(community=cast.community, proposer=cast.member,
                                        title="Declined one", rationale="r"),
        actor=cast.steward, reason="Out of scope.")
    client.force_login(cast.member)
    page = client.get(reverse("topics:proposals", args=[cast.community.slug])).content.decode()
    decided_at = page.index("Decided")
    assert page.index("More supporters") < page.index("Fewer supporters") < decided_at
    assert page.index("Declined one") > decided_at
    assert few.title in page


def test_members_support_a_proposal_and_take_it_back(cast, client):
    proposal = services.propose_topic(community=cast.community, proposer=cast.member,
                                      title="Loop input", rationale="r")
    client.force_login(cast.facilitator)
    url = reverse("topics:proposal_support", args=[cast.community.slug, proposal.pk])
    response = client.post(url, {"next": "list"})
    assert response["Location"] == reverse("topics:proposals", args=[cast.community.slug])
    page = client.get(reverse("topics:proposal", args=[cast.community.slug, proposal.pk]))
    assert 'aria-pressed="true"' in page.content.decode()
    assert proposal.supports.count() == 2
    client.post(url)
    assert proposal.supports.count() == 1


def test_the_steward_approves_a_proposal_by_scheduling_it(
    cast, client, django_capture_on_commit_callbacks
):
    proposal = services.propose_topic(
        community=cast.community, proposer=cast.member, title="Loop input", rationale="Why.",
        suggested_days=21, suggested_facilitator=cast.facilitator.display_name.upper())
    client.force_login(cast.steward)
    url = reverse("topics:proposal_approve", args=[cast.community.slug, proposal.pk])
    form = client.get(url).context["form"]
    start, apply_from, end = (form.initial[k] for k in ("starts_at", "apply_from", "ends_at"))
    assert ((apply_from - start).days, (end - start).days) == (13, 21)
    assert [person.pk for person in form.initial["facilitators"]] == [cast.facilitator.pk]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, _topic_form(cast, title="Loop input in practice"))
    topic = Topic.objects.get()
    assert response["Location"] == _url("detail", topic)
    proposal.refresh_from_db()
    assert proposal.status == TopicProposal.Status.APPROVED and proposal.topic == topic
    page = client.get(_url("detail", topic)).content.decode()
    assert "Loop input in practice" in page and "Who was difficult?" in page
    assert cast.member.display_name in page  # proposed by
    assert mail.outbox and mail.outbox[0].to == [cast.member.email]


def test_an_approval_with_dates_out_of_order_shows_the_error(cast, client):
    proposal = services.propose_topic(community=cast.community, proposer=cast.member,
                                      title="Loop input", rationale="Why.")
    client.force_login(cast.steward)
    response = client.post(
        reverse("topics:proposal_approve", args=[cast.community.slug, proposal.pk]),
        _topic_form(cast, apply_from=_when(30)))
    assert response.status_code == 200
    assert "cannot end before its apply phase begins" in response.content.decode()
    assert not Topic.objects.exists()


def test_a_declined_proposal_shows_its_reason_to_the_proposer(
    cast, client, django_capture_on_commit_callbacks
):
    proposal = services.propose_topic(community=cast.community, proposer=cast.member,
                                      title="IELTS speaking", rationale="Exams.")
    client.force_login(cast.steward)
    url = reverse("topics:proposal_decline", args=[cast.community.slug, proposal.pk])
    client.post(url, {"reason": ""})
    proposal.refresh_from_db()
    assert proposal.status == TopicProposal.Status.PENDING
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"reason": "Out of scope: this community trains teachers."})
    client.force_login(cast.member)
    page = client.get(reverse("topics:proposal", args=[cast.community.slug, proposal.pk]))
    assert "Out of scope: this community trains teachers." in page.content.decode()
    assert "Declined" in page.content.decode()
    assert "Out of scope" in mail.outbox[-1].body


def test_a_decided_proposal_is_not_approved_again(cast, client):
    proposal = services.propose_topic(community=cast.community, proposer=cast.member,
                                      title="x", rationale="y")
    services.decline_proposal(proposal=proposal, actor=cast.steward, reason="No.")
    client.force_login(cast.steward)
    response = client.get(
        reverse("topics:proposal_approve", args=[cast.community.slug, proposal.pk]))
    assert response.status_code == 302


# Creating and editing topics ----------------------------------------------------------------

def test_a_facilitator_creates_a_topic_with_questions_and_a_link(cast, client):
    client.force_login(cast.facilitator)
    response = client.post(reverse("topics:create", args=[cast.community.slug]), _topic_form(
        cast, **{"seed-source": "link", "seed-title": "Loop input",
                 "seed-url": "https://doi.org/10.1093/elt/57.3.301",
                 "seed-citation": "Woodward, T. (2003) Loop input. ELT Journal 57/3."}))
    topic = Topic.objects.get()
    assert response["Location"] == _url("detail", topic)
    assert topic.slug == "dealing-with-difficult-participants"
    page = client.get(_url("detail", topic)).content.decode()
    questions = list(topic.threads.filter(kind=Thread.Kind.QUESTION).order_by("position"))
    assert [q.title for q in questions] == ["Who was difficult?", "Rules: whose?"]
    assert page.index("Who was difficult?") < page.index("Rules: whose?")
    assert f'href="/c/{cast.community.slug}/threads/{questions[0].pk}/"' in page
    # The article is opened through the library, which logs a member's reading.
    resource = topic.seed_resource
    assert f'href="/c/{cast.community.slug}/library/{resource.pk}/open/"' in page
    assert "Woodward, T. (2003)" in page


def test_the_topic_form_offers_leaders_as_boxes_and_adds_any_member_by_address(cast, client):
    crowd = [MembershipFactory(community=cast.community).user for _ in range(30)]
    client.force_login(cast.facilitator)
    url = reverse("topics:create", args=[cast.community.slug])
    form = client.get(url).context["form"]
    offered = set(form.fields["facilitators"].queryset)
    assert offered == {cast.facilitator, cast.steward}
    response = client.post(url, _topic_form(
        cast, more_facilitators=f"{crowd[3].email.upper()}, nobody@example.org"))
    assert response.status_code == 200
    assert "Not a member of this community: nobody@example.org" in response.content.decode()
    assert not Topic.objects.exists()
    client.post(url, _topic_form(cast, more_facilitators=f" {crowd[3].email} ;{crowd[7].email}"))
    topic = Topic.objects.get()
    assert set(topic.facilitators.all()) == {cast.facilitator, crowd[3], crowd[7]}
    edit = client.get(_url("edit", topic)).context["form"]
    assert set(edit.fields["facilitators"].queryset) == {
        cast.facilitator, cast.steward, crowd[3], crowd[7]}


def test_the_create_form_says_what_is_wrong_with_the_dates(cast, client):
    client.force_login(cast.steward)
    response = client.post(reverse("topics:create", args=[cast.community.slug]),
                           _topic_form(cast, apply_from=_when(0)))
    assert response.status_code == 200
    assert "cannot begin before the topic starts" in response.content.decode()
    assert not Topic.objects.exists()


def test_an_uploaded_article_is_downloaded_by_readers_as_an_attachment(cast, client):
    client.force_login(cast.facilitator)
    client.post(reverse("topics:create", args=[cast.community.slug]), _topic_form(
        cast, **{"seed-source": "file", "seed-title": "",
                 "seed-file": SimpleUploadedFile("Loop input.docx", docx())}))
    topic = Topic.objects.get()
    client.force_login(cast.member)
    page = client.get(_url("detail", topic)).content.decode()
    assert _url("seed_article", topic) in page
    response = client.get(_url("seed_article", topic))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert "Loop%20input.docx" in response["Content-Disposition"] or \
        "Loop input.docx" in response["Content-Disposition"]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert b"".join(response.streaming_content) == docx()


def test_an_upload_that_is_not_a_document_is_refused_with_a_clear_error(cast, client):
    client.force_login(cast.facilitator)
    response = client.post(reverse("topics:create", args=[cast.community.slug]), _topic_form(
        cast, **{"seed-source": "file",
                 "seed-file": SimpleUploadedFile("article.pdf", b"<html>phish</html>")}))
    assert response.status_code == 200
    assert "not a PDF, Word (.docx) or OpenDocument text (.odt) document" in \
        response.content.decode()
    assert not Topic.objects.exists()


def test_a_link_without_its_address_is_refused(cast, client):
    client.force_login(cast.facilitator)
    response = client.post(reverse("topics:create", args=[cast.community.slug]),
                           _topic_form(cast, **{"seed-source": "link", "seed-title": "X"}))
    assert "Enter the web address of the article." in response.content.decode()


def test_the_seed_article_page_is_404_for_a_link(cast, client):
    topic = _topic(cast, seed=SeedArticle(title="x", url="https://example.org/x"))
    client.force_login(cast.member)
    assert client.get(_url("seed_article", topic)).status_code == 404


def test_editing_a_topic_keeps_the_article_unless_told_otherwise(cast, client):
    topic = _topic(cast, seed=SeedArticle(title="Loop input", url="https://example.org/x"))
    client.force_login(cast.facilitator)
    form = client.get(_url("edit", topic)).content.decode()
    assert "Keep the current article: Loop input" in form
    data = _topic_form(cast, title="Loop input, revised", **{"seed-source": "keep"})
    response = client.post(_url("edit", topic), data)
    assert response.status_code == 302
    topic.refresh_from_db()
    assert topic.title == "Loop input, revised" and topic.seed_resource.title == "Loop input"
    assert topic.slug == "loop-input"


def test_a_persian_topic_has_a_persian_web_address(cast, client):
    topic = _topic(cast, title="مدیریت شرکت‌کنندگان دشوار")
    client.force_login(cast.member)
    response = client.get(_url("detail", topic))
    assert response.status_code == 200
    assert '<bdi>مدیریت شرکت‌کنندگان دشوار' in response.content.decode()


# Questions and the lifecycle ----------------------------------------------------------------

def test_facilitators_add_and_reorder_questions_without_javascript(cast, client):
    topic = _topic(cast, questions=[QuestionDraft("A?"), QuestionDraft("B?")])
    client.force_login(cast.facilitator)
    client.post(_url("questions", topic), {"title": "C?", "body": "Say more."})
    c = topic.threads.get(title="C?")
    client.post(_url("question_move", topic, c.pk), {"direction": "up"})
    page = client.get(_url("questions", topic)).content.decode()
    assert page.index("A?") < page.index("C?") < page.index("B?")
    assert 'value="up"' in page and 'value="down"' in page


def test_closing_early_from_the_run_page(cast, client):
    topic = _topic(cast)
    client.force_login(cast.facilitator)
    assert "Close the topic now" in client.get(_url("run", topic)).content.decode()
    unconfirmed = client.post(_url("close", topic), follow=True)
    assert "Tick the box to confirm" in unconfirmed.content.decode()
    topic.refresh_from_db()
    assert topic.state == Topic.State.OPEN
    response = client.post(_url("close", topic), {"confirm": "yes"})
    assert response["Location"] == _url("detail", topic)
    topic.refresh_from_db()
    assert topic.state == Topic.State.CLOSED


def test_a_scheduled_topic_opens_now_from_the_run_page(cast, client):
    topic = _topic(cast, start_in_days=3)
    apply_from, ends_at = topic.apply_from, topic.ends_at
    client.force_login(cast.facilitator)
    page = client.get(_url("run", topic)).content.decode()
    assert "Open the topic now" in page and "Close the topic now" not in page
    response = client.post(_url("open", topic))
    assert response["Location"] == _url("detail", topic)
    topic.refresh_from_db()
    assert topic.state == Topic.State.OPEN
    assert (topic.apply_from, topic.ends_at) == (apply_from, ends_at)
    again = client.post(_url("open", topic), follow=True).content.decode()
    assert "Only a topic that has not started yet can be opened now." in again


def test_extending_with_an_earlier_end_shows_the_rule(cast, client):
    topic = _topic(cast)
    client.force_login(cast.facilitator)
    response = client.post(_url("extend", topic), {"ends_at": _when(1)})
    assert response.status_code == 400
    assert "must be later than the present one" in response.content.decode()
    client.post(_url("extend", topic), {"ends_at": _when(20)})
    topic.refresh_from_db()
    assert topic.ends_at > timezone.now() + timedelta(days=19)


def test_archiving_a_running_topic_is_refused_with_a_message(cast, client):
    topic = _topic(cast)
    client.force_login(cast.facilitator)
    response = client.post(_url("archive_topic", topic), {"confirm": "yes"}, follow=True)
    assert "Only a closed topic can be archived" in response.content.decode()
    services.close_topic_early(topic=topic)
    client.post(_url("archive_topic", topic), {"confirm": "yes"})
    topic.refresh_from_db()
    assert topic.state == Topic.State.ARCHIVED


# The topic page -----------------------------------------------------------------------------

def test_the_apply_phase_prompt_shows_only_in_the_apply_phase(cast, client):
    open_topic = _topic(cast, apply_prompt="Post your rules for next term.")
    applying = _topic(cast, title="Applying", start_in_days=-5,
                      apply_prompt="Post your rules for next term.")
    client.force_login(cast.member)
    assert "Post how you would apply" not in client.get(_url("detail", open_topic)).content.decode()
    page = client.get(_url("detail", applying)).content.decode()
    apply_thread = applying.threads.get(kind=Thread.Kind.APPLY)
    assert "Post how you would apply these ideas in your own context" in page
    assert "Post your rules for next term." in page
    assert f'href="/c/{cast.community.slug}/threads/{apply_thread.pk}/"' in page


def test_the_topic_page_lists_member_threads_with_counts(cast, client):
    topic = _topic(cast)
    thread = start_thread(topic=topic, author=cast.member, title="My session plan",
                          body="Plan", kind=Thread.Kind.SESSION_PLAN)
    publish_post(thread=thread, author=cast.facilitator, body="Nice.")
    client.force_login(cast.member)
    page = client.get(_url("detail", topic)).content.decode()
    assert "My session plan" in page and "2 posts" in page
    assert "Session plan for feedback" in page


def test_announcements_have_their_own_section_above_the_members_threads(cast, client):
    topic = _topic(cast)
    start_thread(topic=topic, author=cast.member, title="My session plan", body="Plan",
                 kind=Thread.Kind.SESSION_PLAN)
    start_thread(topic=topic, author=cast.facilitator, title="Live session on Thursday",
                 body="Bring one activity.", kind=Thread.Kind.ANNOUNCEMENT)
    client.force_login(cast.member)
    page = client.get(_url("detail", topic)).content.decode()
    announcements, members = page.index('id="announcements-heading"'), page.index(
        'id="threads-heading"')
    assert announcements < page.index("Live session on Thursday") < members
    assert page.count("Live session on Thursday") == 1
    assert "(1)" in page[members:page.index("My session plan")]


def test_facilitator_tools_show_only_to_facilitators(cast, client):
    topic = _topic(cast)
    client.force_login(cast.member)
    assert "Facilitator tools" not in client.get(_url("detail", topic)).content.decode()
    client.force_login(cast.facilitator)
    assert "Facilitator tools" in client.get(_url("detail", topic)).content.decode()


def test_a_draft_synthesis_stays_with_the_facilitators(cast, client):
    topic = _topic(cast, start_in_days=-9)
    client.force_login(cast.facilitator)
    client.post(_url("synthesis", topic), {"synthesis": "## Key points\n- Secret draft",
                                           "action": "save"})
    client.force_login(cast.member)
    assert "Secret draft" not in client.get(_url("detail", topic)).content.decode()
    archive = reverse("topics:archive", args=[cast.community.slug])
    assert "Loop input" not in client.get(archive, {"q": "Secret"}).content.decode()
    client.force_login(cast.facilitator)
    response = client.post(_url("synthesis", topic), {
        "synthesis": "## Key points\n- Published at last", "action": "publish"})
    assert response["Location"] == _url("detail", topic)
    client.force_login(cast.member)
    assert "Published at last" in client.get(_url("detail", topic)).content.decode()
    assert "Loop input" in client.get(archive, {"q": "published at"}).content.decode()


def test_the_synthesis_page_offers_the_most_reacted_and_replied_posts(cast, client):
    topic = _topic(cast)
    thread = start_thread(topic=topic, author=cast.facilitator, title="Rules", body="How?")
    first = publish_post(thread=thread, author=cast.member,
                         body="Set them together with the trainees.")
    reply = publish_post(thread=thread, author=cast.steward, body="Agreed", parent=first)
    Reaction.objects.create(post=first, user=cast.steward, kind=Reaction.Kind.HELPFUL)
    Reaction.objects.create(post=first, user=cast.facilitator, kind=Reaction.Kind.WILL_USE)
    client.force_login(cast.facilitator)
    page = client.get(_url("synthesis", topic)).content.decode()
    assert f"/c/{cast.community.slug}/posts/{first.pk}/" in page
    assert "2 reactions" in page and "1 reply" in page
    assert f"/c/{cast.community.slug}/posts/{reply.pk}/" not in page


def test_the_participation_page_shows_who_has_applied_and_who_not_yet(cast, client):
    topic = _topic(cast, start_in_days=-5)
    apply_thread = topic.threads.get(kind=Thread.Kind.APPLY)
    publish_post(thread=apply_thread, author=cast.member, body="I will set rules together.")
    publish_post(thread=apply_thread, author=cast.member, body="And a second idea.")
    client.force_login(cast.facilitator)
    response = client.get(_url("participation", topic))
    participation = response.context["participation"]
    posted = {m.user: m.apply_posts for m in participation.posted}
    # The facilitator's opening post counts for them too.
    assert posted == {cast.member: 2, cast.facilitator: 1}
    assert [m.user for m in response.context["page"]] == [cast.steward]
    assert participation.member_count == 3


# Lists --------------------------------------------------------------------------------------

def test_the_topic_list_separates_running_and_upcoming_and_links_the_archive(cast, client):
    _topic(cast, title="Running one")
    _topic(cast, title="Upcoming one", start_in_days=5)
    _topic(cast, title="Past one", start_in_days=-30)
    client.force_login(cast.member)
    page = client.get(reverse("topics:list", args=[cast.community.slug])).content.decode()
    assert page.index("Running now") < page.index("Running one") < page.index("Coming up")
    assert page.index("Coming up") < page.index("Upcoming one")
    assert "Past one" not in page
    assert reverse("topics:archive", args=[cast.community.slug]) in page


def test_the_archive_lists_past_topics_newest_first_and_searches(cast, client):
    _topic(cast, title="Older", start_in_days=-60, summary="About observation.")
    _topic(cast, title="Newer", start_in_days=-30)
    _topic(cast, title="Still going")
    client.force_login(cast.member)
    url = reverse("topics:archive", args=[cast.community.slug])
    page = client.get(url).content.decode()
    assert page.index("Newer") < page.index("Older") and "Still going" not in page
    found = client.get(url, {"q": "OBSERVATION"}).content.decode()
    assert "Older" in found and "Newer" not in found


@pytest.mark.parametrize("visibility,shown", [("listed", False), ("public", True)])
def test_the_topics_tab_shows_to_readers_only(make_cast, client, visibility, shown):
    cast = make_cast(visibility=visibility)
    client.force_login(cast.outsider)
    page = client.get(reverse("communities:detail", args=[cast.community.slug])).content.decode()
    assert (reverse("topics:list", args=[cast.community.slug]) in page) is shown


def test_pdf_upload_from_the_edit_page(cast, client):
    topic = _topic(cast)
    client.force_login(cast.facilitator)
    client.post(_url("edit", topic), _topic_form(
        cast, title=topic.title, **{"seed-source": "file", "seed-title": "The article",
                                    "seed-file": SimpleUploadedFile("a.pdf", PDF)}))
    topic.refresh_from_db()
    assert topic.seed_resource.content_type == "application/pdf"
