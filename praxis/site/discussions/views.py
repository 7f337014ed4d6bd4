"""Thread, post, reading and attachment pages. Thin: the permission door decides, a service
writes, a query reads, a template shows."""

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from praxis.access import (
    Refused,
    TopicAccess,
    access_community,
    access_post,
    access_thread,
    access_topic,
    topic_access,
)
from praxis.core import params, throttle
from praxis.core.markdown import render_markdown
from praxis.discussions import queries, reactions, services
from praxis.discussions.attachments import IMAGE_TYPES
from praxis.discussions.forms import PostEditForm, PostForm, ThreadForm
from praxis.discussions.models import Attachment, Post, Thread
from praxis.site.decorators import login_on_refusal
from praxis.site.discussions.fragments import attach_fragments
from praxis.site.http import AuthenticatedHttpRequest, IdUrl, OpenEndedPage
from praxis.site.limits import over_limit

UNREAD_PER_PAGE = 50
REVISIONS_PER_PAGE = 20

View = Callable[..., HttpResponseBase]


def _thread_context(access: TopicAccess, thread: Thread) -> dict[str, Any]:
    return {
        "access": access.community_access, "topic_access": access,
        "community": access.community, "thread": thread, "topic": thread.topic,
        "topic_url": thread.topic.get_absolute_url(),
    }


# The thread page ------------------------------------------------------------------------------

@login_on_refusal
@require_GET
def thread_detail(request: HttpRequest, slug: str, thread_id: int) -> HttpResponse:
    access, thread = access_thread(request.user, slug, thread_id, need="read")
    user = request.user
    after = queries.valid_path(request.GET.get("after"))
    before = None if after else queries.valid_path(request.GET.get("before"))
    per_page = queries.posts_per_page(user)
    page = queries.thread_page(thread, user=user, after=after, before=before,
                               per_page=per_page)
    is_member = access.community_access.is_member

    previous = queries.previous_read_mark(user, thread) if is_member else None
    first_new_id = None
    if previous and previous.last_read_post_id:  # a first visit marks nothing: all is new
        first_new_id = next((post.pk for post in page.posts
                             if post.pk > previous.last_read_post_id
                             and post.author_id != user.pk), None)
    if is_member and page.posts:
        services.record_reading(user=user, thread=thread,  # type: ignore[arg-type]
                                up_to_post_id=page.last_post_id,
                                new_visit=not (after or before), previous=previous)

    roles = queries.leader_roles(thread.topic, {post.author_id for post in page.posts})
    reactions.annotate_reactions(page.posts, user, access=access)
    reason = access.why_cannot_post(thread, user=user)
    reply_url = reverse("discussions:reply", args=[slug, thread.pk])
    _link_posts(page.posts, access, thread=thread, slug=slug, reply_url=reply_url,
                on_page=page.post_ids, roles=roles)

    low_bandwidth = per_page == queries.LOW_BANDWIDTH_POSTS_PER_PAGE
    attach_fragments(page.posts, slug=slug, low_bandwidth=low_bandwidth)
    opener_id = page.posts[0].pk if page.is_first and page.posts else None
    return render(request, "discussions/thread_detail.html", {
        **_thread_context(access, thread),
        "page": page,
        "opener_id": opener_id,
        "first_new_id": first_new_id,
        "why_not": reason,
        "can_post": reason is None,
        "reply_url": reply_url,
        "form": PostForm() if reason is None else None,
        "low_bandwidth": low_bandwidth,
    })


def _link_posts(posts: list[Post], access: TopicAccess, *, thread: Thread, slug: str,
                reply_url: str, on_page: set[int], roles: dict[int, str]) -> None:
    """What the thread page shows of each post beyond its row: the reader's rights, its
    attachments and every link, each pattern reversed once for the page."""
    permalink, edit, revisions = (IdUrl("discussions:post", slug),
                                  IdUrl("discussions:post_edit", slug),
                                  IdUrl("discussions:post_revisions", slug))
    react, flag = IdUrl("discussions:react", slug), IdUrl("discussions:flag", slug)
    hide, restore = IdUrl("discussions:post_hide", slug), IdUrl("discussions:post_restore", slug)
    attachment = IdUrl("discussions:attachment", slug)
    for post in posts:
        post.thread = thread  # the permission checks read it; no query per post
        post.url = permalink(post.pk)  # type: ignore[attr-defined]
        post.visual_depth = min(post.depth, queries.MAX_VISUAL_DEPTH)  # type: ignore[attr-defined]
        post.role = roles.get(post.author_id)  # type: ignore[attr-defined]
        post.show_body = access.can_see_post_body(post)  # type: ignore[attr-defined]
        post.can_edit = access.can_edit_post(post)  # type: ignore[attr-defined]
        post.can_see_revisions = (  # type: ignore[attr-defined]
            post.edited_at is not None and access.can_see_revisions(post))
        post.parent_on_page = post.parent_id in on_page  # type: ignore[attr-defined]
        if post.parent_id is not None:
            post.parent_link = (  # type: ignore[attr-defined]
                f"#post-{post.parent_id}" if post.parent_on_page  # type: ignore[attr-defined]
                else permalink(post.parent_id))
        post.links = {  # type: ignore[attr-defined]
            "reply": f"{reply_url}?to={post.pk}", "quote": f"{reply_url}?quote={post.pk}",
            "edit": edit(post.pk), "revisions": revisions(post.pk), "react": react(post.pk),
            "flag": flag(post.pk),
            "moderate": restore(post.pk) if post.is_hidden else hide(post.pk),
        }
        post.tag_list = list(post.tags.all())  # type: ignore[attr-defined]  # prefetched
        files = list(post.attachments.all()) if post.show_body else []  # type: ignore[attr-defined]
        for file in files:
            file.url = attachment(file.pk)  # type: ignore[attr-defined]
        post.images = [f for f in files if f.content_type in IMAGE_TYPES]  # type: ignore[attr-defined]
        post.files = [f for f in files if f.content_type not in IMAGE_TYPES]  # type: ignore[attr-defined]


# Writing --------------------------------------------------------------------------------------

@login_on_refusal
@require_http_methods(["GET", "POST"])
def thread_create(request: AuthenticatedHttpRequest, slug: str, topic_slug: str) -> HttpResponse:
    access = access_topic(request.user, slug, topic_slug, need="participate")
    form = ThreadForm(request.POST or None, request.FILES or None,
                      can_announce=access.can_facilitate)
    if request.method == "POST" and (refused := over_limit(
            request, throttle.POSTS_PER_MEMBER, str(request.user.pk))):
        return refused
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        thread = services.start_thread(
            topic=access.topic, author=request.user, title=data["title"], body=data["body"],
            kind=data["kind"], attachments=data["attachments"],
        )
        messages.success(request, _("Your thread has been started."))
        return redirect(thread)
    return render(request, "discussions/thread_form.html", {
        "access": access.community_access, "topic_access": access,
        "community": access.community, "topic": access.topic,
        "topic_url": access.topic.get_absolute_url(), "form": form,
    })


def quoted_body(post: Post) -> str:
    """The quoted post as a Markdown blockquote with its author's name."""
    name = str(post.author).replace("[", "(").replace("]", ")")
    lines = post.body.strip().splitlines() or [""]
    quoted = "\n".join(f"> {line}".rstrip() for line in lines)
    return "> " + _("%(name)s wrote:") % {"name": name} + "\n>\n" + quoted + "\n\n"


@login_on_refusal
@require_http_methods(["GET", "POST"])
def reply(request: AuthenticatedHttpRequest, slug: str, thread_id: int) -> HttpResponse:
    access, thread = access_thread(request.user, slug, thread_id, need="participate")
    # A private reply not theirs is not there: 404, as for a post that does not exist.
    in_thread = queries.visible_to(
        Post.objects.select_related("author").filter(thread=thread), request.user)
    replying_to = None
    if (to := params.number(request.POST.get("to") or request.GET.get("to"))) is not None:
        replying_to = get_object_or_404(in_thread, pk=to)
    initial = {}
    if (quote := params.number(request.GET.get("quote"))) is not None:
        quoted = get_object_or_404(in_thread, pk=quote)
        if not access.can_see_post_body(quoted):
            raise Http404
        initial["body"] = quoted_body(quoted)
        replying_to = replying_to or quoted
    form = PostForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and (refused := over_limit(
            request, throttle.POSTS_PER_MEMBER, str(request.user.pk))):
        return refused
    if replying_to is not None and (
            refusal := access.why_cannot_post(thread, user=request.user,
                                              replying_to=replying_to)):
        raise Refused(refusal)
    if request.method == "POST" and form.is_valid():
        post = services.publish_post(
            thread=thread, author=request.user, body=form.cleaned_data["body"],
            parent=replying_to, attachments=form.cleaned_data["attachments"],
        )
        messages.success(request, _("Your reply has been posted."))
        return redirect(post)
    return render(request, "discussions/reply_form.html", {
        **_thread_context(access, thread),
        "form": form,
        "replying_to": replying_to,
        "show_parent_body": replying_to is not None and access.can_see_post_body(replying_to),
    })


@login_on_refusal
@require_http_methods(["GET", "POST"])
def post_edit(request: AuthenticatedHttpRequest, slug: str, post_id: int) -> HttpResponse:
    access, post = access_post(request.user, slug, post_id)
    if not access.can_edit_post(post):
        raise Refused(access.why_cannot_edit(post, user=request.user))
    form = PostEditForm(request.POST or None, initial={"body": post.body})
    if request.method == "POST" and form.is_valid():
        services.edit_post(post=post, editor=request.user, body=form.cleaned_data["body"])
        messages.success(request, _("Your changes have been saved."))
        return redirect(post)
    return render(request, "discussions/post_edit.html", {
        **_thread_context(access, post.thread), "post": post, "form": form,
    })


@login_on_refusal
@require_GET
def post_revisions(request: HttpRequest, slug: str, post_id: int) -> HttpResponse:
    access, post = access_post(request.user, slug, post_id)
    if not access.can_see_revisions(post):
        raise PermissionDenied
    # A post edited hundreds of times must not make a page of megabytes: newest first.
    page = Paginator(post.revisions.select_related("edited_by").order_by("-created_at", "-pk"),
                     REVISIONS_PER_PAGE).get_page(params.page_number(request.GET.get("page")))
    for revision in page:
        revision.body_html = render_markdown(revision.body)  # type: ignore[attr-defined]
    return render(request, "discussions/post_revisions.html", {
        **_thread_context(access, post.thread), "post": post, "revisions": page,
        "page": page,
    })


# Links and files ------------------------------------------------------------------------------

@login_on_refusal
@require_GET
def post_link(request: HttpRequest, slug: str, post_id: int) -> HttpResponse:
    """A post's permanent address: the thread page that shows it, scrolled to it."""
    _access, post = access_post(request.user, slug, post_id)
    url = Thread.address(slug, post.thread_id)
    if (after := queries.permalink_after(post, request.user,
                                         queries.posts_per_page(request.user))) is not None:
        url += "?" + urlencode({"after": after})
    return redirect(f"{url}#post-{post.pk}")


@login_on_refusal
@require_GET
def attachment(request: HttpRequest, slug: str, attachment_id: int) -> FileResponse:
    community_access = access_community(request.user, slug, need="see")
    found = get_object_or_404(
        Attachment.objects.select_related("post__thread__topic"),
        pk=attachment_id, post__thread__community=community_access.community,
    )
    access = topic_access(request.user, found.post.thread.topic, community_access)
    if not access.can_see_post(found.post):
        raise Http404
    if not (access.can_read and access.can_see_post_body(found.post)):
        raise PermissionDenied
    try:
        handle = found.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    is_image = found.content_type in IMAGE_TYPES
    response = FileResponse(handle, as_attachment=not is_image,
                            filename=found.original_name, content_type=found.content_type)
    # A file is never a page: no script, no plugin, even if a browser were to sniff it.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=86400"
    return response


# Reading --------------------------------------------------------------------------------------

@login_required
@login_on_refusal
@require_GET
def unread(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    access = access_community(request.user, slug, need="track_reading")
    # Whether a thread has news is worked out per thread: no COUNT over all of them.
    page = OpenEndedPage.of(queries.unread_threads(access.community, request.user),
                            UNREAD_PER_PAGE, request.GET.get("page"))
    queries.in_community(page.object_list, access.community)
    return render(request, "discussions/unread.html", {
        "access": access, "community": access.community, "page": page,
    })


@login_required
@login_on_refusal
@require_POST
def mark_all_read(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    access = access_community(request.user, slug, need="track_reading")
    services.mark_all_read(user=request.user, community=access.community)
    messages.success(request, _("Every thread is marked as read."))
    return redirect("discussions:unread", slug)
