# ruff: noqa: RUF001 (the Persian programme's name is meant to be in Arabic script)
"""Demo credentials: in the main community, the programme "Reflective practice 2025-26" over
the demo's last four months, with criteria the regular contributors meet (30 posts or a few
more, 24 replies to others, the four topics that ran: 24 hours credited) and a few nearly
meet; its certificates issued yesterday to everyone who met them (Ali, member@example.org,
among them, so the demo member holds one), and one revoked, with its reason. In the community
moved from Moodle (Persian-speaking trainers), a Persian-named programme over the Moodle
course's year, issued to those who took part enough. The certificates go with their
communities when the demo is reset."""

from datetime import timedelta
from decimal import Decimal
from fractions import Fraction

from django.db.models import Max, Min

from praxis.accounts.models import User
from praxis.communities.models import Community
from praxis.credentials.criteria import NEARLY_SHARE, Standing, standings
from praxis.credentials.models import Certificate, Programme
from praxis.credentials.services import issue, revoke
from praxis.demo.communities import DemoContext
from praxis.demo.moodle import SLUG as MOODLE_SLUG
from praxis.discussions.models import Post

MIN_POSTS = 30
REVOKED_REASON = ("Issued in error: many of the posts counted were a colleague's, written "
                  "from the training centre's shared account. To be reviewed.")


def build(ctx: DemoContext) -> None:
    main = _main_programme(ctx)
    _persian_programme(ctx)
    held = Certificate.objects.filter(programme=main, revoked_at=None).count()
    revoked = Certificate.objects.filter(programme=main, revoked_at__isnull=False).count()
    members = Certificate.objects.filter(programme=main, recipient=ctx.member).first()
    ctx.summary.append(
        f"Certificates: '{main.name}' in /c/{ctx.community.slug}: {held} held, {revoked} "
        f"revoked" + (f"; {ctx.member.email} holds one ({ctx.site_url}"
                      f"{members.get_absolute_url()})." if members else "."))


def _main_programme(ctx: DemoContext) -> Programme:
    end = ctx.now.date()
    programme = Programme.objects.create(
        community=ctx.community, name="Reflective practice 2025–26",
        description=("Taking part in the community's topics over the term: answering "
                     "colleagues, trying the ideas in one's own training sessions and "
                     "telling what came of it."),
        start=end - timedelta(days=119), end=end, hours=Decimal(24), min_posts=MIN_POSTS,
        min_replies=24, min_topics=4, created_by=ctx.steward,
        created_at=ctx.days_ago(30))
    found = standings(programme)
    bar = _posts_bar_someone_nearly_meets(programme, found, keep=ctx.member)
    if bar != programme.min_posts:
        programme.min_posts = bar
        programme.save(update_fields=["min_posts"])
        found = standings(programme)
    meeting = [s.user for s in found if s.meets]
    result = issue(programme, meeting, issued_by=ctx.steward, now=ctx.days_ago(1),
                   standings=found)
    others = [c for c in result.issued if c.recipient not in (ctx.member, ctx.facilitator)]
    if others:
        revoke(others[-1], by=ctx.steward, reason=REVOKED_REASON, now=ctx.days_ago(0.1))
    return programme


def _posts_bar_someone_nearly_meets(programme: Programme, found: list[Standing], *,
                                    keep: User) -> int:
    """The posts asked for, from MIN_POSTS up: the first at which someone who took part in
    every topic and replied enough has three quarters of the posts but not all, so the demo
    shows who nearly meets the criteria (which posts fall in the window's days depends on
    the hour the demo is loaded); never above what the demo member wrote."""
    candidates = [s.row.posts for s in found if s.user != keep
                  and s.row.topics >= programme.min_topics
                  and s.row.replies_to_others >= programme.min_replies]
    ceiling = next((s.row.posts for s in found if s.user == keep), MIN_POSTS)
    for bar in range(MIN_POSTS, max(ceiling, MIN_POSTS) + 1):
        if any(Fraction(posts, bar) >= NEARLY_SHARE and posts < bar for posts in candidates):
            return bar
    return MIN_POSTS


def _persian_programme(ctx: DemoContext) -> None:
    community = Community.objects.filter(slug=MOODLE_SLUG).first()
    if community is None:
        return
    span = Post.objects.filter(thread__community=community).aggregate(
        first=Min("created_at"), last=Max("created_at"))
    if span["first"] is None:
        return
    programme = Programme.objects.create(
        community=community, name="گواهی مشارکت در اجتماع یادگیری مربیان فارس ۱۳۹۹–۱۴۰۰",
        description="مشارکت در بحث‌های دوره، پاسخ به همکاران و شرکت در دست‌کم دو موضوع.",
        start=span["first"].date(), end=span["last"].date(), hours=Decimal(16), min_posts=2,
        min_replies=1, min_topics=2, created_by=ctx.steward, created_at=ctx.days_ago(15))
    found = standings(programme)
    meeting = [s.user for s in found if s.meets]
    issue(programme, meeting, issued_by=ctx.steward, now=ctx.days_ago(14), standings=found)
