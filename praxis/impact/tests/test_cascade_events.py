"""Recording cascade events, and who may see the cascade: every page against every kind of
visitor, and bad input refused with a clear message and nothing saved."""

import datetime

import pytest
from django.urls import reverse

from praxis.communities.models import Community
from praxis.communities.tests.cast import ALL_VISITORS
from praxis.communities.tests.factories import CohortFactory, CommunityFactory
from praxis.discussions.tests.factories import make_topic
from praxis.impact import cascade as services
from praxis.impact.cascade import CascadeRuleError, EventDraft
from praxis.impact.models import CascadeEvent
from praxis.practice.tests.plan_factories import share

pytestmark = pytest.mark.django_db

LOGIN = "login"
D = datetime.date
# ALL_VISITORS order: anonymous, outsider, member, facilitator, steward, researcher (a
# member), site_admin (no member: the cascade is the members' own).
MEMBERS_ONLY = (LOGIN, 403, 200, 200, 200, 200, 403)
# The member's own event: they and the stewards change it; other members are refused.
CHANGES = (LOGIN, 403, 200, 403, 200, 403, 403)


def _status(response) -> object:
    if response.status_code == 302 and "/login" in response["Location"]:
        return LOGIN
    return response.status_code


def _event(cast, **fields) -> CascadeEvent:
    values = {"held_on": D(2026, 3, 1), "kind": "course", "audience": "teachers",
              "people": 20}
    values.update(fields)
    return services.record_event(community=cast.community, trainer=cast.member,
                                 draft=EventDraft(**values))


def _form(**fields) -> dict:
    data = {"held_on": "2026-03-01", "kind": "workshop", "audience": "teachers",
            "people": "24", "notes": "Trainees set their own rules for group work."}
    data.update(fields)
    return data


@pytest.mark.parametrize("name", ["cascade", "cascade_events", "cascade_event_create"])
def test_the_cascade_is_the_members_own(full_cast, as_visitor, name):
    url = reverse(f"impact:{name}", args=[full_cast.community.slug])
    got = []
    for who in ALL_VISITORS:
        client = as_visitor(full_cast, who)
        got.append(_status(client.get(url)))
        client.logout()
    assert tuple(got) == MEMBERS_ONLY


@pytest.mark.parametrize("name", ["cascade_event_edit", "cascade_event_delete"])
def test_an_event_is_changed_by_its_trainer_or_a_steward(full_cast, as_visitor, name):
    event = _event(full_cast)
    url = reverse(f"impact:{name}", args=[full_cast.community.slug, event.pk])
    got = []
    for who in ALL_VISITORS:
        client = as_visitor(full_cast, who)
        got.append(_status(client.get(url)))
        client.logout()
    assert tuple(got) == CHANGES


def test_a_private_community_is_not_known_to_outsiders(make_cast, as_visitor):
    cast = make_cast(visibility=Community.Visibility.PRIVATE)
    event = _event(cast)
    client = as_visitor(cast, "outsider")
    for url in (reverse("impact:cascade", args=[cast.community.slug]),
                reverse("impact:cascade_event_edit", args=[cast.community.slug, event.pk])):
        assert client.get(url).status_code == 404


def test_an_event_of_another_community_is_not_found(cast, as_visitor):
    other = CommunityFactory()
    event = services.record_event(
        community=other, trainer=_member_of(other),
        draft=EventDraft(held_on=D(2026, 1, 1), kind="course", audience="teachers",
                         people=3))
    client = as_visitor(cast, "steward")
    for name in ("cascade_event_edit", "cascade_event_delete"):
        url = reverse(f"impact:{name}", args=[cast.community.slug, event.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, _form()).status_code == 404
    assert CascadeEvent.objects.filter(pk=event.pk, people=3).exists()


def _member_of(community):
    from praxis.communities.tests.factories import MembershipFactory

    return MembershipFactory(community=community).user


def test_a_member_records_their_own_event(cast, as_visitor):
    topic = make_topic(cast.community)
    cohort = CohortFactory(community=cast.community)
    version = share(cast.community, cast.facilitator).versions.get()
    client = as_visitor(cast, "member")
    response = client.post(reverse("impact:cascade_event_create", args=[cast.community.slug]),
                           _form(topics=[topic.pk], cohort=cohort.pk,
                                 plan_versions=[version.pk]))
    assert response.status_code == 302
    event = CascadeEvent.objects.get()
    assert (event.trainer, event.people, event.cohort, event.kind) == (
        cast.member, 24, cohort, "workshop")
    assert list(event.topics.all()) == [topic] and list(event.plan_versions.all()) == [version]
    page = client.get(reverse("impact:cascade_events", args=[cast.community.slug]) + "?mine=1")
    assert str(cast.member) in page.content.decode()


def test_a_member_cannot_name_another_trainer(cast, as_visitor):
    client = as_visitor(cast, "member")
    client.post(reverse("impact:cascade_event_create", args=[cast.community.slug]),
                _form(trainer=cast.facilitator.pk))
    assert CascadeEvent.objects.get().trainer == cast.member


def test_a_steward_records_for_any_member_but_no_outsider(cast, as_visitor):
    client = as_visitor(cast, "steward")
    url = reverse("impact:cascade_event_create", args=[cast.community.slug])
    assert client.post(url, _form(trainer=cast.member.pk)).status_code == 302
    assert CascadeEvent.objects.get().trainer == cast.member
    response = client.post(url, _form(trainer=cast.outsider.pk))
    assert response.status_code == 400
    assert CascadeEvent.objects.count() == 1


def test_edit_and_delete(cast, as_visitor):
    event = _event(cast)
    client = as_visitor(cast, "member")
    url = reverse("impact:cascade_event_edit", args=[cast.community.slug, event.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, _form(people="31", audience="trainers")).status_code == 302
    event.refresh_from_db()
    assert (event.people, event.audience, event.trainer) == (31, "trainers", cast.member)
    url = reverse("impact:cascade_event_delete", args=[cast.community.slug, event.pk])
    assert client.post(url).status_code == 302
    assert not CascadeEvent.objects.exists()


@pytest.mark.parametrize("bad", [
    {"people": "0"}, {"people": "-3"}, {"people": "abc"}, {"people": "99999999999"},
    {"people": ""}, {"held_on": "2026-13-45"}, {"held_on": "1800-01-01"},
    {"held_on": "3000-01-01"}, {"held_on": ""}, {"kind": "lecture"}, {"audience": "pupils"},
    {"notes": "x" * 2001}, {"people": "۲۴\u200f"},
])
def test_bad_input_is_refused_and_nothing_saved(cast, as_visitor, bad):
    client = as_visitor(cast, "member")
    response = client.post(reverse("impact:cascade_event_create",
                                   args=[cast.community.slug]), _form(**bad))
    assert response.status_code == 400
    assert b"has-error" in response.content or b"form-errors" in response.content
    assert not CascadeEvent.objects.exists()


def test_foreign_choices_are_refused_and_nothing_saved(cast, as_visitor):
    other = CommunityFactory()
    foreign = {"cohort": CohortFactory(community=other).pk,
               "topics": [make_topic(other).pk],
               "plan_versions": [share(other, _member_of(other)).versions.get().pk]}
    client = as_visitor(cast, "member")
    url = reverse("impact:cascade_event_create", args=[cast.community.slug])
    for name, value in foreign.items():
        response = client.post(url, _form(**{name: value}))
        assert response.status_code == 400, name
        assert b"has-error" in response.content
    assert client.post(url, _form(topics=["1 OR 1=1"])).status_code == 400
    assert not CascadeEvent.objects.exists()


def test_a_bad_edit_changes_nothing(cast, as_visitor):
    event = _event(cast)
    client = as_visitor(cast, "member")
    url = reverse("impact:cascade_event_edit", args=[cast.community.slug, event.pk])
    assert client.post(url, _form(people="0", kind="workshop")).status_code == 400
    event.refresh_from_db()
    assert (event.people, event.kind) == (20, "course")


def test_the_service_refuses_what_is_not_the_communitys(cast):
    other = CommunityFactory()
    for draft in (
        EventDraft(held_on=D(2026, 1, 1), kind="course", audience="teachers", people=0),
        EventDraft(held_on=D(2026, 1, 1), kind="course", audience="teachers", people=2,
                   cohort=CohortFactory(community=other)),
        EventDraft(held_on=D(2026, 1, 1), kind="course", audience="teachers", people=2,
                   topics=[make_topic(other)]),
    ):
        with pytest.raises(CascadeRuleError):
            services.record_event(community=cast.community, trainer=cast.member, draft=draft)
    with pytest.raises(CascadeRuleError):
        services.record_event(community=cast.community, trainer=cast.outsider, draft=EventDraft(
            held_on=D(2026, 1, 1), kind="course", audience="teachers", people=2))
    assert not CascadeEvent.objects.exists()


@pytest.mark.parametrize("name", ["cascade", "cascade_events", "cascade_event_create"])
def test_each_page_asks_a_bounded_number_of_queries(cast, as_visitor, name,
                                                    django_assert_max_num_queries):
    for n in range(30):
        _event(cast, people=n + 1, topics=[make_topic(cast.community)] if n < 3 else [])
    client = as_visitor(cast, "steward")
    with django_assert_max_num_queries(20):
        assert client.get(reverse(f"impact:{name}",
                                  args=[cast.community.slug])).status_code == 200
