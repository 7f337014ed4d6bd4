"""Writes of the interop app: members' secret feed tokens."""

import hashlib
import secrets

from django.db import transaction

from praxis.accounts.models import User
from praxis.interop.models import FeedToken


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def reset_feed_token(*, user: User) -> str:
    """Makes the member a new secret feed token and returns it (the only time it is known in
    clear); every feed address made with the old one stops working."""
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        FeedToken.objects.update_or_create(user=user, defaults={"token_hash": hash_token(token)})
    return token
