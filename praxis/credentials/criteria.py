"""Who meets a programme's criteria, who nearly does, and what is missing.

The figures are the engagement table's (``praxis.analytics.engagement``) over the
programme's window, so a certificate states what the steward's table shows: posts, replies
to others and topics taken part in. The applied-value story is one the member told in the
window (drafts never count) whose text reaches applied value (``impact.dashboard.reaches``).

A criterion at zero (or an unticked story) is not asked.

*Nearly* (``nearly``): a member who does not meet the criteria, misses exactly one of them,
and, when that one is a number, has at least three quarters of it (``NEARLY_SHARE``): 8
posts of 10 is nearly, 7 is not; 2 criteria short is not nearly, however close. A missing
story alone is nearly (there is no share of a story).

``standings`` costs a fixed number of queries whatever the size of the community: the
engagement table's, one for the story tellers, one for the certificates already issued, one
for the people.
"""

from dataclasses import dataclass, field
from datetime import UTC, date
from fractions import Fraction

from django.utils.translation import gettext, ngettext

from praxis.accounts.models import User
from praxis.analytics.engagement import MemberEngagement, Scope, engagement_table
from praxis.credentials.models import Certificate, Programme
from praxis.discussions.models import Post
from praxis.impact.dashboard import Filters, reaches, told_stories
from praxis.impact.models import Cycle

NEARLY_SHARE = Fraction(3, 4)

# The fields of a person ``standings`` loads (their name, their address for the audit, and
# whether they are erased), not the whole row.
STANDING_USER_FIELDS = ("id", "email", "display_name", "erased_at")

# The numeric criteria: the programme's field, the engagement row's figure.
NUMERIC = (("min_posts", "posts"), ("min_replies", "replies_to_others"),
           ("min_topics", "topics"))


@dataclass
class Standing:
    """One current member's standing against a programme."""

    user: User
    row: MemberEngagement
    applied_story: bool  # told a story reaching applied value in the window
    meets: bool = False
    nearly: bool = False
    missing: list[str] = field(default_factory=list)
    certificate: Certificate | None = None  # already issued (revoked or not)

    @property
    def name(self) -> str:
        return self.row.name

    @property
    def figures(self) -> dict[str, object]:
        """What the member did, as the certificate keeps it (``Certificate.evidence``)."""
        return {"posts": self.row.posts, "replies_to_others": self.row.replies_to_others,
                "topics": self.row.topics, "applied_story": self.applied_story}


def scope_of(programme: Programme) -> Scope:
    return Scope(community=programme.community, start=programme.start, end=programme.end)


def _missing_phrase(criterion: str, short: int) -> str:
    if criterion == "min_posts":
        return ngettext("%(count)d more post", "%(count)d more posts", short) % {
            "count": short}
    if criterion == "min_replies":
        return ngettext("%(count)d more reply to others", "%(count)d more replies to others",
                        short) % {"count": short}
    return ngettext("taking part in %(count)d more topic",
                    "taking part in %(count)d more topics", short) % {"count": short}


def evaluate(programme: Programme, row: MemberEngagement, applied_story: bool
             ) -> tuple[bool, bool, list[str]]:
    """(meets, nearly, missing) for one member's figures (see the module for *nearly*)."""
    missing: list[str] = []
    close = True
    for criterion, figure in NUMERIC:
        bar = getattr(programme, criterion)
        have = getattr(row, figure)
        if bar and have < bar:
            missing.append(_missing_phrase(criterion, bar - have))
            if Fraction(have, bar) < NEARLY_SHARE:
                close = False
    if programme.needs_applied_story and not applied_story:
        missing.append(gettext("a story of value applied in practice"))
    meets = not missing
    nearly = not meets and len(missing) == 1 and close
    return meets, nearly, missing


def applied_storytellers(programme: Programme) -> set[int]:
    """The people who told a story reaching applied value in the programme's window."""
    filters = Filters(start=programme.start, end=programme.end, tz=UTC)
    stories = told_stories(programme.community, filters).filter(reaches(Cycle.APPLIED))
    return set(stories.exclude(author=None).values_list("author_id", flat=True).distinct())


def standings(programme: Programme) -> list[Standing]:
    """Every current member of the programme's community against its criteria: those who
    meet them first, then those who nearly do, then the rest, each by name."""
    rows = engagement_table(scope_of(programme))
    ids = [row.user_id for row in rows]
    # Asked or not, whether they told one is shown and kept as evidence.
    tellers = applied_storytellers(programme)
    issued = {certificate.recipient_id: certificate for certificate in
              Certificate.objects.filter(programme=programme, recipient_id__in=ids)}
    # Only what a standing, a refusal and a certificate read of a person.
    users = User.objects.only(*STANDING_USER_FIELDS).in_bulk(ids)
    result = []
    for row in rows:
        user = users.get(row.user_id)
        if user is None:
            continue
        applied = row.user_id in tellers
        meets, nearly, missing = evaluate(programme, row, applied)
        result.append(Standing(user=user, row=row, applied_story=applied, meets=meets,
                               nearly=nearly, missing=missing,
                               certificate=issued.get(row.user_id)))
    result.sort(key=lambda s: (not s.meets, not s.nearly, s.row.name.casefold(), s.user.pk))
    return result


def topics_taken_part_in(programme: Programme, user_ids: list[int]) -> dict[int, list[str]]:
    """The titles of the topics each person posted in within the programme's window (hidden
    posts left out, as the engagement table counts them), one per topic (two topics of the
    same title are two), by title: one grouped query."""
    scope = scope_of(programme)
    rows = (Post.objects.filter(thread__community=programme.community, author_id__in=user_ids,
                                is_hidden=False, created_at__gte=scope.since,
                                created_at__lt=scope.until)
            .values_list("author_id", "thread__topic_id", "thread__topic__title").distinct()
            .order_by("author_id", "thread__topic__title", "thread__topic_id"))
    titles: dict[int, list[str]] = {user_id: [] for user_id in user_ids}
    for author_id, _topic_id, title in rows:
        titles[author_id].append(title)
    return titles


def requirements(programme: Programme) -> list[str]:
    """The criteria in words, one phrase each ("At least 10 posts")."""
    phrases = []
    if programme.min_posts:
        phrases.append(ngettext("at least %(count)d post", "at least %(count)d posts",
                                programme.min_posts) % {"count": programme.min_posts})
    if programme.min_replies:
        phrases.append(ngettext("at least %(count)d reply to others",
                                "at least %(count)d replies to others",
                                programme.min_replies) % {"count": programme.min_replies})
    if programme.min_topics:
        phrases.append(ngettext("taking part in at least %(count)d topic",
                                "taking part in at least %(count)d topics",
                                programme.min_topics) % {"count": programme.min_topics})
    if programme.needs_applied_story:
        phrases.append(gettext("a story of value applied in practice, told in the period"))
    return phrases


def narrative(programme: Programme) -> str:
    """The criteria as one sentence, for the certificate's documents (Open Badges'
    ``criteria.narrative``)."""
    period = {"start": _iso(programme.start), "end": _iso(programme.end)}
    phrases = requirements(programme)
    if not phrases:
        return gettext("Taking part in %(community)s from %(start)s to %(end)s.") % {
            "community": programme.community.name, **period}
    return gettext("Taking part in %(community)s from %(start)s to %(end)s, with "
                   "%(criteria)s.") % {"community": programme.community.name,
                                       "criteria": "; ".join(phrases), **period}


def _iso(day: date) -> str:
    return day.isoformat()
