"""Writes on people's accounts."""

from django.db import transaction

from praxis.accounts.models import User


class EmailAlreadyRegistered(Exception):
    """Raised when someone signs up with an address that already has an account."""


@transaction.atomic
def register_user(*, email: str, display_name: str, password: str, locale: str = "en",
                  timezone: str = "UTC") -> User:
    """Creates a member's account; the address is unique whatever its case."""
    email = User.objects.normalize_email(email.strip()).lower()
    if User.objects.filter(email__iexact=email).exists():
        raise EmailAlreadyRegistered(email)
    return User.objects.create_user(
        email=email,
        password=password,
        display_name=display_name.strip(),
        locale=locale,
        timezone=timezone,
    )


def set_locale(*, user: User, locale: str) -> None:
    """Remembers the language a member chose in the language switcher."""
    if user.locale != locale:
        user.locale = locale
        user.save(update_fields=["locale"])
