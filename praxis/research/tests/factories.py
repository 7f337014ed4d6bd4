"""Factories for studies and what they hold."""

import datetime

import factory

from praxis.accounts.tests.factories import UserFactory
from praxis.communities.tests.factories import CommunityFactory
from praxis.research.models import (
    Coding,
    ConsentVersion,
    Instrument,
    Participant,
    Passage,
    Source,
    Study,
    Theme,
)


class StudyFactory(factory.django.DjangoModelFactory[Study]):
    class Meta:
        model = Study
        skip_postgeneration_save = True

    community = factory.SubFactory(CommunityFactory)
    slug = factory.Sequence(lambda n: f"study-{n}")
    title = factory.Sequence(lambda n: f"Impact study {n}")
    research_questions = "How does taking part change training practice?"
    retain_until = factory.LazyFunction(
        lambda: datetime.date.today() + datetime.timedelta(days=365))
    consent = factory.RelatedFactory(
        "praxis.research.tests.factories.ConsentVersionFactory", factory_related_name="study")


class ConsentVersionFactory(factory.django.DjangoModelFactory[ConsentVersion]):
    class Meta:
        model = ConsentVersion

    study = factory.SubFactory(StudyFactory, consent=None)
    number = 1
    text = "You agree that what you write for this study is used, under a code, in its reports."


class ParticipantFactory(factory.django.DjangoModelFactory[Participant]):
    """A participant who has consented to the study's current consent text."""

    class Meta:
        model = Participant

    study = factory.SubFactory(StudyFactory)
    user = factory.SubFactory(UserFactory)
    number = factory.Sequence(lambda n: n + 1)
    status = Participant.Status.CONSENTED
    consent_version = factory.LazyAttribute(
        lambda o: o.study.consent_versions.order_by("-number").first())


class InstrumentFactory(factory.django.DjangoModelFactory[Instrument]):
    class Meta:
        model = Instrument

    study = factory.SubFactory(StudyFactory)
    number = factory.Sequence(lambda n: n + 1)
    kind = Instrument.Kind.INTERVIEW
    title = factory.Sequence(lambda n: f"Instrument {n}")


class SourceFactory(factory.django.DjangoModelFactory[Source]):
    class Meta:
        model = Source

    participant = factory.SubFactory(ParticipantFactory)
    study = factory.LazyAttribute(lambda o: o.participant.study)
    instrument = factory.SubFactory(InstrumentFactory,
                                    study=factory.SelfAttribute("..study"))
    kind = factory.LazyAttribute(lambda o: o.instrument.kind if o.instrument else "imported")
    title = factory.Sequence(lambda n: f"Source {n}")
    text = "I tried the jigsaw task from the forum with my trainees. It worked well."


class ThemeFactory(factory.django.DjangoModelFactory[Theme]):
    class Meta:
        model = Theme

    study = factory.SubFactory(StudyFactory)
    name = factory.Sequence(lambda n: f"Theme {n}")


class PassageFactory(factory.django.DjangoModelFactory[Passage]):
    class Meta:
        model = Passage

    source = factory.SubFactory(SourceFactory)
    start = 0
    end = 10


class CodingFactory(factory.django.DjangoModelFactory[Coding]):
    class Meta:
        model = Coding

    passage = factory.SubFactory(PassageFactory)
    theme = factory.SubFactory(ThemeFactory, study=factory.SelfAttribute("..passage.source.study"))
    coder = factory.SubFactory(UserFactory)
