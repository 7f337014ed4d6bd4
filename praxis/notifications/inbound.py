"""Turn the raw bytes of an inbound reply email into the words a member wrote.

Members reply to notification emails; the reply becomes a post in a discussion thread.
This module knows nothing about Django, tokens or posts: it reads one RFC 5322 message,
refuses what must never become a post (bounces, auto-replies, garbage) with `Rejected`, and
returns an `InboundMessage` whose `text` is the reply without the quoted original, the
client's attribution line or the signature.

Only the standard library's `email` package is used, with `email.policy.default`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.utils import getaddresses
from html.parser import HTMLParser

MAX_MESSAGE_BYTES = 10 * 1024 * 1024

# Our own notification emails carry one of these lines above the quoted notification.
REPLY_MARKER_EN = "-- Reply above this line --"
REPLY_MARKER_FA = "-- پاسخ را بالای این خط بنویسید --"

class Rejected(Exception):
    """The message must not become a post.

    `reason` is a short machine-readable code ("oversized", "malformed", "bounce",
    "auto_reply", "no_sender" or "no_text"), `detail` a human-readable sentence for the log.
    """

    def __init__(self, reason: str, detail: str, message: InboundMessage | None = None,
                 ) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail
        # For "no_text" only: the message read, with an empty `text`, so that its sender can
        # be told.
        self.message = message


@dataclass(frozen=True)
class InboundFile:
    """A file the message carries (a photo of board work, a scanned handout), unchecked: the
    reply intake checks it as a web upload is checked before it is attached."""

    name: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class InboundMessage:
    sender: str
    recipients: tuple[str, ...]
    subject: str
    message_id: str
    in_reply_to: tuple[str, ...]
    text: str
    full_text: str
    sender_name: str = ""
    files: tuple[InboundFile, ...] = ()


def parse_message(raw: bytes, *, max_bytes: int = MAX_MESSAGE_BYTES) -> InboundMessage:
    """Read one raw message and return what a post needs, or raise `Rejected`.

    Guarantees: raises nothing but `Rejected` whatever the bytes; `text` is never empty.
    """
    if len(raw) > max_bytes:
        raise Rejected("oversized", f"The message has {len(raw)} bytes, more than {max_bytes}.")
    try:
        return _parse(raw)
    except Rejected:
        raise
    except Exception as exc:
        # The email package is lenient but its lazy header parsing can still fail on
        # hostile input; anything unexpected means we cannot trust the message.
        raise Rejected("malformed", f"The message could not be read ({exc!r}).") from exc


def _parse(raw: bytes) -> InboundMessage:
    message = BytesParser(policy=policy.default).parsebytes(raw)
    if not _looks_like_a_message(message):
        raise Rejected("malformed", "The data has no message headers.")
    _reject_bounce(message)
    _reject_auto_reply(message)
    sender, sender_name = _sender(message)
    body, text = _reply_text(message)
    read = InboundMessage(
        sender=sender,
        recipients=_recipients(message),
        subject=_normalise(_header_text(message, "Subject")),
        message_id=next(iter(_message_ids(_header_text(message, "Message-ID"))), ""),
        in_reply_to=_dedupe(
            [
                *_message_ids(_header_text(message, "In-Reply-To")),
                *_message_ids(_header_text(message, "References")),
            ]
        ),
        text=text,
        full_text=_normalise(body).strip(),
        sender_name=sender_name,
        files=_files(message),
    )
    if not text:
        raise Rejected("no_text", "The message has no text of its own above the quotation.",
                       message=read)
    return read


# --- headers -----------------------------------------------------------------------------

_HEADER_NAME = re.compile(r"^[!-9;-~]+$")


def _looks_like_a_message(message: EmailMessage) -> bool:
    names = message.keys()
    return bool(names) and all(_HEADER_NAME.match(name) for name in names)


def _header_text(message: Message, name: str) -> str:
    value = message.get(name)
    return "" if value is None else " ".join(str(value).split())


def _header_values(message: Message, name: str) -> list[str]:
    return [str(value) for value in message.get_all(name) or []]


def _addresses(values: list[str]) -> list[str]:
    found = []
    for _name, address in getaddresses(values):
        address = address.strip().strip("<>")
        if "@" in address:
            local, _, domain = address.rpartition("@")
            # The local part may carry a case-sensitive token; only the domain is folded.
            found.append(f"{local}@{domain.lower()}")
    return found


def _sender(message: EmailMessage) -> tuple[str, str]:
    """The bare From address, lower-cased, and the display name (RFC 2047 decoded)."""
    from_values = _header_values(message, "From")
    if not from_values:
        raise Rejected("no_sender", "The message has no From header.")
    for name, address in getaddresses(from_values):
        if "@" in address.strip("<> "):
            return address.strip("<> ").lower(), _normalise(" ".join(name.split()))
    raise Rejected("no_sender", "The From header holds no usable address.")


def _recipients(message: EmailMessage) -> tuple[str, ...]:
    # Headers added by our own mail server are trusted more than those the sender wrote.
    ordered: list[str] = []
    for name in ("Delivered-To", "X-Original-To", "Envelope-To", "To", "Cc"):
        ordered.extend(_addresses(_header_values(message, name)))
    return _dedupe(ordered, fold_case=True)


_MESSAGE_ID = re.compile(r"<([^<>\s]+)>")


def _message_ids(value: str) -> list[str]:
    ids = _MESSAGE_ID.findall(value)
    if ids:
        return ids
    return [token for token in value.split() if "@" in token]


def _dedupe(items: list[str], *, fold_case: bool = False) -> tuple[str, ...]:
    seen: set[str] = set()
    kept = []
    for item in items:
        marker = item.lower() if fold_case else item
        if marker not in seen:
            seen.add(marker)
            kept.append(item)
    return tuple(kept)


# --- bounces and auto-replies ------------------------------------------------------------

_DAEMON_LOCAL_PARTS = frozenset({"mailer-daemon", "postmaster"})
_BULK_PRECEDENCE = frozenset({"bulk", "junk", "auto_reply", "list"})
_OOF_SUBJECT = re.compile(
    r"^\s*(automatic reply|auto(?:matic)? response|out of (?:the )?office)\b", re.I
)


def _reject_bounce(message: EmailMessage) -> None:
    if message.get_content_type() == "multipart/report":
        report_type = str(message.get_param("report-type", "") or "").lower()
        if report_type == "disposition-notification":
            raise Rejected("auto_reply", "The message is a read receipt.")
        raise Rejected("bounce", "The message is a delivery status report.")
    for address in _addresses(_header_values(message, "From")):
        if address.partition("@")[0].lower() in _DAEMON_LOCAL_PARTS:
            raise Rejected("bounce", f"The message comes from {address}.")
    if any("".join(value.split()) == "<>" for value in _header_values(message, "Return-Path")):
        raise Rejected("bounce", "The message has an empty Return-Path.")
    if message.get("X-Failed-Recipients") is not None:
        raise Rejected("bounce", "The message reports failed recipients.")


def _reject_auto_reply(message: EmailMessage) -> None:
    auto_submitted = _header_text(message, "Auto-Submitted").lower()
    if auto_submitted and auto_submitted.split(";")[0].strip() != "no":
        raise Rejected("auto_reply", f"The message is Auto-Submitted: {auto_submitted}.")
    for name in ("X-Autoreply", "X-Autorespond"):
        if message.get(name) is not None:
            raise Rejected("auto_reply", f"The message has an {name} header.")
    precedence = _header_text(message, "Precedence").lower()
    if precedence in _BULK_PRECEDENCE:
        raise Rejected("auto_reply", f"The message has Precedence: {precedence}.")
    suppress = _header_text(message, "X-Auto-Response-Suppress").lower()
    if ("all" in suppress or "oof" in suppress) and _OOF_SUBJECT.match(
        _header_text(message, "Subject")
    ):
        raise Rejected("auto_reply", "The message is an Outlook out-of-office reply.")


# --- body --------------------------------------------------------------------------------


# An inline picture the HTML shows by its Content-ID and smaller than this is a signature's
# logo or an icon, not something the member means to share.
_DECORATION_BYTES = 30_000
_EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/gif": "gif", "image/webp": "webp",
               "application/pdf": "pdf"}


def _files(message: EmailMessage) -> tuple[InboundFile, ...]:
    """The files attached to the message or set inline in it, in their order, without the
    small pictures its HTML shows by reference (signature logos)."""
    html = message.get_body(preferencelist=("html",))
    referenced = _decode_part(html) if html is not None else ""
    found = []
    for number, part in enumerate(message.iter_attachments(), start=1):
        if part.get_content_maintype() in ("multipart", "message"):
            continue
        data = part.get_payload(decode=True)
        if not isinstance(data, bytes):
            continue
        content_id = str(part.get("Content-ID", "")).strip("<> ")
        if content_id and f"cid:{content_id}" in referenced and len(data) < _DECORATION_BYTES:
            continue
        content_type = part.get_content_type()
        name = _normalise(str(part.get_filename() or "")).strip()
        if not name:
            name = f"attachment-{number}.{_EXTENSIONS.get(content_type, 'bin')}"
        found.append(InboundFile(name=name, content_type=content_type, data=data))
    return tuple(found)


def _part_text(message: EmailMessage, kind: str) -> str:
    """The message's text/plain body, or its HTML body as text ("" when it has none)."""
    part = message.get_body(preferencelist=(kind,))
    if part is None:
        return ""
    text = _decode_part(part)
    if kind == "html":
        return html_to_text(text)
    if str(part.get_param("format", "") or "").lower() == "flowed":
        delsp = str(part.get_param("delsp", "") or "").lower() == "yes"
        text = unflow(text, delsp=delsp)
    return text


# A plain part whose reply is this much longer than the HTML part's still holds the original
# (a client that writes it unquoted in an unknown shape); its HTML marks it, so the HTML wins.
_LONGER_BY_QUOTE = 1.5


def _reply_text(message: EmailMessage) -> tuple[str, str]:
    """The whole text of the message and the member's own words in it.

    The plain part is read first: it keeps the member's line breaks and lists. The HTML part
    marks the quoted original in its markup (``blockquote``, ``yahoo_quoted``, ``gmail_quote``),
    which no plain text does reliably; when the plain part's reply is much longer than the
    HTML part's, the plain part kept some of the original, and the HTML part's reply is
    taken instead."""
    plain = _part_text(message, "plain")
    html = _part_text(message, "html")
    body = plain if plain.strip() else html
    reply = extract_reply(body)
    if html.strip() and body is plain:
        from_html = extract_reply(html)
        if from_html and len(reply) > len(from_html) * _LONGER_BY_QUOTE + 40:
            return body, from_html
    return body, reply


def _decode_part(part: Message) -> str:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    charset = part.get_content_charset() or "utf-8"
    for candidate in (charset, "utf-8"):
        try:
            return payload.decode(candidate)
        except (LookupError, UnicodeDecodeError):
            continue
    try:
        return payload.decode(charset, errors="replace")
    except LookupError:
        return payload.decode("utf-8", errors="replace")


def unflow(text: str, *, delsp: bool = False) -> str:
    """Undo RFC 3676 format=flowed: join soft-broken lines, keep quote depth."""
    out: list[str] = []
    pending: tuple[int, str] | None = None
    for line in _split_lines(text):
        depth = len(line) - len(line.lstrip(">"))
        content = line[depth:]
        if content.startswith(" "):
            content = content[1:]  # space-stuffing
        if pending is not None and pending[0] == depth:
            content = pending[1] + content
        elif pending is not None:
            out.append(_quoted(*pending))
        pending = None
        if content.endswith(" ") and content != "-- ":
            pending = (depth, content[:-1] if delsp else content)
        else:
            out.append(_quoted(depth, content))
    if pending is not None:
        out.append(_quoted(*pending))
    return "\n".join(out)


def _quoted(depth: int, content: str) -> str:
    if not depth:
        return content
    return ">" * depth + (" " + content if content else "")


# --- HTML --------------------------------------------------------------------------------

_BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "dd", "div", "dl", "dt", "figure", "footer", "form",
        "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p",
        "pre", "section", "table", "tbody", "td", "th", "thead", "tr", "ul",
    }
)  # fmt: skip
_PARAGRAPH_TAGS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "table", "ul", "ol"})
_VOID_TAGS = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
)
_HIDDEN_TAGS = frozenset({"head", "script", "style", "title", "template", "noscript"})
# Containers that hold the quoted original (Gmail, Yahoo, Thunderbird, new Outlook) or the
# client's signature; `blockquote` is always treated as quotation.
_QUOTE_CLASSES = frozenset(
    {"gmail_quote", "gmail_quote_container", "gmail_attr", "gmail_signature", "yahoo_quoted",
     "moz-cite-prefix", "moz-signature"}
)  # fmt: skip
_QUOTE_IDS = frozenset({"mail-editor-reference-message-container"})
# Outlook puts the quoted original *after* these, as siblings: stop reading there.
_STOP_IDS = frozenset({"appendonsend", "divrplyfwdmsg"})


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self.stack: list[str] = []
        self.skip_depth: int | None = None
        self.pre_depth = 0
        self.trailing_newlines = 0
        self.stopped = False

    # Output helpers -----------------------------------------------------------------
    def _emit(self, chunk: str) -> None:
        if not chunk:
            return
        if chunk.strip("\n"):
            self.trailing_newlines = len(chunk) - len(chunk.rstrip("\n"))
        else:
            self.trailing_newlines += len(chunk)
        self.chunks.append(chunk)

    def _newline(self, count: int = 1) -> None:
        if self.chunks:  # no blank lines at the very top
            self._emit("\n" * max(0, count - self.trailing_newlines))

    # Parser callbacks ---------------------------------------------------------------
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.stopped:
            return
        attributes = {name: value or "" for name, value in attrs}
        if attributes.get("id", "").lower() in _STOP_IDS:
            self.stopped = True
            return
        if tag not in _VOID_TAGS:
            self.stack.append(tag)
        if self.skip_depth is not None:
            return
        classes = set(attributes.get("class", "").split())
        if (
            tag in _HIDDEN_TAGS
            or tag == "blockquote"
            or classes & _QUOTE_CLASSES
            or attributes.get("id", "").lower() in _QUOTE_IDS
        ):
            self.skip_depth = len(self.stack) - (0 if tag in _VOID_TAGS else 1)
            return
        if tag == "br":
            self._emit("\n")
        elif tag == "li":
            self._newline()
            self._emit("- ")
        elif tag in _PARAGRAPH_TAGS:
            self._newline(2)
        elif tag in _BLOCK_TAGS:
            self._newline()
        if tag == "pre":
            self.pre_depth += 1

    def handle_endtag(self, tag: str) -> None:
        if self.stopped or tag not in self.stack:
            return
        while self.stack:
            opened = self.stack.pop()
            if self.skip_depth is not None and len(self.stack) <= self.skip_depth:
                self.skip_depth = None
            elif self.skip_depth is None:
                if opened == "pre":
                    self.pre_depth = max(0, self.pre_depth - 1)
                if opened in _PARAGRAPH_TAGS:
                    self._newline(2)
                elif opened in _BLOCK_TAGS:
                    self._newline()
            if opened == tag:
                break

    def handle_data(self, data: str) -> None:
        if self.stopped or self.skip_depth is not None:
            return
        if not self.pre_depth:
            data = re.sub(r"[ \t\r\n\f\v]+", " ", data.replace("\xa0", " "))
            if data == " " and (
                not self.chunks or self.trailing_newlines or self.chunks[-1].endswith(" ")
            ):
                return
        self._emit(data)


def html_to_text(html: str) -> str:
    """Plain text of an HTML mail body, paragraphs kept, quoted originals left out."""
    extractor = _TextExtractor()
    extractor.feed(html)
    extractor.close()
    lines = [line.strip(" ") for line in "".join(extractor.chunks).split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")


# --- reply extraction --------------------------------------------------------------------

_BIDI_MARKS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_ATTRIBUTION = (
    # Gmail, Apple Mail, Thunderbird, Roundcube: "On <date>, <name> wrote:"
    re.compile(r"^On\s.+\swrote:$", re.I),
    # Gmail in Persian: "در تاریخ <date> <name> نوشت:"
    re.compile(r"^در تاریخ\s.+\sنوشت:$"),
)
_ATTRIBUTION_START = re.compile(r"^(On|در تاریخ)\s", re.I)
# Outlook Express sends this line with a trailing space under format=flowed, so unflowing
# joins it to the next line: no end anchor.
_ORIGINAL_MESSAGE = re.compile(r"^-{2,}\s*Original Message\s*-{2,}", re.I)
_OUTLOOK_SEPARATOR = re.compile(r"^_{20,}$")
_OUTLOOK_FROM = re.compile(r"^\*?From:\*?\s")
_OUTLOOK_DATE = re.compile(r"^\*?(Sent|Date):\*?\s")
_OUTLOOK_OTHER = re.compile(r"^\*?(To|Cc|Subject):\*?(\s|$)")
_LABELLED_LINE = re.compile(r"^\*?[^\W\d_][^:]{0,30}:\*?\s")
_SENT_FROM = re.compile(
    r"^(Sent from my \S.{0,60}|Sent from (Mail|Outlook) for \S.{0,40}|"
    r"Sent from Yahoo Mail\b.{0,60}|Get Outlook for (Android|iOS)\b.{0,80})$",
    re.I,
)
_SIGNATURE_SEPARATORS = frozenset({"-- ", "--"})
# What an attribution line in an unknown language shows: a time, a year or a date. A member's
# own lead-in ("Regarding point 3:") shows none of these.
_DATE_OR_TIME = re.compile(r"\d{1,2}:\d{2}|\b\d{4}\b|\d{1,2}[./-]\d{1,2}[./-]\d{2,4}")


def extract_reply(text: str) -> str:
    """The member's own words in a reply: quotation, attribution and signature removed.

    Quoted blocks ("> ...") go with the attribution just above them, so top- and
    bottom-posted replies keep only the member's lines; in a point-by-point answer the quotes
    answered stay, between the member's lines. Idempotent; never longer than the
    NFC-normalised input but for a blank line after a kept quote.
    """
    result = _normalise(text).strip()
    while True:
        shorter = _strip_once(result)
        if shorter == result:
            return result
        result = shorter


def _normalise(text: str) -> str:
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))


def _split_lines(text: str) -> list[str]:
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def _strip_once(text: str) -> str:
    lines = text.split("\n")
    plain = [_BIDI_MARKS.sub("", line).strip() for line in lines]
    removed = [False] * len(plain)
    point_by_point = _answers_point_by_point(plain)
    end = len(plain)
    index = 0
    while index < len(plain):
        line = plain[index]
        if line.startswith(">"):
            after = _quoted_block_end(plain, index)
            start = _attribution_start(plain, index, quoted=True)
            # In a point-by-point answer each quote the member answers stays (its attribution
            # goes). Otherwise, and for a quote with nothing of theirs below it or our own
            # email's text, the quote goes.
            answered = (point_by_point and _own_text_follows(plain, after)
                        and not _ours(plain[index:after]))
            gone = index if answered else after
            removed[start:gone] = [True] * (gone - start)
            index = after
            continue
        if _cuts_here(plain, index, line):
            quote = _quote_after_leading_header(plain, removed, index)
            if quote is None:
                end = index
                break
            removed[index:quote] = [True] * (quote - index)
            index = quote
            continue
        index += 1
    end = _without_trailing_attribution(plain, removed, end)
    while end and (removed[end - 1] or not plain[end - 1] or _SENT_FROM.match(plain[end - 1])):
        end -= 1
    return _join_kept(lines, removed, end)


def _ours(quoted: list[str]) -> bool:
    """Whether a quoted block holds our own email's text: its marker line, the footer below
    its signature separator, its unsubscribe link."""
    for line in quoted:
        text = line.lstrip("> ").strip()
        if (_has_marker(text) or text in _SIGNATURE_SEPARATORS
                or "/notifications/unsubscribe/" in text):
            return True
    return False


def _answers_point_by_point(plain: list[str]) -> bool:
    """Whether a quote stands between lines of the member's own (before any cut): then the
    member answers point by point, and the quotes they answer are kept."""
    shape = ""
    index = 0
    while index < len(plain):
        line = plain[index]
        if line.startswith(">"):
            after = _quoted_block_end(plain, index)
            if not _ours(plain[index:after]):
                shape += "" if shape.endswith("q") else "q"
            index = after
            continue
        if _cuts_here(plain, index, line):
            quote = _quote_after_leading_header(plain, [False] * len(plain), index)
            if quote is None:
                break
            index = quote
            continue
        if line and not _SENT_FROM.match(line) and not _attribution_above_quote(plain, index):
            shape += "" if shape.endswith("o") else "o"
        index += 1
    return "oqo" in shape


def _attribution_above_quote(plain: list[str], index: int) -> bool:
    below = index + 1
    while below < len(plain) and not plain[below]:
        below += 1
    return (below < len(plain) and plain[below].startswith(">")
            and _attribution_start(plain, below, quoted=True) <= index)


def _own_text_follows(plain: list[str], start: int) -> bool:
    """Whether the member wrote more from `start` on: a line that is not quoted, blank, a
    device line, the attribution of a later quote, or at or past a cut (marker, signature,
    Outlook header)."""
    for index in range(start, len(plain)):
        line = plain[index]
        if not line or line.startswith(">") or _SENT_FROM.match(line):
            continue
        if _cuts_here(plain, index, line):
            return False
        if _attribution_above_quote(plain, index):
            continue
        return True
    return False


def _has_marker(line: str) -> bool:
    return REPLY_MARKER_EN in line or REPLY_MARKER_FA in line


def _quoted_block_end(plain: list[str], start: int) -> int:
    """Index just after the quoted block at `start`; blank lines inside the block belong to it."""
    end = start + 1
    probe = end
    while probe < len(plain):
        if plain[probe].startswith(">"):
            end = probe = probe + 1
        elif not plain[probe]:
            probe += 1
        else:
            break
    return end


def _quote_after_leading_header(plain: list[str], removed: list[bool], index: int) -> int | None:
    """Where the quotation starts below an Outlook header block that comes first, else None.

    An Outlook header block ("-----Original Message-----", "From: ... Sent: ...") with none
    of the member's text above it is the attribution of the quoted lines that follow it: the
    member bottom-posted. In every other case (the member's text above it, a marker, a
    signature separator, an unquoted original below it) everything from here on goes.
    """
    line = plain[index]
    if not (
        _ORIGINAL_MESSAGE.match(line) or _OUTLOOK_SEPARATOR.match(line) or _OUTLOOK_FROM.match(line)
    ):
        return None
    if any(plain[above] and not removed[above] for above in range(index)):
        return None  # top-posting: the original follows the header, quoted or not
    below = index + 1
    while below < len(plain) and not plain[below]:
        below += 1  # a separator line may stand apart from the header lines
    while below < len(plain) and plain[below] and not plain[below].startswith(">"):
        below += 1
    while below < len(plain) and not plain[below]:
        below += 1
    if below < len(plain) and plain[below].startswith(">"):
        return below
    return None


def _without_trailing_attribution(plain: list[str], removed: list[bool], end: int) -> int:
    """`end`, or where a known attribution wording left last (its HTML quote removed) begins."""
    start = end
    while start and (removed[start - 1] or not plain[start - 1]):
        start -= 1
    return min(end, _attribution_start(plain, start, quoted=False))


def _join_kept(lines: list[str], removed: list[bool], end: int) -> str:
    """The lines kept before `end`; each removed block and the blank lines around it become
    one blank line if there was one, nothing otherwise."""
    kept: list[str] = []
    gap: list[str] = []
    removal = False
    for line, gone in zip(lines[:end], removed[:end], strict=True):
        if gone:
            removal = True
        elif not line.strip():
            gap.append("")
        else:
            if removal:
                gap = gap[:1]
            if not gap and kept and kept[-1].startswith(">") and not line.startswith(">"):
                gap = [""]  # else Markdown would carry the quote on into this line
            kept.extend(gap)
            kept.append(line.rstrip())
            gap = []
            removal = False
    return "\n".join(kept).strip()


def _cuts_here(plain: list[str], index: int, line: str) -> bool:
    """Whether everything from this line on is not the member's (marker, signature, Outlook,
    an attribution above an original that is not quoted)."""
    if line.startswith(">"):
        return False
    if _has_marker(line) or line in _SIGNATURE_SEPARATORS or _ORIGINAL_MESSAGE.match(line):
        return True
    if _attributes_unquoted_original(plain, index, line):
        return True
    following = [candidate for candidate in plain[index + 1 : index + 8] if candidate]
    if _OUTLOOK_SEPARATOR.match(line):
        return bool(following) and bool(_LABELLED_LINE.match(following[0]))
    if _OUTLOOK_FROM.match(line):
        return any(_OUTLOOK_DATE.match(other) for other in following[:2]) and any(
            _OUTLOOK_OTHER.match(other) for other in following
        )
    return False


def _attributes_unquoted_original(plain: list[str], index: int, line: str) -> bool:
    """Whether this line attributes an original written below it without "> " (Yahoo Mail,
    some webmail and phone clients). It must say who and when as a client does, with an
    address or a date or time, so a member's own "On Monday my trainees wrote:" stays."""
    below = index + 1
    joined = line
    if (_ATTRIBUTION_START.match(line) and not any(p.match(line) for p in _ATTRIBUTION)
            and below < len(plain) and plain[below]):
        joined = f"{line} {plain[below]}"  # wrapped over two lines
        below += 1
    says_when = bool(_DATE_OR_TIME.search(joined))
    if any(pattern.match(joined) for pattern in _ATTRIBUTION):
        attribution = says_when or "@" in joined
    else:  # in a language we do not know: who (an address) and when, then a colon
        attribution = joined.endswith(":") and says_when and "@" in joined
    if not attribution:
        return False
    while below < len(plain) and not plain[below]:
        below += 1
    return below < len(plain) and not plain[below].startswith(">")


def _attribution_start(plain: list[str], start: int, *, quoted: bool) -> int:
    """Where the attribution line(s) just above `start` begin, else `start` itself.

    Blank lines between the attribution and the quotation are skipped. Without a quotation
    below (HTML quotes are removed before we get here) only known wordings count.
    """
    above = start
    while above and not plain[above - 1]:
        above -= 1
    if not above:
        return start
    last = plain[above - 1]
    if any(pattern.match(last) for pattern in _ATTRIBUTION):
        return above - 1
    if above >= 2 and plain[above - 2] and not _ATTRIBUTION_START.match(last):
        joined = f"{plain[above - 2]} {last}"
        if any(pattern.match(joined) for pattern in _ATTRIBUTION):
            return above - 2  # Gmail wraps a long attribution over two lines
    if quoted and last.endswith(":") and ("@" in last or _DATE_OR_TIME.search(last)):
        return above - 1  # an attribution line in a language we do not know
    return start
