"""The session plan pages: the permission matrix (listed, private and public communities,
every kind of visitor), sharing and versions through the forms without JavaScript, bad input,
the comparison, the downloads and a constant number of queries per page."""

from dataclasses import dataclass

import pytest
from django.urls import reverse

from praxis.communities.models import Community
from praxis.discussions.tests import samples
from praxis.discussions.tests.factories import make_topic
from praxis.notifications.models import OutboundEmail
from praxis.practice.models import Feedback, FeedbackRequest, SessionPlan
from praxis.practice.services import plans as services
from praxis.practice.tests.plan_factories import STAGES, draft

LOGIN = "login"
# As in the cast module's ALL_VISITORS (not imported: tests/browser has a conftest too).
VISITORS = ["anonymous", "outsider", "member", "facilitator", "steward", "researcher",
            "site_admin"]

# view -> answer per visitor; the plan's author is the member. Listed community.
READ = (LOGIN, 403, 200, 200, 200, 200, 200)
LISTED = {
    "plans": READ, "plan": READ, "version": READ, "compare": READ, "offline": READ,
    "pdf": READ, "file": READ,
    "create": (LOGIN, 403, 200, 200, 200, 200, 403),
    "new_version": (LOGIN, 403, 200, 403, 403, 403, 403),
    "ask": (LOGIN, 403, 200, 403, 403, 403, 403),
    "feedback": (LOGIN, 403, 403, 200, 200, 200, 403),
    "acted": (LOGIN, 403, 302, 403, 403, 403, 403),
    "close": (LOGIN, 403, 302, 403, 403, 403, 403),
}
# Those outside a private community do not learn it exists.
PRIVATE = {name: (404, 404, *answers[2:]) for name, answers in LISTED.items()}
# Anyone reads a public community's plans; taking part is for its members.
PUBLIC = {**LISTED, **{name: (200, 200, *LISTED[name][2:])
                       for name in ("plans", "plan", "version", "compare", "offline", "pdf",
                                    "file")}}
POSTS = {"acted", "close"}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Uploaded files go to a temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@dataclass
class Scene:
    plan: SessionPlan
    urls: dict[str, str]


def _scene(cast) -> Scene:
    plan = services.share_plan(community=cast.community, author=cast.member, draft=draft(),
                               upload=samples.upload("plan.pdf", samples.pdf()))
    v1 = plan.versions.get()
    services.post_version(plan=plan, draft=draft(stages=STAGES[:2]), change_note="Shorter")
    feedback = services.give_feedback(version=v1, author=cast.steward, works="Clear")
    request = services.ask_for_feedback(version=v1, asked_by=cast.member,
                                        audience="community", questions="")
    slug, pk = cast.community.slug, plan.pk
    return Scene(plan=plan, urls={
        "plans": reverse("practice:plans", args=[slug]),
        "create": reverse("practice:plan_create", args=[slug]),
        "plan": reverse("practice:plan", args=[slug, pk]),
        "version": reverse("practice:version", args=[slug, pk, 1]),
        "compare": reverse("practice:compare", args=[slug, pk]) + "?from=1&to=2",
        "offline": reverse("practice:plan_offline", args=[slug, pk]),
        "pdf": reverse("practice:plan_pdf", args=[slug, pk]),
        "file": reverse("practice:original_file", args=[slug, pk, 1]),
        "new_version": reverse("practice:version_create", args=[slug, pk]),
        "ask": reverse("practice:request_create", args=[slug, pk, 2]),
        "feedback": reverse("practice:feedback", args=[slug, pk, 2]),
        "acted": reverse("practice:feedback_acted", args=[slug, pk, feedback.pk]),
        "close": reverse("practice:request_close", args=[slug, pk, request.pk]),
    })


@pytest.mark.parametrize("case,visibility,matrix", [
    ("listed", Community.Visibility.LISTED, LISTED),
    ("private", Community.Visibility.PRIVATE, PRIVATE),
    ("public", Community.Visibility.PUBLIC, PUBLIC),
])
@pytest.mark.parametrize("index,visitor", list(enumerate(VISITORS)))
def test_plan_pages_answer_each_visitor_as_the_matrix_says(make_cast, as_visitor, media, case,
                                                            visibility, matrix, index,
                                                            visitor):
    cast = make_cast(researchers=True, visibility=visibility)
    scene = _scene(cast)
    client = as_visitor(cast, visitor)
    for name, answers in matrix.items():
        url = scene.urls[name]
        response = client.post(url) if name in POSTS else client.get(url)
        expected = answers[index]
        label = f"{visitor} ({case}) {name}"
        if expected == LOGIN:
            assert response.status_code == 302, f"{label}: {response.status_code}"
            assert response["Location"].startswith(reverse("accounts:login")), label
        else:
            assert response.status_code == expected, (
                f"{label}: {response.status_code}, expected {expected}")


def test_a_plan_of_another_community_is_not_found_under_this_one(cast, make_cast, client):
    other = make_cast()
    plan = services.share_plan(community=other.community, author=other.member, draft=draft())
    client.force_login(cast.member)
    assert client.get(reverse("practice:plan", args=[cast.community.slug, plan.pk])
                      ).status_code == 404


def _stage_rows(rows, total=None):
    data = {"stages-TOTAL_FORMS": str(total or len(rows)), "stages-INITIAL_FORMS": "0",
            "stages-MIN_NUM_FORMS": "0", "stages-MAX_NUM_FORMS": "30"}
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"stages-{index}-{key}"] = value
    return data


PLAN_FIELDS = {"title": "Micro-teaching: eliciting", "audience": "teachers",
               "level": "pre-service", "duration_minutes": "60",
               "aims": "Trainees practise eliciting vocabulary."}


def test_sharing_a_plan_through_the_form(cast, client, media):
    topic = make_topic(cast.community)
    client.force_login(cast.member)
    url = reverse("practice:plan_create", args=[cast.community.slug])
    assert client.get(url).status_code == 200
    rows = [{"minutes": "15", "activity": "Demo lesson", "interaction": "trainer_led"},
            {"minutes": "", "activity": "", "interaction": ""}]
    response = client.post(url, {**PLAN_FIELDS, "topics": [topic.pk], **_stage_rows(rows)})
    plan = SessionPlan.objects.get()
    assert response.status_code == 302 and response["Location"] == plan.get_absolute_url()
    assert list(plan.topics.all()) == [topic]
    assert plan.versions.get().stages.get().activity == "Demo lesson"


def test_more_stages_re_renders_with_blank_rows_and_saves_nothing(cast, client):
    client.force_login(cast.member)
    url = reverse("practice:plan_create", args=[cast.community.slug])
    rows = [{"minutes": "15", "activity": "Demo lesson", "interaction": "trainer_led"}]
    response = client.post(url, {**PLAN_FIELDS, "more_stages": "1", **_stage_rows(rows)})
    assert response.status_code == 200
    assert b'name="stages-3-activity"' in response.content
    assert b"Demo lesson" in response.content
    assert not SessionPlan.objects.exists()


@pytest.mark.parametrize("change", [
    {"duration_minutes": "0"}, {"title": ""}, {"audience": "aliens"},
    {"stages": [{"minutes": "10", "activity": "", "interaction": "pairs",
                 "materials": "cards"}]},
    {"stages": [{"minutes": "", "activity": "No time", "interaction": "pairs"}]},
    {"stages": [{"minutes": "", "activity": "", "interaction": ""}]},
])
def test_bad_input_gets_a_message_and_saves_nothing(cast, client, change):
    client.force_login(cast.member)
    rows = change.pop("stages", [{"minutes": "15", "activity": "Demo",
                                  "interaction": "trainer_led"}])
    response = client.post(reverse("practice:plan_create", args=[cast.community.slug]),
                           {**PLAN_FIELDS, **change, **_stage_rows(rows)})
    assert response.status_code == 400
    assert b"errorlist" in response.content or b"form-errors" in response.content
    assert not SessionPlan.objects.exists()


def test_a_new_version_through_the_form_answers_the_ticked_feedback(cast, client):
    plan = services.share_plan(community=cast.community, author=cast.member, draft=draft())
    feedback = services.give_feedback(version=plan.versions.get(), author=cast.steward,
                                      change="Too much input")
    client.force_login(cast.member)
    url = reverse("practice:version_create", args=[cast.community.slug, plan.pk])
    page = client.get(url)
    assert b"Too much input" in page.content and b"Giving feedback" in page.content
    rows = [{"minutes": "10", "activity": "Shorter input", "interaction": "trainer_led"}]
    response = client.post(url, {**PLAN_FIELDS, "change_note": "Less input",
                                 "answers": [feedback.pk], **_stage_rows(rows)})
    assert response.status_code == 302
    feedback.refresh_from_db()
    assert feedback.acted_on_at is not None
    assert list(feedback.answered_in.values_list("number", flat=True)) == [2]
    detail = client.get(reverse("practice:plan", args=[cast.community.slug, plan.pk]))
    assert "answered in v2" in detail.content.decode()


def test_asking_and_giving_feedback_through_the_pages(cast, client):
    plan = services.share_plan(community=cast.community, author=cast.member, draft=draft())
    slug = cast.community.slug
    client.force_login(cast.member)
    response = client.post(reverse("practice:request_create", args=[slug, plan.pk, 1]),
                           {"audience": "chosen", "chosen": [cast.steward.pk],
                            "questions": "Is the timing realistic?"})
    assert response.status_code == 302
    request = FeedbackRequest.objects.get()
    assert list(OutboundEmail.objects.values_list("user_id", flat=True)) == [cast.steward.pk]
    client.force_login(cast.steward)
    url = reverse("practice:feedback", args=[slug, plan.pk, 1]) + f"?request={request.pk}"
    assert "Is the timing realistic?" in client.get(url).content.decode()
    assert client.post(url, {"works": "", "change": "", "question": ""}).status_code == 400
    response = client.post(url, {"works": "The warm-up", "change": "", "question": "",
                                 "request": request.pk})
    assert response.status_code == 302
    feedback = Feedback.objects.get()
    assert feedback.request == request and feedback.author == cast.steward


def test_asking_chosen_members_without_choosing_is_refused(cast, client):
    plan = services.share_plan(community=cast.community, author=cast.member, draft=draft())
    client.force_login(cast.member)
    response = client.post(reverse("practice:request_create",
                                   args=[cast.community.slug, plan.pk, 1]),
                           {"audience": "chosen", "questions": ""})
    assert response.status_code == 400
    assert not FeedbackRequest.objects.exists()


def test_the_comparison_marks_what_changed_with_words_not_colour_only(cast, client):
    plan = services.share_plan(community=cast.community, author=cast.member, draft=draft())
    services.post_version(plan=plan, draft=draft(aims="Trainers practise giving short feedback."),
                          change_note="Shorter")
    client.force_login(cast.steward)
    url = reverse("practice:compare", args=[cast.community.slug, plan.pk])
    page = client.get(url + "?from=1&to=2").content.decode()
    assert "<ins>" in page and "added:" in page and "<del>" in page and "removed:" in page
    assert client.get(url + "?from=1&to=9").status_code == 302
    assert client.get(url + "?from=x").status_code == 200  # the latest two


def test_downloads_hold_the_plan(cast, client):
    plan = services.share_plan(community=cast.community, author=cast.member, draft=draft())
    services.give_feedback(version=plan.versions.get(), author=cast.steward, works="Clear")
    client.force_login(cast.steward)
    html = client.get(reverse("practice:plan_offline", args=[cast.community.slug, plan.pk]))
    assert "attachment" in html["Content-Disposition"]
    assert "Warm-up" in html.content.decode() and "Clear" in html.content.decode()
    pdf = client.get(reverse("practice:plan_pdf", args=[cast.community.slug, plan.pk]))
    assert pdf.content.startswith(b"%PDF-")


def test_a_persian_plan_downloads_as_pdf(cast, client):
    plan = services.share_plan(community=cast.community, author=cast.member,
                               draft=draft(title="بازخورد به معلمان", aims="هدف جلسه"))
    client.force_login(cast.steward)
    response = client.get(reverse("practice:plan_pdf", args=[cast.community.slug, plan.pk]),
                          HTTP_ACCEPT_LANGUAGE="fa")
    assert response.content.startswith(b"%PDF-")


def _many(cast, plans: int, versions: int, feedback: int) -> SessionPlan:
    plan = None
    for n in range(plans):
        plan = services.share_plan(community=cast.community, author=cast.member,
                                   draft=draft(title=f"Plan {n}"))
        for _ in range(versions - 1):
            version = services.post_version(plan=plan, draft=draft(), change_note="again")
        version = plan.versions.order_by("-number").first()
        for _ in range(feedback):
            services.give_feedback(version=version, author=cast.steward, works="Good")
        services.ask_for_feedback(version=version, asked_by=cast.member, audience="chosen",
                                  questions="?", chosen=[cast.facilitator])
    assert plan is not None
    return plan


@pytest.mark.parametrize("size", [1, 4])
def test_plan_pages_ask_a_constant_number_of_queries(cast, client, size,
                                                      django_assert_max_num_queries):
    plan = _many(cast, plans=size, versions=size, feedback=size)
    slug = cast.community.slug
    client.force_login(cast.member)
    for url in (reverse("practice:plans", args=[slug]),
                reverse("practice:plan", args=[slug, plan.pk]),
                reverse("practice:version", args=[slug, plan.pk, size]),
                reverse("practice:compare", args=[slug, plan.pk]),
                reverse("practice:version_create", args=[slug, plan.pk]),
                reverse("practice:plan_offline", args=[slug, plan.pk])):
        with django_assert_max_num_queries(16):
            assert client.get(url).status_code == 200
    client.force_login(cast.steward)
    with django_assert_max_num_queries(16):
        assert client.get(reverse("practice:feedback", args=[slug, plan.pk, size])
                          ).status_code == 200


def test_a_topic_page_lists_the_plans_it_inspired(cast, client):
    topic = make_topic(cast.community)
    services.share_plan(community=cast.community, author=cast.member,
                        draft=draft(title="Reflective teaching workshop"), topics=[topic])
    client.force_login(cast.steward)
    page = client.get(reverse("topics:detail", args=[cast.community.slug, topic.slug]))
    assert "Reflective teaching workshop" in page.content.decode()


def test_home_shows_the_requests_asking_for_my_feedback_until_i_give_it(cast, client,
                                                                        django_assert_max_num_queries):
    for n in range(3):
        plan = services.share_plan(community=cast.community, author=cast.member,
                                   draft=draft(title=f"Micro-teaching {n}"))
        services.ask_for_feedback(version=plan.versions.get(), asked_by=cast.member,
                                  audience="chosen", questions="", chosen=[cast.steward])
    client.force_login(cast.steward)
    with django_assert_max_num_queries(20):
        page = client.get(reverse("core:home")).content.decode()
    assert "Asked for your feedback" in page and "Micro-teaching 2" in page
    services.give_feedback(version=plan.versions.get(), author=cast.steward, works="Yes")
    assert "Micro-teaching 2" not in client.get(reverse("core:home")).content.decode()
    client.force_login(cast.facilitator)
    assert "Asked for your feedback" not in client.get(reverse("core:home")).content.decode()


def test_answer_it_in_a_new_version_ticks_that_feedback(cast, client):
    plan = services.share_plan(community=cast.community, author=cast.member, draft=draft())
    feedback = services.give_feedback(version=plan.versions.get(), author=cast.steward,
                                      change="Too much input")
    client.force_login(cast.member)
    page = client.get(plan.get_absolute_url()).content.decode()
    link = reverse("practice:version_create", args=[cast.community.slug, plan.pk])
    assert f"{link}?answers={feedback.pk}" in page
    form = client.get(f"{link}?answers={feedback.pk}").content.decode()
    assert f'value="{feedback.pk}"' in form and "checked" in form


def test_a_member_beyond_the_listed_ones_is_found_by_name_and_asked(cast, client,
                                                                    monkeypatch):
    from praxis.communities.tests.factories import MembershipFactory as Member
    from praxis.practice.queries import plans as plan_queries

    monkeypatch.setattr(plan_queries, "ASKABLE_SHOWN", 2)
    last = Member(community=cast.community, user__display_name="Zahra Yazdani").user
    plan = services.share_plan(community=cast.community, author=cast.member, draft=draft())
    url = reverse("practice:request_create", args=[cast.community.slug, plan.pk, 1])
    client.force_login(cast.member)
    page = client.get(url).content.decode()
    assert "Zahra Yazdani" not in page and 'name="q"' in page
    assert "Zahra Yazdani" in client.get(url, {"q": "yazd"}).content.decode()
    response = client.post(url, {"audience": "chosen", "questions": "", "chosen": [last.pk]})
    assert response.status_code == 302
    assert list(plan.versions.get().feedback_requests.get().asked.all()) == [last]
