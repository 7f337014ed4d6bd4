"""The certificate pages: the permission matrix of every view, defining and editing a
programme (and its bad input), issuing singly and in bulk without duplicates, revoking with
a reason, forged requests for another community's programme or certificate, a member's own
page, and the public verification pages. The figures are ``criteria_world``'s."""

import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from praxis.communities.models import Community
from praxis.communities.tests.cast import ALL_VISITORS
from praxis.credentials import criteria, services
from praxis.credentials.models import Certificate, Programme
from praxis.credentials.tests.criteria_world import World, build

LOGIN = "login"


def answer(response) -> int | str:
    if response.status_code == 302 and "/login" in response["Location"]:
        return LOGIN
    return response.status_code


@pytest.fixture
def world(make_cast) -> World:
    return build(make_cast(researchers=True))


def issued_to(programme, *people, by=None) -> list[Certificate]:
    return services.issue(programme, list(people), issued_by=by).issued


def said(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


# The permission matrix ----------------------------------------------------------------------

# anonymous, outsider, member, facilitator, steward, researcher, site admin
STEWARDS = (LOGIN, 403, 403, 403, 200, 403, 200)
MEMBERS = (LOGIN, 403, 200, 200, 200, 200, 403)
EVERYONE = (200,) * 7


def community_views(world: World, programme: Programme, certificate: Certificate):
    slug = world.cast.community.slug
    return {
        "programmes": (reverse("credentials:programmes", args=[slug]), STEWARDS),
        "programme": (reverse("credentials:programme", args=[slug, programme.pk]), STEWARDS),
        "programme_edit": (reverse("credentials:programme_edit", args=[slug, programme.pk]),
                           STEWARDS),
        "revoke": (reverse("credentials:revoke", args=[slug, certificate.pk]), STEWARDS),
        "mine": (reverse("credentials:mine", args=[slug]), MEMBERS),
        "verify": (certificate.get_absolute_url(), EVERYONE),
        "certificate_pdf": (reverse("credentials:certificate_pdf",
                                    args=[certificate.public_id]), EVERYONE),
        "verify_form": (reverse("credentials:verify_form"), EVERYONE),
    }


def private(answers: tuple) -> tuple:
    """A private community is not revealed to those outside it, signed in or not."""
    return answers if answers == EVERYONE else (404, 404, *answers[2:])


@pytest.mark.parametrize("visibility", [Community.Visibility.PUBLIC,
                                        Community.Visibility.LISTED,
                                        Community.Visibility.PRIVATE])
def test_permission_matrix_of_every_page(world, as_visitor, visibility):
    Community.objects.filter(pk=world.cast.community.pk).update(visibility=visibility)
    programme = world.programme()
    certificate = issued_to(programme, world.cast.member)[0]
    for name, (url, answers) in community_views(world, programme, certificate).items():
        if visibility == Community.Visibility.PRIVATE:
            answers = private(answers)
        for who, expected in zip(ALL_VISITORS, answers, strict=True):
            client = as_visitor(world.cast, who)
            assert answer(client.get(url)) == expected, (name, who, visibility)
            client.logout()


@pytest.mark.parametrize("visibility", [Community.Visibility.LISTED,
                                        Community.Visibility.PRIVATE])
def test_permission_matrix_of_the_writes(world, as_visitor, visibility):
    """Issuing, defining, editing and revoking: only stewards and site admins, and a refused
    write changes nothing."""
    Community.objects.filter(pk=world.cast.community.pk).update(visibility=visibility)
    programme = world.programme()
    certificate = issued_to(programme, world.cast.facilitator)[0]
    slug = world.cast.community.slug
    writes = {
        "issue": (reverse("credentials:issue", args=[slug, programme.pk]),
                  {"one": world.cast.member.pk}),
        "define": (reverse("credentials:programmes", args=[slug]),
                   {"name": "Forged", "start": "2026-01-01", "end": "2026-02-01",
                    "hours": "1", "min_posts": "0", "min_replies": "0", "min_topics": "0"}),
        # It has a certificate: only its description may change (the browser sends no
        # disabled field).
        "edit": (reverse("credentials:programme_edit", args=[slug, programme.pk]),
                 {"description": "Rewritten"}),
        "revoke": (reverse("credentials:revoke", args=[slug, certificate.pk]),
                   {"reason": "Forged"}),
    }
    refused = {LOGIN, 403, 404}
    for who in ALL_VISITORS:
        allowed = who in ("steward", "site_admin")
        for name, (url, data) in writes.items():
            client = as_visitor(world.cast, who)
            got = answer(client.post(url, data))
            client.logout()
            if allowed:
                assert got == 302, (name, who)
            else:
                assert got in refused, (name, who, got)
                if visibility == Community.Visibility.PRIVATE and who in ("anonymous",
                                                                          "outsider"):
                    assert got == 404
        if not allowed:
            assert not Certificate.objects.filter(recipient=world.cast.member).exists()
            assert not Programme.objects.filter(name="Forged").exists()
            assert not Programme.objects.filter(description="Rewritten").exists()
            certificate.refresh_from_db()
            assert not certificate.is_revoked
        # Put the world back for the next visitor.
        Certificate.objects.filter(recipient=world.cast.member).delete()
        Certificate.objects.filter(pk=certificate.pk).update(revoked_at=None)
        Programme.objects.filter(name__in=["Forged"]).delete()
        Programme.objects.filter(pk=programme.pk).update(description="")


# Defining and editing a programme ------------------------------------------------------------

def valid_programme(**changes) -> dict[str, str]:
    data = {"name": "Reflective practice 2025–26", "description": "Taking part all year.",
            "start": "2025-09-01", "end": "2026-02-28", "hours": "24.5", "min_posts": "10",
            "min_replies": "4", "min_topics": "2", "needs_applied_story": "on"}
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_a_steward_defines_a_programme_through_the_form(world, client):
    client.force_login(world.cast.steward)
    response = client.post(reverse("credentials:programmes", args=[world.cast.community.slug]),
                           valid_programme())
    programme = Programme.objects.get(community=world.cast.community)
    assert response["Location"] == reverse("credentials:programme",
                                           args=[world.cast.community.slug, programme.pk])
    assert (programme.name, str(programme.hours), programme.min_posts, programme.min_replies,
            programme.min_topics, programme.needs_applied_story) == (
        "Reflective practice 2025–26", "24.5", 10, 4, 2, True)
    assert programme.created_by == world.cast.steward
    page = client.get(reverse("credentials:programmes", args=[world.cast.community.slug]))
    assert "Reflective practice 2025–26" in page.content.decode()


@pytest.mark.parametrize("bad", [
    {"end": "2025-08-01"},  # before it starts
    {"start": "1980-01-01"},
    {"end": "2090-01-01"},
    {"start": "2019-01-01", "end": "2026-01-01"},  # longer than five years
    {"start": "not a date"},
    {"min_posts": "-1"},
    {"min_replies": "-3"},
    {"min_topics": "1e9"},
    {"min_posts": "99999999999999999999"},
    {"hours": "-2"},
    {"hours": "NaN"},
    {"hours": "100000"},
    {"name": ""},
    {"name": "x" * 201},
])
def test_bad_programmes_are_told_and_change_nothing(world, client, bad):
    client.force_login(world.cast.steward)
    url = reverse("credentials:programmes", args=[world.cast.community.slug])
    response = client.post(url, valid_programme(**bad))
    assert response.status_code == 200
    assert not response.context["form"].is_valid()
    assert "errorlist" in response.content.decode()
    assert not Programme.objects.exists()


def test_a_programme_without_certificates_is_edited_freely(world, client):
    programme = world.programme(hours=12)
    client.force_login(world.cast.steward)
    url = reverse("credentials:programme_edit", args=[world.cast.community.slug, programme.pk])
    page = client.get(url).content.decode()
    assert "disabled" not in page and 'id="locked-note"' not in page
    response = client.post(url, valid_programme(name="Renamed", hours="30",
                                                start=str(world.start), end=str(world.end)))
    assert response.status_code == 302
    programme.refresh_from_db()
    assert (programme.name, str(programme.hours), programme.min_posts) == (
        "Renamed", "30.0", 10)


def test_a_programme_with_certificates_keeps_what_they_state(world, client):
    """Once issued, the name, period, hours and criteria are locked (the certificate's pages
    read them from the programme); the description still changes."""
    programme = world.programme(hours=12, min_posts=5)
    certificate = issued_to(programme, world.cast.member)[0]
    client.force_login(world.cast.steward)
    url = reverse("credentials:programme_edit", args=[world.cast.community.slug, programme.pk])
    page = client.get(url).content.decode()
    assert 'id="locked-note"' in page
    for name in ("name", "start", "end", "hours", "min_posts", "min_replies", "min_topics",
                 "needs_applied_story"):
        tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', page)
        assert tag and " disabled" in tag.group(0), name
        assert 'aria-describedby="locked-note' in tag.group(0), name
    assert 'aria-describedby="locked-note id_hours_helptext"' in page
    assert 'id="id_hours_helptext"' in page
    description = re.search(r'<textarea[^>]*name="description"[^>]*>', page)
    assert description and "disabled" not in description.group(0)

    def saved() -> tuple:
        programme.refresh_from_db()
        return (programme.name, programme.start, programme.end, str(programme.hours),
                programme.min_posts, programme.min_replies, programme.min_topics,
                programme.needs_applied_story, programme.description)

    before = saved()
    # A forged post changing what the certificates state: refused, told, nothing changes
    # (not even the description posted with it).
    for forged in ({"name": "Renamed"}, {"hours": "30"}, {"start": "2025-10-01"},
                   {"end": "2026-01-31"}, {"min_posts": "1"}, {"min_replies": "9"},
                   {"min_topics": "7"}, {"needs_applied_story": "on"}, {"hours": "many"}):
        response = client.post(url, {"description": "Forged too", **forged})
        assert response.status_code == 200, forged
        assert "Only its description may change." in response.content.decode(), forged
        assert saved() == before, forged
    # The whole form posted again, unchanged, with a new description: saved.
    response = client.post(url, valid_programme(
        name=programme.name, start=str(programme.start), end=str(programme.end),
        hours="12", min_posts="5", min_replies="0", min_topics="0",
        needs_applied_story=None, description="Rewritten"))
    assert response.status_code == 302
    assert saved() == (*before[:-1], "Rewritten")
    # As a browser sends it: the disabled fields left out.
    response = client.post(url, {"description": "Once more"})
    assert response.status_code == 302
    assert saved() == (*before[:-1], "Once more")
    certificate.refresh_from_db()
    assert str(certificate.hours) == "12.0"
    # Revoked certificates count too.
    certificate.revoked_at = certificate.issued_at
    certificate.save()
    assert client.post(url, {"name": "Renamed"}).status_code == 200
    assert saved()[0] == before[0]


def test_another_communitys_programme_and_certificate_are_not_found(world, client, make_cast):
    other = build_other(make_cast)
    theirs = Programme.objects.create(community=other.community, name="Theirs",
                                      start=world.start, end=world.end)
    their_certificate = issued_to(theirs, other.member)[0]
    client.force_login(world.cast.steward)
    slug = world.cast.community.slug
    for url, data in [
        (reverse("credentials:programme", args=[slug, theirs.pk]), None),
        (reverse("credentials:programme_edit", args=[slug, theirs.pk]),
         valid_programme(name="Hijacked")),
        (reverse("credentials:issue", args=[slug, theirs.pk]), {"everyone": "1"}),
        (reverse("credentials:revoke", args=[slug, their_certificate.pk]), {"reason": "x"}),
    ]:
        response = client.post(url, data) if data else client.get(url)
        assert response.status_code == 404, url
    # Through their own community's address the steward is no steward: refused.
    for url, data in [
        (reverse("credentials:issue", args=[other.community.slug, theirs.pk]),
         {"everyone": "1"}),
        (reverse("credentials:revoke", args=[other.community.slug, their_certificate.pk]),
         {"reason": "x"}),
    ]:
        assert client.post(url, data).status_code in (403, 404)
    theirs.refresh_from_db()
    their_certificate.refresh_from_db()
    assert theirs.name == "Theirs" and not their_certificate.is_revoked
    assert Certificate.objects.filter(programme=theirs).count() == 1


def build_other(make_cast):
    return make_cast()


# Who meets the criteria, issuing ------------------------------------------------------------

def test_the_programme_page_shows_who_meets_nearly_and_what_is_missing(world, client):
    # Mina meets; Farid misses only 1 reply of 2 (50 %): not nearly; Nadia needs 1 more post
    # of 2 (50 %): not nearly. With min_posts=2, min_replies=1: Farid and Mina meet, Nadia
    # (1 post of 2) misses one post (50 %).
    programme = world.programme(min_posts=5, min_replies=3, min_topics=2,
                                needs_applied_story=True)
    client.force_login(world.cast.steward)
    page = client.get(reverse("credentials:programme",
                              args=[world.cast.community.slug, programme.pk]))
    assert [s.name for s in page.context["meets"].rows] == ["Mina Sadeghi"]
    assert page.context["nearly"].rows == []
    missing = {s.name: s.missing for s in page.context["not_yet"].rows}
    assert missing["Farid Ahmadi"] == ["3 more posts", "2 more replies to others",
                                       "a story of value applied in practice"]
    text = page.content.decode()
    assert "3 more posts; 2 more replies to others" in text
    assert f'name="one" value="{world.cast.member.pk}"' in text
    assert page.context["to_issue"] == 1
    nearly = world.programme(name="Nearly", min_posts=5, min_replies=3, min_topics=2)
    page = client.get(reverse("credentials:programme",
                              args=[world.cast.community.slug, nearly.pk]))
    assert [s.name for s in page.context["meets"].rows] == ["Mina Sadeghi"]


def test_issuing_one_then_again_never_duplicates(world, client):
    programme = world.programme(min_posts=5)
    client.force_login(world.cast.steward)
    url = reverse("credentials:issue", args=[world.cast.community.slug, programme.pk])
    response = client.post(url, {"one": world.cast.member.pk}, follow=True)
    assert Certificate.objects.filter(programme=programme).count() == 1
    assert "Issued 1 certificate: Mina Sadeghi." in said(response)
    response = client.post(url, {"one": world.cast.member.pk}, follow=True)
    assert Certificate.objects.filter(programme=programme).count() == 1
    assert ("1 already had one (issuing again changes nothing): Mina Sadeghi."
            in said(response))
    certificate = Certificate.objects.get(programme=programme)
    assert (certificate.recipient, certificate.recipient_name, certificate.issued_by) == (
        world.cast.member, "Mina Sadeghi", world.cast.steward)


def test_issuing_to_everyone_who_meets_and_to_those_ticked(world, client):
    programme = world.programme(min_posts=1)  # Mina (5), Farid (2), Nadia (1) meet
    client.force_login(world.cast.steward)
    url = reverse("credentials:issue", args=[world.cast.community.slug, programme.pk])
    response = client.post(url, {"user": [world.cast.facilitator.pk]}, follow=True)
    assert "Issued 1 certificate: Farid Ahmadi." in said(response)
    response = client.post(url, {"everyone": "1"}, follow=True)
    assert set(Certificate.objects.filter(programme=programme)
               .values_list("recipient_name", flat=True)) == {
        "Mina Sadeghi", "Farid Ahmadi", "Nadia Karimi"}
    assert "Issued 2 certificates: Mina Sadeghi, Nadia Karimi." in said(response)
    response = client.post(url, {"everyone": "1"}, follow=True)
    assert Certificate.objects.filter(programme=programme).count() == 3
    assert any("nothing was issued" in message for message in said(response))


def test_one_who_does_not_meet_is_refused_with_what_is_missing(world, client):
    programme = world.programme(min_posts=5)
    client.force_login(world.cast.steward)
    url = reverse("credentials:issue", args=[world.cast.community.slug, programme.pk])
    response = client.post(url, {"user": [world.nadia.pk, world.cast.member.pk]}, follow=True)
    assert list(Certificate.objects.filter(programme=programme)
                .values_list("recipient_name", flat=True)) == ["Mina Sadeghi"]
    assert "Not issued to Nadia Karimi, who still needs 4 more posts." in said(response)


def test_one_who_left_before_the_issue_is_told_so_in_its_own_sentence(world, client,
                                                                      monkeypatch):
    """Nadia is a member when the form is checked and no longer one when the standings are
    counted (she left in between): refused, in a sentence of its own."""
    programme = world.programme(min_posts=1)
    counted = criteria.standings
    monkeypatch.setattr(criteria, "standings", lambda p: [
        s for s in counted(p) if s.user.pk != world.nadia.pk])
    client.force_login(world.cast.steward)
    url = reverse("credentials:issue", args=[world.cast.community.slug, programme.pk])
    response = client.post(url, {"one": world.nadia.pk}, follow=True)
    assert said(response) == [
        "Not issued to Nadia Karimi, who is not a member of the community."]
    assert not Certificate.objects.exists()


def test_bulk_issue_counts_the_standings_once(world, client, monkeypatch):
    programme = world.programme(min_posts=1)
    calls = []
    counted = criteria.standings

    def counting(p):
        calls.append(p.pk)
        return counted(p)

    monkeypatch.setattr(criteria, "standings", counting)
    client.force_login(world.cast.steward)
    url = reverse("credentials:issue", args=[world.cast.community.slug, programme.pk])
    client.post(url, {"everyone": "1"})
    assert calls == [programme.pk]
    assert Certificate.objects.filter(programme=programme).count() == 3


@pytest.mark.parametrize("forged", [
    lambda world: {"one": world.cast.outsider.pk},
    lambda world: {"user": [world.cast.member.pk, world.cast.outsider.pk]},
    lambda world: {"one": "not a number"},
    lambda world: {"user": ["-1"]},
    lambda world: {},
])
def test_forged_or_empty_issue_requests_issue_nothing(world, client, forged):
    programme = world.programme()
    client.force_login(world.cast.steward)
    url = reverse("credentials:issue", args=[world.cast.community.slug, programme.pk])
    response = client.post(url, forged(world), follow=True)
    assert response.status_code == 200
    assert not Certificate.objects.exists()
    assert said(response)


def test_issue_answers_only_posts(world, client):
    programme = world.programme()
    client.force_login(world.cast.steward)
    url = reverse("credentials:issue", args=[world.cast.community.slug, programme.pk])
    assert client.get(url, {"everyone": "1"}).status_code == 405
    assert not Certificate.objects.exists()


# Revoking ----------------------------------------------------------------------------------

def test_revoking_needs_a_reason_and_is_said_everywhere(world, client):
    programme = world.programme()
    certificate = issued_to(programme, world.cast.member)[0]
    client.force_login(world.cast.steward)
    url = reverse("credentials:revoke", args=[world.cast.community.slug, certificate.pk])
    assert "Why is it revoked?" in client.get(url).content.decode()
    for empty in ({}, {"reason": "   "}):
        response = client.post(url, empty)
        assert response.status_code == 200
        assert "Say why the certificate is revoked." in response.content.decode()
        certificate.refresh_from_db()
        assert not certificate.is_revoked
    response = client.post(url, {"reason": "Issued by mistake"}, follow=True)
    certificate.refresh_from_db()
    assert certificate.is_revoked and certificate.revocation_reason == "Issued by mistake"
    assert certificate.revoked_by == world.cast.steward
    assert any("is revoked" in message for message in said(response))
    # Again: nothing changes, and it says so.
    revoked_at = certificate.revoked_at
    response = client.post(url, {"reason": "Twice"}, follow=True)
    certificate.refresh_from_db()
    assert (certificate.revoked_at, certificate.revocation_reason) == (revoked_at,
                                                                       "Issued by mistake")
    assert any("already revoked" in message for message in said(response))
    # Issuing again to the holder of a revoked certificate changes nothing either.
    client.post(reverse("credentials:issue", args=[world.cast.community.slug, programme.pk]),
                {"one": world.cast.member.pk})
    assert Certificate.objects.filter(programme=programme).count() == 1


# A member's own certificates -----------------------------------------------------------------

def test_a_member_sees_their_own_certificates_only(world, client):
    programme = world.programme()
    mine, theirs = issued_to(programme, world.cast.member, world.cast.facilitator)
    client.force_login(world.cast.member)
    page = client.get(reverse("credentials:mine", args=[world.cast.community.slug]))
    text = page.content.decode()
    assert [c for c, _documents in page.context["held"]] == [mine]
    assert mine.public_id in text and theirs.public_id not in text
    assert reverse("credentials:certificate_pdf", args=[mine.public_id]) in text
    assert reverse("credentials:ob3_json", args=[mine.public_id]) in text
    assert reverse("credentials:ob3_jwt", args=[mine.public_id]) in text
    assert "http://" in text and reverse("credentials:ob2_json", args=[mine.public_id]) in text


def href(url: str) -> str:
    return f'href="{url}"'


def test_members_and_stewards_find_the_pages_from_the_community(world, client):
    slug = world.cast.community.slug
    client.force_login(world.cast.member)
    home = client.get(reverse("communities:detail", args=[slug])).content.decode()
    assert href(reverse("credentials:mine", args=[slug])) in home
    assert href(reverse("credentials:programmes", args=[slug])) not in home
    client.force_login(world.cast.steward)
    stories = client.get(reverse("impact:stories", args=[slug])).content.decode()
    assert href(reverse("credentials:programmes", args=[slug])) in stories
    assert href(reverse("credentials:mine", args=[slug])) in stories


# The public verification pages ------------------------------------------------------------

def test_the_verification_page_of_a_valid_certificate(world, client):
    programme = world.programme(min_posts=1, description="A year of reflective practice.")
    certificate = issued_to(programme, world.cast.member, by=world.cast.steward)[0]
    page = client.get(certificate.get_absolute_url())
    text = page.content.decode()
    assert page.status_code == 200
    assert '<meta name="robots" content="noindex, nofollow">' in text
    assert page["X-Robots-Tag"] == "noindex, nofollow"
    for shown in ("Valid certificate", "Mina Sadeghi", "Reflective practice",
                  "A year of reflective practice.", world.cast.community.name,
                  "Alpha: loop input", "Beta: feedback", "Sara Tehrani", "at least 1 post",
                  certificate.public_id):
        assert shown in text, shown
    assert "REVOKED" not in text
    assert reverse("credentials:ob3_json", args=[certificate.public_id]) in text
    assert reverse("credentials:certificate_pdf", args=[certificate.public_id]) in text


def test_the_verification_page_of_a_revoked_certificate(world, client):
    certificate = issued_to(world.programme(), world.cast.member)[0]
    services.revoke(certificate, by=world.cast.steward, reason="Issued by mistake")
    text = client.get(certificate.get_absolute_url()).content.decode()
    assert "REVOKED" in text and "Issued by mistake" in text
    assert "Valid certificate" not in text


@pytest.mark.parametrize("code", ["nope", "x" * 300, "AAAAAAAAAAAAAAAAAAAAAA", "%00", "..."])
def test_an_unknown_certificate_is_a_clear_404(db, client, code):
    for url in (reverse("credentials:verify", args=[code]),
                reverse("credentials:certificate_pdf", args=[code])):
        page = client.get(url)
        assert page.status_code == 404
        assert "No such certificate" in page.content.decode()


def test_the_code_from_paper_leads_to_the_page(world, client):
    certificate = issued_to(world.programme(), world.cast.member)[0]
    url = reverse("credentials:verify_form")
    assert client.get(url).status_code == 200
    for typed in (certificate.public_id, f"  {certificate.public_id} ",
                  "https://praxis.example.org" + certificate.get_absolute_url(),
                  "https://praxis.example.org" + reverse("credentials:certificate_pdf",
                                                         args=[certificate.public_id])):
        response = client.get(url, {"code": typed})
        assert response["Location"] == certificate.get_absolute_url(), typed
    for bad in ("", "not a code!", "<script>", "٣٣٣"):
        response = client.get(url, {"code": bad})
        assert response.status_code == 400 and "errorlist" in response.content.decode()


def test_the_programme_page_asks_a_bounded_number_of_queries(world, client,
                                                               django_assert_max_num_queries):
    from praxis.communities.tests.factories import MembershipFactory

    programme = world.programme(min_posts=1)
    issued_to(programme, world.cast.member, world.cast.facilitator)
    client.force_login(world.cast.steward)
    url = reverse("credentials:programme", args=[world.cast.community.slug, programme.pk])
    client.get(url)
    with django_assert_max_num_queries(30) as few:
        client.get(url)
    for _ in range(15):
        MembershipFactory(community=world.cast.community)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


def test_each_list_of_the_programme_page_is_capped(world, client, monkeypatch):
    """At most ``MOST_ROWS`` rows in each list; the rest counted, and the bulk issue still
    reaches everyone who meets the criteria."""
    from praxis.communities.tests.factories import MembershipFactory
    from praxis.site.credentials import pages

    monkeypatch.setattr(pages, "MOST_ROWS", 2)
    for _ in range(3):
        MembershipFactory(community=world.cast.community)
    # Meet: Farid, Mina, Nadia (3). Not yet: Sara, the researcher and 3 new members (5).
    programme = world.programme(min_posts=1)
    issued_to(programme, world.cast.member, world.cast.facilitator, world.nadia)
    client.force_login(world.cast.steward)
    url = reverse("credentials:programme", args=[world.cast.community.slug, programme.pk])
    page = client.get(url)
    meets, not_yet, certificates = (page.context[name] for name in
                                    ("meets", "not_yet", "certificates"))
    assert (len(meets.rows), meets.count, meets.hidden) == (2, 3, 1)
    assert (len(not_yet.rows), not_yet.count, not_yet.hidden) == (2, 5, 3)
    assert (len(certificates.rows), certificates.count, certificates.hidden) == (2, 3, 1)
    text = page.content.decode()
    assert ("And 1 more member, not listed here: issuing to everyone who meets the "
            "criteria includes them.") in text
    assert "And 3 more members." in text
    assert "And 1 more certificate." in text
    nearly = world.programme(name="Nearly", min_posts=2)  # Nadia: 1 of 2, not nearly
    page = client.get(reverse("credentials:programme",
                              args=[world.cast.community.slug, nearly.pk]))
    assert (page.context["meets"].count, page.context["nearly"].count) == (2, 0)


def test_the_verification_page_in_persian(world, client):
    from datetime import date
    from decimal import Decimal

    programme = world.programme(hours=Decimal("24.5"))
    Programme.objects.filter(pk=programme.pk).update(start=date(2025, 9, 1))
    certificate = issued_to(Programme.objects.get(pk=programme.pk), world.cast.member)[0]
    text = client.get(certificate.get_absolute_url(),
                      HTTP_ACCEPT_LANGUAGE="fa").content.decode()
    assert 'lang="fa" dir="rtl"' in text
    assert "۲۴٫۵" in text  # hours in Persian digits and decimal separator
    assert "۱۰ شهریور ۱۴۰۴" in text  # 1 September 2025 in the Solar Hijri calendar
    assert f'<code dir="ltr">{certificate.public_id}</code>' in text
