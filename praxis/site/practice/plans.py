"""Session plan pages: thin views that ask the door (``praxis.access.practice``), then call
one service or query and render. Every page works without JavaScript: the stages are a
formset with blank rows and a button for more rows, every action a POST form."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from praxis.access import CommunityAccess
from praxis.access.practice import PlanAccess, PlanNeed, access_plan, can_share_plans
from praxis.interop import pdf
from praxis.practice import diff
from praxis.practice.forms.plans import (
    FeedbackForm,
    FeedbackRequestForm,
    PlanForm,
    VersionForm,
    plan_draft,
    stage_formset,
    stages_initial,
    version_initial,
)
from praxis.practice.models import PlanVersion
from praxis.practice.queries import plans as queries
from praxis.practice.queries.friends import friend_ids
from praxis.practice.services import plans as services
from praxis.site.decorators import community_view, login_on_refusal
from praxis.site.http import AuthenticatedHttpRequest
from praxis.site.interop.offline import attachment_header

View = Callable[..., HttpResponseBase]
PLANS_PER_PAGE = 20


def plan_view(need: PlanNeed) -> Callable[[View], View]:
    """Resolves ``slug`` and ``plan_id`` through ``access_plan`` and hands the view a
    PlanAccess."""

    def decorate(view: View) -> View:
        @wraps(view)
        @login_on_refusal
        def wrapper(request: HttpRequest, slug: str, plan_id: int, *args: Any,
                    **kwargs: Any) -> HttpResponseBase:
            access = access_plan(request.user, slug, plan_id, need=need)
            return view(request, access, *args, **kwargs)

        return wrapper

    return decorate


def _context(access: PlanAccess, **extra: Any) -> dict[str, Any]:
    return {"access": access.community_access, "plan_access": access,
            "community": access.community, "plan": access.plan, "tab": "plans", **extra}


def _version(access: PlanAccess, number: int) -> PlanVersion:
    version = queries.version_of(access.plan, number)
    if version is None:
        raise Http404
    return version


# Lists and pages ----------------------------------------------------------------------------

@community_view("read")
@require_GET
def plan_list(request: HttpRequest, access: CommunityAccess) -> HttpResponse:
    page = Paginator(queries.community_plans(access.community),
                     PLANS_PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = queries.with_counts(page.object_list)
    for plan in page.object_list:
        plan.community = access.community
    return render(request, "practice/plan_list.html", {
        "access": access, "community": access.community, "tab": "plans", "page": page,
        "can_share": can_share_plans(access),
    })


@plan_view("read")
@require_GET
def plan_detail(request: HttpRequest, access: PlanAccess) -> HttpResponse:
    page = queries.plan_page(access.plan)
    return render(request, "practice/plan_detail.html", _context(
        access, page=page, version=page.latest, stages=page.stages,
        topics=list(access.plan.topics.all()),
    ))


@plan_view("read")
@require_GET
def version_detail(request: HttpRequest, access: PlanAccess, number: int) -> HttpResponse:
    version = _version(access, number)
    return render(request, "practice/version_detail.html", _context(
        access, version=version, stages=queries.stages_of(version),
        feedback=queries.version_feedback(version),
        answers=list(version.answers.select_related("author", "version")),
        versions=list(PlanVersion.objects.filter(plan=access.plan).values_list("number",
                                                                               flat=True)),
    ))


def _number(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


@plan_view("read")
@require_GET
def version_compare(request: HttpRequest, access: PlanAccess) -> HttpResponse:
    versions = {v.number: v for v in PlanVersion.objects.filter(plan=access.plan)}
    numbers = sorted(versions)
    old_number = _number(request.GET.get("from"))
    new_number = _number(request.GET.get("to"))
    if old_number is None or new_number is None:
        new_number = numbers[-1]
        old_number = numbers[-2] if len(numbers) > 1 else numbers[-1]
    if old_number not in versions or new_number not in versions:
        messages.error(request, _("Choose two versions of this plan to compare."))
        return redirect(access.plan)
    old, new = versions[old_number], versions[new_number]
    stages: dict[int, list[Any]] = {old.pk: [], new.pk: []}
    for stage in (old.stages.model.objects.filter(version__in=[old, new])
                  .order_by("version_id", "position")):
        stages[stage.version_id].append(stage)
    for version in (old, new):
        version.plan = access.plan
    return render(request, "practice/version_compare.html", _context(
        access, comparison=diff.compare(old, new, stages[old.pk], stages[new.pk]),
        numbers=numbers, old=old, new=new,
    ))


@plan_view("read")
@require_GET
def original_file(request: HttpRequest, access: PlanAccess, number: int) -> FileResponse:
    """A version's original file, for the plan's readers only: never a public URL."""
    version = _version(access, number)
    if not version.original_file:
        raise Http404
    try:
        handle = version.original_file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    return FileResponse(handle, as_attachment=True,
                        filename=version.original_name
                        or version.original_file.name.rsplit("/")[-1],
                        content_type=version.content_type or "application/octet-stream")


# Sharing and new versions -------------------------------------------------------------------

@community_view("read")
@require_http_methods(["GET", "POST"])
def plan_create(request: AuthenticatedHttpRequest, access: CommunityAccess) -> HttpResponse:
    if not can_share_plans(access):
        raise PermissionDenied(_("Only members share session plans here."))
    community = access.community
    data, files = (request.POST, request.FILES) if request.method == "POST" else (None, None)
    more = data is not None and "more_stages" in data
    form = PlanForm(data, files, community=community)
    stages = stage_formset(data, more=more)
    if data is not None and not more and form.is_valid() and stages.is_valid():
        try:
            plan = services.share_plan(community=community, author=request.user,
                                       draft=plan_draft(form, stages),
                                       topics=form.cleaned_data["topics"],
                                       upload=form.cleaned_data.get("upload"))
        except services.PlanRuleError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Your session plan is shared. Ask for feedback on "
                                        "it when you are ready."))
            return redirect(plan)
    return render(request, "practice/plan_form.html", {
        "access": access, "community": community, "tab": "plans", "form": form,
        "stages": stages, "plan": None,
    }, status=400 if data is not None and not more else 200)


@plan_view("edit")
@require_http_methods(["GET", "POST"])
def version_create(request: AuthenticatedHttpRequest, access: PlanAccess) -> HttpResponse:
    plan = access.plan
    page = queries.plan_page(plan)
    data, files = (request.POST, request.FILES) if request.method == "POST" else (None, None)
    more = data is not None and "more_stages" in data
    topics = list(plan.topics.all())
    initial = version_initial(page.latest, topics)
    initial["answers"] = [item.pk for item in page.unanswered
                          if request.GET.get("answers") == str(item.pk)]
    form = VersionForm(data, files, community=access.community, feedback=page.unanswered,
                       initial=initial)
    stages = stage_formset(data, stages_initial(page.stages), more=more)
    if data is not None and not more and form.is_valid() and stages.is_valid():
        try:
            version = services.post_version(
                plan=plan, draft=plan_draft(form, stages),
                change_note=form.cleaned_data["change_note"],
                answers=form.cleaned_data["answers"], upload=form.cleaned_data.get("upload"),
                topics=form.cleaned_data["topics"])
        except services.PlanRuleError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Version %(number)s is posted.")
                             % {"number": version.number})
            return redirect(plan)
    return render(request, "practice/version_form.html", _context(
        access, form=form, stages=stages, latest=page.latest,
    ), status=400 if data is not None and not more else 200)


@plan_view("edit")
@require_POST
def feedback_acted(request: HttpRequest, access: PlanAccess, feedback_id: int) -> HttpResponse:
    feedback = queries.plan_feedback(access.plan, feedback_id)
    if feedback is None:
        raise Http404
    acted = request.POST.get("acted") != "no"
    try:
        services.mark_acted_upon(feedback=feedback, acted=acted)
    except services.PlanRuleError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Marked as acted upon.") if acted
                         else _("No longer marked as acted upon."))
    return redirect(f"{access.plan.get_absolute_url()}#feedback-{feedback.pk}")


# Asking for feedback and giving it ------------------------------------------------------------

@plan_view("edit")
@require_http_methods(["GET", "POST"])
def request_create(request: AuthenticatedHttpRequest, access: PlanAccess,
                   number: int) -> HttpResponse:
    version = _version(access, number)
    friends = friend_ids(request.user.pk, access.community)
    search = request.GET.get("q", "").strip()[:100]
    people, more = queries.askable_members(access.community, request.user, friends, search)
    initial = {"audience": "chosen" if search else "friends" if friends else "community"}
    form = FeedbackRequestForm(request.POST or None, people=people, friends=friends,
                               askable=queries.askable(access.community, request.user),
                               initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.ask_for_feedback(version=version, asked_by=request.user,
                                      audience=form.cleaned_data["audience"],
                                      questions=form.cleaned_data["questions"],
                                      chosen=form.cleaned_data["chosen"])
        except services.PlanRuleError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Your request for feedback is sent."))
            return redirect(access.plan)
    return render(request, "practice/feedback_request_form.html", _context(
        access, version=version, form=form, search=search, more_members=more,
    ), status=400 if request.method == "POST" else 200)


@plan_view("edit")
@require_POST
def request_close(request: HttpRequest, access: PlanAccess, request_id: int) -> HttpResponse:
    found = queries.request_of(access.plan, request_id)
    if found is None:
        raise Http404
    services.close_request(request=found)
    messages.success(request, _("The request is closed."))
    return redirect(access.plan)


@plan_view("give_feedback")
@require_http_methods(["GET", "POST"])
def feedback_create(request: AuthenticatedHttpRequest, access: PlanAccess,
                    number: int) -> HttpResponse:
    version = _version(access, number)
    asked = queries.open_request(version, request.POST.get("request")
                                 or request.GET.get("request"))
    form = FeedbackForm(request.POST or None,
                        initial={"request": asked.pk if asked else None})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            feedback = services.give_feedback(version=version, author=request.user,
                                              works=data["works"], change=data["change"],
                                              question=data["question"], request=asked)
        except services.PlanRuleError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Thank you: your feedback is with the author."))
            return redirect(f"{access.plan.get_absolute_url()}#feedback-{feedback.pk}")
    return render(request, "practice/feedback_form.html", _context(
        access, version=version, form=form, asked=asked, stages=queries.stages_of(version),
    ), status=400 if request.method == "POST" else 200)


# Offline copies --------------------------------------------------------------------------------

def _offline_context(request: HttpRequest, access: PlanAccess) -> dict[str, Any]:
    page = queries.plan_page(access.plan)
    return {"plan": access.plan, "community": access.community, "page": page,
            "version": page.latest, "stages": page.stages,
            "plan_url": request.build_absolute_uri(access.plan.get_absolute_url())}


def _download(request: HttpRequest, access: PlanAccess, body: bytes | str, extension: str,
              content_type: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = attachment_header(f"plan-{access.plan.pk}", extension)
    response["X-Robots-Tag"] = "noindex"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    return response


@plan_view("read")
@require_GET
def plan_offline(request: HttpRequest, access: PlanAccess) -> HttpResponse:
    html = render_to_string("practice/plan_offline.html", _offline_context(request, access))
    return _download(request, access, html, "html", "text/html; charset=utf-8")


@plan_view("read")
@require_GET
def plan_pdf(request: HttpRequest, access: PlanAccess) -> HttpResponse:
    return _download(request, access, render_plan_pdf(_offline_context(request, access)),
                     "pdf", "application/pdf")


def render_plan_pdf(context: dict[str, Any]) -> bytes:
    """The plan as PDF bytes, in the active language, with the topic download's document."""
    from praxis.core.templatetags.praxis import localnumber, when

    page, version, plan = context["page"], context["version"], context["plan"]
    direction = pdf.RTL if translation.get_language_bidi() else pdf.LTR
    doc = pdf.TopicDocument(
        page_direction=direction,
        page_label=lambda n: _("Page %(number)s") % {"number": localnumber(n)})
    doc.set_title(version.title)
    doc.set_creator("Praxis")
    doc.set_lang(translation.get_language() or "en")
    doc.add_page()
    doc.paragraph(context["community"].name, size=10, colour=pdf.MUTED, after=0.5)
    doc.paragraph(version.title, size=19, bold=True, after=2.5)
    author = str(plan.author) if plan.author else _("a former member")
    doc.label(_("Version %(number)s, by %(name)s, %(date)s") % {
        "number": localnumber(version.number), "name": author,
        "date": when(version.created_at)}, size=9.5)
    doc.label(f"{_('Audience')}: {version.get_audience_display()}", size=9.5, after=0.4)
    if version.level:
        doc.label(f"{_('Level')}: {version.level}", size=9.5, after=0.4)
    doc.label(_("%(minutes)s minutes") % {"minutes": localnumber(version.duration_minutes)},
              size=9.5)
    doc.label(f"{_('Online at')}: {pdf.isolate(context['plan_url'])}", size=9,
              colour=pdf.MUTED, after=3)
    doc.rule()
    doc.heading(_("Aims"))
    doc.blocks(pdf.text_blocks(version.aims))
    doc.heading(_("Stages"))
    for stage in context["stages"]:
        doc.label(f"{localnumber(stage.position)}. "
                  + _("%(minutes)s min") % {"minutes": localnumber(stage.minutes)}
                  + f" · {stage.get_interaction_display()}", bold=True, after=0.4)
        doc.paragraph(stage.activity, after=0.4)
        if stage.materials:
            doc.paragraph(f"{_('Materials')}: {stage.materials}", colour=pdf.MUTED)
    if version.change_note:
        doc.heading(_("What changed"))
        doc.blocks(pdf.text_blocks(version.change_note))
    doc.ln(2)
    doc.rule()
    doc.heading(_("Feedback"), size=15)
    for group in page.feedback:
        if not group.feedback:
            continue
        doc.heading(_("On version %(number)s") % {"number": localnumber(group.version.number)},
                    size=12)
        for item in group.feedback:
            doc.label(f"{item.author or _('a former member')} · {when(item.created_at)}",
                      bold=True, after=0.4)
            for name, text in ((_("What works"), item.works), (_("What to change"), item.change),
                               (_("A question"), item.question), ("", item.comment)):
                if text:
                    if name:
                        doc.label(name, colour=pdf.MUTED, after=0.2)
                    doc.blocks(pdf.text_blocks(text))
    return bytes(doc.output())
