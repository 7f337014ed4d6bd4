"""``manage.py sample_participants``: the list it prints, the draw it keeps, the arguments it
refuses (world: ``test_sampling_world``)."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from praxis.research.models import SampleDraw
from praxis.research.tests.factories import StudyFactory
from praxis.research.tests.test_sampling_world import World, build


@pytest.fixture
def world(full_cast) -> World:
    return build(full_cast)


def run(world: World, *extra: str, **options: str) -> str:
    given = {"--community": world.cast.community.slug, "--measure": "posts",
             "--since": "2014-11-01", "--until": "2015-02-28", "--top": "10", "--pick": "5",
             "--seed": "42", **options}
    arguments = [part for pair in given.items() for part in pair]
    out = StringIO()
    call_command("sample_participants", *arguments, *extra, stdout=out, stderr=StringIO())
    return out.getvalue()


def rows(output: str) -> list[list[str]]:
    return [line.split() for line in output.splitlines()[1:] if line.strip()]


def test_the_command_prints_the_ranked_top_with_those_picked(world):
    output = run(world, **{"--top": "3", "--pick": "2"})
    assert output.splitlines()[0] == ("posts from 2014-11-01 to 2015-02-28 (both days "
                                      "included, UTC): the top 3, 2 picked with the seed 42")
    printed = rows(output)
    assert [(line[0], line[1], line[-1]) for line in printed] == [
        ("1", "5", "Amir"), ("2", "3", "Bita"), ("3", "3", "Cyrus")]
    assert sum("picked" in line for line in printed) == 2


def test_the_same_arguments_print_the_same_list(world):
    assert run(world, **{"--pick": "2"}) == run(world, **{"--pick": "2"})
    assert not SampleDraw.objects.exists()  # nothing kept without --save


def test_strata_are_printed_under_their_headings(world):
    output = run(world, **{"--top": "1", "--pick": "1", "--stratify": "tier"})
    assert "tier: trainer" in output and "tier: teacher" in output
    assert "tier: (none)" in output


def test_save_keeps_the_draw_with_the_study(world):
    study = StudyFactory(community=world.cast.community)
    output = run(world, "--save", **{"--study": study.slug, "--top": "3", "--pick": "2"})
    kept = SampleDraw.objects.get(study=study)
    assert output.splitlines()[-1] == f"saved: draw {kept.pk} of the study {study.slug}"
    assert [row["user"] for row in kept.ranking] == world.ids("Amir", "Bita", "Cyrus")
    assert kept.drawn_by is None


@pytest.mark.parametrize(("options", "message"), [
    ({"--community": "nowhere"}, "No community has the slug “nowhere”"),
    ({"--since": "2015-03-01"}, "The window starts (2015-03-01) after it ends (2015-02-28)"),
    ({"--since": "1 November"}, "not a date"),
    ({"--top": "3", "--pick": "4"}, "between 1 and the top N (3)"),
    ({"--measure": "likes"}, "“likes” is not an engagement measure"),
    ({"--stratify": "region"}, "give tier or cohort"),
    ({"--study": "unknown"}, "has no study with the slug “unknown”"),
])
def test_bad_arguments_are_refused_with_a_clear_message(world, options, message):
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        run(world, **options)


def test_save_without_a_study_is_refused(world):
    with pytest.raises(CommandError, match="--save keeps the draw with a study"):
        run(world, "--save")
    assert not SampleDraw.objects.exists()


def test_a_study_of_another_community_is_not_found(world):
    elsewhere = StudyFactory()
    with pytest.raises(CommandError, match="has no study"):
        run(world, "--save", **{"--study": elsewhere.slug})
