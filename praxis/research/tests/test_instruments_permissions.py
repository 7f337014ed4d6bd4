"""Who reaches each questionnaire and interview page: every url against every kind of
visitor (``ALL_VISITORS``) and the participant."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from praxis.communities.tests.cast import ALL_VISITORS
from praxis.research import instruments as services
from praxis.research.models import Instrument, Question, Response
from praxis.research.tests.test_instruments_world import World, make_world
from praxis.research.transcripts import check_audio

pytestmark = pytest.mark.django_db

VISITORS = [*ALL_VISITORS, "participant"]
LOGIN = "login"
# VISITORS order: anonymous, outsider, member (not invited), facilitator, steward (knows the
# study exists, not its data), researcher, site_admin (no member), participant (TT1).
RUN = (LOGIN, 404, 404, 404, 403, "ok", 403, 403)
ANSWER = (LOGIN, 404, 404, 404, 403, 403, 403, "ok")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _urls(world: World) -> list[tuple[str, str, str]]:
    """(method, name, url) of every page, with a POST body that would change something."""
    q = world.open_q.pk
    return [
        ("GET", "instruments", world.url("instruments")),
        ("GET", "instrument_create", world.url("instrument_create")),
        ("POST", "instrument_create", world.url("instrument_create")),
        ("GET", "instrument", world.url("instrument", 1)),
        ("GET", "instrument_edit", world.url("instrument_edit", 1)),
        ("POST", "question_add", world.url("question_add", 1)),
        ("GET", "question_edit", world.url("question_edit", 1, q)),
        ("POST", "question_delete", world.url("question_delete", 1, world.ordering_q.pk)),
        ("POST", "question_move", world.url("question_move", 1, q)),
        ("POST", "instrument_send", world.url("instrument_send", 1)),
        ("POST", "instrument_close", world.url("instrument_close", 1)),
        ("GET", "responses", world.url("responses", 1)),
        ("GET", "response", world.url("response", 1, "TT1")),
        ("POST", "follow_up_add", world.url("follow_up_add", 1, "TT1")),
        ("GET", "transcript", world.url("transcript", 2, "TT1")),
        ("GET", "transcript_audio", world.url("transcript_audio", 2, "TT1")),
    ]


def _client(world: World, who: str) -> Client:
    client = Client()
    person = world.participant if who == "participant" else world.cast.person(who)
    if person is not None:
        client.force_login(person)
    return client


def _status(response) -> object:
    if response.status_code == 302 and "/login" in response.url:
        return LOGIN
    return "ok" if response.status_code in (200, 302) else response.status_code


BODIES = {
    "instrument_create": {"kind": "questionnaire", "title": "Sneaky"},
    "question_add": {"kind": "text", "prompt": "Sneaky?"},
    "question_move": {"direction": "down"},
    "follow_up_add": {"instrument": "2", "kind": "text", "prompt": "Sneaky?"},
}


@pytest.mark.parametrize("who", VISITORS)
def test_researcher_pages_are_for_the_communitys_researchers_only(full_cast, who):
    world = make_world(full_cast, send=False)
    mp3 = SimpleUploadedFile("call.mp3", b"ID3\x04" + b"\x00" * 200)
    services.save_transcript(instrument=world.interview, participant=world.tt1,
                             text="Words.", audio=check_audio(mp3))
    client = _client(world, who)
    expected = RUN[VISITORS.index(who)]
    for method, name, url in _urls(world):
        response = (client.get(url) if method == "GET"
                    else client.post(url, BODIES.get(name, {})))
        assert _status(response) == expected, (name, who, response.status_code)
    if expected != "ok":
        assert not Instrument.objects.filter(title="Sneaky").exists()
        assert not Question.objects.filter(prompt="Sneaky?").exists()
        assert Question.objects.filter(pk=world.ordering_q.pk).exists()
        world.questionnaire.refresh_from_db()
        assert world.questionnaire.sent_at is None


@pytest.mark.parametrize("who", VISITORS)
def test_only_the_participant_answers_a_questionnaire(full_cast, who):
    world = make_world(full_cast)
    client = _client(world, who)
    expected = ANSWER[VISITORS.index(who)]
    assert _status(client.get(world.url("answer", 1))) == expected
    post = client.post(world.url("answer", 1), {f"q{world.likert_q.pk}": "3", "save": ""})
    assert _status(post) == expected
    assert Response.objects.exists() == (expected == "ok")


def test_a_participants_code_that_is_not_taking_part_is_not_found(full_cast):
    world = make_world(full_cast)
    client = _client(world, "researcher")
    for code in ("TT3", "TT4", "TT99", "XX1", "TT"):
        assert client.get(world.url("response", 1, code)).status_code == 404
        assert client.get(world.url("transcript", 2, code)).status_code == 404
