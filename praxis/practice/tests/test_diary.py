"""The reflection diary: writing entries with prompt models, changing and deleting them, the
diary's pages and its export as one HTML file and a PDF."""

from datetime import date

import pytest
from django.urls import reverse

from praxis.communities.tests.factories import MembershipFactory
from praxis.practice.models import JournalEntry, PlanVersion, SessionPlan
from praxis.practice.models.diary import ReflectionModel
from praxis.practice.reflection import carried_over, headed_parts
from praxis.practice.services import diary as services
from praxis.practice.services.diary import DiaryRuleError, EntryDraft

pytestmark = pytest.mark.django_db

PRIVATE = JournalEntry.Visibility.PRIVATE
FRIENDS = JournalEntry.Visibility.FRIENDS
COMMUNITY = JournalEntry.Visibility.COMMUNITY


def plan_version(community, author, title="Teaching listening with podcasts") -> PlanVersion:
    plan = SessionPlan.objects.create(community=community, author=author, title=title)
    return PlanVersion.objects.create(plan=plan, number=1, title=title, audience="teachers",
                                      duration_minutes=90, aims="Listening for gist.")


def write(author, *, visibility=PRIVATE, community=None, model=ReflectionModel.FREE,
          parts=None, **fields) -> JournalEntry:
    draft = EntryDraft(written_on=date(2026, 3, 1), visibility=visibility, model=model,
                       parts=parts or {"text": "I had reflection in almost all my sessions."},
                       community=community, **fields)
    return services.create_entry(author=author, draft=draft)


def test_a_gibbs_entry_keeps_its_parts_in_the_model_s_order(cast):
    entry = write(cast.member, model=ReflectionModel.GIBBS,
                  parts={"action_plan": "Shorter input.", "description": "Too much input.",
                         "feelings": "  ", "stray": "ignored"})
    assert entry.parts == {"action_plan": "Shorter input.", "description": "Too much input."}
    assert [p.key for p, _text in headed_parts(entry.model, entry.parts)] == [
        "description", "action_plan"]


@pytest.mark.parametrize("change", [
    {"parts": {"text": "   "}},
    {"visibility": FRIENDS},  # shared without a community
    {"visibility": "everyone"},
    {"model": "dewey"},
    {"parts": {"text": "x" * 20001}},
])
def test_entries_the_rules_refuse_are_not_written(cast, change):
    with pytest.raises(DiaryRuleError):
        write(cast.member, **change)
    assert not JournalEntry.objects.exists()


def test_an_entry_is_shared_only_in_its_author_s_communities(cast):
    with pytest.raises(DiaryRuleError):
        write(cast.outsider, visibility=COMMUNITY, community=cast.community)
    other_plan = plan_version(cast.community, cast.steward)
    with pytest.raises(DiaryRuleError):  # a plan of a community not theirs
        write(cast.outsider, plan_version=other_plan)
    assert not JournalEntry.objects.exists()


def test_a_shared_entry_names_a_plan_of_its_own_community(cast, make_cast):
    other = make_cast()
    MembershipFactory(community=other.community, user=cast.member)
    elsewhere = plan_version(other.community, other.steward)
    with pytest.raises(DiaryRuleError):
        write(cast.member, visibility=COMMUNITY, community=cast.community,
              plan_version=elsewhere)
    entry = write(cast.member, plan_version=elsewhere)  # private: any plan they may read
    assert entry.plan_version == elsewhere


def test_only_the_author_changes_or_deletes(cast):
    entry = write(cast.member)
    draft = EntryDraft(written_on=date(2026, 3, 2), visibility=PRIVATE,
                       parts={"text": "Changed"})
    with pytest.raises(DiaryRuleError):
        services.update_entry(entry=entry, actor=cast.steward, draft=draft)
    with pytest.raises(DiaryRuleError):
        services.delete_entry(entry=entry, actor=cast.steward)
    services.update_entry(entry=entry, actor=cast.member, draft=draft)
    entry.refresh_from_db()
    assert entry.parts == {"text": "Changed"}
    services.delete_entry(entry=entry, actor=cast.member)
    assert not JournalEntry.objects.exists()


def test_moving_to_another_model_loses_no_text():
    parts = {"what": "We role-played.", "so_what": "They spoke more.", "now_what": "Again."}
    moved = carried_over(ReflectionModel.WHAT_SO_WHAT, ReflectionModel.KOLB, parts)
    assert list(moved) == ["experience"]
    for text in parts.values():
        assert text in moved["experience"]
    assert carried_over(ReflectionModel.FREE, ReflectionModel.FREE, {"text": "a"}) == {
        "text": "a"}


def test_writing_an_entry_through_the_page_with_kolb_prompts(cast, client):
    client.force_login(cast.member)
    url = reverse("practice:entry_new") + "?model=kolb"
    page = client.get(url)
    assert page.status_code == 200
    assert "Concrete experience" in page.content.decode()
    response = client.post(url, {
        "model": "kolb", "written_on": "2026-03-01", "title": "Podcast session",
        "visibility": "community", "community": cast.community.pk,
        "part_experience": "Played a **podcast**.", "part_experimentation": "Shorter clips.",
        "session_date": "2026-02-28", "session_audience": "Novice teachers",
    })
    assert response.status_code == 302
    entry = JournalEntry.objects.get()
    assert (entry.model, entry.visibility, entry.community) == ("kolb", COMMUNITY, cast.community)
    shown = client.get(entry.get_absolute_url()).content.decode()
    assert "<strong>podcast</strong>" in shown and "Active experimentation" in shown


def test_the_form_refuses_bad_input_with_a_message_and_writes_nothing(cast, client):
    client.force_login(cast.member)
    url = reverse("practice:entry_new")
    for data in (
        {"model": "free", "written_on": "2026-03-01", "visibility": "private"},  # no text
        {"model": "free", "written_on": "tomorrow", "visibility": "private", "part_text": "a"},
        {"model": "free", "written_on": "2026-03-01", "visibility": "friends",
         "part_text": "a"},  # no community
        {"model": "free", "written_on": "2026-03-01", "visibility": "community",
         "community": cast.outsider.memberships.get().community_id, "part_text": "a"},
        {"model": "gibbs", "written_on": "2026-03-01", "visibility": "private",
         "part_text": "a"},  # not the prompts the page showed
    ):
        response = client.post(url, data)
        assert response.status_code == 400, data
        assert "errorlist" in response.content.decode()
    assert not JournalEntry.objects.exists()


def test_editing_through_the_page_can_change_the_model(cast, client):
    entry = write(cast.member, parts={"text": "All of it"})
    client.force_login(cast.member)
    url = reverse("practice:entry_edit", args=[entry.pk]) + "?model=what"
    page = client.get(url).content.decode()
    assert "All of it" in page
    client.post(url, {"model": "what", "written_on": "2026-03-01", "visibility": "private",
                      "part_what": "All of it", "part_now_what": "Next"})
    entry.refresh_from_db()
    assert entry.model == "what" and entry.parts["now_what"] == "Next"


def test_deleting_through_the_page(cast, client):
    entry = write(cast.member)
    client.force_login(cast.member)
    url = reverse("practice:entry_delete", args=[entry.pk])
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 302
    assert not JournalEntry.objects.exists()


def test_the_export_holds_every_entry_of_the_author_and_nobody_else_s(cast, client):
    write(cast.member, parts={"text": "My private words"})
    write(cast.member, visibility=COMMUNITY, community=cast.community,
          model=ReflectionModel.GIBBS, parts={"description": "A shared description"})
    write(cast.steward, visibility=COMMUNITY, community=cast.community,
          parts={"text": "The steward's words"})
    client.force_login(cast.member)
    response = client.get(reverse("practice:diary_html"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    body = response.content.decode()
    assert "My private words" in body and "A shared description" in body
    assert "The steward" not in body
    assert "<script" not in body
    pdf = client.get(reverse("practice:diary_pdf"))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_the_export_in_persian_is_a_pdf_too(cast, client):
    cast.member.locale = "fa"
    cast.member.save()
    write(cast.member, parts={"text": "در تقریبا همه جلسات آموزشی‌ام تأمل داشتم."})
    client.force_login(cast.member)
    response = client.get(reverse("practice:diary_pdf"), HTTP_ACCEPT_LANGUAGE="fa")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_diary_pages_read_in_a_bounded_number_of_queries(
        cast, client, django_assert_max_num_queries):
    version = plan_version(cast.community, cast.member)
    for number in range(12):
        write(cast.member, visibility=COMMUNITY if number % 2 else PRIVATE,
              community=cast.community, plan_version=version,
              model=ReflectionModel.GIBBS, parts={"description": f"Session {number}"})
    client.force_login(cast.member)
    for name, args in (("practice:diary", []), ("practice:diary_html", []),
                       ("practice:diary_pdf", []), ("practice:entry_new", []),
                       ("practice:reflections", [cast.community.slug])):
        with django_assert_max_num_queries(12):
            assert client.get(reverse(name, args=args)).status_code == 200, name
    client.force_login(cast.steward)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("practice:reflections", args=[cast.community.slug]))
    assert page.content.decode().count('class="card entry"') == 6


def test_the_form_offers_only_plans_of_the_author_s_communities(cast, client, make_cast):
    own = plan_version(cast.community, cast.steward, title="Observation cycle")
    other = make_cast()
    plan_version(other.community, other.steward, title="Secret plan elsewhere")
    client.force_login(cast.member)
    page = client.get(reverse("practice:entry_new")).content.decode()
    assert "Observation cycle" in page and "Secret plan elsewhere" not in page
    response = client.post(reverse("practice:entry_new"), {
        "model": "free", "written_on": "2026-03-01", "visibility": "private",
        "part_text": "a", "plan_version": PlanVersion.objects.exclude(pk=own.pk).get().pk})
    assert response.status_code == 400
    assert not JournalEntry.objects.exists()


def test_a_deleted_community_leaves_its_members_diaries_whole_and_private(cast):
    entries = [write(cast.member, visibility=visibility, community=cast.community)
               for visibility in (PRIVATE, FRIENDS, COMMUNITY)]
    cast.community.delete()
    kept = JournalEntry.objects.filter(pk__in=[entry.pk for entry in entries])
    assert kept.count() == 3
    assert set(kept.values_list("visibility", "community")) == {(PRIVATE, None)}
