"""Demo promises "I will use this in my training": Ali (member@example.org) promised to use
a post in a session still to come, another in a session now past (his home page asks him to
tell what happened), and answered a third invitation by email (a draft story to finish);
Shiva (Persian) has one whose session has passed. Each promised post has Ali's or Shiva's
"I will use this" reaction."""

from datetime import timedelta

from django.urls import reverse

from praxis.accounts.models import User
from praxis.demo.communities import PEOPLE_DOMAIN, DemoContext
from praxis.discussions.models import Post, Reaction
from praxis.impact import promises
from praxis.impact.models import UsePromise

SHIVA_EMAIL = f"shiva.farahani@{PEOPLE_DOMAIN}"

# (who, days from today to the session (negative: past), note, invited, answered by email)
PROMISES = [
    ("member", 9, "Loop input for the session on giving instructions", False, ""),
    ("member", -3, "Trainees write the rules for pair work themselves", True, ""),
    ("member", -12, "Reflection cards at the end of each session", True,
     "I gave out the cards in the last ten minutes, as in the post. Most trainees wrote "
     "two lines; three wrote a whole page about their micro-teaching."),
    ("shiva", -5, "دفتر خاطرات برای کارآموزان دوره‌ی ضمن خدمت", True, ""),
]


def _posts_for(ctx: DemoContext, user: User, count: int) -> list[Post]:
    """Posts of others in the main community, the ones the member said they will use first."""
    chosen = list(Post.objects.filter(
        thread__community=ctx.community, is_hidden=False,
        reactions__user=user, reactions__kind=Reaction.Kind.WILL_USE,
    ).exclude(author=user).order_by("pk")[:count])
    if len(chosen) < count:
        more = (Post.objects.filter(thread__community=ctx.community, is_hidden=False)
                .exclude(author=user).exclude(pk__in=[p.pk for p in chosen])
                .order_by("-created_at", "pk")[:count - len(chosen)])
        chosen += list(more)
    for post in chosen:
        Reaction.objects.get_or_create(post=post, user=user, kind=Reaction.Kind.WILL_USE)
    return chosen


def build(ctx: DemoContext) -> None:
    people = {"member": ctx.member, "shiva": User.objects.filter(email=SHIVA_EMAIL).first()}
    today = ctx.now.date()
    made = 0
    for who in ("member", "shiva"):
        user = people[who]
        if user is None:
            continue
        mine = [row for row in PROMISES if row[0] == who]
        for post, (_who, days, note, invited, answer) in zip(
                _posts_for(ctx, user, len(mine)), mine, strict=False):
            promise = UsePromise.objects.create(
                community=ctx.community, user=user, post=post,
                session_date=today + timedelta(days=days), note=note,
                created_at=ctx.days_ago(max(20, 20 - days)),
                invited_at=ctx.now if invited else None)
            if answer:
                promises.draft_story(promise=promise, applied=answer)
            made += 1
    url = ctx.site_url + reverse("impact:promises", args=[ctx.community.slug])
    ctx.summary.append(
        f"Promises: {made} \"I will use this in my training\" with a session date; Ali has "
        f"one to come, one to tell (on his home page) and one answered by email, a draft "
        f"story to finish ({url}).")
