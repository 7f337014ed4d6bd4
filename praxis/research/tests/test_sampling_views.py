"""The sampling page and inviting the members a draw picked: the permission matrix, what the
page shows, draws kept and rechecked, the query count, and bad input (world:
``test_sampling_world``)."""

import re

import pytest
from django.urls import reverse

from praxis.communities.models import Membership
from praxis.communities.tests.cast import ALL_VISITORS
from praxis.research import sampling
from praxis.research.models import Participant, SampleDraw, Study
from praxis.research.tests.factories import StudyFactory
from praxis.research.tests.test_sampling_world import SINCE, UNTIL, World, at, build

LOGIN = "login"
FORM = {"measure": "posts", "since": "2014-11-01", "until": "2015-02-28", "top": "3",
        "pick": "2", "seed": "42", "stratify_by": ""}


@pytest.fixture
def world(full_cast) -> World:
    return build(full_cast)


@pytest.fixture
def study(world) -> Study:
    return StudyFactory(community=world.cast.community, slug="cop-impact")


def page(study: Study) -> str:
    return reverse("research:sample", args=[study.community.slug, study.slug])


def invite_url(kept: SampleDraw) -> str:
    return reverse("research:sample_invite",
                   args=[kept.study.community.slug, kept.study.slug, kept.pk])


def keep(study: Study, **criteria) -> SampleDraw:
    given = {"measure": "posts", "since": SINCE, "until": UNTIL, "top": 3, "pick": 2,
             "seed": 42, **criteria}
    return sampling.draw_for_study(study, **given, drawn_by=None)


def answer(response) -> int | str:
    if response.status_code == 302 and "/login" in response["Location"]:
        return LOGIN
    return response.status_code


def test_permission_matrix(make_cast, as_visitor):
    cast = make_cast(researchers=True)
    study = StudyFactory(community=cast.community)
    kept = keep(study)
    # anonymous, outsider, member, facilitator, steward, researcher, site admin: only the
    # community's researchers draw; stewards know the study exists, others do not (and
    # someone signed out is asked to log in first).
    expected = {"get": (LOGIN, 404, 404, 404, 403, 200, 403),
                "post": (LOGIN, 404, 404, 404, 403, 302, 403),
                "invite": (LOGIN, 404, 404, 404, 403, 302, 403)}
    for who, get, post, invite in zip(ALL_VISITORS, *expected.values(), strict=True):
        client = as_visitor(cast, who)
        assert answer(client.get(page(study))) == get, (who, "get")
        assert answer(client.post(page(study), FORM)) == post, (who, "post")
        assert answer(client.post(invite_url(kept))) == invite, (who, "invite")
        client.logout()
    assert SampleDraw.objects.filter(study=study).count() == 2  # the researcher's only
    assert Participant.objects.filter(study=study).count() == 0  # the cast posted nothing


def test_the_form_is_prefilled_with_a_window_and_a_random_seed(world, study, as_visitor):
    response = as_visitor(world.cast, "researcher").get(page(study))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["measure"] == "posts"
    assert (form.initial["top"], form.initial["pick"]) == (10, 5)
    assert 0 <= form.initial["seed"] < 1_000_000
    assert form.initial["since"] < form.initial["until"]
    assert b'name="seed"' in response.content and b'<label for="id_seed"' in response.content


def test_drawing_keeps_the_draw_and_shows_the_list_and_the_command(world, study, as_visitor):
    client = as_visitor(world.cast, "researcher")
    response = client.post(page(study), FORM)
    kept = SampleDraw.objects.get(study=study)
    assert response.status_code == 302
    assert response["Location"] == f"{page(study)}?draw={kept.pk}"
    assert kept.drawn_by == world.cast.researcher
    assert kept.ranking == sampling.draw(world.cast.community, measure="posts", since=SINCE,
                                         until=UNTIL, top=3, pick=2, seed=42).stored()
    shown = client.get(response["Location"])
    html = shown.content.decode()
    ranked = re.findall(r'<tr data-user="(\d+)">', html)
    assert [int(user) for user in ranked] == world.ids("Amir", "Bita", "Cyrus")
    for name in ("Amir", "Bita", "Cyrus"):
        assert f"<bdi>{name}</bdi>" in html
    assert html.count('<span class="badge acted">') == 2
    assert (f"python manage.py sample_participants --community {world.cast.community.slug} "
            "--measure posts --since 2014-11-01 --until 2015-02-28 --top 3 --pick 2 "
            "--seed 42") in html
    assert 'data-recheck="same"' in html
    assert reverse("research:sample_invite",
                   args=[world.cast.community.slug, study.slug, kept.pk]) in html


def test_earlier_draws_show_whether_the_list_is_the_same_today(world, study, as_visitor):
    older = keep(study, top=3)
    world.post("Dara", at(2015, 1, 5))
    world.post("Dara", at(2015, 1, 6))  # Dara enters the top 3 of the older draw
    newer = keep(study, top=3, seed=7)
    html = as_visitor(world.cast, "researcher").get(page(study)).content.decode()
    assert re.search(rf'<tr data-draw="{older.pk}">.*?data-recheck="differs"', html, re.S)
    assert re.search(rf'<tr data-draw="{newer.pk}">.*?data-recheck="same"', html, re.S)
    assert html.index(f'data-draw="{newer.pk}"') < html.index(f'data-draw="{older.pk}"')
    assert "The data changed since: the list differs" in html


def test_a_draw_of_another_study_is_not_shown(world, study, as_visitor):
    other = keep(StudyFactory(community=world.cast.community))
    response = as_visitor(world.cast, "researcher").get(f"{page(study)}?draw={other.pk}")
    assert response.status_code == 200
    assert response.context["shown"] is None
    assert b"data-user=" not in response.content


def test_the_page_reads_a_bounded_number_of_queries(world, study, as_visitor,
                                                      django_assert_max_num_queries):
    client = as_visitor(world.cast, "researcher")
    kept = keep(study)
    client.get(f"{page(study)}?draw={kept.pk}")  # months settled once, as any page would
    with django_assert_max_num_queries(40) as few:
        client.get(f"{page(study)}?draw={kept.pk}")
    for seed in range(1, 9):
        keep(study, seed=seed, stratify_by="tier" if seed % 2 else "")
    # Draws over the same window share its figures: more draws, the same reading.
    with django_assert_max_num_queries(len(few.captured_queries) + 4):
        response = client.get(f"{page(study)}?draw={kept.pk}")
    assert len(response.context["draws"]) == 9


def test_bad_criteria_are_shown_with_the_form(world, study, as_visitor):
    client = as_visitor(world.cast, "researcher")
    response = client.post(page(study), {**FORM, "since": "2015-03-01", "pick": "4"})
    assert response.status_code == 400
    assert response.context["form"].errors.keys() == {"until", "pick"}
    response = client.post(page(study), {**FORM, "measure": "likes"})
    assert response.status_code == 400
    assert not SampleDraw.objects.exists()


def test_a_closed_study_draws_nothing(world, study, as_visitor):
    Study.objects.filter(pk=study.pk).update(status=Study.Status.CLOSED)
    client = as_visitor(world.cast, "researcher")
    response = client.post(page(study), FORM)
    assert response.status_code == 400
    assert "The study is closed" in response.content.decode()
    assert not SampleDraw.objects.exists()


def test_inviting_the_picked_members_invites_them_once(world, study, as_visitor):
    kept = keep(study, top=3, pick=2)
    picked = [row["user"] for row in kept.ranking if row["picked"]]
    client = as_visitor(world.cast, "researcher")
    response = client.post(invite_url(kept))
    assert response.status_code == 302 and response["Location"] == study.get_absolute_url()
    invited = Participant.objects.filter(study=study)
    assert sorted(invited.values_list("user_id", flat=True)) == sorted(picked)
    assert set(invited.values_list("status", flat=True)) == {Participant.Status.INVITED}
    client.post(invite_url(kept))
    assert Participant.objects.filter(study=study).count() == 2  # already invited: skipped


def test_a_picked_member_who_left_is_not_invited(world, study, as_visitor):
    kept = keep(study, top=3, pick=2)
    left, stayed = [row["user"] for row in kept.ranking if row["picked"]]
    Membership.objects.filter(community=study.community, user_id=left).delete()
    as_visitor(world.cast, "researcher").post(invite_url(kept))
    assert list(Participant.objects.filter(study=study).values_list("user_id", flat=True)) \
        == [stayed]


def test_inviting_from_a_draw_of_another_study_is_not_found(world, study, as_visitor):
    other = keep(StudyFactory(community=world.cast.community))
    url = reverse("research:sample_invite",
                  args=[world.cast.community.slug, study.slug, other.pk])
    assert as_visitor(world.cast, "researcher").post(url).status_code == 404
    assert not Participant.objects.exists()


def test_inviting_is_a_post(world, study, as_visitor):
    kept = keep(study)
    assert as_visitor(world.cast, "researcher").get(invite_url(kept)).status_code == 405
