"""Writes of the interop app: members' secret feed tokens."""

import secrets

from django.db import transaction

from praxis.accounts.models import User
from praxis.core.tokens import hash_token
from praxis.interop.models import FeedToken


def reset_feed_token(*, user: User) -> str:
    """Makes the member a new secret feed token and returns it (the only time it is known in
    clear); every feed address made with the old one stops working."""
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        FeedToken.objects.update_or_create(user=user, defaults={"token_hash": hash_token(token)})
    return token
