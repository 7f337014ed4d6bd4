"""axe-core on every main page, in English and (for some) Persian; and no sideways scrolling
on a phone. axe injects its own script, so these pages are opened with JavaScript on."""

from datetime import date, timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core import mail

from praxis.accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from praxis.communities import services
from praxis.communities.models import Community, JoinRequest, Membership
from praxis.communities.tests.factories import CohortFactory, MembershipFactory
from praxis.demo.moodle_backup import BackupSpec, write_backup
from praxis.interop.models import MoodleImport
from praxis.interop.moodle.importer import import_source
from praxis.interop.moodle.sources import open_source
from praxis.library.services import add_link, record_read
from praxis.practice.services.plans import post_version, share_plan
from praxis.practice.tests.plan_factories import draft as plan_draft

FAILING_IMPACTS = {"serious", "critical"}
PHONE = {"width": 375, "height": 812}

axe = Axe()


def check(page, label: str, screenshot) -> list[str]:
    """Runs axe on the open page; returns one line per serious or critical violation."""
    page.wait_for_load_state()
    assert page.locator("main").count() == 1, f"{label}: {page.url} did not render a page"
    screenshot(page, f"a11y-{label}")
    results = axe.run(page)
    problems = []
    for violation in results.response["violations"]:
        targets = "; ".join(
            " ".join(str(part) for part in node["target"]) for node in violation["nodes"]
        )
        line = f"{label} ({page.url}): {violation['id']} [{violation['impact']}] {targets}"
        if violation["impact"] in FAILING_IMPACTS:
            problems.append(line + f"\n    {violation['help']}: {violation['helpUrl']}")
        else:
            print("minor:", line)
    return problems


def visit_all(page, label_prefix: str, paths: dict[str, str], screenshot) -> list[str]:
    problems = []
    for label, path in paths.items():
        response = page.goto(path)
        assert response is not None and response.status < 400, f"{path}: {response}"
        problems += check(page, f"{label_prefix}-{label}", screenshot)
    return problems


def switch_language(page, code: str) -> None:
    page.locator(f".lang-switch button[value={code}]").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == code


@pytest.fixture
def community(make_cast, live_server):
    """A community with something on every page: a cohort, a pending request, an invitation."""
    cast = make_cast(join_policy=Community.JoinPolicy.REQUEST)
    trainer = MembershipFactory(community=cast.community, tier=Membership.Tier.MASTER_TRAINER)
    cohort = CohortFactory(community=cast.community, name="Isfahan 2024", year=2024,
                           description="Trained in the spring.")
    cohort.trainers.add(trainer)
    cohort.members.add(*cast.community.memberships.filter(role=Membership.Role.MEMBER))
    JoinRequest.objects.create(community=cast.community, user=cast.outsider,
                               message="I train teachers in Yazd.")
    services.invite_people(actor=cast.steward, community=cast.community,
                           emails=["guest@example.org"], message="Welcome!",
                           site_url=live_server.url)
    cast.invitation_link = mail.outbox[-1].body.split(live_server.url, 1)[1].split()[0]
    return cast


def imported_run(community, tmp_path) -> MoodleImport:
    """A finished Moodle import of a course written as Moodle writes one, with its summary."""
    backup = tmp_path / "course.mbz"
    write_backup(BackupSpec(), backup)
    with open_source(backup) as source:
        summary = import_source(source, community=community.community,
                                actor=community.steward)
    return MoodleImport.objects.create(
        community=community.community, started_by=community.steward, file_name=backup.name,
        status=MoodleImport.Status.DONE, summary=summary.as_json())


def test_main_pages_have_no_serious_accessibility_violations(
    new_context, community, log_in, screenshot, tmp_path, settings
):
    slug = community.community.slug
    member_id = community.community.memberships.get(user=community.member).pk
    problems: list[str] = []

    anonymous = new_context(javascript=True).new_page()
    anonymous_pages = {
        "home-anonymous": "/",
        "login": "/accounts/login/",
        "signup": "/accounts/signup/",
        "password-reset": "/accounts/password-reset/",
        "invitation": community.invitation_link,
        "community-home-anonymous": f"/c/{slug}/",
    }
    problems += visit_all(anonymous, "en", anonymous_pages, screenshot)
    # A form with its errors showing.
    anonymous.goto("/accounts/login/")
    anonymous.locator("main").get_by_label("Email address").fill("nobody@example.org")
    anonymous.locator("main").get_by_label("Password").fill("wrong")
    anonymous.locator("main").get_by_role("button", name="Log in").click()
    problems += check(anonymous, "en-login-error", screenshot)

    switch_language(anonymous, "fa")
    problems += visit_all(anonymous, "fa", {
        key: anonymous_pages[key] for key in ("home-anonymous", "login", "signup", "invitation")
    }, screenshot)

    # Session plans (issue 18): the steward's own plan, in two versions.
    plan = share_plan(community=community.community, author=community.steward,
                      draft=plan_draft())
    post_version(plan=plan, draft=plan_draft(title="Feedback that trainees use"),
                 change_note="Shorter input")
    plans = f"/c/{slug}/plans/"
    # The library (issue 18): a resource with its citation, tags and a reading.
    resource = add_link(community=community.community, added_by=community.steward,
                        title="Reflective practice", url="https://example.org/r",
                        details={"authors": "Farrell, Thomas S. C.", "year": 2016},
                        tags=["reflection"])
    record_read(resource=resource, reader=community.member)
    # Promises (issue 19): the steward promised to use a post; the session has passed.
    from praxis.discussions.tests.factories import make_thread, make_topic, opener
    from praxis.impact.promises import make_promise

    promised = opener(make_thread(make_topic(community.community), community.facilitator))
    make_promise(user=community.steward, community=community.community, post=promised,
                 session_date=date.today() - timedelta(days=2), note="Loop input on day 2")
    # Stories (issue 19): the steward told one, with trainees' comments.
    from praxis.impact.stories import StoryDraft, add_evidence, save_story

    story = save_story(community=community.community, author=community.steward, tell=True,
                       draft=StoryDraft(title="Loop input in my course", visibility="community",
                                        potential="Model what you teach.",
                                        applied="Gave instructions as trainees should.",
                                        trainee_count=18))
    add_evidence(story=story, kind="comments", text="We did it before we knew it.")
    cohort = community.community.cohorts.get()
    settings.MEDIA_ROOT = tmp_path / "media"
    run = imported_run(community, tmp_path)
    steward = new_context(javascript=True).new_page()
    log_in(steward, community.steward.email, DEFAULT_PASSWORD)
    steward_pages = {
        "home": "/",
        "profile": "/accounts/profile/",
        "community-home": f"/c/{slug}/",
        "members": f"/c/{slug}/members/",
        "cohorts": f"/c/{slug}/cohorts/",
        "cohort-edit": f"/c/{slug}/cohorts/{cohort.pk}/",
        "invitations": f"/c/{slug}/invitations/",
        "join-requests": f"/c/{slug}/requests/",
        "settings": f"/c/{slug}/settings/",
        "create-community": "/communities/new/",
        "member-edit": f"/c/{slug}/members/{member_id}/",
        "plans": plans, "plan-share": f"{plans}new/", "plan": f"{plans}{plan.pk}/",
        "plan-compare": f"{plans}{plan.pk}/compare/?from=1&to=2",
        "plan-new-version": f"{plans}{plan.pk}/new-version/",
        "plan-ask": f"{plans}{plan.pk}/v2/ask/",
        "diary": "/diary/",
        "diary-entry-new": "/diary/new/?model=gibbs",
        "reflections": f"/c/{slug}/reflections/",
        "critical-friends": f"/c/{slug}/friends/",
        "library": f"/c/{slug}/library/", "library-add": f"/c/{slug}/library/add/",
        "library-resource": resource.get_absolute_url(),
        "library-tag": f"/c/{slug}/library/tags/reflection/",
        "impact-dashboard": f"/c/{slug}/impact/dashboard/",
        "impact-mine": f"/c/{slug}/impact/dashboard/mine/",
        "certificates": f"/c/{slug}/certificates/",
        "my-certificates": f"/c/{slug}/certificates/mine/",
        "check-a-certificate": "/verify/",
        "analytics": f"/c/{slug}/analytics/",
        "analytics-activity": f"/c/{slug}/analytics/activity/",
        "analytics-mine": f"/c/{slug}/analytics/mine/",
        "promises": f"/c/{slug}/impact/promises/",
        "promise-new": f"/c/{slug}/impact/promises/new/?post={promised.pk}",
        "cascade": f"/c/{slug}/impact/cascade/",
        "cascade-events": f"/c/{slug}/impact/cascade/events/",
        "cascade-event-new": f"/c/{slug}/impact/cascade/events/new/",
        "stories": f"/c/{slug}/impact/", "story-new": f"/c/{slug}/impact/stories/new/",
        "story": story.get_absolute_url(),
        "story-edit": f"/c/{slug}/impact/stories/{story.pk}/edit/",
        "moodle-import": f"/c/{slug}/import/",
        "moodle-import-run": f"/c/{slug}/import/{run.pk}/",
        "report": f"/c/{slug}/report/", "report-costs": f"/c/{slug}/report/costs/",
    }
    problems += visit_all(steward, "en", steward_pages, screenshot)

    switch_language(steward, "fa")
    problems += visit_all(steward, "fa", {
        key: steward_pages[key]
        for key in ("home", "profile", "community-home", "members", "invitations",
                    "join-requests", "member-edit", "plans", "plan", "plan-compare",
                    "diary-entry-new", "critical-friends", "library", "library-resource",
                    "impact-dashboard", "analytics", "analytics-activity", "promises",
                    "promise-new", "cascade",
                    "cascade-event-new", "stories", "story-new", "story", "moodle-import",
                    "moodle-import-run", "report", "report-costs", "certificates",
                    "my-certificates")
    }, screenshot)

    outsider = new_context(javascript=True).new_page()
    log_in(outsider, UserFactory().email, DEFAULT_PASSWORD)
    problems += visit_all(outsider, "en", {"community-home-ask-to-join": f"/c/{slug}/"},
                          screenshot)

    assert not problems, "axe found serious or critical violations:\n" + "\n".join(problems)


def sideways_overflow(page) -> dict | None:
    """Page and viewport widths when the page scrolls sideways, else None."""
    widths = page.evaluate(
        "() => ({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})"
    )
    return widths if widths["scroll"] > widths["inner"] else None


@pytest.mark.parametrize("language", ["en", "fa"])
def test_member_directory_does_not_scroll_sideways_on_a_phone(
    new_context, community, log_in, screenshot, language
):
    for n in range(3):
        MembershipFactory(
            community=community.community, tier=Membership.Tier.TRAINER,
            user=UserFactory(display_name=f"Seyyed Mohammad-Hossein Hosseinzadeh-Tabatabaei {n}",
                             institution="Farhangian University, Shahid Bahonar Campus",
                             region="Khorasan-e Razavi"),
        )
    # Not is_mobile: mobile emulation widens the layout viewport to fit wide content, which
    # would hide the very overflow this test looks for.
    page = new_context(javascript=True, viewport=PHONE).new_page()
    log_in(page, community.steward.email, DEFAULT_PASSWORD)
    slug = community.community.slug
    page.goto(f"/c/{slug}/members/")
    if language != "en":
        switch_language(page, language)
    assert page.evaluate("window.innerWidth") == PHONE["width"]
    screenshot(page, f"phone-members-{language}")
    assert sideways_overflow(page) is None, (
        f"the member directory scrolls sideways at {PHONE['width']} px: {sideways_overflow(page)}"
    )
    # ...and it does not get there by breaking words into letters: a role ("Member",
    # "Steward") and the "Edit" link each sit on one line; the table scrolls in its own region.
    broken = page.evaluate("""() => [...document.querySelectorAll(
            'table.directory td:nth-child(2), table.directory td:last-child a')]
        .filter(cell => {
            const range = document.createRange();
            range.selectNodeContents(cell.firstChild);
            return range.getClientRects().length > 1;
        }).map(cell => cell.textContent)""")
    assert not broken, f"words broken across lines in the directory at phone width: {broken}"

    # The other pages a steward uses, at the same width.
    overflowing = {}
    for path in ("/", "/accounts/profile/", f"/c/{slug}/", f"/c/{slug}/cohorts/",
                 f"/c/{slug}/invitations/", f"/c/{slug}/requests/", f"/c/{slug}/settings/"):
        page.goto(path)
        if widths := sideways_overflow(page):
            overflowing[path] = widths
            screenshot(page, f"phone-overflow-{language}-{path}")
    assert not overflowing, f"pages that scroll sideways at {PHONE['width']} px: {overflowing}"


def test_pages_are_styled(js_page):
    """Screenshots and axe's colour and target-size checks mean nothing on unstyled pages."""
    with js_page.expect_response(lambda response: response.url.endswith(".css")) as css:
        js_page.goto("/accounts/login/")
    assert css.value.status == 200, f"{css.value.url} answered {css.value.status}"
    button = js_page.locator("main").get_by_role("button", name="Log in")
    assert button.evaluate("b => getComputedStyle(b).minBlockSize") == "44px"


def test_the_checker_catches_a_known_violation(js_page, screenshot):
    """Guards the harness: an empty report must mean a clean page, not a checker that never ran."""
    js_page.set_content(
        '<html lang="en"><head><title>t</title></head><body><main>'
        '<img src="data:,"><input type="text"></main></body></html>'
    )
    problems = check(js_page, "known-bad-page", screenshot)
    assert any("image-alt [critical]" in problem for problem in problems), problems
    assert any("label [critical]" in problem for problem in problems), problems
