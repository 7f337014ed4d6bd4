"""Inbound reply parsing against a corpus of messages as real mail clients write them."""

import unicodedata
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from praxis.notifications.inbound import (
    REPLY_MARKER_EN,
    REPLY_MARKER_FA,
    Rejected,
    extract_reply,
    html_to_text,
    parse_message,
)

MAIL = Path(__file__).parent / "mail"
REPLY_ADDRESS = "reply+AbC123xyz.sig@praxis.example.org"


def read(name: str) -> bytes:
    return (MAIL / name).read_bytes()


def html_reply(name: str) -> str:
    """The reply extracted from the message's HTML alternative instead of its plain text."""
    message = BytesParser(policy=policy.default).parsebytes(read(name))
    part = message.get_body(preferencelist=("html",))
    return extract_reply(html_to_text(part.get_content()))


def rejection(raw: bytes, **kwargs) -> str:
    with pytest.raises(Rejected) as caught:
        parse_message(raw, **kwargs)
    assert caught.value.detail
    return caught.value.reason


def minimal(headers: str, body: str = "Yes, I will come.\n") -> bytes:
    return (
        f"From: Maryam <maryam@example.ir>\nTo: {REPLY_ADDRESS}\n"
        f"Subject: Re: test\n{headers}\n{body}"
    ).encode()


# --- the corpus --------------------------------------------------------------------------


def test_gmail_english_reply_drops_signature_attribution_and_quote():
    message = parse_message(read("gmail_en.eml"))

    assert message.text == (
        "Thanks, Leila — I tried the jigsaw protocol with my second-year cohort on Sunday "
        "and it worked well.\n\nOne question: how did you group the critical friends?"
    )
    assert message.sender == "reza.karimi@gmail.com"
    assert message.sender_name == "Reza Karimi"
    assert message.recipients == (REPLY_ADDRESS,)
    assert message.subject == "Re: [Praxis] Lesson study, round 2"
    assert message.message_id == "CAHk7pQz3x9s+Yb1dK5vF0jWm2N8aQ@mail.gmail.com"
    assert message.in_reply_to == ("notification.7f3c2a91@praxis.example.org",)
    assert REPLY_MARKER_EN in message.full_text


def test_gmail_english_html_alternative_gives_the_same_reply():
    assert html_reply("gmail_en.eml") == parse_message(read("gmail_en.eml")).text


def test_gmail_persian_reply_decodes_base64_body_and_encoded_headers():
    message = parse_message(read("gmail_fa.eml"))

    assert message.text == (
        "سلام لیلا جان،\n\n"
        "ممنون از گزارش دقیقتان. ما هم این هفته همین طرح درس را در کلاس آزمایش می‌کنیم\n"
        "و نتیجه را همین‌جا می‌نویسیم.\n\n"
        "مریم"
    )
    assert message.subject == "Re: [پراکسیس] درس‌پژوهی، دور دوم"
    assert message.sender == "maryam.ahmadi@gmail.com"
    assert message.sender_name == "مریم احمدی"
    assert message.in_reply_to == (
        "notification.81d0e5b2@praxis.example.org",
        "notification.7f3c2a91@praxis.example.org",
    )
    assert "\r" not in message.text


def test_gmail_persian_html_alternative_drops_gmail_quote():
    assert html_reply("gmail_fa.eml") == (
        "سلام لیلا جان،\n\n"
        "ممنون از گزارش دقیقتان. ما هم این هفته همین طرح درس را در کلاس آزمایش می‌کنیم "
        "و نتیجه را همین‌جا می‌نویسیم.\n\n"
        "مریم"
    )


OUTLOOK_REPLY = (
    "سلام،\n\n"
    "جلسه‌ي پنجشنبه را با گروه دوم برگزار مي‌کنيم. لطفاً برگه‌ي مشاهده را همراه بياوريد.\n\n"
    "حسين رحيمي"
)


def test_outlook_windows_1256_reply_drops_from_sent_block():
    message = parse_message(read("outlook_1256.eml"))

    assert message.text == OUTLOOK_REPLY
    assert message.subject == "RE: [Praxis] Session plan for Thursday"
    assert message.sender == "h.rahimi@cfu.example.ac.ir"
    assert "Sent: Tuesday, November 24, 2026 10:02 AM" in message.full_text


def test_outlook_html_alternative_gives_the_same_reply():
    assert html_reply("outlook_1256.eml") == OUTLOOK_REPLY


def test_html_only_webmail_message_is_converted_to_text():
    message = parse_message(read("html_only_webmail.eml"))

    assert message.text == (
        "Dear colleagues,\n\n"
        "The session plan template is very useful – we used it\n"
        "for the practicum debrief on Monday.\n\n"
        "- the timing column helped\n"
        '- the "evidence" column needs more room\n\n'
        "Best wishes,\nSara"
    )
    assert "Leila Hosseini shared" not in message.full_text
    # The reply address also in Cc, with the domain upper-cased, is listed once.
    assert message.recipients == (REPLY_ADDRESS, "leila.hosseini@example.org")


def test_apple_mail_reply_drops_sent_from_my_iphone():
    message = parse_message(read("apple_iphone.eml"))

    assert message.text == "Yes, count me in for Thursday’s session. I’ll bring the video clip."
    assert message.message_id == "8E2B7C41-3A9D-4F6E-B1C0-52D7E8F9A0B1@icloud.com"
    assert html_reply("apple_iphone.eml") == message.text


def test_thunderbird_flowed_reply_below_the_quote_is_kept():
    message = parse_message(read("thunderbird_flowed.eml"))

    assert message.text == (
        "Dear Leila,\n\n"
        'I think the observation grid would work better if we split the "student talk" '
        "column into two: questions and explanations. I tried this with my cohort last "
        "term.\n\n"
        "From my notes: the split made the debrief much shorter."
    )
    # Our own mail server's headers come first.
    assert message.recipients == ("inbound@praxis.example.org", REPLY_ADDRESS)


def test_thunderbird_bottom_post_below_a_trimmed_quote_keeps_only_the_answer():
    message = parse_message(read("thunderbird_bottom_post.eml"))

    assert message.text == "Bottom-posted answer: I will bring my loop-input warmer.\n\nAli"
    assert "See you there." in message.full_text


def test_gmail_persian_interleaved_reply_keeps_the_quote_answered_and_drops_our_footer():
    message = parse_message(read("gmail_fa_interleaved.eml"))

    assert message.text == (
        "> لیلا حسینی در «جلسه\u200cی زنده» نوشت:\n>\n"
        "> آیا پنجشنبه ساعت ۱۰ برای همه مناسب است؟\n>\n\n"
        "بله، برای گروه ما مناسب است.\n\n"
        "> لطفاً هر کس یک فعالیت اصلاح\u200cشده همراه بیاورد.\n\n"
        "من فعالیت «گرم‌کردن با ورودی حلقه‌ای» را می‌آورم\n"
        "و برگه‌ی آن را هم چاپ می‌کنم.\n\n"
        "مریم"
    )
    assert REPLY_MARKER_FA in message.full_text


def test_windows_1256_plain_text_from_outlook_express():
    message = parse_message(read("plain_windows_1256.eml"))

    assert message.text == (
        "با سلام\n\n"
        "من هم با پيشنهاد شما موافقم. جلسه‌ي بعد را در دانشکده برگزار کنيم.\n\n"
        "با تشکر\nزهرا کاظمي"
    )
    assert message.subject == "Re: [Praxis] جلسه بعد"
    assert message.sender == "z.kazemi@example.ir"
    assert message.sender_name == "زهرا کاظمي"


def test_bounce_is_rejected():
    assert rejection(read("bounce.eml")) == "bounce"


def test_out_of_office_is_rejected():
    assert rejection(read("out_of_office.eml")) == "auto_reply"


def test_attachments_are_not_text_but_files():
    message = parse_message(read("with_attachment.eml"))

    assert message.text == "Here is the grid we used, see the attached PDF."
    assert [(f.name, f.content_type) for f in message.files] == [
        ("notes.txt", "text/plain"), ("observation-grid.pdf", "application/pdf")]
    assert "private notes" not in message.full_text
    assert message.recipients == (REPLY_ADDRESS, "leila.hosseini@example.org")


def test_oversized_message_is_rejected_before_parsing():
    raw = minimal("", "x" * 2000)

    assert rejection(raw, max_bytes=1000) == "oversized"
    assert parse_message(raw, max_bytes=len(raw)).text == "x" * 2000


def test_garbage_is_rejected_as_malformed():
    assert rejection(read("garbage.eml")) == "malformed"


# --- header rules ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        ("Return-Path: <>\n", "bounce"),
        ("X-Failed-Recipients: old@example.ir\n", "bounce"),
        ("Auto-Submitted: auto-replied\n", "auto_reply"),
        ("X-Autoreply: yes\n", "auto_reply"),
        ("X-Autorespond: Out of office\n", "auto_reply"),
        ("Precedence: bulk\n", "auto_reply"),
        ("Precedence: junk\n", "auto_reply"),
        ("Precedence: list\n", "auto_reply"),
        ("Precedence: auto_reply\n", "auto_reply"),
        (
            'Content-Type: multipart/report; report-type=disposition-notification; boundary="b"\n',
            "auto_reply",
        ),
    ],
)
def test_machine_written_mail_is_rejected(headers, reason):
    assert rejection(minimal(headers)) == reason


def test_outlook_out_of_office_subject_with_suppress_header_is_rejected():
    raw = minimal("X-Auto-Response-Suppress: All\n").replace(
        b"Subject: Re: test", b"Subject: Automatic reply: Lesson study"
    )
    assert rejection(raw) == "auto_reply"


def test_mailer_daemon_sender_is_a_bounce():
    raw = minimal("").replace(b"Maryam <maryam@example.ir>", b"MAILER-DAEMON@mx.example.ir")
    assert rejection(raw) == "bounce"


def test_auto_submitted_no_is_a_human():
    assert parse_message(minimal("Auto-Submitted: no\n")).text == "Yes, I will come."


def test_message_without_from_has_no_sender():
    raw = f"To: {REPLY_ADDRESS}\nSubject: hi\n\nHello\n".encode()
    assert rejection(raw) == "no_sender"


def test_from_without_address_has_no_sender():
    assert rejection(minimal("").replace(b"<maryam@example.ir>", b"")) == "no_sender"


def test_reply_with_only_quoted_text_has_no_text():
    body = "On Tue, 24 Nov 2026 at 10:02, Praxis wrote:\n\n> Leila posted.\n"
    assert rejection(minimal("", body)) == "no_text"


@pytest.mark.parametrize(
    "body",
    [
        "On Wed, 25 Nov 2026 at 04:26, Praxis wrote:\n> Live session.\n\n> See you.\n\n",
        "-----Original Message-----\nFrom: Praxis\nSent: today\n\n> Live session.\n",
        "From: Praxis <a@b.example>\nSent: today\nTo: Ali\n\nLive session.\n",
    ],
)
def test_reply_with_only_a_bottom_quote_or_outlook_original_has_no_text(body):
    assert rejection(minimal("", body)) == "no_text"


def test_unknown_charset_falls_back_without_crashing():
    raw = minimal(
        "MIME-Version: 1.0\nContent-Type: text/plain; charset=x-no-such-charset\n"
        "Content-Transfer-Encoding: 8bit\n"
    ).replace(b"Yes, I will come.", "سلام \xff".encode() + b"\xff")
    assert parse_message(raw).text.startswith("سلام")


def test_wrongly_declared_charset_is_replaced_not_raised():
    raw = (
        minimal(
            "MIME-Version: 1.0\nContent-Type: text/plain; charset=us-ascii\n"
            "Content-Transfer-Encoding: 8bit\n",
            "",
        )
        + b"caf\xe9 \xff\n"
    )
    assert parse_message(raw).text == "caf\ufffd \ufffd"


def test_koi8_r_body_is_decoded():
    raw = minimal(
        "MIME-Version: 1.0\nContent-Type: text/plain; charset=koi8-r\n"
        "Content-Transfer-Encoding: 8bit\n",
        "",
    ) + "Привет, коллеги\n".encode("koi8-r")
    assert parse_message(raw).text == "Привет, коллеги"


def test_recipients_are_bare_and_trusted_headers_come_first():
    raw = minimal(
        "Delivered-To: inbound@praxis.example.org\n"
        f"Envelope-To: {REPLY_ADDRESS}\n"
        "Cc: Leila <leila@example.org>, Praxis <inbound@praxis.example.org>\n"
    )
    assert parse_message(raw).recipients == (
        "inbound@praxis.example.org",
        REPLY_ADDRESS,
        "leila@example.org",
    )


def test_missing_message_id_is_empty():
    message = parse_message(minimal(""))
    assert message.message_id == ""
    assert message.in_reply_to == ()


# --- extract_reply -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "attribution",
    [
        "On Tue, 24 Nov 2026 at 10:02, Praxis <reply+a@praxis.example.org> wrote:",
        "On Tue, 24 Nov 2026 at 10:02, A Rather Long Display Name <\n"
        "reply+AbC123xyz.sig@praxis.example.org> wrote:",
        "On Tue, 24 Nov 2026 at 10:02, A Rather Long Display Name "
        "<reply+AbC123xyz.sig@praxis.example.org>\nwrote:",
        "On 24 Nov 2026, at 10:02, Praxis <reply+a@praxis.example.org> wrote:",
        "On 11/24/26 10:02 AM, Praxis wrote:",
        "در تاریخ سه‌شنبه ۲۴ نوامبر ۲۰۲۶ ساعت ۱۰:۰۲ Praxis <reply+a@praxis.example.org> نوشت:",
        "\u200fدر تاریخ سه‌شنبه ۲۴ نوامبر ۲۰۲۶ ساعت ۱۰:۰۲ Praxis <\n"
        "reply+a@praxis.example.org> نوشت:\u200f",
        "Am Di., 24. Nov. 2026 um 10:02 Uhr schrieb Praxis <reply+a@praxis.example.org>:",
    ],
)
def test_attribution_and_trailing_quote_are_removed(attribution):
    text = f"My answer.\n\nSecond paragraph.\n\n{attribution}\n\n> quoted\n>\n> more quoted\n"
    assert extract_reply(text) == "My answer.\n\nSecond paragraph."


def test_attribution_left_alone_after_html_quote_removal_is_removed():
    assert extract_reply("My answer.\n\nOn 11/24/26 10:02 AM, Praxis wrote:") == "My answer."


@pytest.mark.parametrize(
    "marker", [REPLY_MARKER_EN, REPLY_MARKER_FA, f"\u200f{REPLY_MARKER_FA}\u200f"]
)
def test_everything_from_the_reply_marker_on_is_dropped(marker):
    text = f"My answer.\n\n{marker}\n\nLeila posted:\n\nSome notification text\n"
    assert extract_reply(text) == "My answer."


def test_quoted_marker_block_goes_but_text_below_it_stays():
    text = (
        "On 11/24/26 10:02 AM, Praxis wrote:\n"
        f"> {REPLY_MARKER_EN}\n> Leila posted.\n\nMy answer below the quote.\n"
    )
    assert extract_reply(text) == "My answer below the quote."


def test_outlook_header_block_and_everything_after_is_dropped():
    text = (
        "Agreed.\r\n\r\n"
        "________________________________\r\n"
        "From: Praxis <reply+a@praxis.example.org>\r\n"
        "Sent: Tuesday, November 24, 2026 10:02 AM\r\n"
        "To: Hossein <h@example.ir>\r\n"
        "Subject: Re: plan\r\n\r\nOriginal text\r\n"
    )
    assert extract_reply(text) == "Agreed."


def test_outlook_separator_followed_by_any_language_header_is_dropped():
    text = "موافقم.\n\n________________________________\nاز: Praxis <a@b.example>\nمتن\n"
    assert extract_reply(text) == "موافقم."


def test_original_message_separator_is_dropped():
    text = "Agreed.\n\n-----Original Message-----\nFrom: Praxis\nSent: today\n\nOld text\n"
    assert extract_reply(text) == "Agreed."


@pytest.mark.parametrize(
    "trailer",
    [
        "Sent from my iPhone",
        "Sent from my Android",
        "Sent from my Samsung Galaxy smartphone.",
        "Get Outlook for Android<https://aka.ms/AAb9ysg>",
        "Get Outlook for iOS",
        "Sent from Mail for Windows",
        "-- \nMaryam Ahmadi\nTeacher educator",
    ],
)
def test_device_lines_and_signatures_are_dropped(trailer):
    assert extract_reply(f"Agreed, see you then.\n\n{trailer}\n") == "Agreed, see you then."


def test_interleaved_quotes_stay_as_the_questions_answered_and_the_trailing_quote_goes():
    text = (
        "On 11/24/26 10:02 AM, Leila wrote:\n"
        "> Shall we meet on Thursday?\n\nYes.\n\n"
        "> Can you bring the grid?\n\nI will.\n\n"
        "> Thanks!\n> Leila\n"
    )
    assert extract_reply(text) == (
        "> Shall we meet on Thursday?\n\nYes.\n\n> Can you bring the grid?\n\nI will.")


def test_our_quoted_footer_goes_even_between_the_members_lines():
    text = (
        "On Mon, 1 Jan 2026 at 10:00, Praxis <n@praxis.example> wrote:\n"
        "> Alice's first paragraph.\n> Alice's second paragraph.\n\n"
        "My answer to the second paragraph.\n\n"
        "> Read it on the site: https://praxis.example/c/x/posts/5/\n> --\n"
        "> Email settings: https://praxis.example/notifications/\n"
        "> Unsubscribe: https://praxis.example/notifications/unsubscribe/SECRET/\n\n"
        "Cheers,\nBob\n"
    )
    reply = extract_reply(text)
    assert "SECRET" not in reply and "Email settings" not in reply
    assert reply.startswith("My answer to the second paragraph.") and reply.endswith("Bob")


@pytest.mark.parametrize("lead_in", ["Regarding point 3:", "درباره‌ی نکته‌ی ۲:"])
def test_the_members_own_lead_in_to_a_quote_is_no_attribution(lead_in):
    text = f"{lead_in}\n> Alice's third point\nI disagree because X.\n"
    assert extract_reply(text) == f"{lead_in}\n> Alice's third point\n\nI disagree because X."


def test_a_quote_above_a_signature_is_not_taken_for_an_interleaved_one():
    text = "Agreed.\n\nOn Wed, Leila wrote:\n> Thursday?\n\n-- \nAli Moradi\nTrainer\n"
    assert extract_reply(text) == "Agreed."


@pytest.mark.parametrize(
    "attribution",
    [
        "On Wed, 25 Nov 2026 at 04:26, Praxis <notifications@example.org> wrote:",
        "On Wed, 25 Nov 2026 at 04:26, A Rather Long Display Name <\n"
        "reply+AbC123xyz.sig@praxis.example.org> wrote:",
        "\u200fدر تاریخ چهارشنبه ۲۵ نوامبر ۲۰۲۶ ساعت ۴:۲۶ Praxis <\n"
        "reply+a@praxis.example.org> نوشت:\u200f",
        "Am Mi., 25. Nov. 2026 um 04:26 Uhr schrieb Praxis <reply+a@praxis.example.org>:",
    ],
)
def test_bottom_post_below_a_trimmed_quote_keeps_only_the_answer(attribution):
    text = f"{attribution}\n> Live session on Thursday.\n>\n> See you there.\n\nMy answer.\n\nAli\n"
    assert extract_reply(text) == "My answer.\n\nAli"


def test_a_quote_between_own_lines_stays_and_a_plain_colon_line_is_no_attribution():
    text = "I agree with this:\n> Bring one activity.\nAnd I will bring two.\n> See you.\n"
    assert extract_reply(text) == (
        "I agree with this:\n> Bring one activity.\n\nAnd I will bring two.")


@pytest.mark.parametrize(
    "header",
    [
        "-----Original Message-----\nFrom: Praxis <notifications@example.org>\n"
        "Sent: Wednesday, November 25, 2026 4:26 AM\nTo: Ali <ali@example.ir>\n"
        "Subject: Live session",
        "________________________________\nFrom: Praxis <notifications@example.org>\n"
        "Sent: Wednesday, November 25, 2026 4:26 AM\nTo: Ali <ali@example.ir>\n"
        "Subject: Live session",
        "From: Praxis <notifications@example.org>\nSent: Wednesday, November 25, 2026\n"
        "To: Ali <ali@example.ir>\nSubject: Live session",
    ],
)
def test_outlook_header_block_first_is_the_attribution_of_the_quote_below(header):
    text = f"{header}\n\n> Live session on Thursday.\n> See you there.\n\nMy answer.\n"
    assert extract_reply(text) == "My answer."
    # Nothing of the member's own: nothing is left.
    assert extract_reply(f"{header}\n\n> Live session on Thursday.\n") == ""
    # An unquoted original below the header block is all the original's, as before.
    assert extract_reply(f"{header}\n\nLive session on Thursday.\n") == ""


def test_outlook_header_below_own_text_still_drops_everything_after_it():
    text = (
        "Agreed.\n\n-----Original Message-----\nFrom: Praxis\nSent: today\n\n"
        "> Old text\n\nMore old text\n"
    )
    assert extract_reply(text) == "Agreed."


def test_text_is_nfc_normalised_with_lf_line_ends():
    decomposed = unicodedata.normalize("NFD", "café\r\n\r\nآری")
    assert extract_reply(decomposed) == "café\n\nآری"


def test_an_ordinary_sentence_ending_with_a_colon_is_kept():
    assert extract_reply("Here are my two points:\n\n1. time\n2. space") == (
        "Here are my two points:\n\n1. time\n2. space"
    )


def test_html_blockquotes_and_outlook_reply_divs_are_quotes():
    html = (
        "<div>Mine<br>second line</div><blockquote type='cite'>theirs</blockquote>"
        "<p>after</p><div id='appendonsend'></div><hr><div id='divRplyFwdMsg'>From: x</div>"
        "<div>old message</div>"
    )
    assert html_to_text(html) == "Mine\nsecond line\n\nafter"


# --- properties --------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
def test_parse_message_raises_only_rejected_on_arbitrary_bytes(raw):
    try:
        parse_message(raw)
    except Rejected as rejected:
        assert rejected.reason in {"malformed", "no_sender", "no_text", "bounce", "auto_reply"}


# Headers worth mutating: arbitrary bytes rarely reach the MIME and header code paths.
_HEADER_LINES = st.sampled_from(
    [
        b"From: =?utf-8?B?2YXYsduM2YU=?= <a@b.example>\n",
        b"From: <>\n",
        b"From: \xff\xfe\n",
        b"To: reply+x@praxis.example.org, broken <\n",
        b"Subject: =?x-unknown?Q?=FF?=\n",
        b"Content-Type: multipart/alternative; boundary=b\n",
        b"Content-Type: text/html; charset=\xff\n",
        b"Content-Type: text/plain; format=flowed; delsp=yes\n",
        b"Content-Transfer-Encoding: base64\n",
        b"Content-Transfer-Encoding: quoted-printable\n",
        b"References: <a@b> broken <c\n",
        b"Return-Path: <>\n",
        b"MIME-Version: 1.0\n",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_HEADER_LINES, max_size=8), st.binary(max_size=500))
def test_parse_message_raises_only_rejected_on_mangled_messages(headers, body):
    try:
        message = parse_message(b"".join(headers) + b"\n" + body)
    except Rejected:
        return
    assert message.text


_REPLY_LINES = st.sampled_from(
    [
        "",
        "My answer.",
        "> quoted",
        ">",
        "-- ",
        "--",
        "Sent from my iPhone",
        "On Tue, 24 Nov 2026 at 10:02, Praxis <a@b.example> wrote:",
        "در تاریخ ۲۴ نوامبر ۲۰۲۶ Praxis نوشت:",
        REPLY_MARKER_EN,
        f"> {REPLY_MARKER_FA}",
        "From: Praxis <a@b.example>",
        "Sent: Tuesday",
        "Subject: x",
        "_" * 32,
        "Note 1:",
        "سلام\u200cها",
    ]
)
_REPLY_TEXTS = st.one_of(
    st.text(max_size=300),
    st.lists(st.one_of(_REPLY_LINES, st.text(max_size=20)), max_size=20).map("\n".join),
)


@settings(max_examples=500, deadline=None)
@given(_REPLY_TEXTS)
def test_extract_reply_is_idempotent_and_never_adds_text(text):
    reply = extract_reply(text)
    normalised = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))

    assert extract_reply(reply) == reply
    # NFC can lengthen a few characters (composition exclusions), so compare to that; a
    # blank line may part a kept quote from the member's next line.
    assert len(reply.replace("\n", "")) <= len(normalised.replace("\n", ""))
    # Lines are only ever dropped or trimmed, never rewritten.
    source_lines = normalised.split("\n")
    for line in reply.split("\n") if reply else []:
        assert any(line.strip() in source for source in source_lines)


def test_yahoo_reply_with_the_original_unquoted_keeps_only_the_answer():
    message = parse_message(read("yahoo_unquoted.eml"))
    assert message.text == (
        "Thank you, Maryam. I will try the loop-input session with my trainees on Tuesday\n"
        "and report back here.\n\nLeila")
    assert message.sender == "leila.ahmadi@yahoo.com"


def test_yahoo_html_alternative_drops_the_yahoo_quoted_original():
    assert html_reply("yahoo_unquoted.eml").startswith("Thank you, Maryam.")
    assert "ten minutes inside" not in html_reply("yahoo_unquoted.eml")


@pytest.mark.parametrize("attribution", [
    "On Sun, Dec 6, 2026 at 9:12 AM Maryam Hosseini <reply+p1@praxis.example.org> wrote:",
    "On 12/6/26 9:12 AM, Maryam Hosseini wrote:",
    "در تاریخ ۱۵ آذر ۱۴۰۵، ساعت ۹:۱۲ Maryam Hosseini نوشت:",
    "Le dim. 6 déc. 2026 à 09:12, Maryam <reply+p1@praxis.example.org> a écrit :",
])
def test_an_unquoted_original_below_a_clients_attribution_goes(attribution):
    text = f"My answer.\n\n{attribution}\n\nThe original, written without quote marks.\nMore."
    assert extract_reply(text) == "My answer."


def test_a_members_own_sentence_like_an_attribution_stays():
    text = "On Monday my trainees wrote:\n\nwe want more group work.\nThat surprised me."
    assert extract_reply(text) == text
