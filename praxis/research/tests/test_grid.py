"""The case-by-theme grid, its quotes and its files: counts, nesting, the coder filter, the
queries it costs, and that only consenting participants appear."""

import csv
import io
from dataclasses import dataclass

import openpyxl
import pytest

from praxis.accounts.models import User
from praxis.accounts.tests.factories import UserFactory
from praxis.communities.models import Community
from praxis.research import grid, grid_exports, queries
from praxis.research.models import Instrument, Participant, Passage, Source, Study, Theme
from praxis.research.tests.factories import (
    CodingFactory,
    InstrumentFactory,
    ParticipantFactory,
    PassageFactory,
    SourceFactory,
    StudyFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db

PERSIAN = "مشارکت در مودل دیدگاه من را نسبت به آموزش تغییر داده است."


@dataclass
class Scene:
    """A small study: three participants (TT3 to withdraw), a nested codebook, two coders."""

    study: Study
    interview: Instrument
    tt1: Participant
    tt2: Participant
    tt3: Participant
    confidence: Theme
    in_room: Theme
    sharing: Theme
    anna: User
    ben: User
    tt1_interview: Source
    tt3_interview: Source
    both_themes: Passage


def make_scene(community: Community | None = None, coder: User | None = None) -> Scene:
    study = StudyFactory(title="Impact of the CoP", code_prefix="TT",
                         research_questions="Does the CoP change practice?\nDo they cascade it?",
                         **({"community": community} if community else {}))
    questionnaire = InstrumentFactory(study=study, number=1, kind="questionnaire",
                                      title="Questionnaire 1")
    interview = InstrumentFactory(study=study, number=2, kind="interview", title="Interview")
    tt1 = ParticipantFactory(study=study, number=1, tier="trainer", cohort="=Cohort 2026")
    tt2 = ParticipantFactory(study=study, number=2, tier="master_trainer")
    tt3 = ParticipantFactory(study=study, number=3)
    confidence = ThemeFactory(study=study, name="Professional confidence", position=1,
                              definition="How sure trainers feel in the training room.")
    in_room = ThemeFactory(study=study, name="In the training room", parent=confidence,
                           position=2)
    sharing = ThemeFactory(study=study, name="Sharing knowledge", position=3,
                           origin="deductive", reference="Alavi & Leidner (1990)")
    anna = coder or UserFactory(display_name="Anna")
    ben = UserFactory(display_name="Ben")
    tt1_interview = SourceFactory(
        participant=tt1, study=study, instrument=interview, title="TT1 interview",
        text="Participation changed my vision towards training. I share articles.")
    tt1_answers = SourceFactory(participant=tt1, study=study, instrument=questionnaire,
                                title="TT1 answers", text=PERSIAN)
    tt2_interview = SourceFactory(participant=tt2, study=study, instrument=interview,
                                  title="TT2 interview", text="Keeping a balance of theory.")
    tt3_interview = SourceFactory(participant=tt3, study=study, instrument=interview,
                                  title="TT3 interview", text="TT3 WITHDRAWN WORDS here.")
    # One passage coded with a theme and its sub-theme counts once in the parent's cell.
    both_themes = PassageFactory(source=tt1_interview, start=0, end=49,
                                 memo="Vision: practical turn.")
    CodingFactory(passage=both_themes, theme=confidence, coder=anna)
    CodingFactory(passage=both_themes, theme=in_room, coder=anna)
    CodingFactory(passage=PassageFactory(source=tt1_interview, start=50, end=67),
                  theme=sharing, coder=ben)
    CodingFactory(passage=PassageFactory(source=tt1_answers, start=0, end=len(PERSIAN)),
                  theme=in_room, coder=ben)
    CodingFactory(passage=PassageFactory(source=tt2_interview, start=0, end=27),
                  theme=confidence, coder=anna)
    CodingFactory(passage=PassageFactory(source=tt3_interview, start=0, end=19),
                  theme=confidence, coder=anna)
    return Scene(study, interview, tt1, tt2, tt3, confidence, in_room, sharing, anna, ben,
                 tt1_interview, tt3_interview, both_themes)


def withdraw(participant: Participant) -> None:
    # Only the status: the data stays, so the queries alone must hide it.
    Participant.objects.filter(pk=participant.pk).update(status=Participant.Status.WITHDRAWN)


def counts(table: grid.Grid) -> dict[str, list[int]]:
    return {row.code: [cell.passages for cell in row.cells] for row in table.rows}


def test_grid_rows_are_participants_and_columns_the_codebook_in_order():
    scene = make_scene()
    table = grid.build_grid(study=scene.study)
    assert [path for _theme, _depth, path in table.columns] == [
        "Professional confidence", "Professional confidence / In the training room",
        "Sharing knowledge"]
    assert [depth for _theme, depth, _path in table.columns] == [0, 1, 0]
    assert [(row.code, row.tier, row.cohort) for row in table.rows] == [
        ("TT1", "Trainer", "=Cohort 2026"), ("TT2", "Master trainer", ""), ("TT3", "", "")]


def test_parent_cell_counts_distinct_passages_of_its_sub_themes():
    scene = make_scene()
    table = grid.build_grid(study=scene.study)
    # TT1: the passage coded with both (once) and the Persian one coded with the sub-theme.
    assert counts(table) == {"TT1": [2, 2, 1], "TT2": [1, 0, 0], "TT3": [1, 0, 0]}
    assert [row.passages for row in table.rows] == [3, 1, 1]
    assert table.theme_totals == [4, 2, 1]


def test_coder_filter_counts_one_coders_passages():
    scene = make_scene()
    table = grid.build_grid(study=scene.study, coder_key=f"user-{scene.ben.pk}")
    assert table.coder is not None and table.coder.name == "Ben"
    assert [coder.name for coder in table.coders] == ["Anna", "Ben"]
    assert counts(table) == {"TT1": [1, 1, 1], "TT2": [0, 0, 0], "TT3": [0, 0, 0]}
    unknown = grid.build_grid(study=scene.study, coder_key="user-999999")
    assert unknown.coder is None and counts(unknown)["TT1"] == [2, 2, 1]


def test_imported_coder_is_a_choice_by_name():
    scene = make_scene()
    CodingFactory(passage=scene.both_themes, theme=scene.sharing, coder=None,
                  coder_name="Coder from NVivo")
    table = grid.build_grid(study=scene.study, coder_key="name-Coder from NVivo")
    assert table.coder is not None and table.coder.name == "Coder from NVivo"
    assert counts(table)["TT1"] == [0, 0, 1]


def test_withdrawn_and_unconsented_participants_missing_from_grid():
    scene = make_scene()
    withdraw(scene.tt3)
    Participant.objects.filter(pk=scene.tt2.pk).update(status=Participant.Status.INVITED)
    table = grid.build_grid(study=scene.study)
    assert list(counts(table)) == ["TT1"]
    assert table.theme_totals == [2, 2, 1]
    assert queries.consenting_participant(scene.study, "TT3") is None
    assert grid.theme_quotes(study=scene.study, theme_id=scene.confidence.pk, code="TT3") is None
    every = grid.theme_quotes(study=scene.study, theme_id=scene.confidence.pk)
    assert every is not None and [group.code for group in every.groups] == ["TT1"]


def test_grid_reads_in_constant_queries(django_assert_max_num_queries):
    small = make_scene()
    with django_assert_max_num_queries(4):
        grid.build_grid(study=small.study)
    big = make_scene()
    for number in range(4, 12):
        participant = ParticipantFactory(study=big.study, number=number)
        theme = ThemeFactory(study=big.study, parent=big.in_room)
        source = SourceFactory(participant=participant, study=big.study,
                               instrument=big.interview)
        CodingFactory(passage=PassageFactory(source=source), theme=theme, coder=big.ben)
    with django_assert_max_num_queries(4):
        table = grid.build_grid(study=big.study)
    assert len(table.rows) == 11 and len(table.themes) == 11
    assert table.theme_totals[0] == 4 + 8  # every new passage under the top theme


def test_cell_quotes_carry_citation_themes_coders_and_memo(django_assert_max_num_queries):
    scene = make_scene()
    with django_assert_max_num_queries(5):
        cell = grid.theme_quotes(study=scene.study, theme_id=scene.confidence.pk, code="TT1")
        assert cell is not None
        quotes = [quote for group in cell.groups for quote in group.quotes]
        shown = [(quote.citation, quote.text,
                  [(coding.theme.name, str(coding.coder)) for coding in quote.codings],
                  quote.passage.memo, quote.passage.source.study.community.slug)
                 for quote in quotes]
    assert shown == [
        ("TT1:1", PERSIAN, [("In the training room", "Ben")], "", scene.study.community.slug),
        ("TT1:2", "Participation changed my vision towards training.",
         [("Professional confidence", "Anna"), ("In the training room", "Anna")],
         "Vision: practical turn.", scene.study.community.slug)]
    assert cell.path == "Professional confidence" and cell.count == 2


def test_theme_quotes_group_by_participant_and_refuse_other_studies_themes():
    scene = make_scene()
    every = grid.theme_quotes(study=scene.study, theme_id=scene.confidence.pk)
    assert every is not None
    assert [(group.code, len(group.quotes)) for group in every.groups] == [
        ("TT1", 2), ("TT2", 1), ("TT3", 1)]
    other = ThemeFactory()
    assert grid.theme_quotes(study=scene.study, theme_id=other.pk) is None
    assert grid.theme_quotes(study=scene.study, theme_id=scene.sharing.pk, code="XX1") is None
    assert grid.theme_quotes(study=scene.study, theme_id=scene.sharing.pk, code="TT٣") is None


def test_quotes_by_theme_puts_each_quote_under_the_themes_it_is_coded_with():
    scene = make_scene()
    sections = grid.quotes_by_theme(study=scene.study)
    assert [(section.theme.name, section.depth,
             [(group.code, [quote.citation for quote in group.quotes])
              for group in section.groups]) for section in sections] == [
        ("Professional confidence", 0, [("TT1", ["TT1:2"]), ("TT2", ["TT2:2"]),
                                        ("TT3", ["TT3:2"])]),
        ("In the training room", 1, [("TT1", ["TT1:1", "TT1:2"])]),
        ("Sharing knowledge", 0, [("TT1", ["TT1:2"])]),
    ]


def test_grid_csv_has_the_page_columns_and_keeps_texts_from_being_formulas():
    scene = make_scene()
    withdraw(scene.tt3)
    stream = io.StringIO()
    grid_exports.write_csv(grid.build_grid(study=scene.study), stream)
    text = stream.getvalue()
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows == [
        ["code", "tier", "cohort", "Professional confidence",
         "Professional confidence / In the training room", "Sharing knowledge"],
        ["TT1", "trainer", "'=Cohort 2026", "2", "2", "1"],
        ["TT2", "master_trainer", "", "1", "0", "0"],
    ]


def test_grid_xlsx_opens_with_numbers_texts_codebook_and_about():
    scene = make_scene()
    withdraw(scene.tt3)
    stream = io.BytesIO()
    grid_exports.write_xlsx(grid.build_grid(study=scene.study, coder_key=f"user-{scene.anna.pk}"),
                            stream, scene.study)
    book = openpyxl.load_workbook(io.BytesIO(stream.getvalue()))
    assert book.sheetnames == ["grid", "themes", "about"]
    rows = list(book["grid"].iter_rows(values_only=True))
    assert rows[0][:4] == ("code", "tier", "cohort", "Professional confidence")
    assert rows[1] == ("TT1", "trainer", "=Cohort 2026", 1, 1, 0)
    assert book["grid"]["C2"].data_type == "s"  # text, not a formula
    assert rows[2][:2] == ("TT2", "master_trainer") and rows[2][3:] == (1, 0, 0)
    assert len(rows) == 3
    themes = list(book["themes"].iter_rows(values_only=True))
    assert themes[3][:4] == ("Sharing knowledge", 0, "deductive", "Alavi & Leidner (1990)")
    about = dict(book["about"].iter_rows(values_only=True))
    assert about["coder"] == "Anna" and about["participants"] == "2"
