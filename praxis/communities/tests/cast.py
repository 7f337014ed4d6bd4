"""The cast of the permission matrix: one person for each kind of visitor."""

from dataclasses import dataclass

from praxis.accounts.models import User
from praxis.communities.models import Community


@dataclass
class Cast:
    """A community and one person per kind of visitor the permission matrix checks."""

    community: Community
    steward: User
    facilitator: User
    member: User
    outsider: User  # a member of another community only
    # Only in a cast made with ``researchers=True`` (the practice, privacy and research
    # matrices): a member with the community's researcher role who also works in the back
    # office (staff), and a site admin who is no member.
    researcher: User | None = None
    site_admin: User | None = None

    def person(self, who: str) -> User | None:
        return None if who == "anonymous" else getattr(self, who)


VISITORS = ["anonymous", "outsider", "member", "facilitator", "steward"]
# Every kind of visitor, for pages where even the most trusted must be refused (a private
# diary entry): a cast made with ``researchers=True``.
ALL_VISITORS = [*VISITORS, "researcher", "site_admin"]
