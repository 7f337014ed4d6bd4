"""Value-creation story pages: thin views that ask the door (``praxis.access.stories``), then
call one service or query and render. Everything works without JavaScript: the guided form
is one page with a section per cycle and two submit buttons, "Save draft" and "Tell it"."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from praxis.access import CommunityAccess
from praxis.access.stories import (
    StoryAccess,
    StoryNeed,
    access_story,
    can_tell_stories,
    list_flags,
)
from praxis.impact import stories as services
from praxis.impact import story_queries as queries
from praxis.impact.models import StoryEvidence, ValueStory
from praxis.impact.story_forms import EvidenceForm, StoryForm, story_initial
from praxis.site.decorators import community_view, login_on_refusal
from praxis.site.http import AuthenticatedHttpRequest

View = Callable[..., HttpResponseBase]
STORIES_PER_PAGE = 20
MINE_SHOWN = 20


def story_view(need: StoryNeed) -> Callable[[View], View]:
    """Resolves ``slug`` and ``story_id`` through ``access_story``."""

    def decorate(view: View) -> View:
        @wraps(view)
        @login_on_refusal
        def wrapper(request: HttpRequest, slug: str, story_id: int, *args: Any,
                    **kwargs: Any) -> HttpResponseBase:
            access = access_story(request.user, slug, story_id, need=need)
            return view(request, access, *args, **kwargs)

        return wrapper

    return decorate


def _context(access: StoryAccess, **extra: Any) -> dict[str, Any]:
    return {"access": access.community_access, "story_access": access,
            "community": access.community, "story": access.story, "tab": "impact", **extra}


def _with_cycles(stories: list[ValueStory]) -> list[ValueStory]:
    cycles = queries.cycles_of_many(stories)
    labels = dict(queries.Cycle.choices)
    for story in stories:
        story.cycles = [(value, labels[value]) for value in cycles[story.pk]]  # type: ignore[attr-defined]
    return stories


@community_view("read")
@require_GET
def story_list(request: HttpRequest, access: CommunityAccess) -> HttpResponse:
    user_id = request.user.pk if request.user.is_authenticated else None
    page = Paginator(queries.readable_stories(access.community.pk, user_id,
                                              **list_flags(access)),
                     STORIES_PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = _with_cycles(list(page.object_list))
    for story in page.object_list:
        story.community = access.community
    mine: list[ValueStory] = []
    if can_tell_stories(access) and user_id is not None:
        mine = _with_cycles(list(queries.stories_of(access.community.pk,
                                                    user_id)[:MINE_SHOWN]))
        for story in mine:
            story.community = access.community
    return render(request, "impact/story_list.html", {
        "access": access, "community": access.community, "tab": "impact", "page": page,
        "mine": mine, "can_tell": can_tell_stories(access),
    })


def _save(request: AuthenticatedHttpRequest, form: StoryForm, community: Any,
          story: ValueStory | None) -> ValueStory | None:
    """Saves the form's story as a draft or tells it; None when refused (errors on form)."""
    tell = "tell" in request.POST
    if tell and not form.reaches_a_cycle():
        form.add_error(None, _(
            "A story is told once it says something: pick what it came from or write at "
            "least one of its parts. You can save it as a draft meanwhile."))
        return None
    try:
        story = services.save_story(community=community, author=request.user,
                                    draft=form.draft(), story=story, tell=tell)
    except services.StoryRuleError as error:
        form.add_error(None, str(error))
        return None
    if story.status == ValueStory.Status.TOLD:
        messages.success(request, _("Your story is told. Thank you."))
    else:
        messages.success(request, _("Your draft is saved. Finish it whenever you like."))
    return story


@community_view("read")
@require_http_methods(["GET", "POST"])
def story_create(request: AuthenticatedHttpRequest, access: CommunityAccess) -> HttpResponse:
    if not can_tell_stories(access):
        raise PermissionDenied(_("Only members tell stories here."))
    community = access.community
    choices = queries.source_choices(community.pk, request.user.pk)
    form = StoryForm(request.POST or None, choices=choices)
    if request.method == "POST" and form.is_valid():
        story = _save(request, form, community, None)
        if story is not None:
            story.community = community
            if story.status == ValueStory.Status.TOLD:
                return redirect(story)
            return redirect("impact:story_edit", community.slug, story.pk)
    return render(request, "impact/story_form.html", {
        "access": access, "community": community, "tab": "impact", "form": form,
        "story": None,
    }, status=400 if request.method == "POST" else 200)


@story_view("read")
@require_GET
def story_detail(request: HttpRequest, access: StoryAccess) -> HttpResponse:
    story = access.story
    cycles = queries.cycles_of_many([story])[story.pk]
    labels = dict(queries.Cycle.choices)
    return render(request, "impact/story_detail.html", _context(
        access, cycles=[(value, labels[value]) for value in cycles],
        sources=queries.sources_of(story), evidence=queries.evidence_of(story),
    ))


@story_view("edit")
@require_http_methods(["GET", "POST"])
def story_edit(request: AuthenticatedHttpRequest, access: StoryAccess) -> HttpResponse:
    story = access.story
    choices = queries.source_choices(access.community.pk, request.user.pk, story)
    form = StoryForm(request.POST or None, choices=choices, initial=story_initial(story))
    if request.method == "POST" and form.is_valid():
        saved = _save(request, form, access.community, story)
        if saved is not None:
            if saved.status == ValueStory.Status.TOLD:
                return redirect(saved)
            return redirect("impact:story_edit", access.community.slug, saved.pk)
        story.refresh_from_db()
    versions = choices.versions
    return render(request, "impact/story_form.html", _context(
        access, form=form, evidence=queries.evidence_of(story),
        evidence_form=EvidenceForm(versions=versions),
    ), status=400 if request.method == "POST" else 200)


@story_view("edit")
@require_http_methods(["GET", "POST"])
def story_delete(request: HttpRequest, access: StoryAccess) -> HttpResponse:
    if request.method == "POST":
        services.delete_story(story=access.story)
        messages.success(request, _("Your story is deleted."))
        return redirect("impact:stories", access.community.slug)
    return render(request, "impact/story_delete.html", _context(access))


@story_view("acknowledge")
@require_POST
def story_acknowledge(request: AuthenticatedHttpRequest, access: StoryAccess) -> HttpResponse:
    try:
        services.acknowledge(story=access.story, by=request.user)
    except services.StoryRuleError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("You acknowledged this story."))
    return redirect(access.story)


@story_view("edit")
@require_POST
def evidence_add(request: AuthenticatedHttpRequest, access: StoryAccess) -> HttpResponse:
    story = access.story
    choices = queries.source_choices(access.community.pk, request.user.pk, story)
    evidence_form = EvidenceForm(request.POST, request.FILES, versions=choices.versions)
    if evidence_form.is_valid():
        data = evidence_form.cleaned_data
        try:
            services.add_evidence(story=story, kind=data["kind"], caption=data["caption"],
                                  text=data["text"], upload=data.get("upload"),
                                  plan_version=evidence_form.chosen_version())
        except services.StoryRuleError as error:
            evidence_form.add_error(None, str(error))
        else:
            messages.success(request, _("The evidence is added."))
            return redirect(f"{_edit_url(access)}#evidence")
    form = StoryForm(choices=choices, initial=story_initial(story))
    return render(request, "impact/story_form.html", _context(
        access, form=form, evidence=queries.evidence_of(story),
        evidence_form=evidence_form,
    ), status=400)


def _edit_url(access: StoryAccess) -> str:
    from django.urls import reverse

    return reverse("impact:story_edit", args=[access.community.slug, access.story.pk])


def _evidence(access: StoryAccess, evidence_id: int) -> StoryEvidence:
    found = StoryEvidence.objects.filter(story=access.story, pk=evidence_id).first()
    if found is None:
        raise Http404
    return found


@story_view("edit")
@require_POST
def evidence_remove(request: HttpRequest, access: StoryAccess, evidence_id: int) -> HttpResponse:
    services.remove_evidence(evidence=_evidence(access, evidence_id))
    messages.success(request, _("The evidence is removed."))
    return redirect(f"{_edit_url(access)}#evidence")


@story_view("read")
@require_GET
def evidence_file(request: HttpRequest, access: StoryAccess, evidence_id: int) -> FileResponse:
    """A photo or document of a story, for the story's readers only: never a public URL."""
    evidence = _evidence(access, evidence_id)
    if not evidence.file:
        raise Http404
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    inline = evidence.kind == StoryEvidence.Kind.PHOTO
    response = FileResponse(handle, as_attachment=not inline,
                            filename=evidence.original_name or evidence.file.name.rsplit("/")[-1],
                            content_type=evidence.content_type or "application/octet-stream")
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
