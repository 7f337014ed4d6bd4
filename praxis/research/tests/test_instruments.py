"""Building questionnaires and interviews, and sending them: the services and the builder's
pages."""

import pytest
from django.core import mail

from praxis.research import instruments as services
from praxis.research.models import Answer, Instrument, Question, Response
from praxis.research.tests.factories import InstrumentFactory
from praxis.research.tests.test_instruments_world import make_world

pytestmark = pytest.mark.django_db


def test_instruments_take_the_next_free_number_of_the_study(full_cast):
    world = make_world(full_cast)
    InstrumentFactory(study=world.study, number=3, kind=Instrument.Kind.COMMUNITY)
    third = services.create_instrument(study=world.study, kind="questionnaire",
                                       title="Questionnaire 2")
    assert (world.questionnaire.number, world.interview.number, third.number) == (1, 2, 4)
    assert str(third) == "4. Questionnaire 2"


def test_only_questionnaires_and_interviews_are_created_here(full_cast):
    world = make_world(full_cast)
    with pytest.raises(services.InstrumentError):
        services.create_instrument(study=world.study, kind="community", title="Posts")


def test_likert_question_gets_five_points_when_no_options_given(full_cast):
    world = make_world(full_cast)
    assert world.likert_q.option_list == ["Strongly disagree", "Disagree",
                                          "Neither agree nor disagree", "Agree",
                                          "Strongly agree"]


@pytest.mark.parametrize("kind", ["single", "multiple", "ordering"])
def test_choice_questions_need_two_different_options(full_cast, kind):
    world = make_world(full_cast)
    for options in ("Only one", "Same\nsame"):
        with pytest.raises(services.InstrumentError):
            services.add_question(instrument=world.questionnaire, kind=kind, prompt="Which?",
                                  options=options)


def test_interview_schedule_takes_open_questions_only(full_cast):
    world = make_world(full_cast)
    with pytest.raises(services.InstrumentError):
        services.add_question(instrument=world.interview, kind="single", prompt="Which?",
                              options="A\nB")


def test_moving_a_question_swaps_it_with_its_neighbour(full_cast):
    world = make_world(full_cast)
    services.move_question(question=world.ordering_q, direction="up")
    assert [q.pk for q in services.questions_for(world.questionnaire, None)] == [
        world.open_q.pk, world.ordering_q.pk, world.likert_q.pk]
    services.move_question(question=world.open_q, direction="up")  # already first
    assert services.questions_for(world.questionnaire, None)[0].pk == world.open_q.pk


def test_a_question_with_answers_cannot_be_deleted_nor_change_kind(full_cast):
    world = make_world(full_cast)
    response = Response.objects.create(instrument=world.questionnaire, participant=world.tt1)
    Answer.objects.create(response=response, question=world.open_q, text="A lot.")
    with pytest.raises(services.InstrumentError, match="cannot be deleted"):
        services.delete_question(question=world.open_q)
    with pytest.raises(services.InstrumentError, match="kind cannot change"):
        services.edit_question(question=world.open_q, kind="single", prompt="Changed?",
                               options="Yes\nNo", required=False)
    edited = services.edit_question(question=world.open_q, kind="text", prompt="Reworded?",
                                    options="", required=True)
    assert edited.prompt == "Reworded?"
    services.delete_question(question=world.ordering_q)  # no answers: it goes
    assert not Question.objects.filter(pk=world.ordering_q.pk).exists()


def test_sending_emails_every_consenting_participant_a_link_to_answer(
        full_cast, django_capture_on_commit_callbacks):
    world = make_world(full_cast, send=False)
    with django_capture_on_commit_callbacks(execute=True):
        owed = services.send_questionnaire(instrument=world.questionnaire)
    assert owed == 2
    recipients = sorted(message.to[0] for message in mail.outbox)
    assert recipients == sorted([world.tt1.user.email, world.tt2.user.email])
    answer_url = world.url("answer", 1)
    assert all(answer_url in message.body for message in mail.outbox)
    assert "Questionnaire 1" in mail.outbox[0].subject
    world.questionnaire.refresh_from_db()
    assert world.questionnaire.sent_at is not None
    with pytest.raises(services.InstrumentError):
        services.send_questionnaire(instrument=world.questionnaire)


def test_an_interview_is_not_sent_and_an_empty_questionnaire_neither(full_cast):
    world = make_world(full_cast)
    empty = services.create_instrument(study=world.study, kind="questionnaire", title="Q2")
    for instrument in (world.interview, empty):
        with pytest.raises(services.InstrumentError):
            services.send_questionnaire(instrument=instrument)


def test_closing_stops_answers_and_reopening_takes_them_again(full_cast):
    world = make_world(full_cast)
    services.close_questionnaire(instrument=world.questionnaire)
    assert "closed" in services.why_not_answer(world.questionnaire, world.tt1)
    services.reopen_questionnaire(instrument=world.questionnaire)
    assert services.why_not_answer(world.questionnaire, world.tt1) is None


# ---------------------------------------------------------------- pages


def test_researcher_creates_an_instrument_and_builds_it_on_the_pages(full_cast, client):
    world = make_world(full_cast)
    client.force_login(full_cast.researcher)
    response = client.post(world.url("instrument_create"),
                           {"kind": "questionnaire", "title": "Questionnaire 2",
                            "introduction": "About your practice."})
    assert response.status_code == 302
    created = Instrument.objects.get(study=world.study, title="Questionnaire 2")
    assert response.url == world.url("instrument", created.number)
    response = client.post(world.url("question_add", created.number),
                           {"kind": "single", "prompt": "Which tier?", "options": "A\nB"})
    assert response.status_code == 302
    response = client.post(world.url("question_add", created.number),
                           {"kind": "single", "prompt": "Broken", "options": "A"})
    assert response.status_code == 400
    assert "at least two options" in response.content.decode()
    page = client.get(world.url("instrument", created.number)).content.decode()
    assert "3. <bdi>Questionnaire 2</bdi>" in page
    assert "Which tier?" in page


def test_builder_moves_edits_and_deletes_with_buttons(full_cast, client):
    world = make_world(full_cast)
    client.force_login(full_cast.researcher)
    client.post(world.url("question_move", 1, world.likert_q.pk), {"direction": "down"})
    assert [q.pk for q in services.questions_for(world.questionnaire, None)][1:] == [
        world.ordering_q.pk, world.likert_q.pk]
    client.post(world.url("question_edit", 1, world.open_q.pk),
                {"kind": "text", "prompt": "What changed?", "options": ""})
    world.open_q.refresh_from_db()
    assert world.open_q.prompt == "What changed?"
    client.post(world.url("question_delete", 1, world.ordering_q.pk))
    assert not Question.objects.filter(pk=world.ordering_q.pk).exists()


def test_deleting_an_answered_question_on_the_page_says_why_not(full_cast, client):
    world = make_world(full_cast)
    response = Response.objects.create(instrument=world.questionnaire, participant=world.tt1)
    Answer.objects.create(response=response, question=world.open_q, text="A lot.")
    client.force_login(full_cast.researcher)
    page = client.post(world.url("question_delete", 1, world.open_q.pk), follow=True)
    assert "cannot be deleted" in page.content.decode()
    assert Question.objects.filter(pk=world.open_q.pk).exists()


def test_send_and_close_buttons(full_cast, client, django_capture_on_commit_callbacks):
    world = make_world(full_cast, send=False)
    client.force_login(full_cast.researcher)
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(world.url("instrument_send", 1), follow=True)
    assert "2 participants get an email" in page.content.decode()
    assert len(mail.outbox) == 2
    client.post(world.url("instrument_close", 1))
    world.questionnaire.refresh_from_db()
    assert world.questionnaire.closed_at is not None


def test_builder_page_lists_questions_in_few_queries(full_cast, client,
                                                      django_assert_max_num_queries):
    world = make_world(full_cast)
    for number in range(10):
        services.add_question(instrument=world.questionnaire, kind="single",
                              prompt=f"Extra {number}", options="Yes\nNo")
    services.add_question(instrument=world.questionnaire, kind="text", prompt="Why?",
                          participant=world.tt2)
    client.force_login(full_cast.researcher)
    with django_assert_max_num_queries(25):
        page = client.get(world.url("instrument", 1))
    assert page.status_code == 200
    assert "Follow-up for TT2" in page.content.decode()


def test_the_email_shows_titles_as_written_without_html_escaping(
        full_cast, django_capture_on_commit_callbacks):
    world = make_world(full_cast, send=False)
    world.study.title = "Trainers' \"CoP\" & <impact>"
    world.study.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.send_questionnaire(instrument=world.questionnaire)
    body = mail.outbox[0].body
    assert "Trainers' \"CoP\" & <impact>" in body
    assert "&amp;" not in body and "&#x27;" not in body
