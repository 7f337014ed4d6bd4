"""Every plain-text email template renders people's words as written: no HTML escaping in
subjects or bodies, and text of the other direction isolated for the reader."""

import re
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.utils import translation

from praxis.core.email import render_text
from praxis.core.templatetags.praxis import (
    FIRST_STRONG_ISOLATE,
    POP_DIRECTIONAL_ISOLATE,
    isolate,
)

PRAXIS = Path(__file__).resolve().parents[2]
TEXT_TEMPLATES = sorted(
    str(path.relative_to(path.parents[2]))
    for path in PRAXIS.glob("*/templates/*/email/*.txt")
)
HOSTILE = "Teachers' \"Club\" <Tehran> & Co"
ESCAPES = ("&#x27;", "&#39;", "&quot;", "&lt;", "&gt;", "&amp;")


class _Person(SimpleNamespace):
    """A member as templates see one: printed by name (``User.__str__``)."""

    def __str__(self) -> str:
        return str(self.display_name)


def _person(name: str) -> SimpleNamespace:
    return _Person(display_name=name, email="someone@example.org")


def _context() -> dict[str, object]:
    moment = datetime(2026, 12, 6, 7, 0, tzinfo=UTC)
    community = SimpleNamespace(name=HOSTILE)
    post = SimpleNamespace(author=_person(HOSTILE), body=HOSTILE, created_at=moment)
    return {
        "community": community, "inviter": _person(HOSTILE), "requester": _person(HOSTILE),
        "recipient": _person(HOSTILE), "user": _person(HOSTILE),
        "invitation": SimpleNamespace(message=HOSTILE, expires_at=moment),
        "proposal": SimpleNamespace(title=HOSTILE),
        "topic": SimpleNamespace(title=HOSTILE, starts_at=moment, ends_at=moment),
        "thread": SimpleNamespace(title=HOSTILE), "post": post, "message": HOSTILE,
        "reason": HOSTILE, "text": HOSTILE, "headline": HOSTILE, "why": HOSTILE,
        "title": HOSTILE, "summary": "", "received_at": moment, "link": "https://x.org/?a=1&b=2",
        "groups": [SimpleNamespace(community_name=HOSTILE, topic_title=HOSTILE,
                                   thread_title=HOSTILE,
                                   posts=[SimpleNamespace(post=post, url="https://x.org/p/")])],
        "protocol": "https", "domain": "x.org", "uid": "MQ", "token": "abc-def",
        "refused": [HOSTILE], "post_url": "https://x.org/?a=1&b=2",
        "study": SimpleNamespace(title=HOSTILE),
        "instrument": SimpleNamespace(title=HOSTILE, number=1),
    }


def test_every_text_template_is_found():
    assert len(TEXT_TEMPLATES) >= 15
    assert "communities/email/invitation_subject.txt" in TEXT_TEMPLATES


@pytest.mark.parametrize("template_name", TEXT_TEMPLATES)
def test_a_text_email_shows_words_as_written(template_name, db):
    with translation.override("en"):
        text = render_text(template_name, _context())
    assert not any(escape in text for escape in ESCAPES), text
    if "{{" not in text and "password_reset_subject" not in template_name:
        assert HOSTILE in text or "https://x.org/?a=1&b=2" in text, text


def test_an_english_name_in_a_persian_email_keeps_its_order(db):
    context = {**_context(), "community": SimpleNamespace(name="Iran Teacher Trainers' Club")}
    with translation.override("fa"):
        subject = render_text("communities/email/invitation_subject.txt", context)
    assert (FIRST_STRONG_ISOLATE + "Iran Teacher Trainers' Club" + POP_DIRECTIONAL_ISOLATE
            in subject)


def test_isolation_only_where_the_direction_differs():
    with translation.override("en"):
        assert isolate("Teachers' Club") == "Teachers' Club"
        assert isolate("انجمن مربیان") == "\u2068انجمن مربیان\u2069"
    with translation.override("fa"):
        assert isolate("انجمن مربیان") == "انجمن مربیان"
        assert isolate("Club 2") == "\u2068Club 2\u2069"
        assert isolate(None) == ""


def test_text_fields_follow_what_is_typed_and_addresses_read_left_to_right(db):
    from praxis.accounts.forms import ProfileForm, SignupForm

    profile = str(ProfileForm())
    assert re.search(r'<textarea name="bio"[^>]* dir="auto">', profile)
    assert 'name="display_name"' in profile and profile.count('dir="auto"') >= 3
    assert 'type="email" name="email"' in str(SignupForm()) and 'dir="ltr"' in str(SignupForm())
