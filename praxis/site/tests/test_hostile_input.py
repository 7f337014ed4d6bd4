"""No input gives a server error: arbitrary text, NULs, huge numbers and non-ASCII digits in
every query parameter the pages read, and in the forms people fill in, as every kind of
visitor, on SQLite and PostgreSQL alike (CI runs both). A refused form changes nothing."""

import os
from datetime import date

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from praxis.accounts.models import User
from praxis.communities.models import Community, Invitation
from praxis.discussions.tests.factories import make_thread, make_topic, reply
from praxis.interop.models import MoodleImport
from praxis.library import services as library
from praxis.library.models import Resource
from praxis.practice.services import plans
from praxis.practice.tests.plan_factories import draft as plan_draft

# What has broken pages before, and what breaks parsers: superscript and Arabic-Indic
# digits, NULs, overlong numbers, signs, whitespace, very long words.
NASTY = ["²", "٣", "１２", "\x00", "a\x00b", "9" * 40, "-1", "0", " 7", "1e9", "⁹⁹",
         "%00", "\u202e", "' OR 1=1 --", "<script>", "x" * 5000, "\ud7ff", ""]
VALUES = st.one_of(st.sampled_from(NASTY), st.text(max_size=60),
                   st.integers(min_value=-(2**70), max_value=2**70).map(str))
# `make fuzz` raises the count (PRAXIS_FUZZ_EXAMPLES) and draws new examples each run.
FUZZ_EXAMPLES = int(os.environ.get("PRAXIS_FUZZ_EXAMPLES", "25"))
HYPOTHESIS = settings(max_examples=FUZZ_EXAMPLES, deadline=None,
                      derandomize="PRAXIS_FUZZ_EXAMPLES" not in os.environ,
                      suppress_health_check=[HealthCheck.function_scoped_fixture,
                                             HealthCheck.too_slow])


@pytest.fixture
def world(cast):
    topic = make_topic(cast.community)
    thread = make_thread(topic, cast.facilitator)
    post = reply(thread, cast.member, body="A reply")
    slug = cast.community.slug
    resource = library.add_link(community=cast.community, added_by=cast.member, title="Loop",
                                url="https://example.org", tags=["CLT"])
    plan = plans.share_plan(community=cast.community, author=cast.steward, draft=plan_draft())
    plans.post_version(plan=plan, draft=plan_draft(title="Second"), change_note="Shorter")
    plan_request = plans.ask_for_feedback(version=plan.versions.get(number=2),
                                          asked_by=cast.steward, audience="community",
                                          questions="")
    # Each page with the query parameters it reads (and one it does not).
    cast.pages = {
        "/": ["x"], "/search/": ["q", "page", "community", "kind", "any"],
        f"/c/{slug}/": ["page"], f"/c/{slug}/search/": ["q", "page", "kind", "any"],
        f"/c/{slug}/members/": ["q", "role", "tier", "cohort", "page"],
        f"/c/{slug}/invitations/": ["page"], f"/c/{slug}/unread/": ["page"],
        f"/c/{slug}/topics/": ["page"], f"/c/{slug}/topics/archive/": ["q", "page"],
        f"/c/{slug}/proposals/": ["page"], f"/c/{slug}/moderation/": ["page"],
        topic.get_absolute_url(): ["page"],
        topic.get_absolute_url() + "participation/": ["page"],
        thread.get_absolute_url(): ["after", "before"],
        reverse("discussions:reply", args=[slug, thread.pk]): ["to", "quote"],
        post.get_absolute_url(): ["x"], "/outbox/": ["kind", "page"],
        "/accounts/login/": ["next"], "/accounts/signup/": ["next"],
        "/accounts/data/": ["x"], "/accounts/erase/": ["x"], "/accounts/erased/": ["x"],
        f"/c/{slug}/privacy/": ["x"],
        "/diary/": ["page"], "/diary/new/": ["model"], f"/c/{slug}/reflections/": ["page"],
        f"/c/{slug}/friends/": ["x"],
        f"/c/{slug}/library/": ["x"], f"/c/{slug}/library/all/": ["page"],
        f"/c/{slug}/library/topics/": ["page"], f"/c/{slug}/library/add/": ["x"],
        f"/c/{slug}/library/tags/clt/": ["page"],
        resource.get_absolute_url(): ["x"], resource.get_absolute_url() + "edit/": ["x"],
        f"/c/{slug}/plans/": ["page"], f"/c/{slug}/plans/new/": ["x"],
        plan.get_absolute_url(): ["x"], f"/c/{slug}/plans/{plan.pk}/compare/": ["from", "to"],
        f"/c/{slug}/plans/{plan.pk}/new-version/": ["answers"],
        f"/c/{slug}/plans/{plan.pk}/v2/feedback/": ["request"],
        f"/c/{slug}/plans/{plan.pk}/v2/ask/": ["x"],
        f"/c/{slug}/impact/dashboard/": ["start", "end", "cohort", "tier", "topic", "format"],
        f"/c/{slug}/impact/dashboard/mine/": ["start", "end", "topic", "format"],
        f"/c/{slug}/analytics/": ["start", "end", "topic", "cohort", "tier", "top", "sort",
                                  "direction", "page"],
        f"/c/{slug}/analytics/engagement.csv": ["start", "cohort", "sort"],
        f"/c/{slug}/analytics/engagement.xlsx": ["end", "direction"],
        f"/c/{slug}/analytics/activity/": ["start", "end", "topic", "cohort", "tier"],
        f"/c/{slug}/analytics/mine/": ["start", "end", "topic"],
        f"/c/{slug}/impact/cascade/": ["since", "until", "cohort"],
        f"/c/{slug}/impact/cascade/events/": ["mine", "page"],
        f"/c/{slug}/impact/cascade/events/new/": ["x"],
        f"/c/{slug}/impact/promises/": ["x"], f"/c/{slug}/impact/promises/new/": ["post"],
        f"/c/{slug}/impact/": ["page"], f"/c/{slug}/impact/stories/new/": ["x"],
        f"/c/{slug}/report/": ["start", "end"], f"/c/{slug}/report/report.pdf": ["end"],
        f"/c/{slug}/report/costs/": ["start", "end"],
    }
    moodle_run = MoodleImport.objects.create(community=cast.community, file_name="course.mbz",
                                             status=MoodleImport.Status.DONE)
    cast.pages[f"/c/{slug}/import/"] = ["x"]
    cast.pages[f"/c/{slug}/import/{moodle_run.pk}/"] = ["x"]
    # Certificates (issue 21): a programme, one certificate, the public pages.
    from praxis.credentials.models import Programme
    from praxis.credentials.services import issue

    programme = Programme.objects.create(community=cast.community, name="Programme",
                                         start=date(2026, 1, 1), end=date(2026, 3, 31))
    certificate = issue(programme, [cast.member], issued_by=cast.steward).issued[0]
    cast.pages.update({
        f"/c/{slug}/certificates/": ["x"], f"/c/{slug}/certificates/mine/": ["x"],
        f"/c/{slug}/certificates/{programme.pk}/": ["x"],
        f"/c/{slug}/certificates/{programme.pk}/edit/": ["x"],
        f"/c/{slug}/certificates/issued/{certificate.pk}/revoke/": ["x"],
        "/verify/": ["code"], certificate.get_absolute_url(): ["x"],
        certificate.get_absolute_url() + "certificate.pdf": ["x"],
    })
    cast.programme, cast.certificate = programme, certificate
    cast.plan, cast.plan_request = plan, plan_request
    cast.thread, cast.post = thread, post
    return cast


@pytest.mark.parametrize("who", ["anonymous", "member", "steward"])
def test_no_query_parameter_gives_a_server_error(world, client, who, settings):
    settings.DEBUG = False  # what a production visitor gets
    person = world.person(who)
    if person is not None:
        person.is_staff = person.is_superuser = who == "steward"  # the outbox too
        person.save()
        client.force_login(person)

    @HYPOTHESIS
    @given(value=VALUES)
    def check(value):
        for path, names in world.pages.items():
            for name in names:
                response = client.get(path, {name: value})
                assert response.status_code < 500, (path, name, value)

    check()


@pytest.mark.parametrize("length", [254, 255, 320, 400])
def test_an_overlong_address_is_refused_at_sign_up_and_in_invitations(cast, client, length):
    address = "a" * (length - len("@example.org")) + "@example.org"
    response = client.post(reverse("accounts:signup"), {
        "display_name": "Someone", "email": address, "password": "teaching-is-learning",
        "locale": "en"})
    if length <= 254:
        assert User.objects.filter(email=address).exists()
        return
    assert response.status_code == 200 and response.context["form"].errors["email"]
    assert not User.objects.filter(email=address).exists()
    client.force_login(cast.steward)
    response = client.post(reverse("communities:invitations", args=[cast.community.slug]),
                           {"emails": address, "role": "member"})
    assert response.status_code == 200
    assert "not valid email addresses" in response.content.decode()
    assert not Invitation.objects.exists()


@HYPOTHESIS
@given(title=VALUES, body=VALUES, emails=VALUES, name=VALUES)
def test_forms_refuse_what_they_cannot_take_and_change_nothing(world, client, title, body,
                                                               emails, name):
    client.force_login(world.steward)
    slug = world.community.slug
    community = Community.objects.get(pk=world.community.pk)
    posts, invitations = world.thread.posts.count(), Invitation.objects.count()
    reply_answer = client.post(reverse("discussions:reply", args=[slug, world.thread.pk]),
                               {"body": body, "to": title})
    invite_answer = client.post(reverse("communities:invitations", args=[slug]),
                                {"emails": emails, "role": name, "message": body})
    settings_answer = client.post(reverse("communities:settings", args=[slug]),
                                  {"name": name, "description": body, "visibility": title,
                                   "join_policy": "open"})
    others = [
        client.post(reverse("discussions:thread_create",
                            args=[slug, world.thread.topic.slug]),
                    {"title": title, "body": body, "kind": name}),
        client.post(reverse("discussions:flag", args=[slug, world.post.pk]), {"reason": body}),
        client.post(reverse("accounts:signup"), {"display_name": name, "email": emails,
                                                 "password": body, "locale": title}),
        client.post(reverse("practice:entry_new") + "?model=gibbs",
                    {"model": name, "written_on": title, "visibility": name,
                     "community": emails, "part_description": body}),
        client.post(reverse("practice:friend_invite", args=[slug]),
                    {"invitee": name, "message": body}),
        client.post(reverse("practice:plan_create", args=[slug]), {
            "title": title, "audience": name, "duration_minutes": title, "aims": body,
            "stages-TOTAL_FORMS": name, "stages-INITIAL_FORMS": "0",
            "stages-0-minutes": title, "stages-0-activity": body,
            "stages-0-interaction": name}),
        client.post(reverse("practice:request_create", args=[slug, world.plan.pk, 2]),
                    {"audience": name, "chosen": title, "questions": body}),
        client.post(reverse("impact:story_create", args=[slug]), {
            "title": title, "potential": body, "session_date": name, "trainee_count": title,
            "visibility": name, "source_topics": emails, "tell": ""}),
    ]
    resources = Resource.objects.count()
    library_answer = client.post(reverse("library:add", args=[slug]), {
        "kind": name, "url": emails, "title": title, "work_type": name, "authors": body,
        "year": title, "doi": name, "licence": emails, "tags": body})
    if library_answer.status_code != 302:
        assert Resource.objects.count() == resources
    answers = [reply_answer, invite_answer, settings_answer, library_answer, *others]
    assert all(answer.status_code < 500 for answer in answers)
    # Each refused form leaves what it would have changed as it was.
    if reply_answer.status_code != 302:
        assert world.thread.posts.count() == posts
    if invite_answer.status_code != 302:
        assert Invitation.objects.count() == invitations
    if settings_answer.status_code != 302:
        unchanged = Community.objects.get(pk=community.pk)
        assert (unchanged.name, unchanged.description, unchanged.visibility) == (
            community.name, community.description, community.visibility)


@HYPOTHESIS
@given(currency=VALUES, hours=VALUES, rate=VALUES, label=VALUES, amount=VALUES, rows=VALUES)
def test_the_report_costs_form_refuses_what_it_cannot_take(world, client, currency, hours,
                                                          rate, label, amount, rows):
    from praxis.analytics.models import CostItem, CostSheet

    client.force_login(world.steward)
    url = reverse("analytics:report_costs", args=[world.community.slug])
    before = (list(CostSheet.objects.values_list("currency", "facilitation_hours",
                                                  "hourly_rate")),
              list(CostItem.objects.values_list("label", "amount")))
    answer = client.post(url + "?start=2026-01-01&end=2026-03-31", {
        "currency": currency, "facilitation_hours": hours, "hourly_rate": rate,
        "costs-TOTAL_FORMS": rows, "costs-INITIAL_FORMS": "0",
        "costs-0-label": label, "costs-0-amount": amount})
    assert answer.status_code < 500
    if answer.status_code != 302:
        assert (list(CostSheet.objects.values_list("currency", "facilitation_hours",
                                                   "hourly_rate")),
                list(CostItem.objects.values_list("label", "amount"))) == before


@HYPOTHESIS
@given(name=VALUES, start=VALUES, end=VALUES, hours=VALUES, count=VALUES, who=VALUES,
       reason=VALUES)
def test_the_certificate_forms_refuse_what_they_cannot_take(world, client, name, start, end,
                                                           hours, count, who, reason):
    from praxis.credentials.models import Certificate, Programme

    client.force_login(world.steward)
    slug = world.community.slug
    programmes = list(Programme.objects.values_list("name", "start", "end", "hours",
                                                    "min_posts"))
    data = {"name": name, "start": start, "end": end, "hours": hours, "min_posts": count,
            "min_replies": count, "min_topics": "0"}
    answers = [
        client.post(reverse("credentials:programmes", args=[slug]), data),
        client.post(reverse("credentials:programme_edit", args=[slug, world.programme.pk]),
                    data),
        client.post(reverse("credentials:issue", args=[slug, world.programme.pk]),
                    {"user": [who, count], "one": who, "everyone": name}),
        client.post(reverse("credentials:revoke", args=[slug, world.certificate.pk]),
                    {"reason": reason}),
        client.get(reverse("credentials:verify_form"), {"code": reason}),
    ]
    assert all(answer.status_code < 500 for answer in answers)
    if answers[0].status_code != 302 and answers[1].status_code != 302:
        assert list(Programme.objects.values_list("name", "start", "end", "hours",
                                                  "min_posts")) == programmes
    # Never a second certificate for one person and programme.
    assert Certificate.objects.values("recipient").distinct().count() == (
        Certificate.objects.count())
    if answers[3].status_code != 302:
        assert not Certificate.objects.get(pk=world.certificate.pk).is_revoked
