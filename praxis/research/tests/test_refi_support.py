"""What the REFI-QDA tests share (no tests here): the fixture files, the schemas, and a small
coded study."""

import io
import zipfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from lxml import etree

from praxis.accounts.models import User
from praxis.accounts.tests.factories import UserFactory
from praxis.research.models import Instrument, Participant, Source, Study, Theme
from praxis.research.tests.factories import (
    CodingFactory,
    InstrumentFactory,
    ParticipantFactory,
    PassageFactory,
    SourceFactory,
    StudyFactory,
    ThemeFactory,
)

FIXTURES = Path(__file__).parent / "fixtures" / "refi"
NS = {"q": "urn:QDA-XML:project:1.0"}


@cache
def schema(name: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(FIXTURES / name)))


def fixture(name: str) -> io.BytesIO:
    return io.BytesIO((FIXTURES / name).read_bytes())


def unpack(data: bytes) -> tuple[etree._Element, dict[str, bytes]]:
    """project.qde's root and every other entry by name."""
    with zipfile.ZipFile(io.BytesIO(data)) as packed:
        files = {name: packed.read(name) for name in packed.namelist()}
    return etree.fromstring(files.pop("project.qde")), files


def pack(entries: dict[str, bytes | str]) -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as packed:
        for name, content in entries.items():
            packed.writestr(name, content.encode("utf-8") if isinstance(content, str)
                            else content)
    buffer.seek(0)
    return buffer


INTERVIEW_TT1 = ("Interviewer: How did the community change your teaching?\n"
                 "TT1: I tried the jigsaw task from the forum with my trainees. "
                 "It worked 👍 well.")
INTERVIEW_TT3 = ("Interviewer: Anything else?\n"
                 "TT3: یادگیری از همکاران was the best part; I shared my session plan and "
                 "got feedback.")


@dataclass
class CodedStudy:
    study: Study
    coder: User
    tt1: Participant
    tt2: Participant  # withdrawn
    tt3: Participant
    interview: Instrument
    source_tt1: Source
    source_tt2: Source
    source_tt3: Source
    applying: Theme
    peer_learning: Theme
    feedback: Theme


def coded_study(*, community=None, coder: User | None = None) -> CodedStudy:
    """Three participants (TT2 withdrawn), an interview of each, a nested codebook, and a
    coded passage in each interview."""
    study = StudyFactory(**({"community": community} if community else {}))
    coder = coder or UserFactory(display_name="Rana Researcher")
    tt1 = ParticipantFactory(study=study, number=1, tier="trainer", cohort="Cohort A",
                             user__display_name="Amina Participant")
    tt2 = ParticipantFactory(study=study, number=2, user__display_name="Bahar Withdrawn")
    tt3 = ParticipantFactory(study=study, number=3, tier="teacher")
    interview = InstrumentFactory(study=study, number=2, kind=Instrument.Kind.INTERVIEW)
    sources = [SourceFactory(participant=p, study=study, instrument=interview, title="Interview",
                             text=text)
               for p, text in ((tt1, INTERVIEW_TT1), (tt2, "TT2: the forum is a secret."),
                               (tt3, INTERVIEW_TT3))]
    deductive = ThemeFactory(study=study, name="Applying to practice", colour="#2ca02c",
                             origin=Theme.Origin.DEDUCTIVE, reference="Wenger (1998)",
                             definition="Trying in training what the community shared.",
                             memo="Watch for plans that were only intended.", position=1)
    peer = ThemeFactory(study=study, name="Peer learning", parent=deductive,
                        origin=Theme.Origin.DEDUCTIVE, position=2)
    feedback = ThemeFactory(study=study, name="Peer feedback on session plans",
                            origin=Theme.Origin.INDUCTIVE, position=3)
    CodingFactory(passage=PassageFactory(source=sources[0], start=62, end=117,
                                         created_by=coder, memo="The jigsaw again."),
                  theme=deductive, coder=coder)
    CodingFactory(passage=PassageFactory(source=sources[1], start=0, end=10), theme=deductive,
                  coder=coder)
    passage = PassageFactory(source=sources[2], start=71, end=112, created_by=coder)
    CodingFactory(passage=passage, theme=feedback, coder=coder)
    CodingFactory(passage=PassageFactory(source=sources[2], start=33, end=51), theme=peer,
                  coder=coder)
    tt2.status = Participant.Status.WITHDRAWN
    tt2.save()
    return CodedStudy(study, coder, tt1, tt2, tt3, interview, *sources, deductive, peer,
                      feedback)
