"""A small community built by hand for the impact dashboard's tests: every number the
dashboard shows for it is counted here, in the comments, from the rows below.

Window: 1 January to 31 March 2026. Cohort "Master trainers 2012": Ali, Reza, Nadia.

Stories (told on, author, visibility, what is filled in, topics cited -> cycles reached):
  S1 10 Jan Ali   community immediate+applied+realised, T1  -> imm app real (acknowledged)
  S2  5 Feb Ali   private   potential+applied, T1           -> imm(source) pot app
  S3 20 Feb Sara  leaders   applied "   "+reframing, T2      -> imm(source) refr
  S4 15 Mar member community applied+realised, T1 T2        -> imm(source) app real
  S7  1 Mar facilitator leaders potential, no source          -> pot
  S5 member's draft (applied, T1), S6 Sara 20 Dec 2025 (applied, T2): never counted.
Events: E1 20 Jan Ali course teachers 30 (T1); E2 10 Feb Ali workshop trainers 12 (T2);
  E3 5 Mar Sara informal colleagues 4; E4 1 Nov 2025 member teachers 50 (outside).
Active in the window: steward (a post), facilitator (S7), member (S4), Ali (S1, S2, E1),
  Sara (S3, E3), Nadia (opened a resource), Omid (gave feedback); not Reza (a post in
  December 2025). Applied-value story in the window: member, Ali.
Reading (thread A in T1, the steward's; thread B in T2, Reza's): Nadia A 6 Jan x2, 3 Feb x1;
  steward A 5 Jan x1, B 1 Mar x1; Reza B 10 Feb x4 (and 1 Dec 2025 x5, outside); Sara A
  1 Apr, Ali B 31 Dec 2025 (both outside); the outsider A 7 Jan x3 (no member). Readers in
  the window: Nadia, steward, Reza (9 visits); of whom read without writing: Nadia, Reza
  (the steward posted, in T1).
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone

from praxis.accounts.models import User
from praxis.communities.models import Cohort, Membership
from praxis.communities.tests.cast import Cast
from praxis.communities.tests.factories import MembershipFactory
from praxis.discussions.models import Post, ThreadVisitDay
from praxis.discussions.tests.factories import make_thread, make_topic
from praxis.impact.models import CascadeEvent, ValueStory
from praxis.library.models import ResourceRead
from praxis.practice.models import Feedback
from praxis.practice.tests.plan_factories import share
from praxis.topics.models import Topic
from praxis.topics.tests.factories import LinkResourceFactory

WINDOW = {"start": "2026-01-01", "end": "2026-03-31"}


def at(day: date) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, 10))


@dataclass
class World:
    cast: Cast
    t1: Topic
    t2: Topic
    t3: Topic
    cohort: Cohort
    ali: User
    sara: User
    reza: User
    nadia: User
    omid: User
    stories: dict[str, ValueStory]


def story(world_cast: Cast, author: User | None, told: date | None, *,
          visibility: str = ValueStory.Visibility.COMMUNITY, topics=(), title: str = "",
          **text: str) -> ValueStory:
    made = ValueStory.objects.create(
        community=world_cast.community, author=author, visibility=visibility,
        status=ValueStory.Status.TOLD if told else ValueStory.Status.DRAFT,
        told_at=at(told) if told else None, title=title or "A story", **text)
    made.source_topics.add(*topics)
    return made


def build(cast: Cast, cohort_name: str = "Master trainers 2012") -> World:
    community = cast.community

    def member(name: str, tier: str) -> User:
        return MembershipFactory(community=community, tier=tier,
                                 user__display_name=name).user

    ali = member("Ali", Membership.Tier.TRAINER)
    sara = member("Sara", Membership.Tier.TEACHER)
    reza = member("Reza", Membership.Tier.TRAINER)
    nadia = member("Nadia", Membership.Tier.TEACHER)
    omid = member("Omid", Membership.Tier.TRAINER)
    cohort = Cohort.objects.create(community=community, name=cohort_name)
    cohort.members.add(*Membership.objects.filter(user__in=[ali, reza, nadia]))
    t1 = make_topic(community, title="Loop input")
    t2 = make_topic(community, title="Reflection in every session")
    t3 = make_topic(community, title="Presenting at conferences")

    # Posts: the steward's in the window, Reza's before it; nothing else moves a date in.
    thread = make_thread(t1, cast.steward)
    Post.objects.filter(thread=thread).update(created_at=at(date(2026, 1, 5)))
    old = make_thread(t2, reza)
    Post.objects.filter(thread=old).update(created_at=at(date(2025, 12, 1)))
    for reader, read, day, visits in (
            (nadia, thread, date(2026, 1, 6), 2), (nadia, thread, date(2026, 2, 3), 1),
            (cast.steward, thread, date(2026, 1, 5), 1), (cast.steward, old, date(2026, 3, 1), 1),
            (reza, old, date(2026, 2, 10), 4), (reza, old, date(2025, 12, 1), 5),
            (sara, thread, date(2026, 4, 1), 1), (ali, old, date(2025, 12, 31), 1),
            (cast.outsider, thread, date(2026, 1, 7), 3)):
        ThreadVisitDay.objects.create(community=community, user=reader, thread=read, day=day,
                                      visits=visits)
    resource = LinkResourceFactory(community=community)
    ResourceRead.objects.create(resource=resource, user=nadia, day=date(2026, 2, 2))
    ResourceRead.objects.create(resource=resource, user=reza, day=date(2025, 12, 2))
    plan = share(community, sara)
    Feedback.objects.create(version=plan.versions.get(), author=omid, works="Clear aims.",
                            created_at=at(date(2026, 3, 10)))

    stories = {
        "S1": story(cast, ali, date(2026, 1, 10), topics=[t1], title="Loop input in a course",
                    immediate="The loop input topic.", applied="I used loop input.",
                    realised="Trainees asked for more."),
        "S2": story(cast, ali, date(2026, 2, 5), topics=[t1], title="Secret diary",
                    visibility=ValueStory.Visibility.PRIVATE,
                    potential="Confidence.", applied="Trainees set their own rules."),
        "S3": story(cast, sara, date(2026, 2, 20), topics=[t2], title="Seeing reflection",
                    visibility=ValueStory.Visibility.LEADERS,
                    applied="   ", reframing="Reflection is the lesson."),
        "S4": story(cast, cast.member, date(2026, 3, 15), topics=[t1, t2],
                    title="A diary for trainees", applied="A diary.", realised="They wrote."),
        "S5": story(cast, cast.member, None, topics=[t1], title="Half done", applied="Draft."),
        "S6": story(cast, sara, date(2025, 12, 20), topics=[t2], title="Last year",
                    applied="Before the window."),
        "S7": story(cast, cast.facilitator, date(2026, 3, 1), title="What I gained",
                    visibility=ValueStory.Visibility.LEADERS, potential="Ideas."),
    }
    ValueStory.objects.filter(pk=stories["S1"].pk).update(
        acknowledged_by=cast.facilitator, acknowledged_at=at(date(2026, 1, 11)))

    def event(trainer: User, held: date, kind: str, audience: str, people: int, topics=()):
        made = CascadeEvent.objects.create(community=community, trainer=trainer, held_on=held,
                                           kind=kind, audience=audience, people=people)
        made.topics.add(*topics)

    kinds, audiences = CascadeEvent.Kind, CascadeEvent.Audience
    event(ali, date(2026, 1, 20), kinds.COURSE, audiences.TEACHERS, 30, [t1])
    event(ali, date(2026, 2, 10), kinds.WORKSHOP, audiences.TRAINERS, 12, [t2])
    event(sara, date(2026, 3, 5), kinds.INFORMAL, audiences.COLLEAGUES, 4)
    event(cast.member, date(2025, 11, 1), kinds.COURSE, audiences.TEACHERS, 50)
    return World(cast=cast, t1=t1, t2=t2, t3=t3, cohort=cohort, ali=ali, sara=sara,
                 reza=reza, nadia=nadia, omid=omid, stories=stories)
