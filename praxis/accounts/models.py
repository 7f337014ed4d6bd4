import zoneinfo

from django.conf import settings
from django.contrib.auth.models import (
    AbstractBaseUser,
    AnonymousUser,
    BaseUserManager,
    PermissionsMixin,
)
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone as django_timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

TIME_ZONE_CHOICES = [(name, name) for name in sorted(zoneinfo.available_timezones())]


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **fields: object) -> "User":
        if not email:
            raise ValueError("Users need an email address")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **fields: object) -> "User":
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create(email, password, **fields)

    def create_superuser(self, email: str, password: str | None = None, **fields: object) -> "User":
        fields.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **fields)

    def get_by_natural_key(self, username: str | None) -> "User":
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with their email address."""

    class Digest(models.TextChoices):
        INSTANT = "instant", _("As it happens")
        DAILY = "daily", _("Daily digest")
        WEEKLY = "weekly", _("Weekly digest")
        OFF = "off", _("No email")

    email = models.EmailField(_("email address"), unique=True)
    display_name = models.CharField(_("display name"), max_length=120)
    institution = models.CharField(_("institution"), max_length=200, blank=True)
    region = models.CharField(
        _("region"), max_length=120, blank=True, help_text=_("Province, state or city.")
    )
    bio = models.TextField(_("about you"), blank=True, max_length=2000)
    locale = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default="en"
    )
    timezone = models.CharField(
        _("time zone"), max_length=64, choices=TIME_ZONE_CHOICES, default="UTC"
    )
    digest = models.CharField(
        _("email notifications"), max_length=10, choices=Digest.choices, default=Digest.DAILY
    )
    email_direct = models.BooleanField(
        _("email me at once about what concerns me"),
        default=True,
        help_text=_("Replies to my posts, mentions of my name and feedback on my session "
                    "plans, whatever my digest setting."),
    )
    low_bandwidth = models.BooleanField(
        _("low bandwidth"),
        default=False,
        help_text=_("Lighter pages: no images until you ask for them, fewer posts a page."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("staff"), default=False, help_text=_("Can sign in to the back office (admin).")
    )
    date_joined = models.DateTimeField(_("date joined"), default=django_timezone.now)
    # Set when the person erased their account: the row stays, with nothing that names
    # them, so the posts they chose to leave keep an author (decision 35, docs/privacy.md).
    erased_at = models.DateTimeField(_("erased"), null=True, blank=True, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["display_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        if self.display_name:
            return self.display_name
        # Pages load authors with ``only(display_name, email)``: an erased account (the only
        # kind with no name) is named without loading ``erased_at`` for every post.
        if "erased_at" in self.get_deferred_fields() or self.erased_at is not None:
            return gettext("Former member")
        return self.email

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None

    def get_full_name(self) -> str:
        return self.display_name

    def get_short_name(self) -> str:
        return self.display_name


# Whoever makes a request: a member signed in, or a visitor.
AnyUser = User | AnonymousUser
