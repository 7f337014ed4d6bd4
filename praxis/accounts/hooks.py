"""Points in the accounts' use cases where higher apps react (see ``core.hooks``)."""

from dataclasses import dataclass, field
from datetime import datetime

from praxis.accounts.models import User
from praxis.core.hooks import Hook


@dataclass
class Erasure:
    """A person erasing their account, as the receivers of ``account_erased`` see it."""

    user: User
    # The person's choice: leave their posts, shown as by a "Former member", or remove them.
    keep_posts: bool
    at: datetime
    # The communities they left, by slug, filled in by communities: the audit event and the
    # stewards' record of processing count erasures per community with them.
    communities_left: list[str] = field(default_factory=list)


class ErasureRefused(Exception):
    """An app cannot let the account go yet (the last steward of a community): the whole
    erasure rolls back and the person is told why."""


# Fired inside ``erase_account``, in its transaction, before the account's own row is made
# anonymous: each receiver erases, or strips of the person, what its app keeps about them,
# and may raise ``ErasureRefused``.
account_erased: Hook[[Erasure]] = Hook("account_erased")
