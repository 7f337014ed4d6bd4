"""Demo data of the notifications app: members' email choices, a facilitator's announcement,
the notifications and digests it owed (readable in the outbox, /outbox/), and a reply that came
back by email."""

import io
from datetime import timedelta
from email.message import EmailMessage

from django.conf import settings
from django.db.models import Max, Q, QuerySet
from django.test.utils import override_settings
from PIL import Image, ImageDraw

from praxis.accounts.models import User
from praxis.demo.communities import KEY_EMAILS, PEOPLE_DOMAIN, DemoContext
from praxis.discussions.models import Post, Thread
from praxis.discussions.services import start_thread
from praxis.notifications import services
from praxis.notifications.models import (
    DigestCursor,
    InboundEmail,
    Mode,
    OutboundEmail,
    Subscription,
)
from praxis.notifications.queries import digest_readers
from praxis.notifications.tokens import reply_address
from praxis.site.notifications import replies
from praxis.topics.models import Topic

ANNOUNCEMENT_TITLE = "Live session on Thursday: bring one activity you adapted"
ANNOUNCEMENT_BODY = (
    "Dear colleagues,\n\n"
    "We meet online on **Thursday at 18:00 Tehran time** for one hour. Bring one activity "
    "from this topic that you adapted for your own trainees, and tell us what happened.\n\n"
    "If your connection is weak, reply to this email with your story instead: it will appear "
    "in this thread under your name, and I will read it out.\n\n"
    "Maryam"
)
EMAILED_REPLY = (
    "I tried the loop input demonstration with my eight trainers in Kashan on Sunday. "
    "Stepping out of the activity to talk about it felt strange for them at first; by the "
    "second round they were asking for it.\n\nAli"
)
DEMO_REPLY_DOMAIN = "reply.praxis.example.org"


def build(ctx: DemoContext) -> None:
    with override_settings(PRAXIS_REPLY_DOMAIN=settings.PRAXIS_REPLY_DOMAIN or DEMO_REPLY_DOMAIN):
        _build(ctx)


def _demo_emails() -> QuerySet[OutboundEmail]:
    """The demo's people's emails; those to invited addresses without an account stay when
    their people go, so they are found by the demo's domain."""
    return OutboundEmail.objects.filter(
        Q(user__email__in=KEY_EMAILS) | Q(user__email__iendswith="@" + PEOPLE_DOMAIN)
        | Q(user=None, to_address__iendswith="@" + PEOPLE_DOMAIN))


def _delete_demo_reply() -> None:
    InboundEmail.objects.filter(message_id__startswith="demo-reply-").delete()


def delete() -> None:
    _delete_demo_reply()
    _demo_emails().delete()


def _build(ctx: DemoContext) -> None:
    _delete_demo_reply()  # a demo loaded again answers the announcement again
    running = [t for t in ctx.topics if t.state in (t.State.OPEN, t.State.APPLY)]
    if not running:
        ctx.summary.append("Notifications: no running topic, so no demo emails.")
        return
    # The demo facilitator announces in a topic they run, if one is running.
    topic = next((t for t in reversed(running) if ctx.facilitator in t.facilitators.all()),
                 running[-1])
    threads = list(Thread.objects.filter(topic=topic).order_by("position", "pk"))
    choices = _choices(ctx, topic, threads)
    announcement = start_thread(topic=topic, author=ctx.facilitator, title=ANNOUNCEMENT_TITLE,
                                body=ANNOUNCEMENT_BODY, kind=Thread.Kind.ANNOUNCEMENT)
    latest = list(Post.objects.filter(thread__topic=topic).exclude(thread=announcement)
                  .order_by("-created_at")[:6])
    owed = sum(services.fan_out_post(post.pk) for post in [*reversed(latest),
                                                            *announcement.posts.all()])
    digests = _digests(ctx)
    cover_current_periods(ctx)
    emailed = _reply_by_email(ctx, announcement)
    late = _late_reply_by_email(ctx)
    # The demo shows email that went out, invitations to new addresses included.
    services.settle(_demo_emails(), status=OutboundEmail.Status.SENT, sent_at=ctx.now,
                    attempts=1)
    ctx.summary.append(
        f"Notifications: {choices} email choices; the announcement '{ANNOUNCEMENT_TITLE}' and "
        f"the latest posts owed {owed} emails, and {digests} digests were sent (see /outbox/); "
        f"{ctx.member.display_name} answered the announcement by email, with a photo of the "
        f"board"
        f"{'' if emailed else ' (not posted: see the log)'}"
        f"{'; a late reply to a closed topic went back to its author' if late else ''}."
    )


def _choices(ctx: DemoContext, topic: Topic, threads: list[Thread]) -> int:
    rng = ctx.rng
    subs = []
    for membership in ctx.memberships:
        user = membership.user
        if user in (ctx.steward, ctx.facilitator, ctx.member):
            continue
        roll = rng.random()
        if roll < 0.15:
            subs.append(Subscription(user=user, community=ctx.community, topic=topic,
                                     mode=Mode.INSTANT))
        elif roll < 0.22:
            subs.append(Subscription(user=user, community=ctx.community, mode=Mode.WEEKLY))
        elif roll < 0.25:
            subs.append(Subscription(user=user, community=ctx.community, mode=Mode.OFF))
    # The demo member reads a daily digest, follows the running topic as it happens and has
    # muted one busy thread; the facilitator hears of everything in her community at once.
    subs += [
        Subscription(user=ctx.member, community=ctx.community, mode=Mode.DAILY),
        Subscription(user=ctx.member, community=ctx.community, topic=topic, mode=Mode.INSTANT),
        Subscription(user=ctx.facilitator, community=ctx.community, mode=Mode.INSTANT),
    ]
    if len(threads) > 1:
        subs.append(Subscription(user=ctx.member, community=ctx.community, topic=topic,
                                 thread=threads[-1], mode=Mode.OFF))
    Subscription.objects.bulk_create(subs)
    return len(subs)


def _digests(ctx: DemoContext) -> int:
    """Yesterday's daily digests and last week's weekly ones for everyone who reads them."""
    sent = 0
    newest = Post.objects.filter(thread__community=ctx.community).aggregate(
        newest=Max("created_at"))["newest"]
    for mode in (Mode.DAILY, Mode.WEEKLY):
        length = services.period_length(mode)
        for user in [u for u in ctx.people if u.digest == mode][:12] + (
                [ctx.member] if mode == Mode.DAILY else []):
            period_start = services.digest_period_start(user, mode, ctx.now)
            # A demo community is quiet on some days: reach back far enough to have news.
            if newest is not None and newest < period_start - length:
                period_start = newest + timedelta(hours=1)
            sent += services.owe_digest(user, mode, period_start, None)
    return sent


def cover_current_periods(ctx: DemoContext) -> None:
    """The demo's current digest periods count as sent, so a worker started beside the fresh
    demo does not mail every demo person the demo's past at once."""
    people = {user.pk for user in ctx.people}
    for mode in (Mode.DAILY, Mode.WEEKLY):
        for user in digest_readers(mode):
            if user.pk not in people:
                continue
            start = services.digest_period_start(user, mode, ctx.now)
            cursor, made = DigestCursor.objects.get_or_create(
                user=user, mode=mode, defaults={"covered_until": start})
            if not made and cursor.covered_until < start:
                cursor.covered_until = start
                cursor.save(update_fields=["covered_until"])


def _reply_by_email(ctx: DemoContext, announcement: Thread) -> bool:
    """The demo member answers the announcement from his mail client."""
    opener = announcement.posts.order_by("pk").first()
    assert opener is not None
    quoted = "\n".join(f"> {line}" for line in ANNOUNCEMENT_BODY.splitlines())
    outcome = _email_reply(ctx, ctx.member, opener, f"demo-reply-{ctx.seed}",
                           f"{EMAILED_REPLY}\n\nOn Thu, Maryam Hosseini wrote:\n{quoted}\n",
                           photo=("IMG_2231.JPG", _board_photo()))
    if outcome.post is not None:
        services.fan_out_post(outcome.post.pk)  # the facilitator hears of the answer
    return outcome.posted


LATE_REPLY = (
    "Sorry to come late to this: our district's connection was down for most of the week. "
    "I used the loop input warmer with twenty teachers in Yazd and they asked for more."
)


def _late_reply_by_email(ctx: DemoContext) -> bool:
    """A member answers a closed topic's notification after it closed: the reply is not
    posted, and a notice takes it back to them with the reason (in Persian for a Persian
    reader)."""
    closed = [t for t in ctx.topics if t.state == t.State.CLOSED]
    readers = [m.user for m in ctx.memberships if m.user.locale == "fa"] or [ctx.member]
    if not closed:
        return False
    author = ctx.rng.choice(readers)
    answered = (Post.objects.filter(thread__topic=closed[-1], is_hidden=False)
                .exclude(author=author).order_by("-created_at").first())
    if answered is None:
        return False
    outcome = _email_reply(ctx, author, answered, f"demo-reply-late-{ctx.seed}",
                           f"{LATE_REPLY}\n\n{author.display_name}\n")
    return outcome.notice != ""


def _board_photo() -> bytes:
    """A phone photo of the board after a loop-input session, as a trainer sends it."""
    board = Image.new("RGB", (960, 720), (236, 238, 232))
    draw = ImageDraw.Draw(board)
    draw.rectangle((40, 40, 920, 680), outline=(90, 96, 90), width=6)
    lines = ["LOOP INPUT - what we did", "1. Do it: jigsaw reading in fours",
             "2. Step out: what did I just do?", "3. Name it: loop input",
             "4. Your class: where would it fit?"]
    for row, line in enumerate(lines):
        draw.text((90, 100 + row * 110), line, fill=(20, 60, 140), font_size=44)
    out = io.BytesIO()
    board.save(out, "JPEG", quality=80)
    return out.getvalue()


def _email_reply(ctx: DemoContext, author: User, answered: Post, message_id: str,
                 body: str, photo: tuple[str, bytes] | None = None) -> replies.Outcome:
    """``author``'s answer to the email about ``answered``, taken in through the same intake
    a mail server's pipe uses; ``photo`` (name, JPEG) attached as a phone attaches it."""
    message = EmailMessage()
    message["From"] = f"{author.display_name} <{author.email}>"
    message["To"] = reply_address(answered.pk, author.pk)
    message["Subject"] = f"Re: [{ctx.community.name}] {answered.thread.title}"
    message["Message-ID"] = f"<{message_id}@mail.example.org>"
    message.set_content(body)
    if photo is not None:
        message.add_attachment(photo[1], maintype="image", subtype="jpeg", filename=photo[0])
    return replies.receive(message.as_bytes(), channel="pipe")
