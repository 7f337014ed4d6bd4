"""The demo library, modelled on the study: what the teacher trainers read ("an excuse to read
more") on reflective practice, critical friends, teacher research, CLT and communities of
practice, with full citations, tags and licences; the topics' seed articles given their
structured citations too; and two months of reading spread over the members, among them
lurkers who read and never post.

Written through the services (as the site's forms write them), then the reading log dated
back so "most read this month" and the analytics have a history."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from fpdf import FPDF

from praxis.accounts.models import User
from praxis.demo.communities import DEMO_SLUGS, DemoContext
from praxis.discussions.models import Post
from praxis.library import services
from praxis.library.models import Resource, ResourceRead

Licence = Resource.Licence
Work = Resource.WorkType
PERSIAN_MEMBER_EMAIL = "shiva.farahani@demo.example.org"
READING_DAYS = 60


@dataclass(frozen=True)
class Reading:
    title: str
    url: str
    details: dict[str, object]
    tags: list[str] = field(default_factory=list)
    # How much it is read: its share of the community's openings.
    weight: int = 3


READINGS = [
    Reading(
        "The reflective practitioner: How professionals think in action",
        "https://www.worldcat.org/search?q=The+reflective+practitioner+Schon+1983",
        {"work_type": Work.BOOK, "authors": "Schön, Donald A.", "year": 1983,
         "publisher": "Basic Books", "licence": Licence.LINK_ONLY},
        ["reflection", "reflective practice"], 6),
    Reading(
        "The practices of encouraging TESOL teachers to engage in reflective practice: An "
        "appraisal of recent research contributions",
        "https://doi.org/10.1177/1362168815617335",
        {"work_type": Work.ARTICLE, "authors": "Farrell, Thomas S. C.", "year": 2016,
         "source": "Language Teaching Research", "volume": "20", "issue": "2",
         "pages": "223-247", "doi": "10.1177/1362168815617335",
         "licence": Licence.ALL_RIGHTS},
        ["reflection", "reflective practice", "Farrell"], 8),
    Reading(
        "Communities of practice: Learning, meaning, and identity",
        "https://doi.org/10.1017/CBO9780511803932",
        {"work_type": Work.BOOK, "authors": "Wenger, Etienne", "year": 1998,
         "publisher": "Cambridge University Press", "doi": "10.1017/CBO9780511803932",
         "licence": Licence.LINK_ONLY},
        ["communities of practice"], 7),
    Reading(
        "Situated learning: Legitimate peripheral participation",
        "https://doi.org/10.1017/CBO9780511815355",
        {"work_type": Work.BOOK, "authors": "Lave, Jean\nWenger, Etienne", "year": 1991,
         "publisher": "Cambridge University Press", "doi": "10.1017/CBO9780511815355",
         "licence": Licence.LINK_ONLY},
        ["communities of practice", "lurking"], 4),
    Reading(
        "Professional development for language teachers: Strategies for teacher learning",
        "https://doi.org/10.1017/CBO9780511667237",
        {"work_type": Work.BOOK, "authors": "Richards, Jack C.\nFarrell, Thomas S. C.",
         "year": 2005, "publisher": "Cambridge University Press",
         "doi": "10.1017/CBO9780511667237", "licence": Licence.LINK_ONLY},
        ["teacher development", "critical friends", "Farrell"], 5),
    Reading(
        "Reflective teaching in second language classrooms",
        "https://doi.org/10.1017/CBO9780511667169",
        {"work_type": Work.BOOK, "authors": "Richards, Jack C.\nLockhart, Charles",
         "year": 1994, "publisher": "Cambridge University Press",
         "doi": "10.1017/CBO9780511667169", "licence": Licence.LINK_ONLY},
        ["reflection", "observation"], 4),
    Reading(
        "Through the lens of a critical friend",
        "https://www.ascd.org/el/articles/through-the-lens-of-a-critical-friend",
        {"work_type": Work.ARTICLE, "authors": "Costa, Arthur L.\nKallick, Bena",
         "year": 1993, "source": "Educational Leadership", "volume": "51", "issue": "2",
         "pages": "49-51", "licence": Licence.LINK_ONLY},
        ["critical friends", "feedback"], 7),
    Reading(
        "Doing action research in English language teaching: A guide for practitioners",
        "https://doi.org/10.4324/9780203863466",
        {"work_type": Work.BOOK, "authors": "Burns, Anne", "year": 2010,
         "publisher": "Routledge", "doi": "10.4324/9780203863466",
         "licence": Licence.ALL_RIGHTS},
        ["teacher research", "action research"], 3),
    Reading(
        "Communicative and task-based language teaching in East Asian classrooms",
        "https://doi.org/10.1017/S0261444807004363",
        {"work_type": Work.ARTICLE, "authors": "Littlewood, William", "year": 2007,
         "source": "Language Teaching", "volume": "40", "issue": "3", "pages": "243-249",
         "doi": "10.1017/S0261444807004363", "licence": Licence.ALL_RIGHTS},
        ["CLT", "context"], 3),
    Reading(
        "Second language teacher education: Review of recent research on practice",
        "https://doi.org/10.1017/S0261444810000030",
        {"work_type": Work.ARTICLE, "authors": "Wright, Tony", "year": 2010,
         "source": "Language Teaching", "volume": "43", "issue": "3", "pages": "259-296",
         "doi": "10.1017/S0261444810000030", "licence": Licence.ALL_RIGHTS},
        ["teacher education", "teacher research"], 2),
    Reading(
        "Learning by doing: A guide to teaching and learning methods",
        "https://www.worldcat.org/search?q=Learning+by+doing+Gibbs+1988",
        {"work_type": Work.REPORT, "authors": "Gibbs, Graham", "year": 1988,
         "publisher": "Further Education Unit, Oxford Polytechnic",
         "licence": Licence.LINK_ONLY},
        ["reflection", "Gibbs' cycle", "diary"], 5),
    Reading(
        "یادداشت‌های یک مدرس: سه سال تأمل در کلاس‌های ضمن خدمت",
        "https://example.org/teacher-trainers/reflection-notes",
        {"work_type": Work.WEBPAGE, "authors": "فراهانی, شیوا", "year": 2024,
         "source": "وبلاگ مدرسان زبان", "licence": Licence.CC_BY_NC},
        ["تأمل", "reflection", "diary"], 4),
]

# Structured citations for the topics' seed articles, which the topics demo adds with a
# free-text citation only (as a facilitator pasting one would).
SEED_DETAILS = {
    "Loop input": (
        {"work_type": Work.ARTICLE, "authors": "Woodward, Tessa", "year": 2003,
         "source": "ELT Journal", "volume": "57", "issue": "3", "pages": "301-304",
         "doi": "10.1093/elt/57.3.301"}, ["loop input", "training methods"]),
    "Reflecting on reflective practice: (re)visiting Dewey and Schön": (
        {"work_type": Work.ARTICLE, "authors": "Farrell, Thomas S. C.", "year": 2012,
         "source": "TESOL Journal", "volume": "3", "issue": "1", "pages": "7-16"},
        ["reflection", "reflective practice", "Farrell"]),
    "Models of supervision: choices": (
        {"work_type": Work.ARTICLE, "authors": "Gebhard, Jerry G.", "year": 1984,
         "source": "TESOL Quarterly", "volume": "18", "issue": "3", "pages": "501-514"},
        ["observation", "supervision"]),
    "In-service teacher development: some basic principles": (
        {"work_type": Work.ARTICLE, "authors": "Hayes, David", "year": 1995,
         "source": "ELT Journal", "volume": "49", "issue": "3", "pages": "252-261"},
        ["in-service training", "teacher development"]),
}

HANDOUT_TITLE = "Critical friends: a protocol for reviewing each other's session plans"
HANDOUT_LINES = [
    "Critical friends: a protocol for reviewing each other's session plans",
    "",
    "1. The author says what the session is for and asks one or two focus questions.",
    "2. The friend reads the plan and answers the focus questions first.",
    "3. What works: name two stages that will work, and why.",
    "4. What to change: one change at most, with a reason from your own practice.",
    "5. A question: something the author might ask themselves after the session.",
    "6. The author decides what to act on, and says so in the next version's note.",
    "",
    "Adapted by the teacher-trainers community from Costa and Kallick (1993).",
]


def _handout() -> SimpleUploadedFile:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    for line in HANDOUT_LINES:
        pdf.multi_cell(0, 7, line, new_x="LMARGIN", new_y="NEXT")
    return SimpleUploadedFile("critical-friends-protocol.pdf", bytes(pdf.output()))


def build(ctx: DemoContext) -> None:
    community = ctx.community
    rng = ctx.rng
    adders = [ctx.steward, ctx.facilitator, ctx.member,
              *[m.user for m in ctx.memberships if m.role != "member"][:3]]
    resources: list[tuple[Resource, int]] = []
    for index, reading in enumerate(READINGS):
        adder = adders[index % len(adders)]
        if reading.url.startswith("https://example.org/teacher-trainers/"):
            adder = User.objects.filter(email=PERSIAN_MEMBER_EMAIL).first() or adder
        resource = services.add_link(community=community, added_by=adder, title=reading.title,
                                     url=reading.url, details=reading.details,
                                     tags=reading.tags)
        resource.created_at = ctx.days_ago(75 - index * 5 - rng.random())
        Resource.objects.filter(pk=resource.pk).update(created_at=resource.created_at)
        resources.append((resource, reading.weight))
    handout = services.add_file(
        community=community, added_by=ctx.facilitator, upload=_handout(), title=HANDOUT_TITLE,
        details={"work_type": Work.OTHER, "authors": "Teacher trainers community",
                 "year": ctx.now.year, "licence": Licence.CC_BY_SA},
        tags=["critical friends", "feedback", "session plans"])
    handout.created_at = ctx.days_ago(20)
    Resource.objects.filter(pk=handout.pk).update(created_at=handout.created_at)
    resources.append((handout, 6))
    for topic in ctx.topics:
        seed = topic.seed_resource
        if seed is not None and seed.title in SEED_DETAILS:
            details, tags = SEED_DETAILS[seed.title]
            services.update_resource(resource=seed, title=seed.title, citation=seed.citation,
                                     details=details, tags=tags)
            resources.append((seed, 5))
    _reading_history(ctx, resources)
    ctx.summary.append(
        f"Library: {len(resources)} resources with citations and tags, "
        f"{ResourceRead.objects.filter(resource__community=community).count()} readings "
        f"over {READING_DAYS} days.")


def _reading_history(ctx: DemoContext, resources: list[tuple[Resource, int]]) -> None:
    """Two months of openings: most members read now and then, the lurkers (members who
    never post) read steadily, the key demo accounts have a history of their own."""
    rng = ctx.rng
    posters = set(Post.objects.filter(thread__community=ctx.community)
                  .values_list("author_id", flat=True).distinct())
    members = [m.user for m in ctx.memberships]
    lurkers = [user for user in members if user.pk not in posters][:8]
    persian = User.objects.filter(email=PERSIAN_MEMBER_EMAIL).first()
    keen = [ctx.member, ctx.facilitator, *([persian] if persian else []), *lurkers]
    weights = [weight for _resource, weight in resources]
    rows: dict[tuple[int, int, object], ResourceRead] = {}

    def read(user: User, resource: Resource, days_ago: float) -> None:
        opened = ctx.days_ago(days_ago)
        if opened < resource.created_at:
            opened = resource.created_at + timedelta(hours=rng.uniform(1, 48))
            if opened > ctx.now:
                return
        key = (resource.pk, user.pk, opened.date())
        rows.setdefault(key, ResourceRead(resource=resource, user=user, day=opened.date(),
                                          opened_at=opened))

    for user in members:
        for _ in range(rng.randint(0, 4)):
            (resource,) = rng.choices([r for r, _w in resources], weights=weights)
            read(user, resource, rng.uniform(0, READING_DAYS))
    for user in keen:
        for _ in range(rng.randint(6, 14)):
            (resource,) = rng.choices([r for r, _w in resources], weights=weights)
            read(user, resource, rng.uniform(0, READING_DAYS))
    ResourceRead.objects.bulk_create(list(rows.values()), ignore_conflicts=True)


def delete() -> None:
    """The demo's uploaded files (their rows go with the communities)."""
    for resource in Resource.objects.filter(community__slug__in=DEMO_SLUGS,
                                            kind=Resource.Kind.FILE):
        resource.file.delete(save=False)
