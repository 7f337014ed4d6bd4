"""The pages of email settings, following, unsubscribing and the outbox, against every kind
of visitor."""

import pytest
from django.test import Client
from django.urls import reverse

from praxis.accounts.tests.factories import UserFactory
from praxis.communities.tests.cast import VISITORS
from praxis.discussions.tests.factories import reply
from praxis.notifications import services
from praxis.notifications.models import Mode, OutboundEmail, Subscription
from praxis.notifications.tokens import UnsubscribeScope, unsubscribe_token

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("who", VISITORS)
def test_following_a_topic_is_for_members(who, cast, topic, as_visitor):
    client = as_visitor(cast, who)
    url = reverse("notifications:topic_mode", args=[cast.community.slug, topic.slug])
    response = client.post(url, {"mode": Mode.INSTANT})
    person = cast.person(who)
    if who in ("member", "facilitator", "steward"):
        assert response.status_code == 302
        assert Subscription.objects.get(user=person, topic=topic).mode == Mode.INSTANT
    else:
        assert response.status_code in (302, 403, 404)
        if who == "anonymous":
            assert "/accounts/login/" in response["Location"]
        assert not Subscription.objects.exists()


@pytest.mark.parametrize("who", VISITORS)
def test_following_a_thread_is_for_members(who, cast, thread, as_visitor):
    client = as_visitor(cast, who)
    url = reverse("notifications:thread_mode", args=[cast.community.slug, thread.pk])
    response = client.post(url, {"mode": Mode.OFF, "next": "https://evil.example.org/"})
    if who in ("member", "facilitator", "steward"):
        assert response.status_code == 302
        assert response["Location"] == reverse("discussions:thread",
                                                args=[cast.community.slug, thread.pk])
        assert Subscription.objects.get(thread=thread).mode == Mode.OFF
    else:
        assert not Subscription.objects.exists()


@pytest.mark.parametrize("who", VISITORS)
def test_the_topic_and_thread_pages_offer_the_choice_to_members_only(
        who, cast, topic, thread, as_visitor):
    client = as_visitor(cast, who)
    for url in (reverse("topics:detail", args=[cast.community.slug, topic.slug]),
                reverse("discussions:thread", args=[cast.community.slug, thread.pk])):
        response = client.get(url)
        offered = b'class="place-mode"' in response.content
        assert offered == (who in ("member", "facilitator", "steward"))


def test_a_forged_mode_changes_nothing(cast, topic, client):
    client.force_login(cast.member)
    url = reverse("notifications:topic_mode", args=[cast.community.slug, topic.slug])
    assert client.post(url, {"mode": "hourly"}).status_code == 400
    assert not Subscription.objects.exists()


def test_the_settings_page_saves_defaults_and_community_choices(cast, client):
    assert client.get(reverse("notifications:settings")).status_code == 302
    client.force_login(cast.member)
    page = client.get(reverse("notifications:settings"))
    assert page.status_code == 200 and cast.community.name.encode() in page.content
    response = client.post(reverse("notifications:settings"), {
        "digest": Mode.WEEKLY, f"community-{cast.community.pk}": Mode.INSTANT,
    })
    assert response.status_code == 302
    cast.member.refresh_from_db()
    assert cast.member.digest == Mode.WEEKLY and not cast.member.email_direct
    assert Subscription.objects.get(user=cast.member).mode == Mode.INSTANT
    client.post(reverse("notifications:settings"), {
        "digest": Mode.DAILY, "email_direct": "on", f"community-{cast.community.pk}": "",
    })
    assert not Subscription.objects.filter(user=cast.member).exists()


def test_reply_by_email_is_offered_only_where_it_is_set_up(cast, client, settings):
    client.force_login(cast.member)
    settings.PRAXIS_REPLY_DOMAIN = ""
    offer = "Reply to a notification or a digest item to answer in its thread."
    assert offer not in client.get(reverse("notifications:settings")).content.decode()
    settings.PRAXIS_REPLY_DOMAIN = "reply.example.org"
    assert offer in client.get(reverse("notifications:settings")).content.decode()


def test_leaving_a_community_forgets_the_email_choices_made_in_it(cast, topic, client):
    services.set_mode(user=cast.member, community=cast.community, topic=topic, mode=Mode.OFF)
    services.set_mode(user=cast.member, community=cast.community, mode=Mode.WEEKLY)
    client.force_login(cast.member)
    assert topic.title in client.get(reverse("notifications:settings")).content.decode()
    client.post(reverse("communities:leave", args=[cast.community.slug]))
    assert not cast.community.memberships.filter(user=cast.member).exists()
    assert not Subscription.objects.filter(user=cast.member).exists()
    assert topic.title not in client.get(reverse("notifications:settings")).content.decode()


def test_a_member_removes_only_their_own_choices(cast, topic, client):
    services.set_mode(user=cast.steward, community=cast.community, topic=topic, mode="off")
    theirs = Subscription.objects.get()
    client.force_login(cast.member)
    url = reverse("notifications:forget_place", args=[theirs.pk])
    assert client.post(url).status_code == 404
    assert Subscription.objects.exists()


def test_one_click_unsubscribe_needs_no_session_or_csrf_and_a_look_changes_nothing(
        cast, topic):
    client = Client(enforce_csrf_checks=True)
    token = unsubscribe_token(UnsubscribeScope(cast.member.pk, "topic", topic.pk))
    url = reverse("notifications:unsubscribe", args=[token])
    page = client.get(url)
    assert page.status_code == 200 and not Subscription.objects.exists()
    done = client.post(url, "List-Unsubscribe=One-Click",
                       content_type="application/x-www-form-urlencoded")
    assert done.status_code == 200
    assert Subscription.objects.get(user=cast.member, topic=topic).mode == Mode.OFF


def test_the_unsubscribe_page_names_the_topic_in_the_members_language(cast, topic):
    cast.member.locale = "fa"
    cast.member.save(update_fields=["locale"])
    token = unsubscribe_token(UnsubscribeScope(cast.member.pk, "topic", topic.pk))
    page = Client().get(reverse("notifications:unsubscribe", args=[token]),
                        HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'lang="fa" dir="rtl"' in page
    assert f"«<bdi>{topic.title}</bdi>»" in page


def test_unsubscribing_from_everything(cast, topic):
    services.set_mode(user=cast.member, community=cast.community, mode=Mode.INSTANT)
    token = unsubscribe_token(UnsubscribeScope(cast.member.pk, "all"))
    Client().post(reverse("notifications:unsubscribe", args=[token]))
    cast.member.refresh_from_db()
    assert cast.member.digest == Mode.OFF and not cast.member.email_direct
    assert set(Subscription.objects.values_list("mode", flat=True)) == {Mode.OFF}


def test_a_forged_unsubscribe_link_does_nothing(cast):
    token = unsubscribe_token(UnsubscribeScope(cast.member.pk, "all"))
    forged = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    response = Client().post(reverse("notifications:unsubscribe", args=[forged]))
    assert response.status_code == 404
    cast.member.refresh_from_db()
    assert cast.member.email_direct


@pytest.mark.parametrize("debug", [True, False])
@pytest.mark.parametrize("who", VISITORS)
def test_the_outbox_is_for_site_admins_or_staff_of_a_development_site(
        who, debug, cast, thread, as_visitor, settings):
    settings.DEBUG = debug
    cast.steward.is_staff = True
    cast.steward.save()
    services.set_mode(user=cast.member, community=cast.community, mode=Mode.INSTANT)
    services.fan_out_post(reply(thread, cast.steward).pk)
    email = OutboundEmail.objects.get()
    client = as_visitor(cast, who)
    pages = [reverse("notifications:outbox"),
             reverse("notifications:outbox_email", args=[email.pk]),
             reverse("notifications:outbox_email_html", args=[email.pk])]
    for url in pages:
        response = client.get(url)
        if who == "anonymous":
            assert response.status_code == 302
        elif debug and who == "steward":
            assert response.status_code == 200
        else:
            assert response.status_code == 403


def test_staff_of_a_development_site_do_not_see_a_password_reset_before_it_goes(
        cast, client, settings):
    superuser = UserFactory(is_superuser=True, is_staff=True)
    settings.DEBUG = True
    cast.steward.is_staff = True
    cast.steward.save()
    client.post(reverse("accounts:password_reset"), {"email": superuser.email})
    reset = OutboundEmail.objects.get(kind=OutboundEmail.Kind.PRIVATE_LINK)
    client.force_login(cast.steward)
    assert reset.subject not in client.get(reverse("notifications:outbox")).content.decode()
    assert client.get(reverse("notifications:outbox_email", args=[reset.pk])).status_code == 404
    client.force_login(superuser)
    assert client.get(reverse("notifications:outbox_email", args=[reset.pk])).status_code == 200


def test_a_site_admin_reads_the_outbox_in_production(cast, thread, client, settings):
    settings.DEBUG = False
    cast.steward.is_superuser = True
    cast.steward.save()
    services.set_mode(user=cast.member, community=cast.community, mode=Mode.INSTANT)
    services.fan_out_post(reply(thread, cast.steward, body="Plan the opener.").pk)
    email = OutboundEmail.objects.get()
    client.force_login(cast.steward)
    listing = client.get(reverse("notifications:outbox"))
    assert email.subject.encode() in listing.content
    html = client.get(reverse("notifications:outbox_email_html", args=[email.pk]))
    assert b"Plan the opener." in html.content
    assert "sandbox" in html["Content-Security-Policy"]


@pytest.mark.parametrize("superuser", [True, False])
def test_the_back_office_logs_are_for_site_admins(superuser, cast, client):
    cast.steward.is_staff = True
    cast.steward.is_superuser = superuser
    cast.steward.save()
    client.force_login(cast.steward)
    for name in ("admin:notifications_outboundemail_changelist",
                 "admin:notifications_inboundemail_changelist"):
        assert client.get(reverse(name)).status_code == (200 if superuser else 403)


def test_the_endpoint_takes_a_message_larger_than_djangos_form_limit(
        client, cast, thread, reply_domain, settings):
    from email.message import EmailMessage

    from praxis.discussions.models import Post
    from praxis.notifications.tokens import reply_address

    settings.PRAXIS_INBOUND_SECRET = "relay-secret-for-tests"
    answered = reply(thread, cast.steward)
    message = EmailMessage()
    message["From"] = cast.member.email
    message["To"] = reply_address(answered.pk, cast.member.pk)
    message["Subject"] = "Re: the plan"
    message.set_content("Here is my plan, with the slides attached.")
    message.add_attachment(b"%PDF-1.4" + b"0" * (3 * 1024 * 1024), maintype="application",
                           subtype="pdf", filename="plan.pdf")
    response = client.post(reverse("notifications:inbound_email"), message.as_bytes(),
                           content_type="message/rfc822",
                           headers={"Authorization": "Bearer relay-secret-for-tests"})
    assert response.status_code == 201
    assert Post.objects.get(author=cast.member).body == "Here is my plan, with the slides attached."
