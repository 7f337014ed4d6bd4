"""Engagement per member over a window: the table stewards and facilitators read, the
command prints, the exports carry and the certificates' criteria are measured with.

Every figure is computed from the other apps' rows when asked, a fixed number of grouped
queries whatever the size of the community (never one query per member, never an aggregate
over every thread of a topic: see ``bench/engagement.py``). What each column counts:

- posts: the member's posts in the community's discussions written in the window, hidden
  ones left out; private replies count (they are the member's contribution);
- replies to others: those of the posts answering someone else's post;
- threads started: the discussions the member opened in the window;
- words: the words of those posts (``Post.word_count``);
- topics: the topics the member posted in, in the window;
- thread reads / resource reads: discussions opened (visits, ``ThreadVisitDay``) and
  resources opened (``ResourceRead``, one a day) in the window;
- feedback given: feedback written on the community's session plans in the window;
- stories: value-creation stories told in the window (drafts never count);
- cascade events: training events the member recorded as held in the window;
- active days: the distinct days (UTC) with any of the above;
- first and last activity: the first and last moment of any of the above in the window.

Filters narrow the rows and the counts alike: a cohort or a tier keeps its members; a topic
keeps the posts, reads, stories and events belonging to it (see ``Scope``).
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from praxis.communities.models import Community


@dataclass(frozen=True)
class Scope:
    """A window (both days included) over one community, narrowed or not."""

    community: Community
    start: date
    end: date
    topic_id: int | None = None
    cohort_id: int | None = None
    tier: str = ""
    user_id: int | None = None  # one member's own row ("mine")

    @property
    def since(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.start, time.min))

    @property
    def until(self) -> datetime:
        """The first moment after the window."""
        return timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min))


@dataclass
class MemberEngagement:
    """One member's row of the table."""

    user_id: int
    name: str
    role: str  # Membership.Role value
    tier: str  # Membership.Tier value or ""
    posts: int = 0
    replies_to_others: int = 0
    threads_started: int = 0
    words: int = 0
    topics: int = 0
    active_days: int = 0
    thread_reads: int = 0
    resource_reads: int = 0
    feedback_given: int = 0
    stories: int = 0
    cascade_events: int = 0
    first_activity: datetime | None = None
    last_activity: datetime | None = None

    @property
    def group(self) -> str:
        """contributor, occasional, lurker or inactive (see ``GROUPS``)."""
        return group_of(self)


# The columns in order, as the table, the exports and the command name them.
COLUMNS = ["name", "role", "tier", "posts", "replies_to_others", "threads_started", "words",
           "topics", "active_days", "thread_reads", "resource_reads", "feedback_given",
           "stories", "cascade_events", "first_activity", "last_activity"]
# Columns the table may be sorted by.
SORTABLE = [column for column in COLUMNS if column not in ("role", "tier")]

CONTRIBUTOR_POSTS = 4  # posts in the window that make a member a contributor
GROUPS = ["contributor", "occasional", "lurker", "inactive"]


def group_of(row: MemberEngagement) -> str:
    """A contributor posted at least CONTRIBUTOR_POSTS times in the window; an occasional
    poster posted less; a member who posted nothing but read, opened a resource, gave
    feedback, told a story or recorded an event is a reader who never posts (a lurker); an
    inactive member did nothing the table counts."""
    if row.posts >= CONTRIBUTOR_POSTS:
        return "contributor"
    if row.posts > 0:
        return "occasional"
    if (row.thread_reads or row.resource_reads or row.feedback_given or row.stories
            or row.cascade_events):
        return "lurker"
    return "inactive"


def engagement_table(scope: Scope) -> list[MemberEngagement]:
    """Every current member in the scope (every member of the community, or those of the
    cohort or tier, or the one member), with their figures; sorted by name."""
    raise NotImplementedError


def sort_rows(rows: list[MemberEngagement], column: str, *, descending: bool
              ) -> list[MemberEngagement]:
    """The rows sorted by a SORTABLE column, ties by name; members without a first or last
    activity last whichever the direction."""
    raise NotImplementedError


def top_by_posts(rows: list[MemberEngagement], n: int) -> list[MemberEngagement]:
    """The n members with the most posts in the window, as the study sampled them: ties at
    the n-th place broken by replies to others, then words, then name."""
    raise NotImplementedError


@dataclass(frozen=True)
class GroupShare:
    group: str
    members: int
    percent: int | None


def group_shares(rows: list[MemberEngagement]) -> list[GroupShare]:
    """The four groups in GROUPS order, with their share of the rows."""
    raise NotImplementedError


@dataclass(frozen=True)
class RoleFigures:
    """Averages per member of one side: those who lead (stewards and facilitators) or the
    participants (members)."""

    side: str  # "leaders" or "participants"
    members: int
    active: int
    posts: int
    replies_to_others: int
    words: int
    posts_per_member: float
    replies_per_member: float
    words_per_post: float


def compare_roles(rows: list[MemberEngagement]) -> list[RoleFigures]:
    """Leaders beside participants."""
    raise NotImplementedError


@dataclass(frozen=True)
class Totals:
    members: int
    active: int
    posts: int
    replies_to_others: int
    words: int
    thread_reads: int
    resource_reads: int
    feedback_given: int
    stories: int
    cascade_events: int
    extra: dict[str, int] = field(default_factory=dict)


def totals(rows: list[MemberEngagement]) -> Totals:
    """The table's sums (active: members with any activity)."""
    raise NotImplementedError
