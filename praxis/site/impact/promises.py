"""Promises "I will use this in my training": thin views that ask the door
(``praxis.access.promises``), then call one service or query and render. Every page works
without JavaScript: the date is an ordinary form, telling and dismissing are POST forms.

The reaction "I will use this in my training" leads here (``promise_new``, with the post):
the member may give the session's date, or not.
"""

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from praxis.access.community import CommunityAccess
from praxis.access.promises import access_promise, access_promised_post, access_promises
from praxis.accounts.models import User
from praxis.discussions.models import Post
from praxis.impact import promise_queries as queries
from praxis.impact import promises as services
from praxis.impact.models import UsePromise, ValueStory
from praxis.impact.promises import PromiseRuleError
from praxis.site.decorators import login_on_refusal


class PromiseForm(forms.Form):
    session_date = forms.DateField(
        label=gettext_lazy("Date of the training session"),
        help_text=gettext_lazy("After this date you will be asked what happened."),
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    note = forms.CharField(
        label=gettext_lazy("What you will use (optional)"), required=False,
        max_length=services.NOTE_MAX_LENGTH,
        widget=forms.TextInput(attrs={"dir": "auto"}))


def story_edit_url(slug: str, story: ValueStory) -> str:
    """Where a draft story is finished: the stories part's edit page (its list while that
    page does not exist)."""
    try:
        return reverse("impact:story_edit", args=[slug, story.pk])
    except NoReverseMatch:
        try:
            return reverse("impact:mine", args=[slug])
        except NoReverseMatch:
            return reverse("impact:promises", args=[slug])


def _post_id(request: HttpRequest) -> int:
    raw = request.POST.get("post") or request.GET.get("post") or ""
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 18:  # not "²" nor "۱۲"
        raise Http404
    return int(raw)


def _context(access: CommunityAccess, **extra: Any) -> dict[str, Any]:
    return {"access": access, "community": access.community, "tab": "impact", **extra}


@require_http_methods(["GET", "POST"])
@login_on_refusal
def promise_new(request: HttpRequest, slug: str) -> HttpResponse:
    """The date of the session where the member will use a post, and a short note."""
    if not request.user.is_authenticated:
        raise PermissionDenied
    topic_access, post = access_promised_post(request.user, slug, _post_id(request))
    assert isinstance(request.user, User)
    access = topic_access.community_access
    existing = UsePromise.objects.filter(user=request.user, post=post).first()
    initial = ({"session_date": existing.session_date, "note": existing.note}
               if existing else {})
    form = PromiseForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.make_promise(user=request.user, community=access.community, post=post,
                                  session_date=form.cleaned_data["session_date"],
                                  note=form.cleaned_data["note"])
        except PromiseRuleError as error:
            form.add_error("session_date", str(error))
        else:
            messages.success(request, _("Noted. After the session you will be asked what "
                                        "happened."))
            return redirect("impact:promises", slug)
    return render(request, "impact/promise_form.html", _context(
        access, form=form, post=post, existing=existing,
        post_url=Post.address(slug, post.pk)), status=400 if form.errors else 200)


@require_GET
@login_on_refusal
def promise_list(request: HttpRequest, slug: str) -> HttpResponse:
    """My promises in this community, with their state."""
    access = access_promises(request.user, slug)
    rows = queries.promises_of(request.user, access.community)
    return render(request, "impact/promise_list.html", _context(access, rows=rows))


@require_POST
@login_on_refusal
def promise_tell(request: HttpRequest, slug: str, promise_id: int) -> HttpResponse:
    """Tell what happened: the promise's draft story, begun with its sources, to finish."""
    access = access_promises(request.user, slug)
    promise = access_promise(request.user, access, promise_id)
    story = services.draft_story(promise=promise)
    return redirect(story_edit_url(slug, story))


@require_POST
@login_on_refusal
def promise_dismiss(request: HttpRequest, slug: str, promise_id: int) -> HttpResponse:
    access = access_promises(request.user, slug)
    promise = access_promise(request.user, access, promise_id)
    services.dismiss_promise(promise=promise)
    messages.success(request, _("You will not be asked about this promise again."))
    return redirect("impact:promises", slug)


def home_promises(user: Any) -> list[dict[str, Any]]:
    """The home page's "Tell what happened": promises whose session has passed, with where
    a begun story is finished. One query."""
    return [{"promise": row.promise, "state": row.state,
             "story_url": story_edit_url(row.promise.community.slug, row.promise.story)
             if row.promise.story is not None else ""}
            for row in queries.to_tell(user)]
