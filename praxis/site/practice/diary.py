"""Critical friends and the reflection diary: thin views that ask the door
(``praxis.access.diary``), then call one service or query and render. Every page works
without JavaScript: the prompt model is chosen by link, actions are POST forms.

A private entry is shown to its author and nobody else: every page here that shows an entry
got it from the door.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from praxis.access.community import CommunityAccess
from praxis.access.diary import (
    access_entry,
    access_friends,
    access_friendship,
    own_entries,
    shared_entries,
)
from praxis.core.markdown import render_markdown
from praxis.core.templatetags.praxis import localnumber, when
from praxis.interop import pdf
from praxis.practice.forms.diary import EntryForm, InviteFriendForm, entry_initial
from praxis.practice.models import JournalEntry
from praxis.practice.models.diary import ReflectionModel
from praxis.practice.queries import diary as queries
from praxis.practice.reflection import Prompt, carried_over, headed_parts
from praxis.practice.services import diary as services
from praxis.practice.services.diary import DiaryRuleError
from praxis.site.decorators import login_on_refusal
from praxis.site.http import AuthenticatedHttpRequest, site_url
from praxis.site.interop.offline import attachment_header

ENTRIES_PER_PAGE = 20
REFLECTIONS_PER_PAGE = 20


@dataclass(frozen=True)
class ShownEntry:
    """An entry with its parts rendered (Markdown, sanitised), for a page or an export."""

    entry: JournalEntry
    parts: list[tuple[Prompt, str]]


def _shown(entry: JournalEntry) -> ShownEntry:
    return ShownEntry(entry=entry, parts=[(prompt, render_markdown(text)) for prompt, text
                                          in headed_parts(entry.model, entry.parts)])


def _shown_all(entries: Iterable[JournalEntry]) -> list[ShownEntry]:
    return [_shown(entry) for entry in entries]


# The diary ------------------------------------------------------------------------------------

@login_required
@require_GET
def diary(request: AuthenticatedHttpRequest) -> HttpResponse:
    page = Paginator(queries.with_list_fields(own_entries(request.user)),
                     ENTRIES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "practice/diary_list.html", {
        "page": page, "models": ReflectionModel.choices,
    })


def _model_asked(request: HttpRequest, default: str) -> str:
    asked = request.GET.get("model", "")
    return asked if asked in ReflectionModel.values else default


def _entry_form(request: AuthenticatedHttpRequest, model: str, **kwargs: Any) -> EntryForm:
    return EntryForm(request.POST or None, author=request.user, reflection_model=model,
                     versions=queries.plan_versions_for(request.user),
                     communities=queries.communities_of(request.user), **kwargs)


def _render_form(request: HttpRequest, form: EntryForm, entry: JournalEntry | None,
                 ) -> HttpResponse:
    return render(request, "practice/entry_form.html", {
        "form": form, "entry": entry, "models": ReflectionModel.choices,
        "model": form.reflection_model, "status": 400 if form.is_bound else 200,
    }, status=400 if form.is_bound else 200)


@login_required
@require_http_methods(["GET", "POST"])
def entry_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    model = _model_asked(request, ReflectionModel.FREE)
    if request.method == "POST":
        model = request.POST.get("model", model)
        model = model if model in ReflectionModel.values else ReflectionModel.FREE
    form = _entry_form(request, model, initial={"written_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.create_entry(author=request.user, draft=form.draft())
        except DiaryRuleError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Your entry is saved."))
            return redirect(entry)
    return _render_form(request, form, None)


@require_GET
@login_on_refusal
def entry(request: HttpRequest, entry_id: int) -> HttpResponse:
    found = access_entry(request.user, entry_id)
    return render(request, "practice/entry_detail.html", {
        "shown": _shown(found), "entry": found,
        "is_author": found.author_id == request.user.pk,
    })


@require_http_methods(["GET", "POST"])
@login_on_refusal
def entry_edit(request: AuthenticatedHttpRequest, entry_id: int) -> HttpResponse:
    found = access_entry(request.user, entry_id, need="edit")
    model = _model_asked(request, found.model)
    if request.method == "POST":
        posted = request.POST.get("model", model)
        model = posted if posted in ReflectionModel.values else found.model
    parts = carried_over(found.model, model, found.parts)
    form = _entry_form(request, model, initial=entry_initial(found, parts))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_entry(entry=found, actor=request.user, draft=form.draft())
        except DiaryRuleError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Your entry is saved."))
            return redirect(found)
    return _render_form(request, form, found)


@require_http_methods(["GET", "POST"])
@login_on_refusal
def entry_delete(request: AuthenticatedHttpRequest, entry_id: int) -> HttpResponse:
    found = access_entry(request.user, entry_id, need="edit")
    if request.method == "POST":
        services.delete_entry(entry=found, actor=request.user)
        messages.success(request, _("The entry is deleted."))
        return redirect("practice:diary")
    return render(request, "practice/entry_delete.html", {"entry": found})


# The diary as one file ------------------------------------------------------------------------

def _export(request: AuthenticatedHttpRequest) -> list[ShownEntry]:
    return _shown_all(queries.with_list_fields(own_entries(request.user)))


def _export_response(body: str | bytes, *, extension: str, content_type: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    name = f"diary-{timezone.localdate():%Y-%m-%d}"
    response["Content-Disposition"] = attachment_header(name, extension)
    response["X-Robots-Tag"] = "noindex"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    return response


@login_required
@require_GET
def export_html(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The author's whole diary as one self-contained HTML file: only their own entries."""
    body = render_to_string("practice/diary_offline.html", {
        "entries": _export(request), "owner": request.user, "made_at": timezone.now(),
        "diary_url": request.build_absolute_uri(reverse("practice:diary")),
    })
    return _export_response(body, extension="html", content_type="text/html; charset=utf-8")


def _diary_pdf(entries: list[ShownEntry], *, owner: str, diary_url: str) -> bytes:
    page_direction = pdf.RTL if translation.get_language_bidi() else pdf.LTR
    doc = pdf.TopicDocument(
        page_direction=page_direction,
        page_label=lambda number: _("Page %(number)s") % {"number": localnumber(number)},
    )
    title = _("Reflection diary")
    doc.set_title(title)
    doc.set_creator("Praxis")
    doc.set_lang(translation.get_language() or "en")
    doc.add_page()
    doc.paragraph(owner, size=10, colour=pdf.MUTED, after=0.5)
    doc.label(title, size=19, bold=True, after=2.5)
    doc.label(f"{_('Online at')}: {pdf.isolate(diary_url)}", size=9, colour=pdf.MUTED, after=3)
    if not entries:
        doc.label(_("No entries yet."))
    for item in entries:
        entry = item.entry
        doc.rule()
        doc.paragraph(entry.title or when(entry.written_on), size=13, bold=True, after=0.6)
        for line in _entry_facts(entry):
            doc.label(line, size=9, colour=pdf.MUTED, after=0.4)
        doc.ln(1.5)
        for prompt, html in item.parts:
            doc.label(str(prompt.heading), bold=True, after=0.8)
            doc.blocks(pdf.html_blocks(html))
        doc.ln(2)
    return bytes(doc.output())


def _entry_facts(entry: JournalEntry) -> list[str]:
    facts = [f"{_('Date')}: {when(entry.written_on)}",
             f"{_('Who can read it')}: {entry.get_visibility_display()}"
             + (f" · {pdf.isolate(entry.community.name)}" if entry.community else "")]
    if entry.session_date or entry.session_audience:
        session = " · ".join(part for part in (when(entry.session_date),
                                               pdf.isolate(entry.session_audience)
                                               if entry.session_audience else "") if part)
        facts.append(f"{_('Session')}: {session}")
    if entry.plan_version:
        facts.append(f"{_('Session plan')}: {pdf.isolate(str(entry.plan_version))}")
    if entry.model != ReflectionModel.FREE:
        facts.append(f"{_('Prompts')}: {entry.get_model_display()}")
    return facts


@login_required
@require_GET
def export_pdf(request: AuthenticatedHttpRequest) -> HttpResponse:
    body = _diary_pdf(_export(request), owner=str(request.user),
                      diary_url=request.build_absolute_uri(reverse("practice:diary")))
    return _export_response(body, extension="pdf", content_type="application/pdf")


# Reflections shared in a community ---------------------------------------------------------

def members_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Resolves ``slug`` through ``access_friends``: the community's members only."""

    def wrapper(request: HttpRequest, slug: str, *args: Any, **kwargs: Any) -> HttpResponse:
        return view(request, access_friends(request.user, slug), *args, **kwargs)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return login_on_refusal(wrapper)  # type: ignore[return-value]


def _community_context(access: CommunityAccess, tab: str, **extra: Any) -> dict[str, Any]:
    return {"access": access, "community": access.community, "tab": tab, **extra}


@require_GET
@members_view
def reflections(request: AuthenticatedHttpRequest, access: CommunityAccess) -> HttpResponse:
    """Others' entries shared with this member: with the community, or with them as a
    critical friend."""
    page = Paginator(queries.with_list_fields(shared_entries(request.user, access.community)),
                     REFLECTIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "practice/entry_shared.html", _community_context(
        access, "reflections", page=page, shown=_shown_all(page.object_list)))


# Critical friends -----------------------------------------------------------------------------

def _friends_page(request: AuthenticatedHttpRequest, access: CommunityAccess,
                  form: InviteFriendForm | None = None, status: int = 200) -> HttpResponse:
    search = request.GET.get("q", "").strip()[:100]
    board = queries.friends_board(request.user, access.community, search)
    form = form or InviteFriendForm(
        candidates=board.candidates,
        invitable=queries.invitable_members(request.user, access.community))
    return render(request, "practice/friends_list.html", _community_context(
        access, "friends", board=board, form=form, search=search), status=status)


@require_GET
@members_view
def friends(request: AuthenticatedHttpRequest, access: CommunityAccess) -> HttpResponse:
    return _friends_page(request, access)


@require_POST
@members_view
def friend_invite(request: AuthenticatedHttpRequest, access: CommunityAccess) -> HttpResponse:
    board = queries.friends_board(request.user, access.community)
    form = InviteFriendForm(request.POST, candidates=board.candidates,
                            invitable=queries.invitable_members(request.user, access.community))
    if form.is_valid():
        try:
            services.invite_friend(community=access.community, inviter=request.user,
                                   invitee=form.cleaned_data["invitee"],
                                   message=form.cleaned_data["message"],
                                   site_url=site_url(request))
        except DiaryRuleError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Your invitation is sent."))
            return redirect("practice:friends", access.community.slug)
    return _friends_page(request, access, form, status=400)


@require_POST
@members_view
def friend_answer(request: AuthenticatedHttpRequest, access: CommunityAccess,
                  friendship_id: int, answer: str) -> HttpResponse:
    if answer not in ("accept", "decline", "end"):
        raise Http404
    friendship = access_friendship(request.user, access, friendship_id)
    try:
        if answer == "end":
            services.end_friendship(friendship=friendship, actor=request.user)
            messages.success(request, _("The friendship has ended."))
        else:
            services.answer_invitation(friendship=friendship, actor=request.user,
                                       accept=answer == "accept")
            messages.success(request, _("You are critical friends now.") if answer == "accept"
                             else _("You declined the invitation."))
    except DiaryRuleError as error:
        messages.error(request, str(error))
    return redirect("practice:friends", access.community.slug)
