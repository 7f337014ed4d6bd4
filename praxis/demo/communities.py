# ruff: noqa: RUF001 (Persian names and messages are meant to be in Arabic script)
"""The community part of the demo: people, communities, roles, cascade tiers and cohorts.

It imitates the community in ``seeds/virtual-cop-teacher-trainers-study.txt``: about 125
Iranian teacher trainers of English on one platform, trained in a cascade (international
consultants -> master trainers -> trainers -> teachers). Everything random comes from
``ctx.rng`` (one ``random.Random(seed)``) and is drawn while walking plain lists, never
querysets, so the same seed gives the same people, emails, tiers, roles and cohorts.

``DemoContext`` is shared by every app's demo builder (``manage.py seed_demo`` calls them in
order); this builder fills in the communities and the key people the later ones build on.
"""

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.db.models import Q

from praxis.accounts.models import User
from praxis.communities import services
from praxis.communities.models import Cohort, Community, Membership
from praxis.core.models import AuditEvent

if TYPE_CHECKING:
    from praxis.topics.models import Topic

DEMO_PASSWORD = "praxis-demo"  # noqa: S105 (the documented password of public demo accounts)
DEFAULT_SEED = 2015
SITE_URL = "http://127.0.0.1:8000"

STEWARD_EMAIL = "steward@example.org"
FACILITATOR_EMAIL = "facilitator@example.org"
MEMBER_EMAIL = "member@example.org"
# The community's researcher: made by ``praxis.demo.research``.
RESEARCHER_EMAIL = "researcher@example.org"
KEY_EMAILS = (STEWARD_EMAIL, FACILITATOR_EMAIL, MEMBER_EMAIL, RESEARCHER_EMAIL)
# Everyone else the demo invents gets an address here, so ``--reset`` can delete exactly the
# demo's people and never a developer's own account at example.org.
PEOPLE_DOMAIN = "demo.example.org"

MAIN_SLUG = "teacher-trainers"
PRIVATE_SLUG = "ittp-team"
OPEN_SLUG = "open-elt"
DEMO_SLUGS = (MAIN_SLUG, PRIVATE_SLUG, OPEN_SLUG)

Tier = Membership.Tier
Role = Membership.Role


@dataclass
class DemoContext:
    """What the demo builders share; each builder reads what earlier ones filled in."""

    rng: random.Random
    now: datetime
    password_hash: str  # one hash for every demo account (hashing each would take seconds)
    seed: int = DEFAULT_SEED
    site_url: str = SITE_URL
    # Filled in by ``praxis.demo.communities.build``:
    community: Community = field(init=False)  # the main community
    private_community: Community = field(init=False)
    open_community: Community = field(init=False)
    steward: User = field(init=False)
    facilitator: User = field(init=False)
    member: User = field(init=False)
    people: list[User] = field(default_factory=list)  # every demo user, in creation order
    memberships: list[Membership] = field(default_factory=list)  # main community, same order
    cohorts: list[Cohort] = field(default_factory=list)  # main community
    # Filled in by ``praxis.demo.topics.build``: the main community's topics, oldest first.
    topics: list["Topic"] = field(default_factory=list)
    summary: list[str] = field(default_factory=list)  # lines the command prints at the end

    def days_ago(self, days: float) -> datetime:
        return self.now - timedelta(days=days)

    def memberships_of_tier(self, tier: str) -> list[Membership]:
        return [m for m in self.memberships if m.tier == tier]


def demo_is_loaded() -> bool:
    return User.objects.filter(email__iexact=STEWARD_EMAIL).exists()


def conflicts() -> list[str]:
    """What already in the database would stop the demo from loading (short of --reset)."""
    found = [
        f"community /{slug}" for slug in
        Community.objects.filter(slug__in=DEMO_SLUGS).order_by("slug")
        .values_list("slug", flat=True)
    ]
    found += list(
        User.objects.filter(email__in=KEY_EMAILS).order_by("email").values_list("email", flat=True)
    )
    return found


def delete() -> None:
    """Deletes the demo communities (and all that hangs off them) and the demo's people."""
    Community.objects.filter(slug__in=DEMO_SLUGS).delete()
    people = User.objects.filter(Q(email__in=KEY_EMAILS)
                                 | Q(email__iendswith="@" + PEOPLE_DOMAIN))
    # The security log of what the demo did (an erasure, certificates issued) goes too.
    AuditEvent.objects.filter(Q(actor__in=people)
                              | Q(subject__icontains=PEOPLE_DOMAIN)).delete()
    people.delete()


# Names and places -----------------------------------------------------------------------------
# Fictional combinations of common given and family names, in Latin and Persian script.

FEMALE_NAMES = [
    ("Maryam", "مریم"), ("Zahra", "زهرا"), ("Fatemeh", "فاطمه"), ("Narges", "نرگس"),
    ("Leila", "لیلا"), ("Parisa", "پریسا"), ("Mahsa", "مهسا"), ("Niloufar", "نیلوفر"),
    ("Azadeh", "آزاده"), ("Elham", "الهام"), ("Somayeh", "سمیه"), ("Mina", "مینا"),
    ("Roya", "رویا"), ("Farzaneh", "فرزانه"), ("Samira", "سمیرا"), ("Nasrin", "نسرین"),
    ("Golnaz", "گلناز"), ("Sepideh", "سپیده"), ("Marjan", "مرجان"), ("Haleh", "هاله"),
    ("Nazanin", "نازنین"), ("Bahareh", "بهاره"), ("Tahereh", "طاهره"), ("Mojgan", "مژگان"),
    ("Fereshteh", "فرشته"), ("Ladan", "لادن"), ("Arezoo", "آرزو"), ("Soheila", "سهیلا"),
    ("Zohreh", "زهره"), ("Shiva", "شیوا"), ("Neda", "ندا"), ("Atefeh", "عاطفه"),
]
MALE_NAMES = [
    ("Ali", "علی"), ("Reza", "رضا"), ("Mohammad", "محمد"), ("Hossein", "حسین"),
    ("Mehdi", "مهدی"), ("Amir", "امیر"), ("Hamid", "حمید"), ("Saeed", "سعید"),
    ("Behrouz", "بهروز"), ("Kaveh", "کاوه"), ("Farhad", "فرهاد"), ("Babak", "بابک"),
    ("Dariush", "داریوش"), ("Masoud", "مسعود"), ("Javad", "جواد"), ("Hadi", "هادی"),
    ("Morteza", "مرتضی"), ("Majid", "مجید"), ("Arash", "آرش"), ("Omid", "امید"),
    ("Karim", "کریم"), ("Nader", "نادر"), ("Siamak", "سیامک"), ("Payam", "پیام"),
    ("Ramin", "رامین"), ("Vahid", "وحید"), ("Abbas", "عباس"), ("Mostafa", "مصطفی"),
    ("Kamran", "کامران"), ("Peyman", "پیمان"), ("Ehsan", "احسان"), ("Navid", "نوید"),
]
FAMILY_NAMES = [
    ("Ahmadi", "احمدی"), ("Hosseini", "حسینی"), ("Karimi", "کریمی"), ("Rezaei", "رضایی"),
    ("Moradi", "مرادی"), ("Mohammadi", "محمدی"), ("Jafari", "جعفری"), ("Sadeghi", "صادقی"),
    ("Rahimi", "رحیمی"), ("Ghasemi", "قاسمی"), ("Kazemi", "کاظمی"), ("Hashemi", "هاشمی"),
    ("Mousavi", "موسوی"), ("Najafi", "نجفی"), ("Akbari", "اکبری"), ("Ebrahimi", "ابراهیمی"),
    ("Bagheri", "باقری"), ("Salehi", "صالحی"), ("Tehrani", "تهرانی"), ("Esfahani", "اصفهانی"),
    ("Shirazi", "شیرازی"), ("Tabrizi", "تبریزی"), ("Nouri", "نوری"), ("Rostami", "رستمی"),
    ("Zamani", "زمانی"), ("Farahani", "فراهانی"), ("Amini", "امینی"), ("Soltani", "سلطانی"),
    ("Yazdani", "یزدانی"), ("Kermani", "کرمانی"), ("Ghorbani", "قربانی"), ("Heidari", "حیدری"),
    ("Abbasi", "عباسی"), ("Mirzaei", "میرزایی"), ("Asadi", "اسدی"), ("Zarei", "زارعی"),
    ("Darvishi", "درویشی"), ("Alavi", "علوی"), ("Khorasani", "خراسانی"), ("Bahrami", "بهرامی"),
    ("Fallahi", "فلاحی"), ("Javadi", "جوادی"), ("Rahmani", "رحمانی"), ("Sharifi", "شریفی"),
    ("Mahmoudi", "محمودی"), ("Azizi", "عزیزی"), ("Nikpour", "نیک‌پور"), ("Ansari", "انصاری"),
    ("Ghaffari", "غفاری"), ("Safavi", "صفوی"), ("Kamali", "کمالی"), ("Parsa", "پارسا"),
]

# Province (the ``region`` field) -> its cities, the first being its capital.
PROVINCES = {
    "Tehran": ["Tehran", "Shahr-e Rey", "Varamin"],
    "Isfahan": ["Isfahan", "Kashan", "Najafabad"],
    "Fars": ["Shiraz", "Marvdasht", "Kazerun"],
    "Khorasan Razavi": ["Mashhad", "Neyshabur", "Sabzevar"],
    "East Azerbaijan": ["Tabriz", "Maragheh", "Marand"],
    "West Azerbaijan": ["Urmia", "Khoy"],
    "Khuzestan": ["Ahvaz", "Dezful", "Abadan"],
    "Mazandaran": ["Sari", "Babol", "Amol"],
    "Gilan": ["Rasht", "Lahijan", "Bandar Anzali"],
    "Kerman": ["Kerman", "Sirjan", "Rafsanjan"],
    "Yazd": ["Yazd", "Meybod"],
    "Kermanshah": ["Kermanshah", "Eslamabad-e Gharb"],
    "Hamadan": ["Hamadan", "Malayer"],
    "Golestan": ["Gorgan", "Gonbad-e Kavus"],
    "Sistan and Baluchestan": ["Zahedan", "Chabahar"],
    "Hormozgan": ["Bandar Abbas", "Minab"],
    "Qazvin": ["Qazvin", "Takestan"],
    "Zanjan": ["Zanjan", "Abhar"],
    "Ardabil": ["Ardabil", "Meshginshahr"],
    "Kurdistan": ["Sanandaj", "Saqqez"],
    "Lorestan": ["Khorramabad", "Borujerd"],
    "Markazi": ["Arak", "Saveh"],
    "Semnan": ["Semnan", "Shahrud"],
    "Bushehr": ["Bushehr", "Borazjan"],
    "Qom": ["Qom"],
    "Alborz": ["Karaj"],
    "Chaharmahal and Bakhtiari": ["Shahrekord"],
    "Ilam": ["Ilam"],
    "South Khorasan": ["Birjand"],
    "North Khorasan": ["Bojnord"],
    "Kohgiluyeh and Boyer-Ahmad": ["Yasuj"],
}
PROVINCE_NAMES = list(PROVINCES)

# Where the face-to-face cascade courses ran: (city, province). Isfahan always comes first.
COURSE_TOWNS = [
    ("Isfahan", "Isfahan"), ("Mashhad", "Khorasan Razavi"), ("Tabriz", "East Azerbaijan"),
    ("Shiraz", "Fars"), ("Tehran", "Tehran"), ("Ahvaz", "Khuzestan"), ("Rasht", "Gilan"),
    ("Kerman", "Kerman"), ("Kermanshah", "Kermanshah"), ("Sari", "Mazandaran"),
    ("Yazd", "Yazd"), ("Hamadan", "Hamadan"), ("Zahedan", "Sistan and Baluchestan"),
]

# (display name, email local part, time zone, region, institution, bio): fictional people.
CONSULTANT_POOL = [
    ("Helen Whitfield", "helen.whitfield", "Europe/London", "England",
     "Independent ELT consultant, Bristol",
     "Teacher educator for thirty years; designed the ITTP trainer course and still reads "
     "every session plan people share."),
    ("Graham Ashby", "graham.ashby", "Europe/London", "England",
     "Northgate Teacher Education, Leeds",
     "Trainer trainer. Interested in observation and feedback that trainees actually use."),
    ("Catherine Byrne", "catherine.byrne", "Europe/Dublin", "Ireland",
     "Independent ELT consultant, Galway",
     "I work on in-service courses in Central and South Asia and the Middle East."),
    ("Owen Llewellyn", "owen.llewellyn", "Europe/London", "Wales",
     "Cardiff School of Language Education",
     "Materials writer and teacher educator; I facilitate the topics on evaluating courses."),
    ("Fiona MacLeod", "fiona.macleod", "Europe/London", "Scotland",
     "Independent ELT consultant, Edinburgh",
     "Reflective practice, mentoring and action research with teachers of English."),
    ("Marta Kowalczyk", "marta.kowalczyk", "Europe/Warsaw", "Poland",
     "Teacher Training College, Kraków",
     "Cascade projects in Poland, Ukraine and Iran. I like small, practical changes."),
    ("Anna Lindberg", "anna.lindberg", "Europe/Stockholm", "Sweden",
     "Independent ELT consultant, Uppsala",
     "Online facilitator and course designer; happy to talk about low-bandwidth teaching."),
    ("Peter Okonjo", "peter.okonjo", "Europe/London", "England",
     "Independent ELT consultant, London",
     "Language assessment and teacher education; a guest facilitator on assessment topics."),
]

# Teacher educators from outside Iran who meet in the open community.
NEIGHBOUR_POOL = [
    ("Farida Noori", "farida.noori", "Asia/Kabul", "Kabul", "Kabul Education University"),
    ("Aygul Rahimova", "aygul.rahimova", "Asia/Dushanbe", "Dushanbe",
     "Teacher In-service Institute, Dushanbe"),
    ("Emre Yildiz", "emre.yildiz", "Europe/Istanbul", "Istanbul",
     "School of Foreign Languages, Istanbul"),
    ("Bilal Qureshi", "bilal.qureshi", "Asia/Karachi", "Lahore", "Teacher Training Centre, Lahore"),
    ("Dilnoza Karimova", "dilnoza.karimova", "Asia/Tashkent", "Tashkent",
     "Regional Teacher Training Centre, Tashkent"),
]

INTERESTS = [
    "classroom observation and feedback", "teaching speaking to large classes",
    "designing in-service courses", "reflective practice", "assessment for learning",
    "teaching with few resources", "action research with teachers", "lesson planning",
    "mentoring new teachers", "teaching young learners", "evaluating training courses",
    "using the mother tongue in the English class", "teaching reading strategies",
    "peer observation", "motivating teenage learners", "the new secondary textbooks",
]
BIOS = [
    "Teacher trainer at {institution}. Interested in {interest}.",
    "I train secondary teachers of English in {province}. At the moment I am working on "
    "{interest}.",
    "{years} years teaching English, {train_years} training teachers. Ask me about {interest}.",
    "English teacher and teacher trainer from {city}. Trying out new ideas on {interest}.",
    "I run in-service courses for teachers in {city} and nearby towns; my interest is {interest}.",
]
PERSIAN_BIOS = [
    "مدرس تربیت معلم زبان انگلیسی. علاقه‌مند به بازخورد پس از مشاهدهٔ کلاس.",
    "سال‌ها دبیر زبان انگلیسی بوده‌ام و اکنون دوره‌های ضمن خدمت برگزار می‌کنم.",
    "به آموزش مهارت گفتاری در کلاس‌های پرجمعیت و یادگیری از همکاران علاقه دارم.",
    "دنبال راه‌های ساده برای تأمل در تدریس هستم و از تجربهٔ همکاران یاد می‌گیرم.",
]
SCHOOLS = [
    "Shahid Beheshti", "Farzanegan", "Hafez", "Saadi", "Ferdowsi", "Parvin Etesami",
    "Kharazmi", "Allameh Tabatabai", "Razi", "Khayyam",
]


class _People:
    """Invents people one by one without repeating a name (so no two share an email)."""

    def __init__(self, ctx: DemoContext, reserved: set[tuple[str, str]]) -> None:
        self.ctx = ctx
        self.rng = ctx.rng
        self.used = set(reserved)

    def _name(self) -> tuple[tuple[str, str], tuple[str, str]]:
        while True:
            given = self.rng.choice(FEMALE_NAMES if self.rng.random() < 0.5 else MALE_NAMES)
            family = self.rng.choice(FAMILY_NAMES)
            if (given[0], family[0]) not in self.used:
                self.used.add((given[0], family[0]))
                return given, family

    def address(self) -> tuple[str, str]:
        """A fresh (display name, email) for someone who is not a user (an invitation)."""
        given, family = self._name()
        return f"{given[0]} {family[0]}", f"{given[0]}.{family[0]}@{PEOPLE_DOMAIN}".lower()

    def iranian(self, *, tier: str, province: str, city: str | None = None,
                joined_days_ago: float = 0) -> User:
        rng = self.rng
        given, family = self._name()
        city = city or rng.choice(PROVINCES[province])
        if tier == Tier.TEACHER:
            institution = f"{rng.choice(SCHOOLS)} Secondary School, {city}"
        else:
            institution = rng.choice([
                f"Farhangian University, {city} campus",
                f"Department of Education, {province}",
                f"{city} Teacher Training Centre",
                f"In-service Training Office, {province} Department of Education",
            ])
        persian_script = rng.random() < 0.2
        display_name = (
            f"{given[1]} {family[1]}" if persian_script else f"{given[0]} {family[0]}"
        )
        locale = "fa" if persian_script or rng.random() < 0.75 else "en"
        bio = ""
        if rng.random() < 0.4:
            if locale == "fa" and rng.random() < 0.4:
                bio = rng.choice(PERSIAN_BIOS)
            else:
                train_years = rng.randint(2, 12)
                bio = rng.choice(BIOS).format(
                    institution=institution, interest=rng.choice(INTERESTS), province=province,
                    city=city, years=train_years + rng.randint(4, 15), train_years=train_years,
                )
        joined = self.ctx.days_ago(joined_days_ago)
        return User(
            email=f"{given[0]}.{family[0]}@{PEOPLE_DOMAIN}".lower(),
            display_name=display_name, institution=institution, region=province, bio=bio,
            locale=locale, timezone="Asia/Tehran",
            digest=rng.choices(
                [User.Digest.DAILY, User.Digest.WEEKLY, User.Digest.INSTANT, User.Digest.OFF],
                weights=[5, 3, 1, 1],
            )[0],
            low_bandwidth=rng.random() < 0.25,
            password=self.ctx.password_hash, date_joined=joined,
        )


def _path(community: Community) -> str:
    return community.get_absolute_url()


def _names(memberships: list[Membership]) -> str:
    names = [str(m.user.display_name) for m in memberships]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _pick_trainers(rng: random.Random, candidates: list[Membership], province: str,
                   count: int = 2) -> list[Membership]:
    """Trainers for a course: people from the province first, then others."""
    local = [m for m in candidates if m.user.region == province]
    others = [m for m in candidates if m.user.region != province]
    chosen = rng.sample(local, min(count, len(local)))
    return chosen + rng.sample(others, count - len(chosen))


MAIN_DESCRIPTION = """\
A community of practice for the teacher trainers of the Iran Teacher Training Project \
(ITTP): master trainers, trainers and the teachers they train, from every province of Iran, \
with the project's international consultants.

Every few weeks a facilitator opens a topic with a short article and a few open questions, \
for seven days or three weeks. Read, answer the questions, and then try the ideas in your \
own training room and tell the others what happened. Share your session plans for feedback, \
keep a reflection diary, and bring the problems you meet every day: someone here has met \
them too.

We moved here from the project's Moodle. Membership is on request: tell the stewards where \
you trained and with whom.
"""
PRIVATE_DESCRIPTION = """\
The working space of the project manager and the international consultants: the course \
calendar, topic plans, budget and the reports to the sponsor. Only the people in it know it \
exists.
"""
OPEN_DESCRIPTION = """\
An open meeting place for teacher educators in English language teaching, wherever they \
work: share what works in your training courses, ask for ideas, and find colleagues for a \
peer observation. Anyone signed in can join.
"""


def build(ctx: DemoContext) -> None:
    """Creates the three demo communities and everyone in them."""
    rng = ctx.rng
    people = _People(ctx, reserved={("Shirin", "Rahimi"), ("Maryam", "Hosseini"),
                                    ("Ali", "Moradi")})

    # The key accounts people sign in with.
    steward = User(
        email=STEWARD_EMAIL, display_name="Shirin Rahimi", institution="ITTP project office",
        region="Tehran", locale="en", timezone="Asia/Tehran", is_staff=True,
        bio="Project manager of the Iran Teacher Training Project. Ask me about courses, "
            "certificates and joining the community.",
        password=ctx.password_hash, date_joined=ctx.days_ago(730),
    )
    facilitator = User(
        email=FACILITATOR_EMAIL, display_name="Maryam Hosseini",
        institution="Farhangian University, Isfahan campus", region="Isfahan", locale="en",
        timezone="Asia/Tehran",
        bio="Master trainer since 2012. I train trainers in Isfahan and facilitate topics on "
            "designing in-service courses.",
        password=ctx.password_hash, date_joined=ctx.days_ago(700),
    )
    member = User(
        email=MEMBER_EMAIL, display_name="Ali Moradi", institution="Kashan Teacher Training Centre",
        region="Isfahan", locale="en", timezone="Asia/Tehran", low_bandwidth=True,
        bio="English teacher for twelve years, trainer since 2013. I run the in-service course "
            "for new teachers in Kashan.",
        password=ctx.password_hash, date_joined=ctx.days_ago(640),
    )

    # International consultants; the first leads and co-stewards the community.
    consultants = []
    for name, local, tz, region, institution, bio in rng.sample(CONSULTANT_POOL, 5):
        consultants.append(User(
            email=f"{local}@{PEOPLE_DOMAIN}", display_name=name, institution=institution,
            region=region, bio=bio, locale="en", timezone=tz, password=ctx.password_hash,
            date_joined=ctx.days_ago(rng.uniform(700, 728)),
        ))

    # The cascade courses: 2013 courses were run by the first master trainers, later ones
    # by any master trainer.
    towns = [COURSE_TOWNS[0], *rng.sample(COURSE_TOWNS[1:], 8)]
    course_years = [2013, 2013, 2013, 2014, 2014, 2014, 2015, 2015, 2015]
    course_provinces = [province for _city, province in towns]

    def mt(generation_days: tuple[float, float]) -> User:
        province = (
            rng.choice(course_provinces) if rng.random() < 0.7 else rng.choice(PROVINCE_NAMES)
        )
        return people.iranian(tier=Tier.MASTER_TRAINER, province=province,
                              joined_days_ago=rng.uniform(*generation_days))

    # Maryam and a colleague from Isfahan run the Isfahan course, where Ali trained.
    isfahan_mt = people.iranian(tier=Tier.MASTER_TRAINER, province="Isfahan",
                                joined_days_ago=rng.uniform(650, 700))
    first_mts = [facilitator, isfahan_mt, *(mt((650, 700)) for _ in range(6))]
    second_mts = [mt((560, 660)) for _ in range(12)]

    # Trainers: dealt round the courses, most from the course's province, the rest from
    # wherever they travelled from. Ali Moradi took the Isfahan course.
    deal = [index % len(towns) for index in range(92)]
    rng.shuffle(deal)
    trainers_by_course: list[list[User]] = [[] for _ in towns]
    trainers_by_course[0].append(member)
    for course in deal:
        city, province = towns[course]
        from_here = rng.random() < 0.55
        trainers_by_course[course].append(people.iranian(
            tier=Tier.TRAINER,
            province=province if from_here else rng.choice(PROVINCE_NAMES),
            city=city if from_here and rng.random() < 0.5 else None,
            joined_days_ago=rng.uniform(30, 600 - 120 * (course_years[course] - 2013)),
        ))
    teachers = [
        people.iranian(tier=Tier.TEACHER, province="Isfahan", city="Kashan",
                       joined_days_ago=rng.uniform(10, 200))
        for _ in range(6)
    ]
    outsiders = [
        people.iranian(tier=Tier.TRAINER, province=rng.choice(PROVINCE_NAMES),
                       joined_days_ago=rng.uniform(1, 20))
        for _ in range(3)
    ]
    neighbours = []
    for name, local, tz, region, institution in rng.sample(NEIGHBOUR_POOL, 3):
        neighbours.append(User(
            email=f"{local}@{PEOPLE_DOMAIN}", display_name=name, institution=institution,
            region=region, locale="en", timezone=tz, password=ctx.password_hash,
            date_joined=ctx.days_ago(rng.uniform(30, 300)),
        ))

    trainers = [user for course in trainers_by_course for user in course]
    ctx.people = [steward, facilitator, member, *consultants, *first_mts[1:], *second_mts,
                  *[t for t in trainers if t is not member], *teachers, *outsiders,
                  *neighbours]
    User.objects.bulk_create(ctx.people)
    ctx.steward, ctx.facilitator, ctx.member = steward, facilitator, member

    # Communities, created through the service so each starts with its steward.
    main = services.create_community(
        creator=steward, name="Iran Teacher Trainers' Community", slug=MAIN_SLUG,
        description=MAIN_DESCRIPTION, visibility=Community.Visibility.LISTED,
        join_policy=Community.JoinPolicy.REQUEST,
    )
    private = services.create_community(
        creator=steward, name="ITTP project team", slug=PRIVATE_SLUG,
        description=PRIVATE_DESCRIPTION, visibility=Community.Visibility.PRIVATE,
        join_policy=Community.JoinPolicy.INVITATION,
    )
    open_community = services.create_community(
        creator=consultants[1], name="Open ELT teacher educators", slug=OPEN_SLUG,
        description=OPEN_DESCRIPTION, visibility=Community.Visibility.PUBLIC,
        join_policy=Community.JoinPolicy.OPEN,
    )
    Community.objects.filter(pk__in=[main.pk, private.pk]).update(created_at=ctx.days_ago(730))
    Community.objects.filter(pk=open_community.pk).update(created_at=ctx.days_ago(400))
    ctx.community, ctx.private_community, ctx.open_community = main, private, open_community

    # Main community memberships. Roles: the lead consultant co-stewards; the other
    # consultants and a few master trainers (guest facilitators) facilitate.
    steward_membership = Membership.objects.get(community=main, user=steward)
    Membership.objects.filter(pk=steward_membership.pk).update(joined_at=ctx.days_ago(730))
    guest_facilitators = {
        user.email for user in [facilitator, *rng.sample(first_mts[1:], 2), rng.choice(second_mts)]
    }
    rows = []
    for index, user in enumerate(consultants):
        rows.append((user, Role.STEWARD if index == 0 else Role.FACILITATOR, Tier.CONSULTANT))
    for user in [*first_mts, *second_mts]:
        role = Role.FACILITATOR if user.email in guest_facilitators else Role.MEMBER
        rows.append((user, role, Tier.MASTER_TRAINER))
    rows += [(user, Role.MEMBER, Tier.TRAINER) for user in trainers]
    rows += [(user, Role.MEMBER, Tier.TEACHER) for user in teachers]
    created = Membership.objects.bulk_create(
        Membership(community=main, user=user, role=role, tier=tier, joined_at=user.date_joined)
        for user, role, tier in rows
    )
    steward_membership.user = steward
    ctx.memberships = [steward_membership, *created]
    of = {m.user.email: m for m in created}

    def memberships(users: list[User]) -> list[Membership]:
        return [of[user.email] for user in users]

    # Cohorts: the cascade, from the consultants down to the teachers Ali trained.
    lead = memberships(consultants)
    first, second = memberships(first_mts), memberships(second_mts)
    cohorts: list[tuple[Cohort, list[Membership], list[Membership]]] = []

    def cohort(name: str, year: int, description: str, members: list[Membership],
               trained_by: list[Membership]) -> None:
        cohorts.append((Cohort(community=main, name=name, year=year, description=description),
                        members, trained_by))

    mt_trainers = lead[:3]
    cohort(
        "Master trainers trained in 2012 by the consultants", 2012,
        f"The first eight master trainers: a six-week course in Tehran in summer 2012 with "
        f"{_names(mt_trainers)}, then a year of supervised training of their own.",
        first, mt_trainers,
    )
    mt2_trainers = [*lead[1:3], *rng.sample(first[1:], 2)]
    cohort(
        "Master trainers trained in 2013", 2013,
        f"Twelve trainers chosen from the 2012-2013 courses, trained as master trainers by "
        f"{_names(mt2_trainers)}, the consultants working alongside the first master "
        f"trainers.",
        second, mt2_trainers,
    )
    for course, ((city, province), year) in enumerate(zip(towns, course_years, strict=True)):
        if course == 0:
            by = [of[facilitator.email], first[1]]
        else:
            by = _pick_trainers(rng, first if year == 2013 else first + second, province)
        weeks = rng.choice([2, 3, 4])
        cohort(
            f"Trainers trained in {year} in {city} by {_names(by)}", year,
            f"A {weeks}-week face-to-face course in {city} for teacher trainers from "
            f"{province} and nearby provinces: planning in-service sessions, observation and "
            f"feedback, and training teachers to teach the new textbooks.",
            memberships(trainers_by_course[course]), by,
        )
    refresher_by = [of[facilitator.email], rng.choice(second)]
    cohort(
        "Refresher course 2015 (online): evaluating a training course", 2015,
        "Four weeks online, in the community, for trainers who wanted to evaluate the "
        f"courses they run. Facilitated by {_names(refresher_by)}.",
        rng.sample(memberships([t for t in trainers if t is not member]), 12), refresher_by,
    )
    teacher_by = [of[member.email], rng.choice(memberships(trainers_by_course[0][1:]))]
    cohort(
        f"Teachers trained in 2015 in Kashan by {_names(teacher_by)}", 2015,
        "Newly qualified secondary teachers of English in Kashan, on their first in-service "
        "course; some of them joined the community to keep sharing lesson plans.",
        memberships(teachers), teacher_by,
    )
    created_cohorts = Cohort.objects.bulk_create(c for c, _members, _by in cohorts)
    Cohort.members.through.objects.bulk_create(
        Cohort.members.through(cohort_id=c.pk, membership_id=m.pk)
        for c, (_cohort, members, _by) in zip(created_cohorts, cohorts, strict=True)
        for m in members
    )
    Cohort.trainers.through.objects.bulk_create(
        Cohort.trainers.through(cohort_id=c.pk, membership_id=m.pk)
        for c, (_cohort, _members, by) in zip(created_cohorts, cohorts, strict=True)
        for m in by
    )
    ctx.cohorts = created_cohorts

    # The private team space: the project manager and the consultants (not Maryam).
    Membership.objects.bulk_create(
        Membership(community=private, user=user, tier=Tier.CONSULTANT,
                   role=Role.STEWARD if index == 0 else Role.MEMBER,
                   joined_at=ctx.days_ago(720))
        for index, user in enumerate(consultants)
    )

    # The open community: a few people from here and abroad; Ali is not in it yet, so he
    # can join it in the demo.
    open_members = [
        facilitator, *neighbours,
        *rng.sample([user for user in second_mts + trainers if user is not member], 6),
    ]
    Membership.objects.bulk_create(
        Membership(community=open_community, user=user, joined_at=ctx.days_ago(rng.uniform(5, 390)))
        for user in open_members
    )

    # What waits for the steward: requests to join and invitations not yet accepted.
    request_messages = [
        "I took the ITTP trainer course in {city} last month with {trainer}, who suggested I "
        "join to share my session plans.",
        "I train teachers in {province} ({institution}). A colleague told me about the topic "
        "on observation and feedback; may I join?",
        "سلام. من دورهٔ تربیت مدرس پروژه را گذرانده‌ام و دوست دارم در بحث‌ها شرکت کنم.",
    ]
    for outsider, message in zip(outsiders, request_messages, strict=True):
        course = rng.randrange(len(towns))
        services.request_to_join(
            user=outsider, community=main, site_url=ctx.site_url,
            message=message.format(city=towns[course][0], institution=outsider.institution,
                                   province=outsider.region,
                                   trainer=rng.choice(first + second).user.display_name),
        )
    invitees = [people.address() for _ in range(3)]
    services.invite_people(
        actor=steward, community=main, emails=[email for _name, email in invitees],
        tier=Tier.TRAINER, site_url=ctx.site_url,
        message="Welcome! You finished the trainer course this spring; this is where the "
                "trainers of the project keep learning together.",
    )
    guest = rng.choice([c for c in CONSULTANT_POOL if c[0] not in
                        {u.display_name for u in consultants}])
    services.invite_people(
        actor=steward, community=main, emails=[f"{guest[1]}@{PEOPLE_DOMAIN}"],
        role=Role.FACILITATOR, tier=Tier.CONSULTANT, site_url=ctx.site_url,
        message="Would you facilitate a three-week topic on assessment for learning in the "
                "autumn?",
    )

    tiers = {tier: len(ctx.memberships_of_tier(tier)) for tier in Tier.values}
    ctx.summary += [
        f"{main.name} ({_path(main)}, listed, on request): {len(ctx.memberships)} members "
        f"({tiers[Tier.CONSULTANT]} consultants, {tiers[Tier.MASTER_TRAINER]} master "
        f"trainers, {tiers[Tier.TRAINER]} trainers, {tiers[Tier.TEACHER]} teachers), "
        f"{len(created_cohorts)} cohorts, {len(outsiders)} join requests and "
        f"{len(invitees) + 1} invitations waiting",
        f"{private.name} ({_path(private)}, private, invitation only): "
        f"{len(consultants) + 1} members",
        f"{open_community.name} ({_path(open_community)}, public, open): "
        f"{len(open_members) + 1} members",
    ]
