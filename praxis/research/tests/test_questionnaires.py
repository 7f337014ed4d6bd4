"""Answering a questionnaire over several visits, submitting it as a source, follow-up
questions, and the researchers' view of the responses."""

import re

import pytest
from django.test import Client

from praxis.research import instruments as services
from praxis.research.models import Participant, Question, Response, Source
from praxis.research.queries import visible_sources
from praxis.research.tests.factories import ParticipantFactory
from praxis.research.tests.test_instruments_world import World, make_world

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _answers(world: World, **extra: str) -> dict[str, str]:
    data = {f"q{world.open_q.pk}": "I plan with the forum now.",
            f"q{world.likert_q.pk}": "4",
            f"q{world.ordering_q.pk}_1": "2", f"q{world.ordering_q.pk}_2": "3",
            f"q{world.ordering_q.pk}_3": "1"}
    data.update(extra)
    return data


def test_answers_are_saved_over_several_visits_then_submitted(full_cast):
    world = make_world(full_cast)
    client = _client(world.participant)
    url = world.url("answer", 1)
    first = client.post(url, {f"q{world.likert_q.pk}": "5", "save": ""})
    assert first.status_code == 302
    response = Response.objects.get(participant=world.tt1)
    assert response.submitted_at is None
    assert [a.choices for a in response.answers.all()] == [["Strongly agree"]]
    page = client.get(url).content.decode()
    assert re.search(rf'name="q{world.likert_q.pk}" value="5"[^>]*checked', page)
    client.post(url, {f"q{world.open_q.pk}": "Half an answer", f"q{world.likert_q.pk}": "5",
                      "save": ""})
    assert "Half an answer" in client.get(url).content.decode()
    done = client.post(url, _answers(world, submit=""))
    assert done.status_code == 302
    response.refresh_from_db()
    assert response.submitted_at is not None
    source = Source.objects.get(participant=world.tt1, instrument=world.questionnaire)
    assert source.kind == Source.Kind.QUESTIONNAIRE
    assert source.title == "TT1 \u2013 Questionnaire 1"
    assert source.text == (
        "1. How has the community changed your training?\nI plan with the forum now.\n\n"
        "2. The forum helps me plan sessions.\nAgree\n\n"
        "3. Order what helps you most.\n1. Diary\n2. Forum\n3. Readings")


def test_submitting_without_a_required_answer_is_refused_and_nothing_is_submitted(full_cast):
    world = make_world(full_cast)
    client = _client(world.participant)
    page = client.post(world.url("answer", 1),
                       _answers(world, **{f"q{world.open_q.pk}": "", "submit": ""}))
    assert page.status_code == 400
    assert "needs an answer before you submit" in page.content.decode()
    assert not Response.objects.filter(submitted_at__isnull=False).exists()
    assert not Source.objects.exists()
    # Saving for later does not ask for it.
    saved = client.post(world.url("answer", 1),
                        _answers(world, **{f"q{world.open_q.pk}": "", "save": ""}))
    assert saved.status_code == 302


@pytest.mark.parametrize("ranks", [("1", "1", "2"), ("1", "2", ""), ("1", "2", "4")])
def test_an_ordering_must_give_each_item_a_different_rank(full_cast, ranks):
    world = make_world(full_cast)
    data = _answers(world, save="")
    for index, rank in enumerate(ranks, start=1):
        data[f"q{world.ordering_q.pk}_{index}"] = rank
    page = _client(world.participant).post(world.url("answer", 1), data)
    assert page.status_code == 400
    assert not Response.objects.exists()


def test_an_ordering_left_empty_is_no_answer(full_cast):
    world = make_world(full_cast)
    data = _answers(world, save="")
    for index in (1, 2, 3):
        data[f"q{world.ordering_q.pk}_{index}"] = ""
    assert _client(world.participant).post(world.url("answer", 1), data).status_code == 302
    assert not Response.objects.get().answers.filter(question=world.ordering_q).exists()


def test_a_submitted_questionnaire_is_read_only_to_its_participant(full_cast):
    world = make_world(full_cast)
    client = _client(world.participant)
    client.post(world.url("answer", 1), _answers(world, submit=""))
    page = client.get(world.url("answer", 1)).content.decode()
    assert "You submitted your answers" in page
    assert "<textarea" not in page
    assert "I plan with the forum now." in page
    client.post(world.url("answer", 1), _answers(world, **{f"q{world.open_q.pk}": "Changed",
                                                           "submit": ""}))
    assert Source.objects.get().text.count("Changed") == 0


def test_follow_up_questions_appear_only_to_their_participant(full_cast):
    world = make_world(full_cast)
    services.add_question(instrument=world.questionnaire, kind="text",
                          prompt="You said the forum helps: how?", participant=world.tt2)
    assert "You said the forum helps" not in _client(world.participant).get(
        world.url("answer", 1)).content.decode()
    assert world.tt2.user is not None
    assert "4. You said the forum helps: how?" in _client(world.tt2.user).get(
        world.url("answer", 1)).content.decode()


def test_researcher_adds_a_follow_up_for_the_interview_from_the_submitted_answers(full_cast):
    world = make_world(full_cast)
    _client(world.participant).post(world.url("answer", 1), _answers(world, submit=""))
    researcher = _client(full_cast.researcher)
    page = researcher.get(world.url("response", 1, "TT1")).content.decode()
    assert "I plan with the forum now." in page
    assert "Maryam" not in page
    added = researcher.post(world.url("follow_up_add", 1, "TT1"),
                            {"instrument": "2", "kind": "text",
                             "prompt": "Which forum thread helped?"})
    assert added.status_code == 302
    follow_up = Question.objects.get(prompt="Which forum thread helped?")
    assert (follow_up.instrument, follow_up.participant) == (world.interview, world.tt1)
    # The questionnaire they submitted is no longer offered for a follow-up.
    refused = researcher.post(world.url("follow_up_add", 1, "TT1"),
                              {"instrument": "1", "kind": "text", "prompt": "Too late?"})
    assert refused.status_code == 400
    assert not Question.objects.filter(prompt="Too late?").exists()


@pytest.mark.parametrize("status", ["withdrawn", "declined"])
def test_a_participant_without_consent_cannot_answer(full_cast, status):
    world = make_world(full_cast)
    participant = world.withdrawn if status == "withdrawn" else world.declined
    assert participant.user is not None
    client = _client(participant.user)
    assert client.get(world.url("answer", 1)).status_code == 403
    assert client.post(world.url("answer", 1), _answers(world, submit="")).status_code == 403
    with pytest.raises(services.InstrumentError):
        services.save_answers(instrument=world.questionnaire, participant=participant,
                              answers={}, submit=False)
    assert not Response.objects.exists()


def test_a_participant_cannot_answer_before_sending_nor_after_closing(full_cast):
    world = make_world(full_cast, send=False)
    client = _client(world.participant)
    assert client.get(world.url("answer", 1)).status_code == 403
    services.send_questionnaire(instrument=world.questionnaire)
    client.post(world.url("answer", 1), {f"q{world.likert_q.pk}": "2", "save": ""})
    world.questionnaire.refresh_from_db()
    services.close_questionnaire(instrument=world.questionnaire)
    page = client.get(world.url("answer", 1)).content.decode()
    assert "closed" in page and "<textarea" not in page
    assert "Disagree" in page  # what they saved is shown
    client.post(world.url("answer", 1), _answers(world, submit=""))
    assert not Response.objects.filter(submitted_at__isnull=False).exists()


def test_submitted_source_disappears_when_the_participant_withdraws(full_cast):
    world = make_world(full_cast)
    _client(world.participant).post(world.url("answer", 1), _answers(world, submit=""))
    assert visible_sources(world.study).count() == 1
    Participant.objects.filter(pk=world.tt1.pk).update(status=Participant.Status.WITHDRAWN)
    assert visible_sources(world.study).count() == 0


def test_responses_show_codes_counts_and_open_answers_of_consenting_participants_only(
        full_cast, django_assert_max_num_queries):
    world = make_world(full_cast)
    _client(world.participant).post(world.url("answer", 1), _answers(world, submit=""))
    assert world.tt2.user is not None
    _client(world.tt2.user).post(world.url("answer", 1), _answers(
        world, **{f"q{world.open_q.pk}": "Reza-only words", f"q{world.likert_q.pk}": "4",
                  "submit": ""}))
    for number in range(5, 15):
        ParticipantFactory(study=world.study, number=number)
    # TT2 withdraws after answering: their answers leave every page.
    Participant.objects.filter(pk=world.tt2.pk).update(status=Participant.Status.WITHDRAWN)
    researcher = _client(full_cast.researcher)
    with django_assert_max_num_queries(20):
        page = researcher.get(world.url("responses", 1)).content.decode()
    assert "Reza-only words" not in page
    assert "TT2" not in page
    assert "<strong>TT1</strong>: <span class=\"post-text\" dir=\"auto\">I plan with the forum" \
           " now.</span>" in page
    assert '<td class="text" dir="auto">Agree</td><td>1</td>' in page
    assert "Maryam" not in page and "Ahmadi" not in page
    assert "1 of 11 participants taking part have submitted" in page
    assert researcher.get(world.url("response", 1, "TT2")).status_code == 404


def test_the_answer_page_of_a_long_questionnaire_takes_few_queries(
        full_cast, django_assert_max_num_queries):
    world = make_world(full_cast)
    for number in range(20):
        services.add_question(instrument=world.questionnaire, kind="multiple",
                              prompt=f"Extra {number}", options="A\nB\nC")
    client = _client(world.participant)
    client.post(world.url("answer", 1), {f"q{world.likert_q.pk}": "3", "save": ""})
    with django_assert_max_num_queries(20):
        page = client.get(world.url("answer", 1))
    assert page.status_code == 200
    assert "23. Extra 19" in page.content.decode()
