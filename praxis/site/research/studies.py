"""The research area of a community, a study's overview, its consent text and participants,
and a member's own participation page. Thin views: the door (``praxis.access.research``),
one service or query, a render."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from praxis.access.research import StudyAccess, access_research
from praxis.accounts.models import User
from praxis.research import services
from praxis.research.forms import ConsentForm, GrantForm, InviteForm, StudyForm
from praxis.research.instruments import open_questionnaires
from praxis.research.models import Participant, Researcher, Study
from praxis.research.queries import is_consenting
from praxis.site.decorators import login_on_refusal
from praxis.site.http import AuthenticatedHttpRequest, site_url
from praxis.site.research.common import study_context, study_view


def _member_choices(community_id: int, exclude: set[int]) -> list[tuple[int, str]]:
    people = (User.objects.filter(memberships__community_id=community_id)
              .exclude(pk__in=exclude).order_by("display_name").only("pk", "display_name"))
    return [(person.pk, person.display_name) for person in people]


@login_on_refusal
@require_GET
def research_home(request: HttpRequest, slug: str) -> HttpResponse:
    research = access_research(request.user, slug)
    community = research.community
    studies = (Study.objects.filter(community=community).select_related("community")
               if research.can_see_studies else Study.objects.none())
    mine = (Participant.objects.filter(user__pk=request.user.pk or 0,
                                       study__community=community).exclude(study__status=Study.Status.ERASED).select_related("study",
                                                                        "study__community"))
    researchers = (Researcher.objects.filter(community=community).select_related("user")
                   .order_by("user__display_name") if research.can_grant_roles else [])
    grant_form = None
    if research.can_grant_roles:
        taken = {role.user_id for role in researchers}
        grant_form = GrantForm(choices=_member_choices(community.pk, taken))
    return render(request, "research/home.html", {
        "access": research.community_access, "research": research, "community": community,
        "tab": "research", "studies": studies, "mine": mine, "researchers": researchers,
        "grant_form": grant_form})


@login_on_refusal
@require_POST
def researcher_grant(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    research = access_research(request.user, slug)
    if not research.can_grant_roles:
        raise PermissionDenied
    community = research.community
    form = GrantForm(request.POST, choices=_member_choices(community.pk, set()))
    if form.is_valid():
        user = get_object_or_404(User, pk=form.cleaned_data["member"])
        try:
            services.grant_researcher(community=community, user=user,
                                      granted_by=request.user)
        except services.ResearchRuleError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("%(name)s is now a researcher of this community.")
                             % {"name": user.display_name})
    return redirect("research:home", community.slug)


@login_on_refusal
@require_POST
def researcher_revoke(request: AuthenticatedHttpRequest, slug: str,
                      user_id: int) -> HttpResponse:
    research = access_research(request.user, slug)
    if not research.can_grant_roles:
        raise PermissionDenied
    user = get_object_or_404(User, pk=user_id)
    services.revoke_researcher(community=research.community, user=user,
                               revoked_by=request.user)
    messages.success(request, _("%(name)s is no longer a researcher of this community.")
                     % {"name": user.display_name})
    return redirect("research:home", research.community.slug)


@login_on_refusal
@require_http_methods(["GET", "POST"])
def study_create(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    research = access_research(request.user, slug)
    if not research.can_run_studies:
        raise PermissionDenied(_("Only the community's researchers run studies."))
    form = StudyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            study = services.create_study(
                community=research.community, created_by=request.user, title=data["title"],
                slug=data["slug"], research_questions=data["research_questions"],
                ethics_reference=data["ethics_reference"], retain_until=data["retain_until"],
                code_prefix=data["code_prefix"], consent_text=data["consent_text"])
        except services.ResearchRuleError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The study is ready. Next: choose its participants."))
            return redirect(study)
    return render(request, "research/study_form.html", {
        "access": research.community_access, "community": research.community,
        "tab": "research", "form": form})


@study_view("see")
@require_GET
def study_detail(request: HttpRequest, access: StudyAccess) -> HttpResponse:
    if not access.can_run:
        if access.can_take_part:
            return redirect("research:participation", access.community.slug, access.study.slug)
        return render(request, "research/study_summary.html", study_context(
            access, "overview", counts=_counts(access.study)))
    study = access.study
    participants = list(study.participants.select_related("study", "consent_version"))
    current = services.current_consent(study)
    return render(request, "research/study.html", study_context(
        access, "overview", participants=participants, consent=current,
        counts=_counts(study), instruments=list(study.instruments.all())))


def _counts(study: Study) -> dict[str, int]:
    statuses = list(study.participants.values_list("status", flat=True))
    return {status: statuses.count(status) for status in Participant.Status.values}


@study_view("run")
@require_http_methods(["GET", "POST"])
def study_edit(request: HttpRequest, access: StudyAccess) -> HttpResponse:
    form = StudyForm(request.POST or None, instance=access.study, editing=True)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_study(
                study=access.study, title=data["title"],
                research_questions=data["research_questions"],
                ethics_reference=data["ethics_reference"], retain_until=data["retain_until"],
                code_prefix=data["code_prefix"])
        except services.ResearchRuleError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The study is saved."))
            return redirect(access.study)
    return render(request, "research/study_edit.html",
                  study_context(access, "overview", form=form))


@study_view("run")
@require_http_methods(["GET", "POST"])
def consent_edit(request: HttpRequest, access: StudyAccess) -> HttpResponse:
    current = services.current_consent(access.study)
    form = ConsentForm(request.POST or None, initial={"text": current.text})
    if request.method == "POST" and form.is_valid():
        version = services.revise_consent(study=access.study, text=form.cleaned_data["text"],
                                          site_url=site_url(request))
        if version.number != current.number:
            messages.success(request, _("Version %(number)s of the consent text is out; "
                                        "everyone who had consented is asked again.")
                             % {"number": version.number})
        else:
            messages.success(request, _("The consent text is saved."))
        return redirect(access.study)
    return render(request, "research/consent_form.html", study_context(
        access, "overview", form=form, consent=current,
        agreed=Participant.objects.filter(consent_version=current).exists()))


@study_view("run")
@require_POST
def study_close(request: HttpRequest, access: StudyAccess) -> HttpResponse:
    services.close_study(study=access.study)
    messages.success(request, _("The study is closed: it takes no new data."))
    return redirect(access.study)


@study_view("run")
@require_http_methods(["GET", "POST"])
def invite(request: AuthenticatedHttpRequest, access: StudyAccess) -> HttpResponse:
    study = access.study
    already = set(study.participants.exclude(user=None).values_list("user_id", flat=True))
    form = InviteForm(request.POST or None,
                      choices=_member_choices(study.community_id, already))
    if request.method == "POST" and form.is_valid():
        users = User.objects.filter(pk__in=form.cleaned_data["members"]).order_by("pk")
        try:
            invited = services.invite_participants(study=study, users=users,
                                                   invited_by=request.user,
                                                   site_url=site_url(request))
        except services.ResearchRuleError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Invited: %(codes)s.")
                             % {"codes": ", ".join(p.code for p in invited) or "—"})
            return redirect(study)
    return render(request, "research/invite.html", study_context(access, "overview",
                                                                  form=form))


@study_view("run")
@require_GET
def participant_key(request: HttpRequest, access: StudyAccess) -> HttpResponse:
    """Who is who: the one page that joins codes and names, for arranging interviews."""
    participants = access.study.participants.exclude(user=None).select_related("user",
                                                                                "study")
    return render(request, "research/participant_key.html",
                  study_context(access, "overview", participants=participants))


@study_view("take_part")
@require_http_methods(["GET", "POST"])
def participation(request: HttpRequest, access: StudyAccess) -> HttpResponse:
    """The invited member's page: the study, its consent text, their answer, and once they
    take part, their questionnaires and what they share."""
    participant = access.participant
    assert participant is not None
    study = access.study
    if request.method == "POST":
        answer = request.POST.get("answer")
        try:
            if answer == "withdraw":
                services.withdraw(participant=participant)
                messages.success(request, _("You have withdrawn. Everything you gave the "
                                            "study is deleted."))
            elif answer in ("consent", "decline"):
                version = int(request.POST.get("version") or 0)
                services.answer_invitation(participant=participant,
                                           consent=answer == "consent",
                                           consent_version=version)
                messages.success(request, _("Thank you: you take part in the study.")
                                 if answer == "consent"
                                 else _("You declined. Thank you for considering it."))
            else:
                raise services.ResearchRuleError(_("Choose an answer."))
        except (services.ResearchRuleError, ValueError) as error:
            messages.error(request, str(error))
        return redirect("research:participation", access.community.slug, study.slug)
    participant.refresh_from_db()
    consenting = is_consenting(participant)
    questionnaires = open_questionnaires(participant)
    entries = services.shareable_diary_entries(participant) if consenting else []
    shared = set(participant.sources.filter(kind="diary").values_list("origin_id", flat=True))
    return render(request, "research/participation.html", study_context(
        access, "participation", participant=participant, consent=services.current_consent(
            study), consenting=consenting, questionnaires=questionnaires, entries=entries,
        shared=shared, withdrawing=request.GET.get("withdraw") == "1"))


@study_view("take_part")
@require_POST
def share_diary(request: HttpRequest, access: StudyAccess) -> HttpResponse:
    assert access.participant is not None
    ids = [int(value) for value in request.POST.getlist("entries") if value.isdigit()]
    try:
        services.share_diary_entries(participant=access.participant, entry_ids=ids)
    except services.ResearchRuleError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The study now has the diary entries you chose."))
    return redirect("research:participation", access.community.slug, access.study.slug)

