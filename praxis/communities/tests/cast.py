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

    def person(self, who: str) -> User | None:
        return None if who == "anonymous" else getattr(self, who)


VISITORS = ["anonymous", "outsider", "member", "facilitator", "steward"]
