"""Inter-coder agreement: the interval arithmetic against a character-by-character count, a
hand-worked kappa, Krippendorff's alpha against the ``krippendorff`` package, the cases where
a figure is not defined, and a study's agreement read through its queries."""

import random

import krippendorff
import numpy as np
import pytest

from praxis.accounts.tests.factories import UserFactory
from praxis.research import agreement
from praxis.research.models import Participant
from praxis.research.tests.factories import (
    CodingFactory,
    InstrumentFactory,
    ParticipantFactory,
    PassageFactory,
    SourceFactory,
    StudyFactory,
    ThemeFactory,
)


def _characters(coverage: agreement.Coverage, lengths: dict[int, int]) -> list[int]:
    """The coverage as one 0/1 value per character, sources in ``lengths`` order."""
    values = []
    for source_id, length in lengths.items():
        marks = [0] * length
        for start, end in coverage.get(source_id, ()):
            for at in range(max(start, 0), min(end, length)):
                marks[at] = 1
        values += marks
    return values


def _random_coverage(rng: random.Random, lengths: dict[int, int]) -> dict[int, list]:
    coverage: dict[int, list] = {}
    for source_id, length in lengths.items():
        spans = []
        for _ in range(rng.randint(0, 5)):
            start = rng.randint(0, length - 1)
            spans.append((start, rng.randint(start + 1, length + 3)))  # may pass the end
        coverage[source_id] = spans
    return coverage


def test_merge_joins_overlapping_and_touching_spans_and_clips_to_the_text():
    assert agreement.merge([(5, 9), (0, 3), (3, 4), (8, 12), (20, 30)], 15) == [
        (0, 4), (5, 12)]
    assert agreement.covered([(0, 4), (5, 12)]) == 11
    assert agreement.overlap([(0, 4), (5, 12)], [(2, 6), (10, 20)]) == 2 + 1 + 2


def test_hand_worked_kappa():
    # Ten characters: A codes 0-5, B codes 2-7. Both: 2-5 (4), A only 2, B only 2,
    # neither 2. Observed .6; chance .6 * .6 + .4 * .4 = .52; kappa .08 / .48 = 1/6.
    pair = agreement.pair_agreement({1: [(0, 6)]}, {1: [(2, 8)]}, {1: 10})
    assert (pair.both, pair.first_only, pair.second_only, pair.neither) == (4, 2, 2, 2)
    assert pair.percent == pytest.approx(60)
    assert pair.kappa == pytest.approx(1 / 6)


def test_pair_figures_match_a_count_character_by_character():
    rng = random.Random(7)
    for _ in range(40):
        lengths = {1: rng.randint(1, 60), 2: rng.randint(1, 60)}
        first, second = _random_coverage(rng, lengths), _random_coverage(rng, lengths)
        a, b = _characters(first, lengths), _characters(second, lengths)
        pair = agreement.pair_agreement(first, second, lengths)
        n = len(a)
        assert pair.both == sum(x & y for x, y in zip(a, b, strict=True))
        same = sum(x == y for x, y in zip(a, b, strict=True))
        assert pair.percent == pytest.approx(100 * same / n)
        pa, pb = sum(a) / n, sum(b) / n
        chance = pa * pb + (1 - pa) * (1 - pb)
        if chance < 1:
            observed = same / n
            assert pair.kappa == pytest.approx((observed - chance) / (1 - chance))
        else:
            assert pair.kappa is None


@pytest.mark.parametrize("coders", [2, 3, 5])
def test_alpha_matches_the_krippendorff_package(coders):
    rng = random.Random(coders)
    for _ in range(15):
        lengths = {10: rng.randint(5, 80), 11: rng.randint(5, 80), 12: rng.randint(1, 10)}
        coverages = [_random_coverage(rng, lengths) for _ in range(coders)]
        matrix = np.array([_characters(coverage, lengths) for coverage in coverages])
        ours = agreement.krippendorff_alpha(coverages, lengths)
        if matrix.min() == matrix.max():
            assert ours is None
            continue
        expected = krippendorff.alpha(reliability_data=matrix, level_of_measurement="nominal")
        assert ours == pytest.approx(expected)


def test_coders_per_character_sweeps_the_spans_ends():
    counts = agreement.coders_per_character(
        [{1: [(0, 4)]}, {1: [(2, 6), (6, 8)]}, {1: []}], 10, 1)
    # 0-2: one coder, 2-4: two, 4-8: one, 8-10: none.
    assert counts == {1: 2 + 4, 2: 2, 0: 2}


def test_figures_without_anything_to_compare_are_not_defined():
    lengths = {1: 20}
    nobody = agreement.pair_agreement({}, {}, lengths)
    assert nobody.percent == 100 and nobody.kappa is None
    everything = agreement.pair_agreement({1: [(0, 20)]}, {1: [(0, 25)]}, lengths)
    assert everything.percent == 100 and everything.kappa is None
    assert agreement.krippendorff_alpha([{}, {}], lengths) is None
    assert agreement.krippendorff_alpha([{1: [(0, 20)]}, {1: [(0, 20)]}], lengths) is None
    assert agreement.krippendorff_alpha([{1: [(0, 5)]}], lengths) is None  # one coder
    no_text = agreement.pair_agreement({1: [(0, 5)]}, {}, {})
    assert no_text.percent is None and no_text.kappa is None
    assert agreement.krippendorff_alpha([{1: [(0, 5)]}, {}], {}) is None


def test_perfect_agreement_with_variance_is_one():
    lengths = {1: 10, 2: 4}
    same = {1: [(2, 5)], 2: [(0, 1)]}
    assert agreement.pair_agreement(same, same, lengths).kappa == pytest.approx(1)
    assert agreement.krippendorff_alpha([same, same, same], lengths) == pytest.approx(1)


@pytest.mark.django_db
def test_study_agreement_compares_coders_over_consenting_participants_text_only():
    study = StudyFactory()
    interview = InstrumentFactory(study=study, number=2)
    shown = SourceFactory(participant=ParticipantFactory(study=study), study=study,
                          instrument=interview, text="x" * 10)
    hidden_participant = ParticipantFactory(study=study)
    hidden = SourceFactory(participant=hidden_participant, study=study, instrument=interview,
                           text="y" * 1000)
    theme = ThemeFactory(study=study, name="Confidence")
    ThemeFactory(study=study, name="In the room", parent=theme)
    anna, ben = UserFactory(display_name="Anna"), UserFactory(display_name="Ben")
    CodingFactory(passage=PassageFactory(source=shown, start=0, end=6), theme=theme, coder=anna)
    shared = PassageFactory(source=shown, start=2, end=8)  # one passage, two codings
    CodingFactory(passage=shared, theme=theme, coder=ben)
    CodingFactory(passage=shared, theme=theme, coder=None, coder_name="Imported coder")
    # Ben coded the hidden text too: it must count for nothing once its author withdraws.
    CodingFactory(passage=PassageFactory(source=hidden, start=0, end=900), theme=theme,
                  coder=ben)
    Participant.objects.filter(pk=hidden_participant.pk).update(
        status=Participant.Status.WITHDRAWN)

    report = agreement.study_agreement(study=study)

    assert [coder.name for coder in report.coders] == ["Anna", "Ben", "Imported coder"]
    assert (report.sources, report.characters) == (1, 10)
    confidence, in_room = report.themes
    assert (confidence.path, in_room.path) == ("Confidence", "Confidence / In the room")
    (first, second, anna_ben), (_, _, anna_imported), (_, _, ben_imported) = [
        pair for pair in confidence.pairs]
    assert (first.name, second.name) == ("Anna", "Ben")
    assert anna_ben.kappa == pytest.approx(1 / 6)
    assert ben_imported.kappa == pytest.approx(1)
    assert anna_imported.percent == pytest.approx(60)
    assert confidence.coded_by == 3
    assert confidence.alpha is not None
    assert in_room.coded_by == 0 and in_room.alpha is None
    assert all(pair.kappa is None and pair.percent == 100 for _, _, pair in in_room.pairs)
