"""Points in the discussions' use cases where higher apps react (see ``core.hooks``)."""

from praxis.core.hooks import Hook
from praxis.discussions.models import Post

# Fired inside ``publish_post``, in its transaction, once the post and its thread's counters
# are written: notifications works out who is told.
post_published: Hook[[Post]] = Hook("post_published")
