"""Reproducible sampling: the ranking, the random pick, strata, and draws kept with a
study (``praxis.research.sampling``), over the hand-built world of ``test_sampling_world``."""

import random
from datetime import date

import pytest

from praxis.communities.models import Membership
from praxis.research import sampling
from praxis.research.models import SampleDraw, Study
from praxis.research.tests.factories import StudyFactory
from praxis.research.tests.test_sampling_world import SINCE, UNTIL, World, at, build


@pytest.fixture
def world(full_cast) -> World:
    return build(full_cast)


def make(world: World, **criteria) -> sampling.Draw:
    given = {"measure": "posts", "since": SINCE, "until": UNTIL, "top": 10, "pick": 5,
             "seed": 42, **criteria}
    return sampling.draw(world.cast.community, **given)


def names(made: sampling.Draw, *, picked: bool = False) -> list[str]:
    return [row.name for row in (made.picked if picked else made.ranking)]


def test_members_are_ranked_by_the_measure_with_ties_by_user_id(world):
    made = make(world)
    # Bita and Cyrus both wrote 3: Bita has the lower id. Farah's post is the day after,
    # the steward's opening post years before: neither has any in the window.
    assert world["Bita"].pk < world["Cyrus"].pk
    assert [(row.rank, row.name, row.value) for row in made.ranking] == [
        (1, "Amir", 5), (2, "Bita", 3), (3, "Cyrus", 3), (4, "Dara", 2), (5, "Elham", 1)]


def test_the_pick_is_random_sample_of_the_seed_over_the_top_in_rank_order(world):
    made = make(world, top=4, pick=2, seed=7)
    assert names(made) == ["Amir", "Bita", "Cyrus", "Dara"]
    expected = random.Random(7).sample(["Amir", "Bita", "Cyrus", "Dara"], 2)
    assert set(names(made, picked=True)) == set(expected)
    assert len(made.picked) == 2


def test_the_same_criteria_give_the_same_draw(world):
    first = make(world, top=5, pick=2, seed=42)
    again = make(world, top=5, pick=2, seed=42)
    assert first.stored() == again.stored()
    assert first.ranking == again.ranking


def test_another_seed_picks_other_members(world):
    picks = {tuple(names(make(world, top=5, pick=2, seed=seed), picked=True))
             for seed in range(10)}
    assert len(picks) > 1
    assert make(world, top=5, pick=2, seed=1).stored() != make(world, top=5, pick=2,
                                                               seed=2).stored()


def test_fewer_members_than_the_top_and_the_pick_keeps_and_picks_them_all(world):
    made = make(world, top=10, pick=8)
    assert len(made.ranking) == 5
    assert all(row.picked for row in made.ranking)


def test_the_top_keeps_only_n(world):
    made = make(world, top=2, pick=1)
    assert names(made) == ["Amir", "Bita"]
    assert len(made.picked) == 1


def test_the_window_includes_both_days_whole_in_utc(world):
    world.post("Dara", at(2015, 2, 28, 23, 59, 59))  # the last moment of the window
    world.post("Elham", at(2014, 11, 1, 0, 0, 0))  # its first moment
    world.post("Amir", at(2014, 10, 31, 23, 59, 59))  # before it
    made = make(world)
    assert {row.name: row.value for row in made.ranking} == {
        "Amir": 5, "Bita": 3, "Cyrus": 3, "Dara": 3, "Elham": 2}
    # Farah's post at 00:00 on 1 March is the day after the window; the next window has it.
    march = make(world, since=date(2015, 3, 1), until=date(2015, 3, 1), top=3, pick=1)
    assert names(march) == ["Farah"]


def test_another_measure_ranks_by_its_own_counter(world):
    made = make(world, measure="threads_started", since=date(2010, 1, 1),
                until=date(2010, 1, 1), top=3, pick=1)
    assert [(row.user_id, row.value) for row in made.ranking] == [(world.cast.steward.pk, 1)]


def test_strata_by_tier_each_have_their_top_and_pick_in_tier_order(world):
    made = make(world, top=1, pick=1, seed=3, stratify_by="tier")
    # Trainers, then teachers, then those without a tier; the top one of each.
    assert [(row.stratum, row.name, row.rank, row.picked) for row in made.ranking] == [
        ("trainer", "Amir", 1, True), ("teacher", "Cyrus", 1, True), ("", "Elham", 1, True)]
    assert [row.stratum_label for row in made.ranking] == ["Trainer", "Teacher", "No tier"]


def test_each_stratum_is_picked_with_its_own_seed(world):
    made = make(world, top=2, pick=1, seed=11, stratify_by="tier")
    for stratum, members in (("trainer", ["Amir", "Bita"]), ("teacher", ["Cyrus", "Dara"])):
        expected = random.Random(f"11:{stratum}").sample(members, 1)
        assert [row.name for row in made.picked if row.stratum == stratum] == expected


def test_strata_by_cohort_put_a_member_in_their_first_cohort_by_year(world):
    made = make(world, top=5, pick=5, stratify_by="cohort")
    strata = {row.name: row.stratum for row in made.ranking}
    assert strata == {"Amir": "Cohort 2012", "Cyrus": "Cohort 2012", "Bita": "Cohort 2013",
                      "Dara": "", "Elham": ""}
    assert [row.stratum for row in made.ranking] == [
        "Cohort 2012", "Cohort 2012", "Cohort 2013", "", ""]
    assert [row.rank for row in made.ranking] == [1, 2, 1, 1, 2]
    assert made.ranking[-1].stratum_label == "No cohort"


@pytest.mark.parametrize(("criteria", "message"), [
    ({"measure": "likes"}, "not an engagement measure"),
    ({"since": date(2015, 3, 1)}, "after it ends"),
    ({"top": 3, "pick": 4}, "between 1 and the top N"),
    ({"pick": 0}, "between 1 and the top N"),
    ({"top": 0}, "top N is between 1"),
    ({"seed": -1}, "seed is a whole number"),
    ({"stratify_by": "region"}, "by tier or by cohort"),
])
def test_criteria_no_draw_can_be_made_with_are_refused(world, criteria, message):
    with pytest.raises(sampling.SamplingError, match=message):
        make(world, **criteria)


def test_a_draw_kept_with_the_study_holds_its_criteria_and_ranking(world):
    study = StudyFactory(community=world.cast.community)
    kept = sampling.draw_for_study(study, measure="posts", since=SINCE, until=UNTIL, top=3,
                                   pick=2, seed=42, drawn_by=world.cast.researcher)
    kept.refresh_from_db()
    assert (kept.measure, kept.since, kept.until, kept.top, kept.pick, kept.seed,
            kept.stratify_by, kept.drawn_by) == ("posts", SINCE, UNTIL, 3, 2, 42, "",
                                                 world.cast.researcher)
    assert [row["user"] for row in kept.ranking] == world.ids("Amir", "Bita", "Cyrus")
    assert kept.ranking[0] == {"user": world["Amir"].pk, "rank": 1, "value": 5, "stratum": "",
                               "picked": kept.ranking[0]["picked"]}
    assert sum(row["picked"] for row in kept.ranking) == 2
    assert kept.ranking == make(world, top=3, pick=2).stored()


def test_a_kept_draw_rechecks_the_same_until_the_data_changes(world):
    study = StudyFactory(community=world.cast.community)
    kept = sampling.draw_for_study(study, measure="posts", since=SINCE, until=UNTIL, top=3,
                                   pick=2, seed=42, drawn_by=None)
    assert sampling.check_draw(kept) is True
    world.post("Dara", at(2015, 1, 5))
    world.post("Dara", at(2015, 1, 6))  # Dara now has 4: she enters the top 3
    assert sampling.check_draw(kept) is False


def test_a_member_who_left_changes_the_recomputed_list(world):
    study = StudyFactory(community=world.cast.community)
    kept = sampling.draw_for_study(study, measure="posts", since=SINCE, until=UNTIL, top=3,
                                   pick=2, seed=42, drawn_by=None)
    Membership.objects.filter(user=world["Bita"]).delete()
    assert sampling.check_draws([kept]) == {kept.pk: False}


def test_a_closed_study_draws_no_sample(world):
    study = StudyFactory(community=world.cast.community, status=Study.Status.CLOSED)
    with pytest.raises(sampling.SamplingError, match="closed"):
        sampling.draw_for_study(study, measure="posts", since=SINCE, until=UNTIL, top=3,
                                pick=2, seed=42, drawn_by=None)
    assert not SampleDraw.objects.exists()


def test_the_command_line_recomputes_the_same_draw(world):
    criteria = sampling.Criteria(measure="posts", since=SINCE, until=UNTIL, top=10, pick=5,
                                 seed=42, stratify_by="tier")
    assert sampling.command_line(world.cast.community, criteria) == (
        f"python manage.py sample_participants --community {world.cast.community.slug} "
        "--measure posts --since 2014-11-01 --until 2015-02-28 --top 10 --pick 5 --seed 42 "
        "--stratify tier")
