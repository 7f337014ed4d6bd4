"""The certificate PDF read back: one A4 landscape page stating the holder, programme,
period, hours, topics, issuer and the verification address; its QR code drawn module for
module from the address's QR matrix (and decoded, where a decoder is installed); Persian laid
out right to left with Solar Hijri dates; a revoked certificate says so."""

import io
import re
from datetime import date
from decimal import Decimal

import pypdfium2 as pdfium
import pytest
import zxingcpp
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from praxis.communities.tests.factories import CommunityFactory, MembershipFactory
from praxis.credentials import services
from praxis.credentials.models import Certificate, Programme
from praxis.credentials.pdf import QR_SIZE, qr_matrix, render_certificate, verification_url

MM = 72 / 25.4  # points per millimetre
ISOLATES = str.maketrans("", "", "\u2066\u2067\u2068\u2069")


@pytest.fixture
def certificate(db) -> Certificate:
    community = CommunityFactory(name="Teacher trainers of Isfahan")
    steward = MembershipFactory(community=community, role="steward",
                                user__display_name="Sara Tehrani").user
    holder = MembershipFactory(community=community, user__display_name="علی رضایی").user
    programme = Programme.objects.create(
        community=community, name="Reflective practice 2025–26", start=date(2025, 9, 1),
        end=date(2026, 2, 28), hours=Decimal("24.5"),
        description="A year of reflecting on one's own training.")
    issued = services.issue(programme, [holder], issued_by=steward).issued[0]
    Certificate.objects.filter(pk=issued.pk).update(topics=["Loop input", "درس‌پژوهی"])
    issued.refresh_from_db()
    return issued


def read(data: bytes) -> PdfReader:
    assert data.startswith(b"%PDF-")
    return PdfReader(io.BytesIO(data))


def text_of(data: bytes) -> str:
    """The page's text with white space and the isolating marks squeezed out (extraction
    breaks lines anywhere)."""
    text = "\n".join(page.extract_text() for page in read(data).pages)
    return "".join(text.translate(ISOLATES).split())


def squeezed(words: str) -> str:
    return "".join(words.split())


def test_one_landscape_a4_page_stating_the_certificate(certificate, client):
    response = client.get(reverse("credentials:certificate_pdf", args=[certificate.public_id]))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'inline; filename="certificate-{certificate.public_id}.pdf"')
    reader = read(response.content)
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (842, 595)  # A4 landscape
    text = text_of(response.content)
    for shown in ("Certificate of participation", "علی رضایی", "Reflective practice 2025–26",
                  "Sept. 1, 2025", "Feb. 28, 2026", "24.5 hours", "Loop input",
                  "Teacher trainers of Isfahan", "Signed by Sara Tehrani",
                  "A year of reflecting", verification_url(certificate),
                  certificate.public_id):
        assert squeezed(shown) in text, shown
    assert "REVOKED" not in text


def test_the_verification_address_is_the_sites_public_one(certificate, settings):
    settings.SITE_URL = "https://praxis.example.org"
    assert verification_url(certificate) == (
        f"https://praxis.example.org/verify/{certificate.public_id}/")
    assert squeezed(verification_url(certificate)) in text_of(render_certificate(certificate))


def drawn_modules(data: bytes, size: int) -> tuple[list[list[bool]], float]:
    """The QR code as drawn: every filled rectangle of the page (the code is the only thing
    filled) put back on a grid of ``size`` modules; and its left edge in points."""
    stream = read(data).pages[0].get_contents().get_data().decode("latin-1")
    rectangles = [tuple(float(n) for n in found) for found in re.findall(
        r"([-\d.]+) ([-\d.]+) ([-\d.]+) ([-\d.]+) re f\b", stream)]
    assert rectangles
    module = QR_SIZE * MM / size
    left = min(x for x, _y, _w, _h in rectangles)
    top = max(y for _x, y, _w, _h in rectangles)  # PDF's y grows upwards
    grid = [[False] * size for _ in range(size)]
    for x, y, width, height in rectangles:
        row = round((top - y) / module)
        first = round((x - left) / module)
        assert round(abs(height) / module) == 1
        for column in range(first, first + round(width / module)):
            assert not grid[row][column], "a module drawn twice"
            grid[row][column] = True
    return grid, left


def test_the_qr_code_is_the_verification_address_module_for_module(certificate):
    data = render_certificate(certificate)
    expected = qr_matrix(verification_url(certificate))
    grid, left = drawn_modules(data, len(expected))
    assert grid == expected
    assert sum(map(sum, grid)) == sum(map(sum, expected))
    assert left > 297 * MM / 2  # on the right, where an English page ends


def test_a_phone_s_decoder_reads_the_verification_address_from_the_printed_page(certificate):
    # The page rendered as a printer would (PDFium), read by the ZXing decoder phones use.
    image = pdfium.PdfDocument(render_certificate(certificate))[0].render(scale=2).to_pil()
    assert [found.text for found in zxingcpp.read_barcodes(image)] == [
        verification_url(certificate)]


def test_in_persian_the_page_runs_right_to_left_with_solar_hijri_dates(certificate):
    with translation.override("fa"):
        data = render_certificate(certificate)
    text = text_of(data)
    assert "علیرضایی" in text or "علی رضایی" in text
    # pypdf reverses digit runs it reads inside right-to-left lines (once the words around
    # them are Persian); PDFium reads them in logical order, as they are drawn.
    drawn = pdfium.PdfDocument(data)[0].get_textpage().get_text_range()
    assert "۲۴٫۵" in drawn and "۱۴۰۴" in drawn  # 1 Sept 2025 to 28 Feb 2026
    assert "شهریور" in text and "اسفند" in text
    expected = qr_matrix(verification_url(certificate))
    grid, left = drawn_modules(data, len(expected))
    assert grid == expected
    assert left < 297 * MM / 2  # the QR code on the left, where a Persian page ends
    assert read(data).metadata is not None


def test_a_revoked_certificate_says_so_with_date_and_reason(certificate, client):
    services.revoke(certificate, by=None, reason="Issued by mistake")
    response = client.get(reverse("credentials:certificate_pdf", args=[certificate.public_id]))
    text = text_of(response.content)
    assert "REVOKED" in text and squeezed("Issued by mistake") in text
    assert response["Cache-Control"] == "no-cache"


def test_many_topics_stay_on_one_page(certificate):
    Certificate.objects.filter(pk=certificate.pk).update(
        topics=[f"Topic number {n} with a fairly long title" for n in range(40)])
    certificate.refresh_from_db()
    data = render_certificate(certificate)
    assert len(read(data).pages) == 1
    assert squeezed("and 28 more") in text_of(data)
