from collections.abc import Iterator
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, UserChangeForm
from django.contrib.auth.forms import PasswordResetForm as DjangoPasswordResetForm
from django.utils.translation import gettext_lazy as _

from praxis.accounts.models import User
from praxis.core import audit, throttle
from praxis.core.email import send_notice
from praxis.core.params import MAX_EMAIL_LENGTH
from praxis.core.throttle import client_address


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("Email address"), max_length=MAX_EMAIL_LENGTH,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )

    error_messages = {
        "invalid_login": _("That email address and password do not match an account."),
        "inactive": _("This account has been deactivated."),
    }

    def clean(self) -> dict[str, Any]:
        """Refuses to try a password once an account, or the address it is tried from, has
        failed too often in the window (core.throttle); the real owner gets in at once by
        resetting their password, which clears the account's count."""
        account = str(self.cleaned_data.get("username") or "")
        address = client_address(self.request) if self.request is not None else ""
        if (throttle.exceeded(throttle.LOGIN_FAILURES_PER_ACCOUNT, account)
                or throttle.exceeded(throttle.LOGIN_FAILURES_PER_ADDRESS, address)):
            minutes = throttle.LOGIN_FAILURES_PER_ACCOUNT.minutes()
            audit.record(audit.Kind.LOGIN_REFUSED, subject=account, address=address)
            raise forms.ValidationError(
                _("Too many failed attempts to log in. Wait %(minutes)s minutes, or reset "
                  "your password to get in at once.") % {"minutes": minutes},
                code="locked")
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            throttle.hit(throttle.LOGIN_FAILURES_PER_ACCOUNT, account)
            throttle.hit(throttle.LOGIN_FAILURES_PER_ADDRESS, address)
            audit.record(audit.Kind.LOGIN_FAILED, subject=account, address=address)
            raise
        throttle.clear(throttle.LOGIN_FAILURES_PER_ACCOUNT, account)
        audit.record(audit.Kind.LOGIN, actor=self.get_user(), subject=account, address=address)
        return cleaned


class SignupForm(forms.Form):
    display_name = forms.CharField(
        label=_("Your name"),
        max_length=120,
        help_text=_("How other members will see you."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Email address"), max_length=MAX_EMAIL_LENGTH,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters; not a common password."),
    )
    locale = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES, initial="en")

    def __init__(self, *args: object, locked_email: str | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.locked_email = locked_email
        if locked_email:
            self.fields["email"].initial = locked_email
            self.fields["email"].disabled = True

    def clean_email(self) -> str:
        email = (self.locked_email or self.cleaned_data["email"]).strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                _("An account with this email address already exists. Log in instead, "
                  "or reset your password if you have forgotten it."),
                code="email_taken",
            )
        return email

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        password = cleaned.get("password")
        if password:
            candidate = User(email=cleaned.get("email", ""),
                             display_name=cleaned.get("display_name", ""))
            try:
                password_validation.validate_password(str(password), candidate)
            except forms.ValidationError as error:
                self.add_error("password", error)
        return cleaned


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = [
            # Email preferences (digest, direct email) have their own page: notifications.
            "display_name", "institution", "region", "bio", "locale", "timezone",
            "low_bandwidth",
        ]
        widgets = {"bio": forms.Textarea(attrs={"rows": 5})}


class AdminUserCreationForm(forms.ModelForm):
    """The back office's form for adding a person, with a password set twice."""

    password1 = forms.CharField(label=_("Password"), strip=False, widget=forms.PasswordInput)
    password2 = forms.CharField(label=_("Password again"), strip=False,
                                widget=forms.PasswordInput)

    class Meta:
        model = User
        fields = ["email", "display_name"]

    def clean_password2(self) -> str:
        first, second = self.cleaned_data.get("password1"), self.cleaned_data.get("password2")
        if first and second and first != second:
            raise forms.ValidationError(_("The two passwords do not match."))
        password_validation.validate_password(second or "", self.instance)
        return second or ""

    def save(self, commit: bool = True) -> User:
        user = super().save(commit=False)
        user.email = user.email.lower()
        user.set_password(self.cleaned_data["password1"])
        if commit:
            user.save()
        return user


class AdminUserChangeForm(UserChangeForm):
    class Meta(UserChangeForm.Meta):  # type: ignore[name-defined]
        model = User
        fields = "__all__"


class PasswordResetForm(DjangoPasswordResetForm):
    email = forms.EmailField(
        label=_("Email address"), max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def get_users(self, email: str) -> Iterator[User]:
        """Django's rule, except that an account with no password yet may set one: people
        brought over from Moodle arrive that way (never with a usable imported password), and
        "Forgot your password?" is how they first sign in. Erased accounts are inactive."""
        matches = User.objects.filter(email__iexact=email, is_active=True, erased_at=None)
        return (user for user in matches if user.email.casefold() == email.casefold())

    def send_mail(self, subject_template_name: str, email_template_name: str,
                  context: dict[str, Any], from_email: str | None, to_email: str,
                  html_email_template_name: str | None = None) -> None:
        """Through the outbox like every email, in the member's own language: the request
        does not wait for the mail server, which may be down for a while. Past the limit
        per account nothing more is sent, and the page says the same as ever: it must not
        tell a stranger whether an address has an account."""
        if not throttle.hit(throttle.RESETS_PER_ACCOUNT, to_email):
            return
        send_notice(to=context["user"], subject_template=subject_template_name,
                    body_template=email_template_name, context=context, private_link=True)


class EraseAccountForm(forms.Form):
    """Erasing one's account: the choice about one's posts, and the password again, so a
    session left open on a shared computer cannot do it."""

    KEEP = "keep"
    REMOVE = "remove"

    posts = forms.ChoiceField(
        label=_("Your posts"), widget=forms.RadioSelect,
        choices=[
            (KEEP, _("Keep them in their threads, shown as written by a former member")),
            (REMOVE, _("Remove them: replies others made to them stay, under a note that "
                       "the post was removed by its author")),
        ],
        help_text=_("The same goes for your session plans, the feedback you gave and the "
                    "files you added to a library. Your reflection diary is erased "
                    "whatever you choose."),
    )
    password = forms.CharField(
        label=_("Your password"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        # Counted with failed logins: an open session must not become a way to guess it.
        password = str(self.cleaned_data["password"])
        if throttle.exceeded(throttle.LOGIN_FAILURES_PER_ACCOUNT, self.user.email):
            raise forms.ValidationError(
                _("Too many wrong passwords. Wait %(minutes)s minutes and try again.")
                % {"minutes": throttle.LOGIN_FAILURES_PER_ACCOUNT.minutes()}, code="locked")
        if not self.user.check_password(password):
            throttle.hit(throttle.LOGIN_FAILURES_PER_ACCOUNT, self.user.email)
            raise forms.ValidationError(_("That is not your password."), code="wrong_password")
        return password

    @property
    def keep_posts(self) -> bool:
        return self.cleaned_data["posts"] == self.KEEP
