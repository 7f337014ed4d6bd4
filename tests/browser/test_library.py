"""The library in a real browser with JavaScript off: a member adds a link with its citation
and tags, opens it (the reading is logged), finds it among the most read, and copies its
BibTeX from the read-only box or downloads it; the pages fit a phone, in English and
Persian."""

import pytest

from praxis.accounts.tests.factories import DEFAULT_PASSWORD
from praxis.library.models import Resource, ResourceRead

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def scene(make_cast, live_server):
    cast = make_cast()
    cast.member.display_name = "Ali Moradi"
    cast.member.save()
    return cast


def fits_the_phone(page) -> bool:
    return page.evaluate(
        "() => document.documentElement.scrollWidth <= window.innerWidth")


def test_a_member_adds_a_link_opens_it_and_copies_its_bibtex(new_context, scene, log_in,
                                                             live_server, screenshot):
    slug = scene.community.slug
    page = new_context().new_page()
    log_in(page, scene.member.email, DEFAULT_PASSWORD)
    page.goto(f"/c/{slug}/")
    page.locator("main").get_by_role("link", name="Library", exact=True).click()
    page.locator("main").get_by_role("link", name="Add a resource").first.click()

    main = page.locator("main")
    main.get_by_label("A link to read it where it is published").check()
    # The link leads back to this site, so opening it needs no outside network.
    main.get_by_label("Web address").fill(f"{live_server.url}/")
    main.get_by_label("Title:", exact=True).fill(
        "Reflecting on reflective practice: (re)visiting Dewey and Schön")
    main.get_by_label("Type of work").select_option("article")
    main.get_by_label("Authors").fill("Farrell, Thomas S. C.")
    main.get_by_label("Year:", exact=True).fill("2012")
    main.get_by_label("Journal, book or website").fill("TESOL Journal")
    main.get_by_label("Volume").fill("3")
    main.get_by_label("Issue:", exact=True).fill("1")
    main.get_by_label("Pages:", exact=True).fill("7-16")
    main.get_by_label("DOI:", exact=True).fill("https://doi.org/10.1002/tesj.10")
    main.get_by_label("Licence").select_option("all-rights-reserved")
    main.get_by_label("Tags").fill("reflection, Dewey")
    main.get_by_role("button", name="Add to the library").click()
    page.wait_for_load_state()

    resource = Resource.objects.get()
    assert page.url.endswith(resource.get_absolute_url())
    assert "Farrell, T. S. C. (2012)." in main.locator(".reference").inner_text()
    assert main.locator(".reference i").first.inner_text() == "TESOL Journal"

    # Opening it goes to the link and logs the member's reading.
    main.get_by_role("link", name="Open the link").click()
    page.wait_for_load_state()
    assert page.url == f"{live_server.url}/"
    assert ResourceRead.objects.filter(user=scene.member, resource=resource).count() == 1

    page.goto(f"/c/{slug}/library/")
    most_read = page.locator("main aside")
    assert "Reflecting on reflective practice" in most_read.inner_text()
    assert "1 reader" in most_read.inner_text()
    most_read.get_by_role("link", name="Dewey", exact=True).click()  # the tags list
    assert page.locator("main h2").first.inner_text().startswith("Tagged “Dewey”")
    page.locator("main .resource-list").get_by_role(
        "link", name="Reflecting on reflective practice").click()

    # Copying: the BibTeX is all in a read-only box (select it and copy, no script needed).
    box = page.locator("main").get_by_label("BibTeX")
    assert box.get_attribute("readonly") is not None
    bibtex = box.input_value()
    assert bibtex.startswith("@article{farrell2012reflecting,")
    assert "doi = {10.1002/tesj.10}" in bibtex and "keywords = {Dewey, reflection}" in bibtex
    with page.expect_download() as download:
        page.locator("main").get_by_role("link", name="Download .bib").click()
    assert download.value.suggested_filename == "farrell2012reflecting.bib"

    # On a phone, in English and in Persian.
    phone = new_context(viewport=PHONE).new_page()
    log_in(phone, scene.member.email, DEFAULT_PASSWORD)
    for language in ("en", "fa"):
        if language == "fa":
            phone.locator(".lang-switch button[value=fa]").click()
            phone.wait_for_load_state()
        for name, path in (("home", f"/c/{slug}/library/"),
                           ("resource", resource.get_absolute_url()),
                           ("add", f"/c/{slug}/library/add/")):
            phone.goto(path)
            screenshot(phone, f"library-{name}-phone-{language}")
            assert fits_the_phone(phone), f"{name} ({language}) scrolls sideways"
