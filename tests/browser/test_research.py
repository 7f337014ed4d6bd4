"""An impact study in a real browser, JavaScript off, from sampling to grid: a researcher
starts a study, draws a reproducible sample, invites the picked member; the member reads the
consent text from the email's link and agrees; the researcher builds and sends a
questionnaire; the member saves half, comes back and submits; the researcher codes a sentence
of the answers without JavaScript, sees it in the case-by-theme grid with its citation, and
downloads the REFI-QDA project; the member withdraws and disappears from the grid and the
project. Then the coding page with JavaScript (any selected span), and axe on every page,
at phone width, in English and Persian."""

import datetime
import io
import re
import zipfile

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core import mail
from lxml import etree

from praxis.accounts.tests.factories import DEFAULT_PASSWORD
from praxis.discussions.models import Post
from praxis.discussions.tests.factories import make_thread, make_topic, reply
from praxis.research.models import Participant, Passage, Source
from praxis.research.tests.factories import (
    InstrumentFactory,
    ParticipantFactory,
    SourceFactory,
    StudyFactory,
    ThemeFactory,
)

PHONE = {"width": 390, "height": 844}
WIDE = {"width": 1366, "height": 900}
XSD = "praxis/research/tests/fixtures/refi/Project-mrt2019.xsd"
TODAY = datetime.date.today()


def fits(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def submit(page, name: str) -> str:
    page.locator("main").get_by_role("button", name=name).first.click()
    page.wait_for_load_state()
    return page.locator("main").inner_text()


@pytest.fixture
def world(make_cast, live_server):
    """A community where the member wrote the most in the last weeks."""
    cast = make_cast(researchers=True)
    cast.member.display_name = "Maryam Ahmadi"
    cast.member.save()
    thread = make_thread(make_topic(cast.community), cast.facilitator)
    for _ in range(3):
        reply(thread, cast.member, body="I tried the jigsaw task with my trainees.")
    Post.objects.update(created_at=datetime.datetime.now(datetime.UTC)
                        - datetime.timedelta(days=3))
    return cast


def test_a_study_runs_from_sampling_to_grid_and_a_withdrawal_leaves_no_trace(
        new_context, world, log_in, screenshot, link_in):
    slug = world.community.slug
    researcher = new_context(viewport=WIDE).new_page()
    log_in(researcher, world.researcher.email, DEFAULT_PASSWORD)
    researcher.goto(f"/c/{slug}/")
    researcher.locator("main").get_by_role("link", name="Research", exact=True).click()
    researcher.locator("main").get_by_role("link", name="Start a study").click()
    main = researcher.locator("main")
    main.get_by_label("Title").fill("Impact of the community")
    main.get_by_label("Short name").fill("impact")
    main.get_by_label("Research questions").fill("What changed in your training?")
    main.get_by_label("Keep personal data until").fill(
        (TODAY + datetime.timedelta(days=365)).isoformat())
    main.get_by_label("Consent text").fill("I agree that my answers are used under a code.")
    assert "The study is ready" in submit(researcher, "Start the study")

    # A reproducible sample: top 2 by posts in the last month, 1 of them with seed 42.
    main.get_by_role("link", name="Sampling").click()
    main.get_by_label("Rank members by").select_option("posts")
    month_ago = (TODAY - datetime.timedelta(days=30)).isoformat()
    main.get_by_label(re.compile(r"^From\b")).fill(month_ago)
    main.get_by_label(re.compile(r"^To\b")).fill(TODAY.isoformat())
    main.get_by_label("Keep the top").fill("2")
    main.get_by_label("Pick at random").fill("1")
    main.get_by_label("Seed").fill("42")
    text = submit(researcher, "Draw and keep")
    assert "Maryam Ahmadi" in text
    assert "--top 2 --pick 1 --seed 42" in main.get_by_label(
        "The command that recomputes this draw on the server").input_value()
    screenshot(researcher, "research-sample-wide-en")
    mail.outbox.clear()
    submit(researcher, "Invite the picked members")
    assert Participant.objects.get().user == world.member

    # The member answers the invitation from the email's link.
    (email,) = [m for m in mail.outbox if world.member.email in m.to]
    member = new_context(viewport=PHONE).new_page()
    log_in(member, world.member.email, DEFAULT_PASSWORD, next_path=link_in(email.body))
    consent = "I agree that my answers are used under a code."
    assert consent in member.locator("main").inner_text()
    assert fits(member)
    text = submit(member, "I agree to take part")
    assert "you take part" in text.lower() and "TT1" in text

    # A questionnaire, built and sent.
    researcher.goto(f"/c/{slug}/research/impact/")
    researcher.locator("main").get_by_role("link", name="Instruments").click()
    researcher.locator("main").get_by_role("link", name="New questionnaire or interview").click()
    main.get_by_role("radio", name=re.compile("Questionnaire")).check()
    main.get_by_label("Title").fill("Questionnaire 1")
    submit(researcher, "Create")
    main.get_by_label(re.compile(r"^Question:?$")).fill(
        "How has the community changed your training?")
    main.get_by_label("An answer is required").check()
    submit(researcher, "Add the question")
    mail.outbox.clear()
    submit(researcher, "Send the questionnaire")
    assert any(world.member.email in m.to for m in mail.outbox)

    # The member saves half, comes back, submits.
    member.goto(f"/c/{slug}/research/impact/take-part/")
    member.locator("main").get_by_role("link", name=re.compile("Questionnaire 1")).click()
    answer_page = member.url
    field = member.locator("main textarea").first
    field.fill("I tried the jigsaw task. My trainees loved it.")
    submit(member, "Save and continue later")
    member.goto(answer_page)
    assert member.locator("main textarea").first.input_value().startswith("I tried")
    screenshot(member, "research-answer-phone-en")
    assert fits(member)
    submit(member, "Submit")
    source = Source.objects.get(kind="questionnaire")

    # A theme, and a sentence coded without JavaScript.
    researcher.goto(f"/c/{slug}/research/impact/codebook/")
    main.get_by_label("Name").fill("Applying to practice")
    submit(researcher, "Add the theme")
    researcher.goto(source.get_absolute_url())
    researcher.locator("label.sentence", has_text="I tried the jigsaw task.").locator(
        "input").check()
    main.get_by_label("Applying to practice").check()
    assert "1 passages coded" in submit(researcher, "Code the selection")
    assert Passage.objects.get().quote == "I tried the jigsaw task."
    screenshot(researcher, "research-source-wide-en")

    main.get_by_role("link", name="Grid", exact=True).click()
    grid = main.get_by_role("table").first
    assert "TT1" in grid.inner_text()
    grid.get_by_role("link", name="1").first.click()
    assert "I tried the jigsaw task." in main.inner_text() and "(TT1:1)" in main.inner_text()
    screenshot(researcher, "research-quotes-wide-en")

    download = researcher.request.get(f"/c/{slug}/research/impact/exchange/project.qdpx")
    assert download.ok
    project = zipfile.ZipFile(io.BytesIO(download.body()))
    qde = etree.fromstring(project.read("project.qde"))
    assert etree.XMLSchema(etree.parse(XSD)).validate(qde)
    assert b"TT1" in project.read("project.qde")

    # The member withdraws: gone from the grid and the project.
    member.goto(f"/c/{slug}/research/impact/take-part/")
    member.locator("main").get_by_role("link", name=re.compile("Withdraw")).click()
    assert "Everything you gave the study is deleted" in submit(member, "Yes, withdraw")
    researcher.goto(f"/c/{slug}/research/impact/grid/")
    assert "TT1" not in researcher.locator("main").inner_text()
    again = zipfile.ZipFile(io.BytesIO(researcher.request.get(
        f"/c/{slug}/research/impact/exchange/project.qdpx").body()))
    assert b"TT1" not in again.read("project.qde")
    assert not Source.objects.exists()


def test_with_javascript_any_selected_span_is_coded(new_context, world, log_in):
    study = StudyFactory(community=world.community, slug="impact")
    participant = ParticipantFactory(study=study)
    source = SourceFactory(participant=participant, study=study,
                           instrument=InstrumentFactory(study=study, number=3),
                           text="It worked 👍 well. یادگیری از همکاران مهم است.")
    ThemeFactory(study=study, name="Peer learning")
    page = new_context(javascript=True, viewport=WIDE).new_page()
    log_in(page, world.researcher.email, DEFAULT_PASSWORD)
    page.goto(source.get_absolute_url())
    # Select "یادگیری از همکاران" inside the second sentence, as a mouse would.
    page.evaluate("""() => {
      const run = [...document.querySelectorAll('#source-text [data-start]')]
        .find(el => el.textContent.includes('یادگیری'));
      const node = run.firstChild;
      const at = node.data.indexOf('یادگیری');
      const range = document.createRange();
      range.setStart(node, at);
      range.setEnd(node, at + 'یادگیری از همکاران'.length);
      const selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
    }""")
    page.wait_for_function("() => document.getElementById('selection-end').value !== ''")
    assert "یادگیری از همکاران" in page.locator("#selection-note").inner_text()
    page.locator("main").get_by_label("Peer learning").check()
    page.locator("main").get_by_role("button", name="Code the selection").click()
    page.wait_for_load_state()
    # Offsets in code points: the emoji before it counts as one.
    assert Passage.objects.get().quote == "یادگیری از همکاران"


def test_research_pages_pass_axe_and_fit_a_phone(new_context, world, log_in, screenshot):
    study = StudyFactory(community=world.community, slug="impact")
    participant = ParticipantFactory(study=study, user=world.member)
    instrument = InstrumentFactory(study=study, number=1, kind="questionnaire",
                                   title="Questionnaire 1")
    source = SourceFactory(participant=participant, study=study, instrument=instrument,
                           text="I tried the jigsaw task. My trainees loved it.")
    theme = ThemeFactory(study=study, name="Applying to practice")
    from praxis.research import coding

    coding.code_spans(source=source, spans=[(0, 24)], theme_ids=[theme.pk],
                      coder=world.researcher)
    base = f"/c/{world.community.slug}/research/"
    pages = {
        "researcher": {"home": base, "study": base + "impact/",
                       "sample": base + "impact/sample/",
                       "instruments": base + "impact/instruments/",
                       "sources": base + "impact/sources/",
                       "source": source.get_absolute_url(),
                       "codebook": base + "impact/codebook/",
                       "grid": base + "impact/grid/",
                       "quotes": base + f"impact/grid/{participant.code}/{theme.pk}/",
                       "agreement": base + "impact/agreement/",
                       "exchange": base + "impact/exchange/"},
        "member": {"take-part": base + "impact/take-part/"},
        "steward": {"home": base},
    }
    axe = Axe()
    problems = []
    for who, paths in pages.items():
        for language in ("en", "fa"):
            page = new_context(javascript=True, viewport=PHONE).new_page()
            log_in(page, getattr(world, who).email, DEFAULT_PASSWORD)
            page.goto(base)
            if page.locator("html").get_attribute("lang") != language:
                page.locator(f".lang-switch button[value={language}]").click()
                page.wait_for_load_state()
            for label, path in paths.items():
                response = page.goto(path)
                assert response is not None and response.status == 200, path
                name = f"research-{who}-{label}-phone-{language}"
                screenshot(page, name)
                assert fits(page), name
                for violation in axe.run(page).response["violations"]:
                    if violation["impact"] in ("serious", "critical"):
                        problems.append(f"{name}: {violation['id']} "
                                        f"{[n['target'] for n in violation['nodes']]}")
    assert not problems, "\n".join(problems)
