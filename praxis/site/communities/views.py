
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from praxis.access import CommunityAccess
from praxis.access import require_can_create_community as _require_creator
from praxis.communities import queries, services
from praxis.communities.forms import (
    CohortForm,
    CommunityForm,
    CommunitySettingsForm,
    DeclineForm,
    InvitationForm,
    JoinRequestForm,
    MemberForm,
)
from praxis.communities.models import Cohort, JoinRequest, Membership
from praxis.core import params, personal_data, throttle
from praxis.discussions import queries as discussion_queries
from praxis.site.decorators import community_view
from praxis.site.http import AuthenticatedHttpRequest, site_url
from praxis.site.limits import over_limit
from praxis.topics import queries as topic_queries

MEMBERS_PER_PAGE = 50
HOME_THREADS = 12

# Communities ---------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def create_community(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_creator(request.user)
    form = CommunityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            community = services.create_community(creator=request.user, **form.cleaned_data)
        except services.CommunityRuleError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Your community is ready. Invite its first members."))
            return redirect("communities:invitations", community.slug)
    return render(request, "communities/community_form.html", {"form": form})


@community_view("see")
def community_detail(request: HttpRequest, access: CommunityAccess) -> HttpResponse:
    community = access.community
    pending_request = None
    if request.user.is_authenticated and not access.is_member:
        pending_request = JoinRequest.objects.filter(
            community=community, user=request.user, status=JoinRequest.Status.PENDING
        ).first()
    context = {
        "access": access,
        "community": community,
        "counts": queries.community_counts(community) if access.can_read else None,
        "pending_request": pending_request,
        "join_form": JoinRequestForm() if access.can_request_to_join else None,
        "pending_request_count": (
            queries.pending_join_requests(community).count() if access.can_manage else 0
        ),
    }
    if access.can_read:
        context["board"] = topic_queries.running_and_upcoming_topics(community)
        context["threads"] = discussion_queries.threads_with_news(
            community, request.user, limit=HOME_THREADS)

    return render(request, "communities/community_detail.html", context)


@community_view("manage")
@require_http_methods(["GET", "POST"])
def community_settings(request: HttpRequest, access: CommunityAccess) -> HttpResponse:
    community = access.community
    form = CommunitySettingsForm(request.POST or None, instance=community)
    if request.method == "POST" and form.is_valid():
        services.update_community(community=community, **form.cleaned_data)
        messages.success(request, _("The community's settings have been saved."))
        return redirect(community)
    return render(request, "communities/community_settings.html",
                  {"form": form, "access": access, "community": community})


@community_view("manage")
@require_http_methods(["GET"])
def privacy_record(request: HttpRequest, access: CommunityAccess) -> HttpResponse:
    """The community's record of processing, for its stewards: what personal data it holds
    about its members (the sections of ``core.personal_data``), why, for how long and who
    sees it, with how many members it concerns and how many exported or erased theirs."""
    community = access.community
    return render(request, "communities/privacy_record.html", {
        "access": access, "community": community,
        "sections": list(personal_data.sections),
        "counts": queries.processing_counts(community),
        "stewards": queries.stewards_of(community),
        "audit_days": settings.PRAXIS_AUDIT_DAYS,
    })


# Joining and leaving -------------------------------------------------------------------------

@login_required
@community_view("see")
@require_POST
def join(request: AuthenticatedHttpRequest, access: CommunityAccess) -> HttpResponse:
    community = access.community
    try:
        if access.can_join_directly:
            services.join_community(user=request.user, community=community)
            messages.success(request, _("Welcome to %(community)s.") % {"community": community})
        elif access.can_request_to_join:
            form = JoinRequestForm(request.POST)
            message = form.cleaned_data["message"] if form.is_valid() else ""
            services.request_to_join(user=request.user, community=community,
                                     message=message, site_url=site_url(request))
            messages.success(
                request, _("Your request has been sent to the stewards of %(community)s.")
                % {"community": community},
            )
        elif access.is_member:
            messages.info(request, _("You are already a member of this community."))
        else:
            raise PermissionDenied
    except services.CommunityRuleError as error:
        messages.error(request, str(error))
    return redirect(community)


@login_required
@community_view("see")
@require_http_methods(["GET", "POST"])
def leave(request: AuthenticatedHttpRequest, access: CommunityAccess) -> HttpResponse:
    if access.membership is None:
        return redirect(access.community)
    if request.method == "POST":
        try:
            services.remove_member(membership=access.membership, actor=request.user)
        except services.CommunityRuleError as error:
            messages.error(request, str(error))
            return redirect(access.community)
        messages.success(request, _("You have left %(community)s.") % {
            "community": access.community})
        return redirect("core:home")
    return render(request, "communities/leave_confirm.html",
                  {"access": access, "community": access.community})


# Members -------------------------------------------------------------------------------------

@community_view("view_members")
def member_directory(request: HttpRequest, access: CommunityAccess) -> HttpResponse:
    community = access.community
    filters = queries.DirectoryFilter(
        query=params.text(request.GET.get("q"), max_length=100),
        role=params.choice(request.GET.get("role"), Membership.Role.values),
        tier=params.choice(request.GET.get("tier"), Membership.Tier.values),
        cohort_id=params.number(request.GET.get("cohort")),
    )
    page = Paginator(queries.member_directory(community, filters), MEMBERS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    query_without_page = request.GET.copy()
    query_without_page.pop("page", None)
    return render(request, "communities/member_directory.html", {
        "access": access,
        "community": community,
        "page": page,
        "filters": filters,
        "roles": Membership.Role.choices,
        "tiers": Membership.Tier.choices,
        "cohorts": Cohort.objects.filter(community=community).only("id", "name"),
        "query_without_page": query_without_page.urlencode(),
    })


@community_view("manage")
@require_http_methods(["GET", "POST"])
def member_edit(request: AuthenticatedHttpRequest, access: CommunityAccess,
                member_id: int) -> HttpResponse:
    community = access.community
    membership = get_object_or_404(
        Membership.objects.select_related("user"), pk=member_id, community=community
    )
    initial = {"role": membership.role, "tier": membership.tier,
               "cohorts": list(membership.cohorts.all())}
    form = MemberForm(request.POST or None, initial=initial, community=community)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_member(actor=request.user, membership=membership,
                                   role=form.cleaned_data["role"],
                                   tier=form.cleaned_data["tier"],
                                   cohorts=list(form.cleaned_data["cohorts"]))
        except services.CommunityRuleError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("%(name)s has been updated.") % {
                "name": membership.user})
            return redirect("communities:members", community.slug)
    return render(request, "communities/member_edit.html", {
        "access": access, "community": community, "membership": membership, "form": form,
    })


@community_view("manage")
@require_http_methods(["GET", "POST"])
def member_remove(request: AuthenticatedHttpRequest, access: CommunityAccess,
                  member_id: int) -> HttpResponse:
    community = access.community
    membership = get_object_or_404(
        Membership.objects.select_related("user"), pk=member_id, community=community
    )
    if request.method == "POST":
        try:
            services.remove_member(membership=membership, actor=request.user)
        except services.CommunityRuleError as error:
            messages.error(request, str(error))
            return redirect("communities:member_edit", community.slug, membership.pk)
        messages.success(request, _("%(name)s has been removed from the community.") % {
            "name": membership.user})
        return redirect("communities:members", community.slug)
    return render(request, "communities/member_remove.html",
                  {"access": access, "community": community, "membership": membership})


# Invitations ---------------------------------------------------------------------------------

@community_view("manage")
@require_http_methods(["GET", "POST"])
def invitations(request: AuthenticatedHttpRequest, access: CommunityAccess) -> HttpResponse:
    community = access.community
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and (refused := over_limit(
            request, throttle.INVITATIONS_PER_STEWARD, str(request.user.pk))):
        return refused
    if request.method == "POST" and form.is_valid():
        outcome = services.invite_people(
            actor=request.user, community=community, emails=form.cleaned_data["emails"],
            role=form.cleaned_data["role"], tier=form.cleaned_data["tier"],
            message=form.cleaned_data["message"], site_url=site_url(request),
        )
        if outcome.invited:
            messages.success(request, _("Invitations sent to: %(list)s.") % {
                "list": ", ".join(outcome.invited)})
        if outcome.already_members:
            messages.info(request, _("Already members, not invited: %(list)s.") % {
                "list": ", ".join(outcome.already_members)})
        return redirect("communities:invitations", community.slug)
    page = Paginator(queries.invitations_of(community), 50).get_page(request.GET.get("page"))
    return render(request, "communities/invitations.html",
                  {"access": access, "community": community, "form": form, "page": page,
                   "invitation_days": settings.PRAXIS_INVITATION_DAYS})


@community_view("manage")
@require_POST
def invitation_revoke(request: HttpRequest, access: CommunityAccess,
                      invitation_id: int) -> HttpResponse:
    invitation = get_object_or_404(access.community.invitations, pk=invitation_id)
    services.revoke_invitation(invitation=invitation)
    messages.success(request, _("The invitation to %(email)s has been withdrawn.") % {
        "email": invitation.email})
    return redirect("communities:invitations", access.community.slug)


@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The page an invitation link opens: accept it, or sign up or log in first."""
    found = services.find_invitation(token)
    if found is None:
        return render(request, "communities/invitation_invalid.html", status=404)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        try:
            membership = services.accept_invitation(user=request.user, token=token)
        except services.CommunityRuleError as error:
            messages.error(request, str(error))
            return redirect("communities:invitation", token)
        messages.success(request, _("Welcome to %(community)s.") % {
            "community": membership.community})
        return redirect(membership.community)
    return render(request, "communities/invitation.html", {
        "invitation": found,
        "token": token,
        "email_matches": (request.user.is_authenticated
                          and request.user.email.lower() == found.email.lower()),
    })


# Join requests -------------------------------------------------------------------------------

@community_view("manage")
def join_requests(request: HttpRequest, access: CommunityAccess) -> HttpResponse:
    return render(request, "communities/join_requests.html", {
        "access": access, "community": access.community,
        "requests": queries.pending_join_requests(access.community),
        "decline_form": DeclineForm(),
    })


@community_view("manage")
@require_POST
def join_request_decide(request: AuthenticatedHttpRequest, access: CommunityAccess,
                        request_id: int) -> HttpResponse:
    join_request = get_object_or_404(
        JoinRequest.objects.select_related("user", "community"),
        pk=request_id, community=access.community,
    )
    try:
        if request.POST.get("decision") == "approve":
            services.approve_join_request(actor=request.user, join_request=join_request,
                                          site_url=site_url(request))
            messages.success(request, _("%(name)s is now a member.") % {
                "name": join_request.user})
        elif request.POST.get("decision") == "decline":
            form = DeclineForm(request.POST)
            reason = form.cleaned_data["reason"] if form.is_valid() else ""
            services.decline_join_request(actor=request.user, join_request=join_request,
                                          reason=reason)
            messages.success(request, _("The request from %(name)s has been declined.") % {
                "name": join_request.user})
        else:
            messages.error(request, _("Choose whether to approve or decline."))
    except services.CommunityRuleError as error:
        messages.error(request, str(error))
    return redirect("communities:join_requests", access.community.slug)


# Cohorts -------------------------------------------------------------------------------------

@community_view("view_members")
def cohorts(request: HttpRequest, access: CommunityAccess) -> HttpResponse:
    return render(request, "communities/cohorts.html", {
        "access": access, "community": access.community,
        "cohorts": queries.cohorts_of(access.community),
    })


@community_view("manage")
@require_http_methods(["GET", "POST"])
def cohort_edit(request: HttpRequest, access: CommunityAccess,
                cohort_id: int | None = None) -> HttpResponse:
    community = access.community
    cohort = get_object_or_404(Cohort, pk=cohort_id, community=community) if cohort_id else None
    initial = {}
    if cohort:
        initial = {"name": cohort.name, "year": cohort.year, "description": cohort.description,
                   "members": list(cohort.members.all()), "trainers": list(cohort.trainers.all())}
    form = CohortForm(request.POST or None, initial=initial, community=community)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.save_cohort(community=community, cohort=cohort, name=data["name"],
                                 description=data["description"], year=data["year"],
                                 members=list(data["members"]),
                                 trainers=list(data["trainers"]))
        except services.CommunityRuleError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The cohort has been saved."))
            return redirect("communities:cohorts", community.slug)
    return render(request, "communities/cohort_form.html",
                  {"access": access, "community": community, "cohort": cohort, "form": form})


@community_view("manage")
@require_http_methods(["GET", "POST"])
def cohort_delete(request: HttpRequest, access: CommunityAccess, cohort_id: int) -> HttpResponse:
    cohort = get_object_or_404(Cohort, pk=cohort_id, community=access.community)
    if request.method == "POST":
        services.delete_cohort(cohort=cohort)
        messages.success(request, _("The cohort has been deleted; its members stay."))
        return redirect("communities:cohorts", access.community.slug)
    return render(request, "communities/cohort_delete.html",
                  {"access": access, "community": access.community, "cohort": cohort})
