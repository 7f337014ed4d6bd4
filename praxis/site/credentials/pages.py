"""The certificate pages: a steward's programmes (criteria, who meets them, issuing and
revoking), a member's own certificates, and the public verification pages and PDF. Thin:
the door (``praxis.access.credentials``) decides who sees what, ``criteria`` and
``services`` count and write; every page works without JavaScript."""

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language_bidi, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from praxis.access.community import CommunityAccess
from praxis.access.credentials import (
    access_certificates,
    access_issued_certificate,
    access_own_certificates,
    access_programme,
    verifiable_certificate,
)
from praxis.communities.models import Membership
from praxis.core.email import absolute_url
from praxis.core.templatetags.praxis import localnumber, when
from praxis.credentials import criteria, queries, services
from praxis.credentials.forms import IssueForm, ProgrammeForm, RevokeForm, VerifyForm
from praxis.credentials.models import Certificate, Programme
from praxis.credentials.pdf import render_certificate, verification_url
from praxis.site.decorators import login_on_refusal
from praxis.site.http import AuthenticatedHttpRequest

# Rows shown at most in each list of the programme page ("meet", "nearly", "not yet",
# certificates issued): the rest are counted, so a community of thousands stays a light page.
MOST_ROWS = 200


def _context(access: CommunityAccess, **extra: Any) -> dict[str, Any]:
    return {"access": access, "community": access.community, "tab": "impact", **extra}


@dataclass(frozen=True)
class Capped:
    """The first ``MOST_ROWS`` of a list (``rows``), how many there are in all (``count``)
    and how many are not shown (``hidden``)."""

    rows: list[Any]
    count: int

    @property
    def hidden(self) -> int:
        return self.count - len(self.rows)


def _capped(rows: list[Any]) -> Capped:
    return Capped(rows[:MOST_ROWS], len(rows))


def _programme_url(programme: Programme) -> str:
    return reverse("credentials:programme", args=[programme.community.slug, programme.pk])


@require_http_methods(["GET", "POST"])
@login_on_refusal
def programmes(request: AuthenticatedHttpRequest, slug: str) -> HttpResponseBase:
    access = access_certificates(request.user, slug)
    form = ProgrammeForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        programme = form.save(commit=False)
        programme.community = access.community
        programme.created_by = request.user
        programme.save()
        messages.success(request, _("The programme is defined: see who meets its criteria."))
        return redirect(_programme_url(programme))
    return render(request, "credentials/programmes.html", _context(
        access, programmes=queries.programmes_of(access.community), form=form,
        impact_page="certificates"))


@require_http_methods(["GET", "POST"])
@login_on_refusal
def programme_edit(request: AuthenticatedHttpRequest, slug: str,
                   programme_id: int) -> HttpResponseBase:
    found = access_programme(request.user, slug, programme_id)
    programme = found.programme
    if request.method != "POST":
        form = ProgrammeForm(instance=programme)
    else:
        with transaction.atomic():
            # Whether criteria are locked is decided under the lock issuing takes: a
            # certificate issued while the form was open keeps what it was issued for.
            programme = services.lock_issuing(programme)
            form = ProgrammeForm(request.POST, instance=programme)
            if form.is_valid():
                form.save()
                messages.success(request, _("The programme is saved."))
                return redirect(_programme_url(programme))
    return render(request, "credentials/programme_form.html", _context(
        found.community_access, programme=programme, form=form,
        impact_page="certificates"))


@require_GET
@login_on_refusal
def programme(request: AuthenticatedHttpRequest, slug: str,
              programme_id: int) -> HttpResponseBase:
    found = access_programme(request.user, slug, programme_id)
    programme = found.programme
    found_standings = criteria.standings(programme)
    meets = [s for s in found_standings if s.meets]
    nearly = [s for s in found_standings if s.nearly]
    not_yet = [s for s in found_standings if not s.meets and not s.nearly]
    certificates = queries.certificates_of(programme)
    issued_count = certificates.count()
    return render(request, "credentials/programme.html", _context(
        found.community_access, programme=programme,
        meets=_capped(meets), nearly=_capped(nearly), not_yet=_capped(not_yet),
        to_issue=sum(1 for s in meets if s.certificate is None),
        requirements=criteria.requirements(programme),
        certificates=Capped(list(certificates[:MOST_ROWS]), issued_count),
        impact_page="certificates"))


def _names(people: list[str], most: int = 10) -> str:
    """Names for a message; a long list is cut and its rest counted."""
    shown = ("، " if get_language_bidi() else ", ").join(people[:most])
    if len(people) > most:
        shown += " " + _("and %(count)s more") % {"count": localnumber(len(people) - most)}
    return shown


def _tell(request: HttpRequest, result: services.IssueResult) -> None:
    """What happened, in a message each: issued n, already had one m, refused k and why."""
    if result.issued:
        messages.success(request, ngettext(
            "Issued %(count)s certificate: %(names)s.",
            "Issued %(count)s certificates: %(names)s.", len(result.issued)) % {
            "count": localnumber(len(result.issued)),
            "names": _names([c.recipient_name for c in result.issued])})
    if result.already:
        messages.info(request, ngettext(
            "%(count)s already had one (issuing again changes nothing): %(names)s.",
            "%(count)s already had one (issuing again changes nothing): %(names)s.",
            len(result.already)) % {
            "count": localnumber(len(result.already)),
            "names": _names([c.recipient_name for c in result.already])})
    for refusal in result.refused:
        if not refusal.member:
            messages.error(request, _("Not issued to %(name)s, who is not a member of the "
                                      "community.") % {"name": refusal.user})
            continue
        messages.error(request, _("Not issued to %(name)s, who still needs %(missing)s.") % {
            "name": refusal.user, "missing": refusal.reason})
    if not (result.issued or result.already or result.refused):
        messages.info(request, _("No one meets the criteria without a certificate yet: "
                                 "nothing was issued."))


@require_POST
@login_on_refusal
def issue(request: AuthenticatedHttpRequest, slug: str, programme_id: int) -> HttpResponseBase:
    found = access_programme(request.user, slug, programme_id)
    programme = found.programme
    member_ids = Membership.objects.filter(community=programme.community).values_list(
        "user_id", flat=True)
    form = IssueForm(request.POST, member_ids=member_ids)
    if not form.is_valid():
        for error in form.errors.values():
            messages.error(request, " ".join(str(message) for message in error))
        return redirect(_programme_url(programme))
    chosen = form.chosen_ids()
    found_standings = None
    if chosen is None:
        # Counted once: the same standings pick the people and issue to them.
        found_standings = criteria.standings(programme)
        people = services.bulk_candidates(programme, found_standings)
    else:
        members = Membership.objects.filter(community=programme.community,
                                            user_id__in=chosen).select_related("user")
        people = [membership.user for membership in members]
    _tell(request, services.issue(programme, people, issued_by=request.user,
                                  standings=found_standings))
    return redirect(_programme_url(programme))


@require_http_methods(["GET", "POST"])
@login_on_refusal
def revoke(request: AuthenticatedHttpRequest, slug: str,
           certificate_id: int) -> HttpResponseBase:
    found = access_issued_certificate(request.user, slug, certificate_id)
    certificate = found.certificate
    back = _programme_url(certificate.programme)
    if certificate.is_revoked:
        messages.info(request, _("This certificate was already revoked on %(date)s.") % {
            "date": when(certificate.revoked_at)})
        return redirect(back)
    form = RevokeForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        services.revoke(certificate, by=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, _("The certificate of %(name)s is revoked: its "
                                    "verification page and PDF say so.") % {
            "name": certificate.recipient_name})
        return redirect(back)
    return render(request, "credentials/revoke.html", _context(
        found.community_access, certificate=certificate, form=form, back=back,
        impact_page="certificates"))


def _documents(certificate: Certificate) -> dict[str, str]:
    """The addresses a holder takes their certificate anywhere with."""
    return {
        "verify": verification_url(certificate),
        "pdf": reverse("credentials:certificate_pdf", args=[certificate.public_id]),
        "ob3_json": reverse("credentials:ob3_json", args=[certificate.public_id]),
        "ob3_jwt": reverse("credentials:ob3_jwt", args=[certificate.public_id]),
        "ob2": absolute_url(None, reverse("credentials:ob2_json",
                                          args=[certificate.public_id])),
    }


@require_GET
@login_on_refusal
def mine(request: AuthenticatedHttpRequest, slug: str) -> HttpResponseBase:
    access = access_own_certificates(request.user, slug)
    held = [(certificate, _documents(certificate))
            for certificate in queries.certificates_held(access.community, request.user.pk)]
    return render(request, "credentials/mine.html", _context(
        access, held=held, can_manage=access.can_manage, impact_page="my_certificates"))


# The public pages: no login, no community door (the id is unguessable and the holder
# shares it); never indexed.

def _noindex(response: HttpResponseBase) -> HttpResponseBase:
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_GET
def verify_form(request: HttpRequest) -> HttpResponseBase:
    form = VerifyForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return redirect("credentials:verify", public_id=form.cleaned_data["code"])
    return _noindex(render(request, "credentials/verify_form.html", {"form": form},
                           status=400 if form.is_bound else 200))


def _unknown(request: HttpRequest, public_id: str) -> HttpResponseBase:
    return _noindex(render(request, "credentials/verify_unknown.html", {
        "code": public_id[:64], "form": VerifyForm()}, status=404))


@require_GET
def verify(request: HttpRequest, public_id: str) -> HttpResponseBase:
    try:
        certificate = verifiable_certificate(public_id)
    except Http404:
        return _unknown(request, public_id)
    return _noindex(render(request, "credentials/verify.html", {
        "certificate": certificate, "programme": certificate.programme,
        "community": certificate.community, "documents": _documents(certificate),
        "requirements": criteria.requirements(certificate.programme)}))


@require_GET
def certificate_pdf(request: HttpRequest, public_id: str) -> HttpResponseBase:
    try:
        certificate = verifiable_certificate(public_id)
    except Http404:
        return _unknown(request, public_id)
    response = HttpResponse(render_certificate(certificate), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="certificate-{public_id}.pdf"'
    # Revocation must show at once: a copy is checked again before it is used.
    response["Cache-Control"] = "no-cache"
    return _noindex(response)
