"""Pages for reactions, flags and moderation: thin, each asks the door, calls one service."""

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from praxis.access import (
    access_community,
    access_post,
    access_thread,
    moderator_scope,
    move_targets,
    topic_access,
)
from praxis.accounts.models import User
from praxis.discussions import moderation
from praxis.discussions.models import ModerationAction, Post, Reaction, Thread
from praxis.discussions.moderation import ModerationRuleError
from praxis.site.decorators import View, login_on_refusal
from praxis.site.http import AuthenticatedHttpRequest, safe_next
from praxis.topics.models import Topic

LOG_PER_PAGE = 50

def _post_or_page(request: HttpRequest, kwargs: dict[str, Any]) -> str:
    """After logging in, a refused action on a post leads back to the post."""
    post_id = kwargs.get("post_id")
    if request.method == "POST" and post_id:
        return Post.address(kwargs["slug"], post_id)
    return request.get_full_path()


def signed_in_or_login(view: View) -> View:
    return login_on_refusal(view, back=_post_or_page)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"), max_length=moderation.REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Kept in the community's moderation log."),
    )


class FlagForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why should a moderator look at this post?"),
        max_length=moderation.REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "Only the community's moderators see your name and your reason."
        ),
    )


class MoveThreadForm(ReasonForm):
    to_topic = forms.ModelChoiceField(queryset=Topic.objects.none(),
                                      label=gettext_lazy("Move to topic"))

    field_order = ["to_topic", "reason"]

    def __init__(self, *args: Any, topics: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_topic"].queryset = topics  # type: ignore[attr-defined]


# Reactions and flags ------------------------------------------------------------------------

@require_POST
@signed_in_or_login
def react(request: HttpRequest, slug: str, post_id: int) -> HttpResponse:
    access, post = access_post(request.user, slug, post_id)
    if not request.user.is_authenticated:
        raise PermissionDenied
    kind = request.POST.get("kind", "")
    try:
        given = moderation.toggle_reaction(access=access, user=request.user, post=post,
                                           kind=kind)
    except ModerationRuleError as error:
        messages.error(request, str(error))
    else:
        if given and kind == Reaction.Kind.WILL_USE:
            # Decision 45: the next page offers to give the session's date (a promise).
            return redirect(reverse("impact:promise_new", args=[slug]) + f"?post={post.pk}")
    return redirect(Post.address(slug, post.pk))


@require_http_methods(["GET", "POST"])
@signed_in_or_login
def flag(request: HttpRequest, slug: str, post_id: int) -> HttpResponse:
    access, post = access_post(request.user, slug, post_id)
    if not (access.is_member and isinstance(request.user, User)):
        raise PermissionDenied
    existing = moderation.open_flag_of(request.user, post)
    form = FlagForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            moderation.flag_post(access=access, user=request.user, post=post,
                                 reason=form.cleaned_data["reason"])
        except ModerationRuleError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Thank you. A moderator will look at this post."))
            return redirect(Post.address(slug, post.pk))
    return render(request, "discussions/flag_form.html", {
        "access": access.community_access, "community": access.community,
        "topic_access": access, "post": post, "form": form, "existing": existing,
        "own_post": post.author_id == request.user.pk,
        "post_url": Post.address(slug, post.pk),
    })


# Posts: hide and restore --------------------------------------------------------------------

def _post_moderation(request: HttpRequest, slug: str, post_id: int, *, hide: bool
                     ) -> HttpResponse:
    access, post = access_post(request.user, slug, post_id)
    if not access.can_moderate:
        raise PermissionDenied
    back = safe_next(request) or Post.address(slug, post.pk)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        service = moderation.hide_post if hide else moderation.restore_post
        try:
            service(access=access, actor=request.user,  # type: ignore[arg-type]
                    post=post, reason=form.cleaned_data["reason"])
        except ModerationRuleError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The post is hidden.") if hide
                             else _("The post is shown again."))
            return redirect(back)
    return render(request, "discussions/moderation_post.html", {
        "access": access.community_access, "community": access.community,
        "topic_access": access, "post": post, "form": form, "hide": hide,
        "already": post.is_hidden == hide, "next": back,
        "post_url": Post.address(slug, post.pk),
    })


@require_http_methods(["GET", "POST"])
@signed_in_or_login
def post_hide(request: HttpRequest, slug: str, post_id: int) -> HttpResponse:
    return _post_moderation(request, slug, post_id, hide=True)


@require_http_methods(["GET", "POST"])
@signed_in_or_login
def post_restore(request: HttpRequest, slug: str, post_id: int) -> HttpResponse:
    return _post_moderation(request, slug, post_id, hide=False)


@require_POST
@signed_in_or_login
def flags_dismiss(request: AuthenticatedHttpRequest, slug: str, post_id: int) -> HttpResponse:
    access, post = access_post(request.user, slug, post_id)
    if not access.can_moderate:
        raise PermissionDenied
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please give a reason for dismissing the flags."))
    else:
        try:
            moderation.dismiss_flags(access=access, actor=request.user, post=post,
                                     reason=form.cleaned_data["reason"])
        except ModerationRuleError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The flags are dismissed; the post stays."))
    return redirect(safe_next(request) or reverse("discussions:moderation", args=[slug]))


# Threads: lock, pin, move -------------------------------------------------------------------

THREAD_ACTIONS = {
    "lock": ("lock", moderation.lock_thread, gettext_lazy("The thread is locked.")),
    "unlock": ("lock", moderation.unlock_thread, gettext_lazy("The thread is open again.")),
    "pin": ("pin", moderation.pin_thread, gettext_lazy("The thread is pinned.")),
    "unpin": ("pin", moderation.unpin_thread, gettext_lazy("The thread is no longer pinned.")),
    "move": ("move", moderation.move_thread, gettext_lazy("The thread has moved.")),
}


@require_http_methods(["GET", "POST"])
@signed_in_or_login
def thread_moderate(request: HttpRequest, slug: str, thread_id: int) -> HttpResponse:
    access, thread = access_thread(request.user, slug, thread_id, need="facilitate")
    targets = move_targets(access, request.user)
    forms_by_group: dict[str, forms.Form] = {
        "lock": ReasonForm(prefix="lock"),
        "pin": ReasonForm(prefix="pin"),
        "move": MoveThreadForm(prefix="move", topics=targets),
    }
    action = request.POST.get("do", "")
    if request.method == "POST" and action in THREAD_ACTIONS:
        group, service, done = THREAD_ACTIONS[action]
        form = (MoveThreadForm(request.POST, prefix="move", topics=targets) if group == "move"
                else ReasonForm(request.POST, prefix=group))
        forms_by_group[group] = form
        if form.is_valid():
            extra = ({"to": topic_access(request.user, form.cleaned_data["to_topic"],
                                         access.community_access)}
                     if group == "move" else {})
            try:
                service(access=access, actor=request.user,  # type: ignore[operator]
                        thread=thread, reason=form.cleaned_data["reason"], **extra)
            except ModerationRuleError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, str(done))
                return redirect("discussions:thread_moderate", slug, thread.pk)
    elif request.method == "POST":
        messages.error(request, _("Choose what to do with the thread."))
    log = moderation.with_links(moderation.thread_log(thread)[:20], slug)
    return render(request, "discussions/moderation_thread.html", {
        "access": access.community_access, "community": access.community,
        "topic_access": access, "thread": thread, "forms": forms_by_group,
        "has_targets": targets.exists(), "log": log,
        "thread_url": Thread.address(slug, thread.pk),
    })


# The community's moderation page ----------------------------------------------------------

@signed_in_or_login
def moderation_queue(request: HttpRequest, slug: str) -> HttpResponse:
    access = access_community(request.user, slug, need="read")
    scope = moderator_scope(request.user, access)
    if scope is None:
        raise PermissionDenied
    page = Paginator(moderation.moderation_log(scope), LOG_PER_PAGE).get_page(
        request.GET.get("page")
    )
    page.object_list = moderation.with_links(page.object_list, slug)
    flagged = moderation.flagged_posts(scope)
    return render(request, "discussions/moderation_queue.html", {
        "access": access, "community": access.community, "scope": scope,
        "flagged": flagged,
        "flagged_total": (moderation.flagged_post_count(scope)
                          if len(flagged) == moderation.FLAGGED_POSTS_SHOWN else len(flagged)),
        "page": page, "actions": ModerationAction.Action,
        "here": request.get_full_path(),
    })
