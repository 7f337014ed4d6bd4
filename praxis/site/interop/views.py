"""Feed views: thin, the permission door decides.

The plain addresses answer as for a visitor who is not logged in (a feed reader has no
session), so only public communities have them. The secret addresses carry a member's feed
token, which stands for that member in feeds only; where the door refuses them, or the token
is unknown, the answer is 404."""

from collections.abc import Callable
from contextlib import nullcontext
from datetime import datetime
from functools import partial
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from praxis.access import access_community, access_topic
from praxis.accounts.models import AnyUser, User
from praxis.communities.models import Community
from praxis.discussions.models import Post
from praxis.interop import feeds, queries, services
from praxis.interop.conditional import fingerprint, unless_fresh
from praxis.topics.models import Topic

NEW_ADDRESS_SESSION_KEY = "interop_new_feed_token"


def _reader(token: str | None) -> AnyUser:
    if token is None:
        return AnonymousUser()
    user = queries.user_for_token(token)
    if user is None:
        raise Http404
    return user


def _answer(token: str | None, user: AnyUser, build: Callable[[], HttpResponse]) -> HttpResponse:
    """Runs ``build`` in the reader's language; a refusal on a secret address is a 404."""
    locale = getattr(user, "locale", "")
    with translation.override(locale) if locale else nullcontext():
        try:
            response = build()
        except PermissionDenied:
            if token is not None:
                raise Http404 from None
            raise
    response["X-Robots-Tag"] = "noindex"
    if token is not None:
        response["Cache-Control"] = "private, no-store"
        response["Referrer-Policy"] = "no-referrer"
    return response


def _atom(feed: feeds.HtmlContentAtomFeed) -> HttpResponse:
    response = HttpResponse(content_type="application/atom+xml; charset=utf-8")
    feed.write(response, "utf-8")
    return response


def _feed(request: HttpRequest, community: Community, posts: list[Post],
          moments: tuple[datetime | None, ...], link: str,
          write: Callable[..., feeds.HtmlContentAtomFeed]) -> HttpResponse:
    """The Atom feed of ``posts``, or a 304 while nothing in it, nor ``moments``, changed."""
    changed_at = queries.posts_changed_at(posts, *moments,
                                          queries.latest_moderation_at(community))
    return unless_fresh(request, changed_at=changed_at, build=lambda: _atom(write(
        posts, link=request.build_absolute_uri(link), feed_url=request.build_absolute_uri(),
        absolute=request.build_absolute_uri,
    )))


@require_GET
def community_feed(request: HttpRequest, slug: str, token: str | None = None) -> HttpResponse:
    user = _reader(token)

    def build() -> HttpResponse:
        community = access_community(user, slug, need="read").community
        return _feed(request, community, queries.community_feed_posts(community),
                     (community.created_at,), community.get_absolute_url(),
                     partial(feeds.community_feed, community))

    return _answer(token, user, build)


@require_GET
def topic_feed(request: HttpRequest, slug: str, topic_slug: str,
               token: str | None = None) -> HttpResponse:
    user = _reader(token)

    def build() -> HttpResponse:
        found = access_topic(user, slug, topic_slug, need="read")
        topic = found.topic
        return _feed(request, found.community, queries.topic_feed_posts(topic),
                     (topic.created_at, topic.synthesis_published_at),
                     topic.get_absolute_url(),
                     partial(feeds.topic_feed, found.community, topic))

    return _answer(token, user, build)


@require_GET
def topics_calendar(request: HttpRequest, slug: str, token: str | None = None) -> HttpResponse:
    user = _reader(token)

    def build() -> HttpResponse:
        community = access_community(user, slug, need="read").community

        def topic_url(topic: Topic) -> str:
            topic.community = community  # the calendar's topics are all of this community
            return request.build_absolute_uri(topic.get_absolute_url())

        changed_at = queries.calendar_changed_at(community)
        # Stamped with that moment, the body is the same until it changes: its hash is the
        # ETag that catches changed dates, which carry no time of their own.
        body = feeds.topics_calendar(
            community, queries.calendar_topics(community), host=request.get_host(),
            topic_url=topic_url, stamp=changed_at,
        ).encode()
        response = unless_fresh(
            request, changed_at=changed_at, etag=fingerprint(body),
            build=lambda: HttpResponse(body, content_type="text/calendar; charset=utf-8"),
        )
        response["Content-Disposition"] = f'inline; filename="{community.slug}-topics.ics"'
        return response

    return _answer(token, user, build)


def _feed_addresses(request: HttpRequest, user: User, token: str | None) -> list[dict[str, Any]]:
    def url(name: str, *args: str) -> str:
        return request.build_absolute_uri(reverse(f"interop:{name}", args=args))

    rows = []
    # The topics' private addresses are shown once, right after a new token is made.
    for membership, topics in queries.memberships_with_topics(user,
                                                               with_topics=bool(token)):
        community = membership.community
        public = community.visibility == community.Visibility.PUBLIC
        row: dict[str, Any] = {"community": community, "public": public}
        if public:
            row["public_feed"] = url("community_feed", community.slug)
            row["public_calendar"] = url("topics_calendar", community.slug)
        if token:
            row["feed"] = url("private_community_feed", token, community.slug)
            row["calendar"] = url("private_topics_calendar", token, community.slug)
            row["topics"] = [
                (topic, url("private_topic_feed", token, community.slug, topic.slug))
                for topic in topics
            ]
        rows.append(row)
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def my_feeds(request: HttpRequest) -> HttpResponse:
    """The member's feed addresses. The secret token is shown once, right after it is made;
    making a new one stops every address made with the old."""
    user = request.user
    assert isinstance(user, User)
    if request.method == "POST":
        request.session[NEW_ADDRESS_SESSION_KEY] = services.reset_feed_token(user=user)
        messages.success(request, _("Your new private feed addresses are below. The old "
                                    "ones no longer work."))
        return redirect("interop:my_feeds")
    token = request.session.pop(NEW_ADDRESS_SESSION_KEY, None)
    response = render(request, "interop/my_feeds.html", {
        "token_shown": token is not None,
        "feed_token": queries.feed_token_of(user),
        "rows": _feed_addresses(request, user, token),
    })
    response["Cache-Control"] = "private, no-store"
    return response
