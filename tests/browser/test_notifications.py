"""Email in a real browser with JavaScript off: a member follows a topic from its page, gets a
post by email, unsubscribes with the email's link, and sets their email defaults; axe on the
email pages and the outbox, in English and Persian."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core import mail

from praxis.accounts.tests.factories import DEFAULT_PASSWORD
from praxis.discussions import services as discussions
from praxis.discussions.tests.factories import make_thread, make_topic
from praxis.notifications.models import Mode, OutboundEmail, Subscription

FAILING_IMPACTS = {"serious", "critical"}


@pytest.fixture
def scene(make_cast, live_server, settings):
    settings.PRAXIS_REPLY_DOMAIN = "praxis.example.org"
    settings.SITE_URL = live_server.url
    cast = make_cast()
    cast.member.display_name = "Ali Moradi"
    cast.member.save()
    cast.topic = make_topic(cast.community, facilitators=[cast.facilitator],
                            title="Loop input")
    cast.thread = make_thread(cast.topic, cast.facilitator,
                              title="Have you been trained through loop input?")
    return cast


def serious(page, label: str) -> list[str]:
    results = Axe().run(page)
    return [f"{label} ({page.url}): {v['id']} [{v['impact']}] {v['help']}"
            for v in results.response["violations"] if v["impact"] in FAILING_IMPACTS]


def test_a_member_follows_a_topic_gets_a_post_and_unsubscribes_from_the_email(
        page, scene, log_in, link_in, screenshot):
    log_in(page, scene.member.email, DEFAULT_PASSWORD)
    page.goto(f"/c/{scene.community.slug}/t/{scene.topic.slug}/")
    choice = page.get_by_label("Email about this topic")
    choice.select_option(Mode.INSTANT)
    page.locator("form.place-mode").get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    assert "Your email setting for this topic has been saved." in page.content()
    assert page.get_by_label("Email about this topic").input_value() == Mode.INSTANT
    screenshot(page, "notifications-topic-followed")

    discussions.publish_post(thread=scene.thread, author=scene.steward,
                             body="I learnt group work *through* group work.")
    [email] = [m for m in mail.outbox if m.to == [scene.member.email]]
    assert "I learnt group work *through* group work." in email.body
    unsubscribe = email.extra_headers["List-Unsubscribe"].strip("<>")
    page.goto(link_in(unsubscribe))
    assert f"Stop emails about the topic “<bdi>{scene.topic.title}</bdi>”." in page.content()
    page.locator("main").get_by_role("button", name="Unsubscribe").click()
    page.wait_for_load_state()
    assert "You will not get these emails any more." in page.content()
    assert Subscription.objects.get(user=scene.member, topic=scene.topic).mode == Mode.OFF


def test_a_member_sets_their_email_defaults(page, scene, log_in, screenshot):
    log_in(page, scene.member.email, DEFAULT_PASSWORD)
    page.goto("/")
    page.get_by_role("navigation", name="Site").get_by_role("link", name="Email").click()
    main = page.locator("main")
    main.get_by_label("Unless I choose otherwise below, email me").select_option(Mode.WEEKLY)
    main.get_by_label("email me at once about what concerns me").uncheck()
    main.get_by_label(scene.community.name).select_option(Mode.INSTANT)
    main.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    assert "Your email settings have been saved." in page.content()
    scene.member.refresh_from_db()
    assert scene.member.digest == Mode.WEEKLY and not scene.member.email_direct
    assert Subscription.objects.get(user=scene.member).mode == Mode.INSTANT
    screenshot(page, "notifications-settings")


def test_the_email_pages_and_the_outbox_have_no_serious_violations(
        new_context, scene, log_in, screenshot):
    scene.steward.is_superuser = True
    scene.steward.save()
    Subscription.objects.create(user=scene.member, community=scene.community,
                                topic=scene.topic, mode=Mode.INSTANT)
    Subscription.objects.create(user=scene.member, community=scene.community,
                                thread=scene.thread, topic=scene.topic, mode=Mode.OFF)
    scene.member.locale = "fa"
    scene.member.save()
    discussions.publish_post(thread=scene.thread, author=scene.steward,
                             body="یک پرسش: **حلقهٔ بازخورد** را چگونه آغاز می‌کنید؟")
    Subscription.objects.filter(thread=scene.thread).delete()
    discussions.publish_post(thread=scene.thread, author=scene.steward, body="And in English.")
    emails = list(OutboundEmail.objects.filter(user=scene.member).order_by("pk"))
    assert emails, "the member was owed an email"
    problems: list[str] = []
    steward = new_context(javascript=True).new_page()
    log_in(steward, scene.steward.email, DEFAULT_PASSWORD)
    pages = {
        "email-settings": "/notifications/",
        "thread-with-email-choice": f"/c/{scene.community.slug}/threads/{scene.thread.pk}/",
        "outbox": "/outbox/",
        "outbox-email": f"/outbox/{emails[0].pk}/",
    }
    for name, url in pages.items():
        steward.goto(url)
        problems += serious(steward, name)
        screenshot(steward, f"notifications-{name}")
    member = new_context(javascript=True).new_page()
    log_in(member, scene.member.email, DEFAULT_PASSWORD)
    for name, url in {"email-settings-fa": "/notifications/",
                      "email-html-fa": f"/outbox/{emails[0].pk}/html/"}.items():
        if name == "email-html-fa":
            scene.member.is_superuser = True
            scene.member.save()
        member.goto(url)
        if name != "email-html-fa":  # the email itself is checked by mail clients, not axe
            problems += serious(member, name)
        screenshot(member, f"notifications-{name}")
    assert 'dir="rtl"' in member.content()
    assert not problems, "axe found serious or critical violations:\n" + "\n".join(problems)
