"""A study's analysis pages and files (issue 22): the seed study against a large one.

Small is the seed study's size: 5 participants, 3 instruments, 15 sources of about 1,500
characters, 8 themes, 2 coders, about 150 codings. Large: 60 participants, 4 instruments,
240 sources of about 6,000 characters, 24 themes, 3 coders, about 15,000 codings. Both are
read by the same researcher: the grid, the quotes of the busiest cell, the agreement between
coders, the quotes document and the REFI-QDA project.
"""

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bench.measure import measure
from praxis.accounts.models import User
from praxis.communities.models import Community, Membership
from praxis.research.models import (
    Coding,
    ConsentVersion,
    Instrument,
    Participant,
    Passage,
    Researcher,
    Source,
    Study,
    Theme,
)

SENTENCE = ("I tried the jigsaw task from the forum with my trainees, and it changed how I "
            "plan the feedback stage. ")


@dataclass(frozen=True)
class Size:
    participants: int
    instruments: int
    sentences: int  # per source
    themes: int
    coders: int
    coded_share: float  # of the sentences each coder codes


SMALL = Size(participants=5, instruments=3, sentences=12, themes=8, coders=2, coded_share=0.4)
LARGE = Size(participants=60, instruments=4, sentences=50, themes=24, coders=3,
             coded_share=0.4)


def _study(slug: str, size: Size) -> tuple[Study, User]:
    rng = random.Random(slug)
    password = make_password("bench")
    community = Community.objects.create(name=slug, slug=slug)
    people = User.objects.bulk_create([
        User(email=f"{slug}-{n}@bench.example.org", display_name=f"Trainer {n}",
             password=password) for n in range(size.participants + size.coders)])
    Membership.objects.bulk_create([Membership(community=community, user=person)
                                    for person in people])
    coders = people[size.participants:]
    for coder in coders:
        Researcher.objects.create(community=community, user=coder)
    study = Study.objects.create(community=community, slug=slug, title=slug,
                                 research_questions="What changed?",
                                 retain_until=timezone.localdate() + timedelta(days=365))
    consent = ConsentVersion.objects.create(study=study, number=1, text="I agree.")
    participants = Participant.objects.bulk_create([
        Participant(study=study, user=person, number=n + 1, status="consented",
                    consent_version=consent, tier="trainer")
        for n, person in enumerate(people[:size.participants])])
    instruments = Instrument.objects.bulk_create([
        Instrument(study=study, number=n + 1, kind="interview", title=f"Instrument {n + 1}")
        for n in range(size.instruments)])
    themes: list[Theme] = []
    for n in range(size.themes):
        parent = themes[n // 4 * 4] if n % 4 else None
        themes.append(Theme.objects.create(study=study, name=f"Theme {n}", parent=parent,
                                           position=n))
    text = SENTENCE * size.sentences
    sources = Source.objects.bulk_create([
        Source(study=study, participant=participant, instrument=instrument,
               kind="interview", title=f"{participant.number}-{instrument.number}", text=text)
        for participant in participants for instrument in instruments])
    passages = Passage.objects.bulk_create([
        Passage(source=source, start=n * len(SENTENCE), end=(n + 1) * len(SENTENCE) - 1)
        for source in sources for n in range(size.sentences)])
    codings = [Coding(passage=passage, theme=rng.choice(themes), coder=coder)
               for passage in passages for coder in coders
               if rng.random() < size.coded_share]
    Coding.objects.bulk_create(codings, ignore_conflicts=True)
    return study, coders[0]


def _pages(study: Study) -> list[tuple[str, str]]:
    slug, study_slug = study.community.slug, study.slug
    theme = Theme.objects.filter(study=study, parent=None).order_by("pk").first()
    assert theme is not None
    args = [slug, study_slug]
    return [("grid", reverse("research:grid", args=args)),
            ("grid cell quotes", reverse("research:grid_cell", args=[*args, "TT1", theme.pk])),
            ("agreement", reverse("research:agreement", args=args)),
            ("grid XLSX", reverse("research:grid_xlsx", args=args)),
            ("quotes DOCX", reverse("research:quotes_docx", args=args)),
            ("REFI-QDA project", reverse("research:export_qdpx", args=args))]


def run(report: Callable[[str], None]) -> None:
    small = _study("research-study", SMALL)
    large = _study("research-college", LARGE)
    report("page                 codings  median ms  gzip bytes  queries")
    for index in range(len(_pages(small[0]))):
        rows = []
        for study, researcher in (small, large):
            client = Client()
            client.force_login(researcher)
            name, url = _pages(study)[index]
            ms, size, queries = measure(client, url, rounds=5)
            codings = Coding.objects.filter(theme__study=study).count()
            report(f"{name:<20} {codings:>7}  {ms:>9.1f}  {size:>10}  {queries:>7}")
            rows.append(ms)
        report(f"  ratio large/small server time: {rows[1] / rows[0]:.2f}")
