"""The report to leadership as a PDF, read back: a real A4 PDF attachment holding the same
numbers as the web page, in English and in Persian (Persian digits, the vendored font),
with its charts drawn and never a private story's words."""

import io
import re

import pypdfium2 as pdfium
import pytest
from django.urls import reverse
from pypdf import PdfReader

from praxis.analytics.models import CostSheet
from praxis.analytics.report import money
from praxis.analytics.tests.report_world import PERIOD, build_report_world
from praxis.core.templatetags.praxis import persian_digits


@pytest.fixture
def world(cast):
    return build_report_world(cast)


def _get(client, world, locale="en"):
    steward = world.cast.steward
    steward.locale = locale
    steward.save()
    client.force_login(steward)
    return client.get(reverse("analytics:report_pdf", args=[world.cast.community.slug]), PERIOD)


def _reader(response) -> PdfReader:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    return PdfReader(io.BytesIO(response.content))


def _text(reader: PdfReader) -> str:
    # Extracted text may break lines anywhere: compare with the white space squeezed out.
    return "".join("\n".join(page.extract_text() for page in reader.pages).split())


def _has(text: str, words: str) -> bool:
    return "".join(words.split()) in text


def test_the_pdf_is_an_a4_attachment_named_for_the_period(world, client):
    response = _get(client, world)
    reader = _reader(response)
    assert response["Content-Disposition"] == (
        f'attachment; filename="report-{world.cast.community.slug}-20260101-20260331-en.pdf"')
    assert response["Cache-Control"] == "private, no-store"
    width, height = (float(v) for v in reader.pages[0].mediabox[2:])
    assert (round(width), round(height)) == (595, 842)  # A4 portrait, in points
    assert "Report to leadership" in str(reader.metadata.get("/Title"))


def test_the_english_pdf_holds_the_web_reports_numbers(world, client):
    web = client.get  # the same client, after the PDF, for the page
    text = _text(_reader(_get(client, world)))
    page = web(reverse("analytics:report", args=[world.cast.community.slug]), PERIOD)
    report = page.context["report"]
    for words in (world.cast.community.name, "Report to leadership",
                  "From Jan. 1, 2026 to March 31, 2026", "Members and activity",
                  "Loop input", "We learnt to model loop input first",
                  "They wrote.", "I changed my warm-up.", "Trainees asked for more.",
                  "Certificates issued", "Autumn programme", "Facilitation effort",
                  "Platform hosting", "Printed materials"):
        assert _has(text, words), words
    assert not _has(text, "Trainees set their own rules.")
    assert not _has(text, "Assessment for learning")
    costs = report.costs
    for label, number in (
            ("Members", report.totals.members), ("Active members", report.totals.active),
            ("Posts", report.posts), ("Readers", report.readers),
            ("Stories told", report.told), ("Applied in practice", report.applied),
            ("Training events", report.reach.events), ("People reached", report.reach.people),
            ("Posts by facilitators", report.effort.facilitator_posts),
            ("Posts by stewards", report.effort.steward_posts)):
        # Each figure is set as its number over its name.
        assert _has(text, f"{number}{label}"), (label, number)
    shown = [money(costs.facilitation), money(costs.total), money(costs.per_active_participant),
             money(costs.per_member), *(money(item.amount) for item in costs.items)]
    assert shown == ["1,000.00", "1,420.50", "236.75", "177.56", "300.00", "120.50"]
    for amount in shown:
        assert amount in text, amount
    assert _has(text, "Per active participant (6)") and _has(text, "Per member (8)")
    assert _has(text, "Facilitation: 40 hours at 25.00")


def test_the_persian_pdf_is_persian_with_persian_digits(world, client):
    response = _get(client, world, locale="fa")
    reader = _reader(response)
    text = _text(reader)
    # pypdf reads numbers in right-to-left lines backwards; PDFium reads them as drawn.
    drawn = "\n".join(page.get_textpage().get_text_range()
                      for page in pdfium.PdfDocument(response.content))
    assert "۱٬۴۲۰٫۵۰" in drawn and "۲۳۶٫۷۵" in drawn and "۱۷۷٫۵۶" in drawn
    assert "۱۴۰۴" in text  # the period's year in the Solar Hijri calendar
    assert "1,420.50" not in text
    # Members' words keep their own script; figures their Persian digits.
    assert _has(text, "They wrote.")
    assert persian_digits("8") in text
    fonts = {str(font.get_object()["/BaseFont"]).split("+")[-1]
             for page in reader.pages for font in page["/Resources"]["/Font"].values()}
    assert fonts <= {"Vazirmatn", "VazirmatnBold"}
    assert response["Content-Disposition"].endswith('-fa.pdf"')


def test_the_charts_are_drawn_with_rectangles(world, client):
    reader = _reader(_get(client, world))
    stream = "".join(page.get_contents().get_data().decode("latin-1") for page in reader.pages)
    rectangles = re.findall(r"[\d.]+ [\d.]+ [\d.]+ -?[\d.]+ re f", stream)
    # groups (those with members), cycles with stories, and the weeks with posts.
    assert len(rectangles) >= 6


def test_without_costs_the_pdf_says_so(world, client):
    CostSheet.objects.all().delete()
    text = _text(_reader(_get(client, world)))
    assert _has(text, "No costs have been entered for exactly this period.")
