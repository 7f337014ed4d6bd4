"""What interop keeps about a person: the secret behind their private feed addresses
(``core.personal_data``), deleted when they erase their account
(``accounts.hooks.account_erased``). Registered in ``InteropConfig.ready``."""

from collections.abc import Iterator

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from praxis.accounts.hooks import Erasure
from praxis.accounts.models import User
from praxis.core.personal_data import Absolute, Field, Row, Section
from praxis.interop.models import FeedToken


def _feed_tokens(user: User, absolute: Absolute) -> Iterator[Row]:
    for token in FeedToken.objects.filter(user=user):
        yield {
            "created_at": token.created_at,
            "note": str(_("Your feed addresses carry a secret that only a one-way hash of is "
                          "kept, so they cannot be written here: your feeds page shows them "
                          "again by making a new secret.")),
            "feeds_url": absolute(reverse("interop:my_feeds")),
        }


FEED_TOKENS = Section(
    key="feed_tokens", order=60,
    title=_("Your private feed addresses"),
    fields=(
        Field("created_at", _("made"), "when"), Field("note", _("note")),
        Field("feeds_url", _("your feeds page"), "link"),
    ),
    rows=_feed_tokens,
    purpose=_("To let a feed reader, which cannot log in, follow what you may read."),
    retention=_("Until you make a new one or erase your account."),
    seen_by=_("Nobody: only a hash of the secret is kept."),
)

SECTIONS = (FEED_TOKENS,)


def forget_erased_member(erasure: Erasure) -> None:
    """Registered on ``accounts.hooks.account_erased``: the feed secret goes, so no feed
    address of theirs works any more."""
    FeedToken.objects.filter(user=erasure.user).delete()
