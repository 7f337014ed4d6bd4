"""Certificates in a real browser with JavaScript off: a steward defines a programme's
criteria and issues a certificate through the pages; a stranger (a new browser, not logged
in) opens its verification address and sees it valid, then revoked once the steward revokes
it. Pages checked with axe, at phone width without sideways scrolling, in English and
Persian. The figures are ``criteria_world``'s: Mina Sadeghi meets 5 posts, 3 replies to
others, 2 topics and an applied story; no one else does."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe

from praxis.accounts.tests.factories import DEFAULT_PASSWORD
from praxis.credentials.tests.criteria_world import build

PHONE = {"width": 390, "height": 844}
WIDE = {"width": 1366, "height": 900}


@pytest.fixture
def world(make_cast, live_server):
    return build(make_cast())


def fits(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def define_and_issue(page, world) -> str:
    """Through the pages: define the programme, issue Mina's certificate; its address."""
    slug = world.cast.community.slug
    page.goto(f"/c/{slug}/impact/")
    page.locator("main").get_by_role("link", name="Certificates", exact=True).click()
    main = page.locator("main")
    assert main.get_by_role("heading", name="Certificates", exact=True).is_visible()
    main.get_by_label("Name").fill("Reflective practice 2025–26")
    main.get_by_label("What it recognises").fill("Taking part and applying it.")
    main.get_by_label("From").fill(world.start.isoformat())
    main.get_by_label(re.compile(r"^To\b")).fill(world.end.isoformat())
    main.get_by_label("Hours credited").fill("24.5")
    main.get_by_label("At least this many posts").fill("5")
    main.get_by_label("At least this many replies to others").fill("3")
    main.get_by_label("Taking part in at least this many topics").fill("2")
    main.get_by_label("A story of value applied in practice").check()
    main.get_by_role("button", name="Define the programme").click()
    page.wait_for_load_state()
    assert "The programme is defined" in main.inner_text()
    meets = main.get_by_role("table", name="Members who meet the criteria")
    assert meets.get_by_role("row").count() == 2  # the header and Mina
    assert "Mina Sadeghi" in meets.inner_text()
    others = main.get_by_role("table", name="Members who do not meet the criteria yet")
    assert "3 more posts" in others.inner_text()  # Farid: 2 of 5
    main.get_by_role("button", name="Issue to Mina Sadeghi").click()
    page.wait_for_load_state()
    assert "Issued 1 certificate: Mina Sadeghi." in main.inner_text()
    link = main.get_by_role("link", name="Verification page Mina Sadeghi")
    href = link.get_attribute("href")
    assert href and href.startswith("/verify/")
    return href


def test_a_steward_issues_and_a_stranger_verifies_then_sees_it_revoked(
        new_context, world, log_in, screenshot):
    steward = new_context(viewport=WIDE).new_page()
    log_in(steward, world.cast.steward.email, DEFAULT_PASSWORD)
    address = define_and_issue(steward, world)
    screenshot(steward, "certificates-programme-wide-en")

    stranger = new_context(viewport=PHONE).new_page()
    response = stranger.goto(address)
    assert response is not None and response.status == 200
    main = stranger.locator("main")
    assert main.get_by_role("heading", name="Valid certificate").is_visible()
    assert "Mina Sadeghi" in main.inner_text()
    assert "Reflective practice 2025–26" in main.inner_text()
    assert stranger.locator('meta[name="robots"]').get_attribute("content") == (
        "noindex, nofollow")
    assert fits(stranger)
    screenshot(stranger, "certificate-verify-phone-en")
    pdf = stranger.request.get(address + "certificate.pdf")
    assert pdf.ok and pdf.body().startswith(b"%PDF-")

    # The code typed from paper leads to the same page.
    code = address.strip("/").split("/")[-1]
    stranger.goto("/verify/")
    stranger.locator("main").get_by_label("Certificate code").fill(code)
    stranger.locator("main").get_by_role("button", name="Check").click()
    stranger.wait_for_load_state()
    assert stranger.url.endswith(address)

    steward.locator("main").get_by_role("link", name="Revoke Mina Sadeghi").click()
    steward.wait_for_load_state()
    steward.locator("main").get_by_role("button", name="Revoke the certificate").click()
    steward.wait_for_load_state()
    assert "Say why the certificate is revoked." in steward.locator("main").inner_text()
    steward.locator("main").get_by_label("Why is it revoked?").fill("Issued by mistake")
    steward.locator("main").get_by_role("button", name="Revoke the certificate").click()
    steward.wait_for_load_state()
    assert "is revoked" in steward.locator("main").inner_text()

    stranger.goto(address)
    assert main.get_by_role("heading", name="REVOKED").is_visible()
    assert "Issued by mistake" in main.inner_text()
    assert fits(stranger)
    screenshot(stranger, "certificate-verify-revoked-phone-en")

    stranger.locator(".lang-switch button[value=fa]").click()
    stranger.wait_for_load_state()
    assert stranger.locator("html").get_attribute("dir") == "rtl"
    assert fits(stranger)
    screenshot(stranger, "certificate-verify-revoked-phone-fa")
    stranger.set_viewport_size(WIDE)
    screenshot(stranger, "certificate-verify-revoked-wide-fa")

    unknown = stranger.goto("/verify/NoSuchCodeAtAll/")
    assert unknown is not None and unknown.status == 404


def test_pages_have_no_serious_accessibility_violations_and_fit_a_phone(
        new_context, world, log_in, screenshot):
    from praxis.credentials import services

    programme = world.programme(min_posts=5, min_replies=3, needs_applied_story=True,
                                description="Taking part and applying it.")
    certificate = services.issue(programme, [world.cast.member],
                                 issued_by=world.cast.steward).issued[0]
    slug = world.cast.community.slug
    axe = Axe()
    problems = []
    pages = {
        "steward": {"programmes": f"/c/{slug}/certificates/",
                    "programme": f"/c/{slug}/certificates/{programme.pk}/",
                    "programme-edit": f"/c/{slug}/certificates/{programme.pk}/edit/",
                    "revoke": f"/c/{slug}/certificates/issued/{certificate.pk}/revoke/"},
        "member": {"mine": f"/c/{slug}/certificates/mine/"},
        "anonymous": {"verify": certificate.get_absolute_url(), "verify-form": "/verify/",
                      "verify-unknown": "/verify/unknown/"},
    }
    for who, paths in pages.items():
        for language in ("en", "fa"):
            for viewport, size in (("phone", PHONE), ("wide", WIDE)):
                page = new_context(javascript=True, viewport=size).new_page()
                person = getattr(world.cast, who, None)
                if person is not None:
                    log_in(page, person.email, DEFAULT_PASSWORD)
                    # The choice is saved on the person's profile: switch when it differs.
                    page.goto(f"/c/{slug}/")
                    if page.locator("html").get_attribute("lang") != language:
                        page.locator(f".lang-switch button[value={language}]").click()
                        page.wait_for_load_state()
                else:
                    page.set_extra_http_headers({"Accept-Language": language})
                for label, path in paths.items():
                    page.goto(path)
                    page.wait_for_load_state()
                    assert page.locator("html").get_attribute("lang") == language, path
                    name = f"certificates-{label}-{viewport}-{language}"
                    screenshot(page, name)
                    if viewport == "phone":
                        assert fits(page), name
                        for violation in axe.run(page).response["violations"]:
                            if violation["impact"] in ("serious", "critical"):
                                problems.append(f"{name}: {violation['id']} "
                                                f"{[n['target'] for n in violation['nodes']]}")
    assert not problems, "\n".join(problems)
