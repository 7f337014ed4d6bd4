"""A certificate as a one-page PDF to print or send: A4 landscape, with the holder's name,
the programme, its period, hours and topics, the issuer, the date, and the verification
address with its QR code, so anyone holding the paper can check it. A revoked certificate
says so across the page.

The pieces are the topic PDF's (``praxis.interop.pdf``): the vendored Vazirmatn font,
HarfBuzz shaping, each line in the direction of its first strong letter. In Persian the
whole page runs right to left (the QR code on the left) and dates are in the Solar Hijri
calendar with Persian digits. The QR code is drawn as filled squares from the ``qrcode``
library's matrix: no image file.
"""

from collections.abc import Sequence
from decimal import Decimal

import qrcode
import qrcode.constants
from django.template.defaultfilters import floatformat
from django.utils import translation
from django.utils.translation import gettext as _
from fpdf.enums import XPos, YPos

from praxis.core.email import absolute_url
from praxis.core.templatetags.praxis import localnumber, when
from praxis.credentials.models import Certificate
from praxis.interop.pdf import (
    FAMILY,
    INK,
    LTR,
    MUTED,
    RTL,
    Colour,
    TopicDocument,
    direction_of,
    isolate,
)

ACCENT: Colour = (11, 92, 173)
DANGER: Colour = (164, 22, 26)
PAGE_W, PAGE_H = 297.0, 210.0  # A4 landscape, mm
QR_SIZE = 34.0  # mm, quiet zone excluded
MOST_TOPICS = 12  # named on the page; the rest are counted
MOST_DESCRIPTION = 320  # characters of the programme's description: the page has room


def verification_url(certificate: Certificate) -> str:
    """The public address the paper points to: the site's public one (``SITE_URL``), not
    the one this copy was downloaded from."""
    return absolute_url(None, certificate.get_absolute_url())


def qr_matrix(text: str) -> list[list[bool]]:
    """The QR code of ``text`` as rows of modules (True is dark), without its quiet zone."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    code.add_data(text)
    code.make(fit=True)
    return [list(row) for row in code.get_matrix()]


def hours_shown(hours: Decimal) -> str:
    """12 or 12.5, in the reader's digits (and decimal separator)."""
    shown = localnumber(floatformat(hours, -1))
    return shown.replace(".", "\u066b") if translation.get_language() == "fa" else shown


def topic_titles(certificate: Certificate) -> list[str]:
    """The topic titles kept with the certificate (as text, whatever their stored shape)."""
    titles = []
    for topic in certificate.topics or []:
        title = topic.get("title", "") if isinstance(topic, dict) else str(topic)
        if title:
            titles.append(title)
    return titles


class CertificateDocument(TopicDocument):
    """One A4 landscape page with no page number; centred lines and the QR code."""

    def __init__(self, *, page_direction: str) -> None:
        super().__init__(page_direction=page_direction, page_label=lambda number: "")
        self.set_auto_page_break(auto=False)
        self.set_margins(24, 20, 24)

    def footer(self) -> None:
        pass

    def centred(self, text: str, *, size: float, bold: bool = False, colour: Colour = INK,
                after: float = 1.5, direction: str | None = None, width: float = 0.0) -> None:
        """A centred paragraph, shaped in its own direction (its first strong letter's)."""
        if not text.strip():
            return
        own = direction or direction_of(text, self.page_direction)
        self._shaped(own, text)
        self.set_font(FAMILY, "B" if bold else "", size)
        self.set_text_color(*colour)
        width = width or self.epw
        self.set_x((PAGE_W - width) / 2)
        self.multi_cell(width, size * 0.3528 * 1.35, text, align="C",
                        new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(after)

    def block(self, lines: Sequence[tuple[str, float, bool, Colour]], *, x: float,
              width: float, top: float) -> None:
        """Lines set from ``top`` in a column at ``x``, aligned to the page's start side."""
        self.set_xy(x, top)
        for text, size, bold, colour in lines:
            self._shaped(direction_of(text, self.page_direction), text)
            self.set_font(FAMILY, "B" if bold else "", size)
            self.set_text_color(*colour)
            self.set_x(x)
            self.multi_cell(width, size * 0.3528 * 1.4, text,
                            align="R" if self.page_direction == RTL else "L",
                            new_x=XPos.LEFT, new_y=YPos.NEXT)

    def frame(self) -> None:
        self.set_draw_color(*ACCENT)
        self.set_line_width(1.2)
        self.rect(8, 8, PAGE_W - 16, PAGE_H - 16)
        self.set_line_width(0.3)
        self.rect(11, 11, PAGE_W - 22, PAGE_H - 22)

    def qr(self, matrix: list[list[bool]], *, x: float, y: float, size: float) -> None:
        """The dark modules as filled squares, each row's runs joined into one rectangle."""
        module = size / len(matrix)
        self.set_fill_color(0, 0, 0)
        for row_number, row in enumerate(matrix):
            column = 0
            while column < len(row):
                if not row[column]:
                    column += 1
                    continue
                run = column
                while run < len(row) and row[run]:
                    run += 1
                self.rect(x + column * module, y + row_number * module,
                          (run - column) * module, module, style="F")
                column = run

    def stamp(self, text: str) -> None:
        """The word across the page, turned and half transparent, in red."""
        with (self.local_context(fill_opacity=0.30, stroke_opacity=0.45),
              self.rotation(angle=18, x=PAGE_W / 2, y=PAGE_H / 2)):
            self._shaped(direction_of(text, self.page_direction), text)
            self.set_font(FAMILY, "B", 72)
            self.set_text_color(*DANGER)
            self.set_draw_color(*DANGER)
            self.set_line_width(2)
            self.set_xy(PAGE_W / 2 - 95, PAGE_H / 2 - 20)
            self.cell(190, 40, text, border=1, align="C")


def render_certificate(certificate: Certificate) -> bytes:
    """The certificate as PDF bytes, in the active language (its direction, its dates)."""
    programme = certificate.programme
    community = certificate.community
    direction = RTL if translation.get_language_bidi() else LTR
    doc = CertificateDocument(page_direction=direction)
    doc.set_title(f"{programme.name}: {certificate.recipient_name}")
    doc.set_author(community.name)
    doc.set_creator("Praxis")
    doc.set_lang(translation.get_language() or "en")
    doc.add_page(orientation="L")
    doc.frame()

    doc.set_y(20)
    doc.centred(community.name, size=12, colour=MUTED, after=2)
    doc.centred(_("Certificate of participation"), size=26, bold=True, colour=ACCENT,
                direction=direction, after=4)
    doc.centred(_("This certifies that"), size=12, colour=MUTED, direction=direction, after=1)
    doc.centred(certificate.recipient_name, size=25, bold=True, after=2)
    doc.centred(_("took part in"), size=12, colour=MUTED, direction=direction, after=1)
    doc.centred(programme.name, size=17, bold=True, after=3)
    period = _("From %(start)s to %(end)s") % {"start": isolate(when(programme.start)),
                                              "end": isolate(when(programme.end))}
    if certificate.hours:
        # Among Persian digits a middle dot reads as a zero: the Persian comma there.
        separator = "، " if translation.get_language_bidi() else " · "
        period += separator + _("%(hours)s hours") % {"hours": hours_shown(certificate.hours)}
    doc.centred(period, size=12, direction=direction, after=2)
    titles = topic_titles(certificate)
    if titles:
        comma = "، " if direction == RTL else ", "
        shown = comma.join(isolate(title) for title in titles[:MOST_TOPICS])
        if len(titles) > MOST_TOPICS:
            more = localnumber(len(titles) - MOST_TOPICS)
            shown += comma + _("and %(count)s more") % {"count": more}
        doc.centred(_("Topics: %(topics)s") % {"topics": shown}, size=10, colour=MUTED,
                    direction=direction, width=220, after=2)
    if programme.description:
        description = " ".join(programme.description.split())
        if len(description) > MOST_DESCRIPTION:
            description = description[:MOST_DESCRIPTION].rsplit(" ", 1)[0] + " …"
        doc.centred(description, size=10, colour=MUTED, width=200, after=2)

    # The bottom band: who issued it and where to check it on the start side, the QR code
    # on the other.
    url = verification_url(certificate)
    top = PAGE_H - 22 - QR_SIZE
    column = PAGE_W - 48 - QR_SIZE - 10
    start_x = 24.0 if direction == LTR else PAGE_W - 24 - column
    qr_x = PAGE_W - 24 - QR_SIZE if direction == LTR else 24.0
    lines: list[tuple[str, float, bool, Colour]] = [
        (_("Issued by %(community)s") % {"community": isolate(community.name)}, 11, True, INK)]
    if certificate.issued_by:
        lines.append((_("Signed by %(person)s") % {
            "person": isolate(str(certificate.issued_by))}, 10, False, INK))
    lines.append((_("Issued on %(date)s") % {"date": isolate(when(certificate.issued_at))},
                  10, False, INK))
    if certificate.is_revoked:
        lines.append((_("Revoked on %(date)s: %(reason)s") % {
            "date": isolate(when(certificate.revoked_at)),
            "reason": isolate(certificate.revocation_reason)}, 10, True, DANGER))
    lines += [(_("Check this certificate at %(address)s") % {"address": isolate(url)},
               9, False, MUTED),
              (_("Code: %(code)s") % {"code": isolate(certificate.public_id)}, 9, False,
               MUTED)]
    doc.block(lines, x=start_x, width=column, top=top)
    doc.qr(qr_matrix(url), x=qr_x, y=top, size=QR_SIZE)

    if certificate.is_revoked:
        doc.stamp(_("REVOKED"))
    return bytes(doc.output())
