"""Points in the communities' use cases where higher apps react (see ``core.hooks``)."""

from praxis.communities.models import Membership
from praxis.core.hooks import Hook

# Fired inside ``remove_member`` (a member leaves or is removed), before the membership row
# goes: receivers forget what they kept for that member in that community.
membership_ended: Hook[[Membership]] = Hook("membership_ended")
