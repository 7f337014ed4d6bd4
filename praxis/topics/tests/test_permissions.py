"""The permission matrix: every topic and proposal view against every kind of visitor, in a
listed, a private and a public community."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from praxis.access import access_community, access_topic
from praxis.communities.models import Community
from praxis.library import services as library
from praxis.library.tests.documents import PDF
from praxis.topics import services
from praxis.topics.tests.factories import ProposalFactory

# As conftest.VISITORS; not imported, because run beside tests/browser the name "conftest"
# may be that folder's.
VISITORS = ["anonymous", "outsider", "member", "facilitator", "steward"]
LOGIN = "login"
READ = (LOGIN, 403, 200, 200, 200)  # readers of a listed community: its members
MEMBERS = (LOGIN, 403, 200, 200, 200)
LEADERS = (LOGIN, 403, 403, 200, 200)  # community facilitators and stewards
STEWARDS = (LOGIN, 403, 403, 403, 200)

# view name -> expected answer per visitor, in the order of VISITORS
# (anonymous, outsider, member, facilitator, steward), for a listed community.
LISTED_GET = {
    "list": READ,
    "archive": READ,
    "proposals": READ,
    "proposal": READ,
    "propose": MEMBERS,
    "create": LEADERS,
    "proposal_approve": STEWARDS,
    "detail": READ,
    "seed_article": READ,
    "edit": LEADERS,
    "questions": LEADERS,
    "run": LEADERS,
    "synthesis": LEADERS,
    "participation": LEADERS,
}
# In a public community anyone reads; acting still takes membership or a role.
READ_VIEWS = {"list", "archive", "proposals", "proposal", "detail", "seed_article"}
PUBLIC_GET = {
    name: (200, 200, 200, 200, 200) if name in READ_VIEWS else answers
    for name, answers in LISTED_GET.items()
}
PRIVATE_GET = {name: (404, 404, *answers[2:]) for name, answers in LISTED_GET.items()}

# POST-only actions; run in this order (later ones change the topic).
LISTED_POST = {
    "proposal_support": (LOGIN, 403, 302, 302, 302),
    "question_move": (LOGIN, 403, 403, 302, 302),
    "extend": (LOGIN, 403, 403, 302, 302),
    "open": (LOGIN, 403, 403, 302, 302),
    "close": (LOGIN, 403, 403, 302, 302),
    "archive_topic": (LOGIN, 403, 403, 302, 302),
    "proposal_decline": (*STEWARDS[:4], 302),
}
PUBLIC_POST = LISTED_POST
PRIVATE_POST = {name: (404, 404, *answers[2:]) for name, answers in LISTED_POST.items()}

TOPIC_VIEWS = {"detail", "seed_article", "edit", "questions", "run", "synthesis",
               "participation", "question_move", "extend", "open", "close", "archive_topic"}
PROPOSAL_VIEWS = {"proposal", "proposal_approve", "proposal_support", "proposal_decline"}


@pytest.fixture
def world(make_cast):
    """A running topic with an uploaded article and two questions, and a pending proposal."""

    def make(visibility):
        cast = make_cast(visibility=visibility)
        now = timezone.now()
        article = library.add_file(
            community=cast.community, added_by=cast.facilitator,
            upload=SimpleUploadedFile("loop.pdf", PDF, content_type="application/pdf"),
            title="Loop input",
        )
        topic = services.create_topic(
            community=cast.community, actor=cast.facilitator, title="Loop input",
            starts_at=now - timedelta(days=1), apply_from=now + timedelta(days=3),
            ends_at=now + timedelta(days=6), seed_resource=article,
            questions=[services.QuestionDraft("First?"), services.QuestionDraft("Second?")],
        )
        cast.topic = topic
        cast.question = topic.threads.filter(kind="question").order_by("position").last()
        cast.proposal = ProposalFactory(community=cast.community, proposed_by=cast.member)
        return cast

    return make


def _url(name, cast):
    community = cast.community
    if name in TOPIC_VIEWS:
        args = [community.slug, cast.topic.slug]
        if name == "question_move":
            args.append(cast.question.pk)
    elif name in PROPOSAL_VIEWS:
        args = [community.slug, cast.proposal.pk]
    else:
        args = [community.slug]
    return reverse(f"topics:{name}", args=args)


POST_DATA = {
    "question_move": {"direction": "up"},
    "proposal_decline": {"reason": "Not this year."},
    "close": {"confirm": "yes"},
    "archive_topic": {"confirm": "yes"},
}


def _expect(response, expected, label):
    if expected == LOGIN:
        assert response.status_code == 302, label
        assert response["Location"].startswith(reverse("accounts:login")), label
    else:
        assert response.status_code == expected, label


@pytest.mark.parametrize("visibility,get_matrix,post_matrix", [
    (Community.Visibility.LISTED, LISTED_GET, LISTED_POST),
    (Community.Visibility.PRIVATE, PRIVATE_GET, PRIVATE_POST),
    (Community.Visibility.PUBLIC, PUBLIC_GET, PUBLIC_POST),
])
@pytest.mark.parametrize("visitor_index,visitor", list(enumerate(VISITORS)))
def test_topic_views_answer_each_visitor_as_the_matrix_says(
    world, as_visitor, visibility, get_matrix, post_matrix, visitor_index, visitor
):
    cast = world(visibility)
    client = as_visitor(cast, visitor)
    for name, answers in get_matrix.items():
        response = client.get(_url(name, cast))
        _expect(response, answers[visitor_index], f"GET {name} as {visitor} ({visibility})")
    for name, answers in post_matrix.items():
        data = dict(POST_DATA.get(name, {}))
        if name == "extend":
            data["ends_at"] = (timezone.localtime() + timedelta(days=20)).strftime(
                "%Y-%m-%dT%H:%M")
        response = client.post(_url(name, cast), data)
        _expect(response, answers[visitor_index], f"POST {name} as {visitor} ({visibility})")


def test_a_topic_facilitator_who_is_a_plain_member_runs_their_topic(world, client):
    cast = world(Community.Visibility.LISTED)
    cast.topic.facilitators.add(cast.member)
    client.force_login(cast.member)
    for name in ("edit", "questions", "run", "synthesis", "participation"):
        assert client.get(_url(name, cast)).status_code == 200, name
    # ...but not the community's other topics, nor creating new ones.
    assert client.get(reverse("topics:create", args=[cast.community.slug])).status_code == 403


def test_a_topic_is_found_only_under_its_own_community(world, make_cast, client):
    cast = world(Community.Visibility.LISTED)
    other = make_cast()
    client.force_login(other.steward)
    response = client.get(reverse("topics:detail", args=[other.community.slug, cast.topic.slug]))
    assert response.status_code == 404


def test_a_proposal_is_found_only_under_its_own_community(world, make_cast, client):
    cast = world(Community.Visibility.LISTED)
    other = make_cast()
    client.force_login(other.steward)
    for name in ("proposal", "proposal_approve"):
        response = client.get(
            reverse(f"topics:{name}", args=[other.community.slug, cast.proposal.pk]))
        assert response.status_code == 404, name
    response = client.post(
        reverse("topics:proposal_decline", args=[other.community.slug, cast.proposal.pk]),
        {"reason": "No."})
    assert response.status_code == 404


def test_an_unknown_topic_is_404_for_everyone(world, as_visitor):
    cast = world(Community.Visibility.PUBLIC)
    for visitor in VISITORS:
        client = as_visitor(cast, visitor)
        response = client.get(reverse("topics:detail", args=[cast.community.slug, "nowhere"]))
        assert response.status_code == 404, visitor


def test_only_members_may_propose_topics(make_cast):
    cast = make_cast(visibility=Community.Visibility.PUBLIC)
    assert access_community(cast.member, cast.community.slug, need="propose_topics")
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        access_community(cast.outsider, cast.community.slug, need="propose_topics")


def test_a_site_admin_may_run_any_topic(world, django_user_model):
    cast = world(Community.Visibility.PRIVATE)
    admin = django_user_model.objects.create_superuser(email="root@example.org",
                                                       password="x", display_name="Root")
    assert access_topic(admin, cast.community.slug, cast.topic.slug,
                        need="facilitate").can_facilitate
