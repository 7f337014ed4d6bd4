"""Demo data of members owning their data: a trainer of the main community wrote in the
running topic, was answered, then erased their account and kept their posts, which now show
as written by a "Former member" (``accounts.services.erase_account``, docs/privacy.md)."""

from praxis.accounts import services
from praxis.accounts.models import User
from praxis.communities.models import Membership
from praxis.demo.communities import PEOPLE_DOMAIN, DemoContext
from praxis.discussions.models import Post, Thread
from praxis.discussions.services import publish_post

# The demo's people are found (and deleted by --reset) by their domain: the erased account
# keeps one, naming nobody and the same for every seed.
ERASED_EMAIL = f"erased-member@{PEOPLE_DOMAIN}"
LEAVER_NAME = "Kamran Jafari"
POSTS = (
    "I tried this with my trainers in Yazd last week. The first round was quiet; once I "
    "stepped out and asked what they had noticed, they could not stop talking.",
    "One more thing: I gave each pair a card with the three questions, so nobody had to "
    "remember them. I can share the card if it helps.",
)
ANSWER = ("Yes please, share the card: I will try it with my group on Sunday and tell you how "
          "it went.")


def _thread(ctx: DemoContext) -> Thread | None:
    """The busiest thread of a topic running now, so the posts are dated inside its window."""
    running = [topic for topic in ctx.topics if topic.is_running]
    return (Thread.objects.filter(topic__in=running).order_by("-post_count", "pk").first()
            if running else None)


def build(ctx: DemoContext) -> None:
    thread = _thread(ctx)
    if thread is None:
        ctx.summary.append("Privacy: no running topic to show a former member in.")
        return
    leaver = User.objects.create(
        email=f"kamran.jafari@{PEOPLE_DOMAIN}", display_name=LEAVER_NAME,
        institution="Yazd Teacher Training Centre", region="Yazd", locale="fa",
        timezone="Asia/Tehran", password=ctx.password_hash, date_joined=ctx.days_ago(400))
    Membership.objects.create(community=ctx.community, user=leaver,
                              tier=Membership.Tier.TRAINER, joined_at=ctx.days_ago(400))
    opener = Post.objects.filter(thread=thread, parent=None).first()
    first = publish_post(thread=thread, author=leaver, body=POSTS[0], parent=opener)
    publish_post(thread=thread, author=leaver, body=POSTS[1], parent=first)
    publish_post(thread=thread, author=ctx.member, body=ANSWER, parent=first)
    services.erase_account(user=leaver, keep_posts=True)
    User.objects.filter(pk=leaver.pk).update(email=ERASED_EMAIL)
    ctx.summary.append(
        f"Privacy: a trainer wrote in '{thread.title}', then erased their account and kept "
        f"their posts, shown as \"Former member\" ({ctx.site_url}{first.get_absolute_url()}); "
        "members download their data and erase their account from their profile, stewards "
        "read the record of processing under Settings."
    )
