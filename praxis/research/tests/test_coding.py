"""Coding sources: units, passages, coders, memos, the codebook and their pages."""

import pytest
from django.urls import reverse

from praxis.communities.tests.cast import ALL_VISITORS
from praxis.research import coding, services
from praxis.research.models import Coding, Passage, Theme
from praxis.research.tests.factories import (
    InstrumentFactory,
    ParticipantFactory,
    SourceFactory,
    StudyFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db

TEXT = ("I tried the jigsaw task. It worked 👍 well!\n"
        "Then I shared my plan.\n\n"
        "یادگیری از همکاران مهم است. «بله» گفتند؟ خوب")


def test_units_are_sentences_by_paragraph_in_code_points():
    found = coding.units(TEXT)
    assert [(u.paragraph, u.text) for u in found] == [
        (0, "I tried the jigsaw task."), (0, "It worked 👍 well!"),
        (0, "Then I shared my plan."),
        (1, "یادگیری از همکاران مهم است."), (1, "«بله» گفتند؟"), (1, "خوب")]
    for unit in found:
        assert TEXT[unit.start:unit.end] == unit.text


def test_adjacent_units_merge_into_one_passage():
    first, second, third = coding.units(TEXT)[:3]
    assert coding.spans_of([(second.start, second.end), (first.start, first.end)], TEXT) == [
        (first.start, second.end)]
    assert len(coding.spans_of([(first.start, first.end), (third.start, third.end)],
                               TEXT.replace("well!\n", "well! X\n"))) == 2


@pytest.fixture
def coded_world(full_cast):
    study = StudyFactory(community=full_cast.community)
    participant = ParticipantFactory(study=study)
    source = SourceFactory(participant=participant, study=study, text=TEXT,
                           instrument=InstrumentFactory(study=study, number=2))
    theme = ThemeFactory(study=study, name="Applying to practice")
    return full_cast, study, source, theme


def test_two_coders_code_the_same_passage_apart(coded_world, user):
    cast, _study, source, theme = coded_world
    coding.code_spans(source=source, spans=[(0, 24)], theme_ids=[theme.pk], coder=cast.researcher)
    coding.code_spans(source=source, spans=[(0, 24)], theme_ids=[theme.pk], coder=cast.researcher)
    coding.code_spans(source=source, spans=[(0, 24)], theme_ids=[theme.pk], coder=user)
    assert Passage.objects.count() == 1
    assert Coding.objects.count() == 2
    mine = Coding.objects.get(coder=cast.researcher)
    with pytest.raises(coding.CodingError):
        coding.uncode(coding=mine, coder=user)
    coding.uncode(coding=mine, coder=cast.researcher)
    assert Passage.objects.count() == 1  # the other coder's coding keeps it
    coding.uncode(coding=Coding.objects.get(), coder=user)
    assert not Passage.objects.exists()


@pytest.mark.parametrize("span", [(-1, 3), (5, 5), (0, 10_000), (24, 25)])
def test_spans_outside_the_text_or_blank_are_refused(coded_world, span):
    cast, _study, source, theme = coded_world
    with pytest.raises(coding.CodingError):
        coding.code_spans(source=source, spans=[span], theme_ids=[theme.pk],
                          coder=cast.researcher)
    assert not Passage.objects.exists()


def test_a_theme_of_another_study_is_refused(coded_world):
    cast, _study, source, _theme = coded_world
    other = ThemeFactory()
    with pytest.raises(coding.CodingError):
        coding.code_spans(source=source, spans=[(0, 5)], theme_ids=[other.pk],
                          coder=cast.researcher)


def test_codebook_refuses_cycles_and_keeps_coded_themes(coded_world):
    cast, study, source, theme = coded_world
    child = coding.save_theme(theme=Theme(study=study, name="Jigsaw", parent=theme))
    theme.parent = child
    with pytest.raises(coding.CodingError):
        coding.save_theme(theme=theme)
    theme.parent = None
    coding.code_spans(source=source, spans=[(0, 5)], theme_ids=[theme.pk], coder=cast.researcher)
    with pytest.raises(coding.CodingError):
        coding.delete_theme(theme=theme)
    coding.delete_theme(theme=child)
    assert list(Theme.objects.filter(study=study)) == [theme]


def test_no_javascript_coding_by_sentence_through_the_page(coded_world, client):
    cast, _study, source, theme = coded_world
    client.force_login(cast.researcher)
    first, second = coding.units(TEXT)[:2]
    page = client.get(source.get_absolute_url()).content.decode()
    assert f'value="{first.start}-{first.end}"' in page and "(TT" in page
    client.post(source.get_absolute_url(), {
        "unit": [f"{first.start}-{first.end}", f"{second.start}-{second.end}"],
        "themes": [theme.pk]})
    passage = Passage.objects.get()
    assert passage.quote == "I tried the jigsaw task. It worked 👍 well!"
    page = client.get(source.get_absolute_url()).content.decode()
    assert "<mark" in page and "Applying to practice" in page


def test_a_selected_span_codes_exactly_that_text(coded_world, client):
    cast, _study, source, theme = coded_world
    client.force_login(cast.researcher)
    start = TEXT.index("یادگیری")
    client.post(source.get_absolute_url(), {"start": start, "end": start + 18,
                                            "themes": [theme.pk]})
    assert Passage.objects.get().quote == "یادگیری از همکاران"


def test_withdrawn_participants_source_is_not_found(coded_world, client):
    cast, _study, source, _theme = coded_world
    client.force_login(cast.researcher)
    services.withdraw(participant=source.participant)
    assert client.get(source.get_absolute_url()).status_code == 404


RUN = {"anonymous": 302, "outsider": 404, "member": 404, "facilitator": 404,
       "steward": 403, "researcher": 200, "site_admin": 403}


@pytest.mark.parametrize("who", ALL_VISITORS)
def test_coding_pages_permission_matrix(coded_world, as_visitor, who):
    cast, study, source, theme = coded_world
    client = as_visitor(cast, who)
    args = [cast.community.slug, study.slug]
    for url in (reverse("research:sources", args=args), source.get_absolute_url(),
                reverse("research:codebook", args=args),
                reverse("research:theme_edit", args=[*args, theme.pk])):
        assert client.get(url).status_code == RUN[who], (url, who)
    response = client.post(source.get_absolute_url(), {"start": 0, "end": 5,
                                                       "themes": [theme.pk]})
    assert response.status_code == (302 if who in ("researcher", "anonymous") else RUN[who])
    assert Passage.objects.exists() == (who == "researcher")


def test_source_page_queries_stay_flat(coded_world, client, django_assert_max_num_queries):
    cast, _study, source, theme = coded_world
    client.force_login(cast.researcher)
    for index in range(6):
        coding.code_spans(source=source, spans=[(index, index + 2)], theme_ids=[theme.pk],
                          coder=cast.researcher)
    with django_assert_max_num_queries(14):
        assert client.get(source.get_absolute_url()).status_code == 200


def test_sources_list_one_participant_at_a_time(coded_world, client):
    cast, study, source, _theme = coded_world
    other = SourceFactory(participant=ParticipantFactory(study=study), study=study,
                          instrument=source.instrument, title="Other source")
    client.force_login(cast.researcher)
    url = reverse("research:sources", args=[cast.community.slug, study.slug])
    page = client.get(url).content.decode()
    assert source.title in page and other.title in page
    page = client.get(url, {"participant": source.participant.code}).content.decode()
    assert source.title in page and other.title not in page
