"""Topic and proposal pages: thin views that ask the permission door, then call one service
or query and render. Every page works without JavaScript: actions are POST forms."""

from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from praxis.access import (
    CommunityAccess,
    TopicAccess,
    TopicNeed,
    access_topic,
)
from praxis.discussions import queries as discussion_queries
from praxis.discussions import services as discussion_services
from praxis.discussions.models import Thread
from praxis.discussions.services import DiscussionRuleError
from praxis.library import services as library_services
from praxis.library.forms import SeedArticleForm
from praxis.library.models import Resource
from praxis.practice.queries.plans import topic_plans
from praxis.site.decorators import community_view, login_on_refusal
from praxis.site.http import AuthenticatedHttpRequest, CountedPaginator, site_url
from praxis.topics import queries, services
from praxis.topics.forms import (
    ArchiveSearchForm,
    DeclineProposalForm,
    ExtendForm,
    NewQuestionForm,
    ProposalForm,
    QuestionFormSet,
    SynthesisForm,
    TopicForm,
    community_people,
    question_drafts,
    topic_initial,
)
from praxis.topics.models import Topic, TopicProposal

View = Callable[..., HttpResponseBase]
ARCHIVE_PER_PAGE = 20
THREADS_PER_PAGE = 30
NOT_YET_PER_PAGE = 100


def topic_view(need: TopicNeed) -> Callable[[View], View]:
    """Resolves ``slug`` and ``topic_slug`` through ``access_topic`` and hands the view a
    TopicAccess."""

    def decorate(view: View) -> View:
        @wraps(view)
        @login_on_refusal
        def wrapper(request: HttpRequest, slug: str, topic_slug: str, *args: Any,
                    **kwargs: Any) -> HttpResponseBase:
            access = access_topic(request.user, slug, topic_slug, need=need)
            return view(request, access, *args, **kwargs)

        return wrapper

    return decorate


def _topic_context(access: TopicAccess, **extra: Any) -> dict[str, Any]:
    """What every topic page's template needs: the community nav and the topic's tools."""
    return {"access": access.community_access, "topic_access": access,
            "community": access.community, "topic": access.topic, "tab": "topics", **extra}


def _to_topic(topic: Topic) -> HttpResponse:
    return redirect(topic)


def _seed_article(form: SeedArticleForm) -> services.SeedArticle | None:
    data = form.cleaned_data
    if data["source"] == SeedArticleForm.LINK:
        return services.SeedArticle(title=data["title"], citation=data["citation"],
                                    url=data["url"])
    if data["source"] == SeedArticleForm.FILE:
        return services.SeedArticle(title=data["title"], citation=data["citation"],
                                    upload=data["file"])
    return None


# Lists ---------------------------------------------------------------------------------------

@community_view("read")
@require_GET
def topic_list(request: HttpRequest, access: CommunityAccess) -> HttpResponse:
    return render(request, "topics/topic_list.html", {
        "access": access, "community": access.community, "tab": "topics",
        "board": queries.running_and_upcoming_topics(access.community),
    })


@community_view("read")
@require_GET
def topic_archive(request: HttpRequest, access: CommunityAccess) -> HttpResponse:
    form = ArchiveSearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    page = Paginator(queries.archived_topics(access.community, query),
                     ARCHIVE_PER_PAGE).get_page(request.GET.get("page"))
    query_without_page = request.GET.copy()
    query_without_page.pop("page", None)
    return render(request, "topics/topic_archive.html", {
        "access": access, "community": access.community, "tab": "topics", "form": form,
        "query": query, "page": page, "query_without_page": query_without_page.urlencode(),
    })


# Creating and editing topics ------------------------------------------------------------------

@community_view("lead_topics")
@require_http_methods(["GET", "POST"])
def topic_create(request: AuthenticatedHttpRequest, access: CommunityAccess) -> HttpResponse:
    community = access.community
    data, files = (request.POST, request.FILES) if request.method == "POST" else (None, None)
    initial = {}
    if data is None:
        starts_at, apply_from, ends_at = services.suggested_dates(7)
        initial = {"starts_at": starts_at, "apply_from": apply_from, "ends_at": ends_at,
                   "facilitators": [request.user.pk]}
    form = TopicForm(data, community=community, initial=initial)
    seed_form = SeedArticleForm(data, files, prefix="seed")
    questions = QuestionFormSet(data, prefix="questions")
    if data is not None and form.is_valid() and seed_form.is_valid() and questions.is_valid():
        try:
            # The form's fields are the topic's: title, summary, facilitators, dates, prompt.
            topic = services.create_topic(
                community=community, actor=request.user, **form.cleaned_data,
                seed=_seed_article(seed_form), questions=question_drafts(questions),
            )
        except services.TopicRuleError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The topic has been created."))
            return _to_topic(topic)
    return render(request, "topics/topic_form.html", {
        "access": access, "community": community, "tab": "topics", "form": form,
        "seed_form": seed_form, "questions": questions, "topic": None,
    })


@topic_view("facilitate")
@require_http_methods(["GET", "POST"])
def topic_edit(request: AuthenticatedHttpRequest, access: TopicAccess) -> HttpResponse:
    topic = queries.topic_with_details(access.topic)
    data, files = (request.POST, request.FILES) if request.method == "POST" else (None, None)
    form = TopicForm(data, community=access.community, initial=topic_initial(topic))
    current = topic.seed_resource.title if topic.seed_resource else ""
    seed_form = SeedArticleForm(data, files, prefix="seed", current=current)
    if data is not None and form.is_valid() and seed_form.is_valid():
        try:
            services.update_topic(
                topic=topic, actor=request.user, **form.cleaned_data,
                seed=_seed_article(seed_form),
                remove_seed=seed_form.cleaned_data["source"] == SeedArticleForm.NONE,
            )
        except services.TopicRuleError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The topic has been saved."))
            return _to_topic(topic)
    return render(request, "topics/topic_form.html", _topic_context(
        access, topic=topic, form=form, seed_form=seed_form, questions=None, tool="edit"))


# The topic page --------------------------------------------------------------------------------

@topic_view("read")
@require_GET
def topic_detail(request: HttpRequest, access: TopicAccess) -> HttpResponse:
    topic = queries.topic_with_details(access.topic)
    threads = discussion_queries.facilitator_threads(topic)
    # The topic keeps its thread count: the facilitators' threads are all in ``threads``.
    others = CountedPaginator(discussion_queries.other_threads(topic), THREADS_PER_PAGE,
                              count=topic.thread_count - threads.count).get_page(
        request.GET.get("page"))
    return render(request, "topics/topic_detail.html", _topic_context(
        access, topic=topic, state=topic.state, questions=threads.questions,
        apply_thread=threads.apply_thread, announcements=threads.announcements, page=others,
        apply_prompt=topic.apply_prompt or services.default_apply_prompt(),
        plans=topic_plans(topic),
    ))


@topic_view("read")
@require_GET
def seed_article(request: HttpRequest, access: TopicAccess) -> FileResponse:
    """The topic's uploaded article, for the community's readers only: never a public URL."""
    resource = access.topic.seed_resource
    if resource is None or resource.kind != Resource.Kind.FILE or not resource.file:
        raise Http404
    if access.member_id is not None:  # a member's reading is logged, as in the library
        library_services.record_read(resource=resource, reader=request.user)  # type: ignore[arg-type]
    try:
        handle = resource.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    return FileResponse(handle, as_attachment=True,
                        filename=resource.original_name or resource.file.name.rsplit("/")[-1],
                        content_type=resource.content_type or "application/octet-stream")


# Open questions --------------------------------------------------------------------------------

@topic_view("facilitate")
@require_http_methods(["GET", "POST"])
def topic_questions(request: AuthenticatedHttpRequest, access: TopicAccess) -> HttpResponse:
    topic = access.topic
    form = NewQuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            discussion_services.add_question(topic=topic, author=request.user,
                                             title=form.cleaned_data["title"],
                                             body=form.cleaned_data["body"])
        except DiscussionRuleError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The question has been added; its thread is open."))
            return redirect("topics:questions", access.community.slug, topic.slug)
    return render(request, "topics/topic_questions.html", _topic_context(
        access, questions=discussion_queries.facilitator_threads(topic).questions, form=form,
        tool="questions"))


@topic_view("facilitate")
@require_POST
def question_move(request: HttpRequest, access: TopicAccess, thread_id: int) -> HttpResponse:
    thread = get_object_or_404(Thread, pk=thread_id, topic=access.topic,
                               kind=Thread.Kind.QUESTION)
    direction = request.POST.get("direction")
    if direction not in ("up", "down"):
        messages.error(request, _("Choose to move the question up or down."))
    else:
        discussion_services.move_question(topic=access.topic, thread=thread,
                                          direction="up" if direction == "up" else "down")
    return redirect("topics:questions", access.community.slug, access.topic.slug)


# Running the topic: dates, closing early, extending, archiving -------------------------------

@topic_view("facilitate")
@require_GET
def topic_run(request: HttpRequest, access: TopicAccess) -> HttpResponse:
    topic = access.topic
    # A week more: from the present end, or from now for a topic already closed.
    suggested_end = max(topic.ends_at, timezone.now()) + timedelta(days=7)
    return render(request, "topics/topic_run.html", _topic_context(
        access, state=topic.state, extend_form=ExtendForm(initial={"ends_at": suggested_end}),
        tool="run"))


def _change_state(request: HttpRequest, access: TopicAccess,
                  change: Callable[..., Topic], done: str, *, confirm: bool = False,
                  ) -> HttpResponse:
    """Opens, closes or archives the topic and says so, or back to the run page with why
    not. An act that cannot be taken back asks for its box to be ticked (the browser asks
    first; this is for one that does not)."""
    run_page = redirect("topics:run", access.community.slug, access.topic.slug)
    if confirm and request.POST.get("confirm") != "yes":
        messages.error(request, _("Tick the box to confirm, then press the button again."))
        return run_page
    try:
        change(topic=access.topic)
    except services.TopicRuleError as error:
        messages.error(request, str(error))
        return run_page
    messages.success(request, done)
    return _to_topic(access.topic)


@topic_view("facilitate")
@require_POST
def topic_open(request: HttpRequest, access: TopicAccess) -> HttpResponse:
    return _change_state(request, access, services.open_topic_now,
                         _("The topic is open: members can take part now."))


@topic_view("facilitate")
@require_POST
def topic_close(request: HttpRequest, access: TopicAccess) -> HttpResponse:
    return _change_state(request, access, services.close_topic_early,
                         _("The topic is closed. Write its synthesis when you are ready."),
                         confirm=True)


@topic_view("facilitate")
@require_POST
def topic_extend(request: HttpRequest, access: TopicAccess) -> HttpResponse:
    form = ExtendForm(request.POST)
    if form.is_valid():
        try:
            services.extend_topic(topic=access.topic, ends_at=form.cleaned_data["ends_at"])
        except services.TopicRuleError as error:
            form.add_error("ends_at", str(error))
        else:
            messages.success(request, _("The topic has been extended."))
            return _to_topic(access.topic)
    return render(request, "topics/topic_run.html", _topic_context(
        access, state=access.topic.state, extend_form=form, tool="run"), status=400)


@topic_view("facilitate")
@require_POST
def topic_archive_topic(request: HttpRequest, access: TopicAccess) -> HttpResponse:
    return _change_state(request, access, services.archive_topic,
                         _("The topic is now in the archive."), confirm=True)


# Synthesis and participation -----------------------------------------------------------------

@topic_view("facilitate")
@require_http_methods(["GET", "POST"])
def topic_synthesis(request: HttpRequest, access: TopicAccess) -> HttpResponse:
    topic = access.topic
    form = SynthesisForm(request.POST or None, initial={"synthesis": topic.synthesis})
    if request.method == "POST" and form.is_valid():
        action = request.POST.get("action", "save")
        published = {"publish": True, "unpublish": False}.get(
            action, topic.synthesis_published_at is not None)
        try:
            services.save_synthesis(topic=topic, text=form.cleaned_data["synthesis"],
                                    published=published)
        except services.TopicRuleError as error:
            form.add_error("synthesis", str(error))
        else:
            messages.success(request, _("The synthesis is published on the topic page.")
                             if published else _("The synthesis is saved as a draft."))
            if published:
                return _to_topic(topic)
            return redirect("topics:synthesis", access.community.slug, topic.slug)
    return render(request, "topics/topic_synthesis.html", _topic_context(
        access, form=form, notable=discussion_queries.notable_posts(topic), tool="synthesis"))


@topic_view("facilitate")
@require_GET
def topic_participation(request: HttpRequest, access: TopicAccess) -> HttpResponse:
    participation = discussion_queries.apply_participation(access.topic)
    not_yet = Paginator(participation.not_yet, NOT_YET_PER_PAGE).get_page(
        request.GET.get("page"))
    return render(request, "topics/topic_participation.html", _topic_context(
        access, participation=participation, page=not_yet, tool="participation"))


# Proposals -----------------------------------------------------------------------------------

@community_view("read")
@require_GET
def proposals(request: HttpRequest, access: CommunityAccess) -> HttpResponse:
    return render(request, "topics/proposals.html", {
        "access": access, "community": access.community, "tab": "topics",
        "board": queries.proposals_board(access.community, request.user),
    })


@community_view("propose_topics")
@require_http_methods(["GET", "POST"])
def proposal_create(request: AuthenticatedHttpRequest, access: CommunityAccess) -> HttpResponse:
    form = ProposalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            proposal = services.propose_topic(
                community=access.community, proposer=request.user, **form.cleaned_data)
        except services.TopicRuleError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Your proposal is on the proposals page. Members can "
                                        "now support it."))
            return redirect(proposal)
    return render(request, "topics/proposal_form.html", {
        "access": access, "community": access.community, "tab": "topics", "form": form,
    })


@community_view("read")
@require_GET
def proposal_detail(request: HttpRequest, access: CommunityAccess,
                    proposal_id: int) -> HttpResponse:
    proposal = queries.proposal_of(access.community, proposal_id, request.user)
    if proposal is None:
        raise Http404
    return render(request, "topics/proposal_detail.html", {
        "access": access, "community": access.community, "tab": "topics",
        "proposal": proposal, "supporters": queries.supporters_of(proposal),
        "decline_form": DeclineProposalForm() if access.can_manage else None,
    })


@community_view("propose_topics")
@require_POST
def proposal_support(request: AuthenticatedHttpRequest, access: CommunityAccess,
                     proposal_id: int) -> HttpResponse:
    proposal = get_object_or_404(TopicProposal, pk=proposal_id, community=access.community)
    try:
        supported = services.toggle_support(proposal=proposal, user=request.user)
    except services.TopicRuleError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("You support this proposal.") if supported
                         else _("You no longer support this proposal."))
    if request.POST.get("next") == "list":
        return redirect("topics:proposals", access.community.slug)
    return redirect(proposal)


@community_view("manage")
@require_http_methods(["GET", "POST"])
def proposal_approve(request: AuthenticatedHttpRequest, access: CommunityAccess,
                     proposal_id: int) -> HttpResponse:
    community = access.community
    proposal = get_object_or_404(TopicProposal.objects.select_related("proposed_by"),
                                 pk=proposal_id, community=community)
    if proposal.status != TopicProposal.Status.PENDING:
        messages.info(request, _("This proposal has already been decided."))
        return redirect(proposal)
    data = request.POST if request.method == "POST" else None
    starts_at, apply_from, ends_at = services.suggested_dates(proposal.suggested_days)
    suggested = community_people(community).filter(
        display_name__iexact=proposal.suggested_facilitator.strip()
    ) if proposal.suggested_facilitator.strip() else []
    form = TopicForm(data, community=community, initial={
        "title": proposal.title, "summary": proposal.rationale, "starts_at": starts_at,
        "apply_from": apply_from, "ends_at": ends_at, "facilitators": list(suggested),
    })
    questions = QuestionFormSet(data, prefix="questions")
    if data is not None and form.is_valid() and questions.is_valid():
        try:
            topic = services.approve_proposal(
                proposal=proposal, actor=request.user, **form.cleaned_data,
                questions=question_drafts(questions), site_url=site_url(request),
            )
        except services.TopicRuleError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The proposal is approved and its topic scheduled."))
            return _to_topic(topic)
    return render(request, "topics/proposal_approve.html", {
        "access": access, "community": community, "tab": "topics", "proposal": proposal,
        "form": form, "questions": questions,
    })


@community_view("manage")
@require_POST
def proposal_decline(request: AuthenticatedHttpRequest, access: CommunityAccess,
                     proposal_id: int) -> HttpResponse:
    proposal = get_object_or_404(TopicProposal, pk=proposal_id, community=access.community)
    form = DeclineProposalForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the proposer a reason."))
        return redirect(proposal)
    try:
        services.decline_proposal(proposal=proposal, actor=request.user,
                                  reason=form.cleaned_data["reason"],
                                  site_url=site_url(request))
    except services.TopicRuleError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The proposal is declined; the proposer has been told."))
    return redirect(proposal)

