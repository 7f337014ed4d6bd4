import tempfile
from typing import Any
from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve, reverse_lazy
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from praxis.accounts import services
from praxis.accounts.forms import (
    EmailAuthenticationForm,
    EraseAccountForm,
    PasswordResetForm,
    ProfileForm,
    SignupForm,
)
from praxis.accounts.hooks import ErasureRefused
from praxis.communities import queries as community_queries
from praxis.communities import services as community_services
from praxis.core import audit, personal_data, throttle
from praxis.site.http import AuthenticatedHttpRequest, safe_next, site_url
from praxis.site.limits import over_limit


def _invited_address(next_page: str | None) -> str:
    """The address an invitation was sent to, when sign-up was reached from its page: the
    new account must use it to accept, so it is filled in."""
    if not next_page:
        return ""
    try:
        match = resolve(urlsplit(next_page).path)
    except Resolver404:
        return ""
    if match.view_name != "communities:invitation":
        return ""
    found = community_services.find_invitation(match.kwargs["token"])
    return found.email if found is not None else ""


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("core:home")
    initial = {"locale": get_language() or "en", "email": _invited_address(safe_next(request))}
    form = SignupForm(request.POST or None, initial=initial)
    if request.method == "POST" and (refused := over_limit(
            request, throttle.SIGNUPS_PER_ADDRESS)):
        return refused
    if request.method == "POST" and form.is_valid():
        try:
            user = services.register_user(
                email=form.cleaned_data["email"],
                display_name=form.cleaned_data["display_name"],
                password=form.cleaned_data["password"],
                locale=form.cleaned_data["locale"],
            )
        except services.EmailAlreadyRegistered:
            form.add_error("email", _("An account with this email address already exists."))
        else:
            login(request, user, backend="praxis.accounts.backends.EmailBackend")
            messages.success(request, _("Welcome to Praxis, %(name)s.") % {"name": user})
            return redirect(safe_next(request) or "core:home")
    return render(request, "accounts/signup.html", {"form": form, "next": safe_next(request)})


class LoginView(auth_views.LoginView):
    form_class = EmailAuthenticationForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    template_name = "accounts/logged_out.html"


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if refused := over_limit(request, throttle.RESETS_PER_ADDRESS):
            return refused
        return super().post(request, *args, **kwargs)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form: Any) -> HttpResponse:
        # The owner proved the address is theirs: their account is no longer locked out.
        throttle.clear(throttle.LOGIN_FAILURES_PER_ACCOUNT, form.user.email)
        audit.record(audit.Kind.PASSWORD_RESET, actor=form.user, subject=form.user.email,
                     address=throttle.client_address(self.request))
        return super().form_valid(form)


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form):  # type: ignore[no-untyped-def]
        messages.success(self.request, _("Your password has been changed."))
        return super().form_valid(form)


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        member = form.save()
        with translation.override(member.locale):  # the language just chosen
            messages.success(request, _("Your profile has been saved."))
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form})


# Members own their data (docs/privacy.md) ---------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def data_export(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    """What the export holds, and (POST) the ZIP itself, built in a temporary file so a big
    account does not sit in memory; the file goes when the download is sent."""
    if request.method == "POST":
        if refused := over_limit(request, throttle.EXPORTS_PER_MEMBER, str(request.user.pk)):
            return refused
        archive = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it)
        try:
            services.export_personal_data(user=request.user, target=archive,
                                          site_url=site_url(request),
                                          address=throttle.client_address(request))
        except BaseException:
            archive.close()
            raise
        archive.seek(0)
        response = FileResponse(
            archive, as_attachment=True, content_type="application/zip",
            filename=f"praxis-data-{timezone.now():%Y-%m-%d}.zip")
        response["Cache-Control"] = "private, no-store"
        return response
    return render(request, "accounts/data_export.html", {"sections": list(personal_data.sections)})


@login_required
@require_http_methods(["GET", "POST"])
def erase_account(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Erasing one's own account, after choosing what becomes of one's posts and typing the
    password again. The last steward of a community is told to name another first."""
    sole_stewardships = list(community_queries.sole_stewardships(request.user))
    form = EraseAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and not sole_stewardships and form.is_valid():
        try:
            services.erase_account(user=request.user, keep_posts=form.keep_posts)
        except ErasureRefused as error:
            form.add_error(None, str(error))
        else:
            logout(request)
            return redirect("accounts:erased")
    return render(request, "accounts/erase_account.html",
                  {"form": form, "sole_stewardships": sole_stewardships})


@require_http_methods(["GET"])
def account_erased(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/account_erased.html")
