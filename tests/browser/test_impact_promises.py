"""A promise in a real browser with JavaScript off, at phone width: a member says "I will use
this in my training" under a post, gives the session's date, and time passes: the home page
asks what happened, a reply to the invitation's email becomes a draft story, and the home
page then says "Finish your story"."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from praxis.accounts.tests.factories import DEFAULT_PASSWORD
from praxis.discussions.tests.factories import make_thread, make_topic, opener, reply
from praxis.impact import promises
from praxis.impact.models import UsePromise
from praxis.notifications.models import OutboundEmail
from praxis.notifications.tokens import promise_reply_address
from praxis.site.notifications import replies

PHONE = {"width": 390, "height": 844}
MAIL = Path(__file__).resolve().parents[2] / "praxis" / "notifications" / "tests" / "mail"
CORPUS_ADDRESS = b"reply+AbC123xyz.sig@praxis.example.org"


@pytest.fixture
def scene(make_cast, live_server, settings):
    settings.PRAXIS_REPLY_DOMAIN = "praxis.example.org"
    cast = make_cast()
    topic = make_topic(cast.community, facilitators=[cast.facilitator], title="Loop input")
    thread = make_thread(topic, cast.facilitator, title="Loop input in a TTC course")
    opener(thread)
    cast.post = reply(thread, cast.facilitator,
                      body="Give every instruction the way trainees should give theirs.")
    return cast


def fits_the_phone(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def test_a_reaction_becomes_a_promise_and_then_a_draft_story(new_context, scene, log_in,
                                                             screenshot):
    slug = scene.community.slug
    page = new_context(viewport=PHONE).new_page()
    log_in(page, scene.member.email, DEFAULT_PASSWORD)
    page.goto(scene.post.get_absolute_url())
    page.locator(f"#post-{scene.post.pk}").get_by_role(
        "button", name=re.compile("I will use this in my training")).click()
    page.wait_for_load_state()
    main = page.locator("main")
    assert main.get_by_role("heading", name="When will you use it?").is_visible()
    assert fits_the_phone(page)
    screenshot(page, "promise-new-phone-en")
    # A bad date is refused with a message, and nothing is kept.
    main.get_by_label("Date of the training session").fill("2099-01-01")
    main.get_by_role("button", name="Remind me after the session").click()
    assert "two years" in main.inner_text()
    assert not UsePromise.objects.exists()
    when = timezone.localdate() + timedelta(days=7)
    main.get_by_label("Date of the training session").fill(when.isoformat())
    main.get_by_label("What you will use (optional)").fill("Instructions as input")
    main.get_by_role("button", name="Remind me after the session").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/c/{slug}/impact/promises/")
    assert "Waiting for the session" in main.inner_text()
    assert "Instructions as input" in main.inner_text()
    screenshot(page, "promise-list-phone-en")

    # Time passes: the session was yesterday, and the job invites.
    promise = UsePromise.objects.get()
    UsePromise.objects.filter(pk=promise.pk).update(
        session_date=timezone.localdate() - timedelta(days=1))
    assert promises.invite_due() == 1
    email = OutboundEmail.objects.get(user=scene.member)
    assert email.headers["Reply-To"] == promise_reply_address(promise.pk, scene.member.pk)
    page.goto("/")
    home = page.locator("main")
    assert home.get_by_role("heading", name="Tell what happened").is_visible()
    assert home.get_by_role("button", name="Tell what happened").is_visible()

    # The member replies to the email from their mail client: a draft story.
    raw = (MAIL / "gmail_en.eml").read_bytes()
    scene.member.email = re.search(rb"^From:.*<([^>]+)>", raw, re.M).group(1).decode()
    scene.member.save()
    raw = raw.replace(CORPUS_ADDRESS, email.headers["Reply-To"].encode())
    assert replies.receive(raw, channel="pipe").story is not None
    page.goto("/")
    finish = home.get_by_role("link", name="Finish your story")
    assert finish.is_visible()
    finish.click()
    page.wait_for_load_state()
    promise.refresh_from_db()
    assert f"/impact/stories/{promise.story_id}/edit/" in page.url or str(
        promise.story_id) in page.url

    page.goto(f"/c/{slug}/impact/promises/")
    assert "Story begun" in page.locator("main").inner_text()
    page.locator(".lang-switch button[value=fa]").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert fits_the_phone(page)
    screenshot(page, "promise-list-phone-fa")
