"""Impact research: studies, consent, participants, instruments, sources and their coding.

Everything of a member's that a study holds hangs from their ``Participant`` row, so that
withdrawal and the retention date erase it by deleting below one row. Nothing outside
``praxis.research.queries`` decides what a study may show: it shows the data of participants
with current consent only (``Participant.objects.consenting``).
"""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from praxis.communities.models import Membership


class Researcher(models.Model):
    """A member a steward has made a researcher of the community: they run its studies."""

    community = models.ForeignKey("communities.Community", on_delete=models.CASCADE,
                                  related_name="researchers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="research_roles")
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, related_name="+")
    granted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("researcher")
        verbose_name_plural = _("researchers")
        constraints = [models.UniqueConstraint(fields=["community", "user"],
                                               name="one_research_role_per_person")]

    def __str__(self) -> str:
        return f"{self.user_id} researches {self.community_id}"


class Study(models.Model):
    """One impact study of a community: its questions, ethics, consent and the data of the
    members who agreed to take part."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed: no new data")
        ERASED = "erased", _("Personal data erased")

    community = models.ForeignKey("communities.Community", on_delete=models.CASCADE,
                                  related_name="studies")
    slug = models.SlugField(_("short name"), max_length=60, unique=True,
                            help_text=_("Used in links and commands, e.g. cop-impact-2026."))
    title = models.CharField(_("title"), max_length=200)
    research_questions = models.TextField(_("research questions"), max_length=5000,
                                          help_text=_("One per line."))
    ethics_reference = models.CharField(_("ethics approval reference"), max_length=120,
                                        blank=True)
    retain_until = models.DateField(
        _("keep personal data until"),
        help_text=_("On this date every participant's data in the study is erased."))
    code_prefix = models.CharField(
        _("participant code prefix"), max_length=8, default="TT",
        help_text=_("Participants are cited as TT1, TT2 ... with the prefix TT."))
    status = models.CharField(max_length=6, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    erased_at = models.DateTimeField(null=True, blank=True)
    # The REFI-QDA project's GUID: a re-export of the same study is the same project.
    guid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        verbose_name = _("study")
        verbose_name_plural = _("studies")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("research:study", args=[self.community.slug, self.slug])

    @property
    def questions(self) -> list[str]:
        return [line.strip() for line in self.research_questions.splitlines() if line.strip()]


class ConsentVersion(models.Model):
    """The consent text as participants read it. A text someone agreed to is never changed:
    a change is a new version, and everyone is asked again."""

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="consent_versions")
    number = models.PositiveSmallIntegerField()
    text = models.TextField(_("consent text"), max_length=20000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["study", "-number"]
        constraints = [models.UniqueConstraint(fields=["study", "number"],
                                               name="one_consent_version_number")]

    def __str__(self) -> str:
        return f"{self.study_id} consent v{self.number}"


class ParticipantQuerySet(models.QuerySet["Participant"]):
    def consenting(self) -> "ParticipantQuerySet":
        """Participants whose data a study may show: consent given to the study's current
        consent text and not withdrawn."""
        latest = ConsentVersion.objects.filter(study=models.OuterRef("study")).order_by(
            "-number").values("pk")[:1]
        return self.filter(status=Participant.Status.CONSENTED,
                           consent_version=models.Subquery(latest))


class Participant(models.Model):
    """A member invited to a study, known in it only by their code (TT3)."""

    class Status(models.TextChoices):
        INVITED = "invited", _("Invited")
        CONSENTED = "consented", _("Taking part")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="participants")
    # Empty once the study's personal data is erased or the member erased their account:
    # the code stays so that no code is given twice.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                             related_name="study_participations")
    number = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.INVITED)
    consent_version = models.ForeignKey(ConsentVersion, on_delete=models.RESTRICT, null=True,
                                        blank=True, related_name="+")
    invited_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)
    # Case variables, taken when consent is given (a tier may change later; the study
    # reports who they were when it ran).
    tier = models.CharField(max_length=16, blank=True)
    cohort = models.CharField(max_length=160, blank=True)
    guid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        ordering = ["study", "number"]
        constraints = [
            models.UniqueConstraint(fields=["study", "number"], name="one_code_per_participant"),
            models.UniqueConstraint(fields=["study", "user"], name="one_participation_each"),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def code(self) -> str:
        return f"{self.study.code_prefix}{self.number}"

    @property
    def tier_label(self) -> str:
        return str(Membership.Tier(self.tier).label) if self.tier else ""


class SampleDraw(models.Model):
    """A reproducible sample: the criteria, window and seed, and the list they gave, kept so
    that anyone can recompute it (``sample_participants`` prints the same list)."""

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="samples")
    measure = models.CharField(max_length=24)
    since = models.DateField()
    until = models.DateField()
    top = models.PositiveSmallIntegerField()
    pick = models.PositiveSmallIntegerField()
    seed = models.BigIntegerField()
    stratify_by = models.CharField(max_length=8, blank=True)  # "", "tier" or "cohort"
    # [{"user": id, "rank": 1, "value": 41, "stratum": "", "picked": true}, ...]; emptied
    # with the study's personal data.
    ranking = models.JSONField(default=list)
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                 null=True, related_name="+")
    drawn_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["study", "-drawn_at"]


class Instrument(models.Model):
    """A numbered way of collecting data (Questionnaire 1, the interview 3, community posts
    4): the number is what a citation (TT3:2) names."""

    class Kind(models.TextChoices):
        QUESTIONNAIRE = "questionnaire", _("Questionnaire")
        INTERVIEW = "interview", _("Interview")
        COMMUNITY = "community", _("Community data")

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="instruments")
    number = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=13, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    introduction = models.TextField(_("introduction"), blank=True, max_length=5000)
    # A questionnaire goes to participants once sent; answers are accepted until closed.
    sent_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Community data: the window of what is gathered.
    since = models.DateField(null=True, blank=True)
    until = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["study", "number"]
        constraints = [models.UniqueConstraint(fields=["study", "number"],
                                               name="one_instrument_number")]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class Question(models.Model):
    """A question of a questionnaire or of an interview schedule, numbered by position. A
    follow-up asked of one participant only names them."""

    class Kind(models.TextChoices):
        TEXT = "text", _("Open text")
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple choice")
        LIKERT = "likert", _("Likert scale")
        ORDERING = "ordering", _("Put in order")

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE,
                                   related_name="questions")
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.TEXT)
    prompt = models.TextField(_("question"), max_length=2000)
    # Choices, scale labels or the items to order: one per line.
    options = models.TextField(_("options"), blank=True, max_length=4000)
    required = models.BooleanField(_("an answer is required"), default=False)
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, null=True,
                                    blank=True, related_name="follow_up_questions")

    class Meta:
        ordering = ["instrument", "position", "pk"]

    def __str__(self) -> str:
        return self.prompt[:60]

    @property
    def option_list(self) -> list[str]:
        return [line.strip() for line in self.options.splitlines() if line.strip()]


class Response(models.Model):
    """A participant's answers to one questionnaire, saved as they go, submitted once."""

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE,
                                   related_name="responses")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE,
                                    related_name="responses")
    started_at = models.DateTimeField(default=timezone.now)
    saved_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["instrument", "participant"],
                                               name="one_response_each")]


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    text = models.TextField(blank=True, max_length=20000)
    # Chosen options (their text) in order: for choices, a scale point or an ordering.
    choices = models.JSONField(default=list)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["response", "question"],
                                               name="one_answer_per_question")]


def audio_path(instance: "Source", filename: str) -> str:
    return f"research/{instance.study_id}/{uuid.uuid4().hex}/{filename}"


class Source(models.Model):
    """A text of one participant that the study codes: a submitted questionnaire, an
    interview transcript, or a copy of a post, plan, shared diary entry or story.
    Coding offsets count Unicode code points of ``text`` (as REFI-QDA does), so the text
    never changes once a passage is coded."""

    class Kind(models.TextChoices):
        QUESTIONNAIRE = "questionnaire", _("Questionnaire answers")
        INTERVIEW = "interview", _("Interview transcript")
        POST = "post", _("Forum post")
        PLAN = "plan", _("Session plan")
        DIARY = "diary", _("Diary entry")
        STORY = "story", _("Value story")
        IMPORTED = "imported", _("Imported document")

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE,
                                    related_name="sources", null=True, blank=True)
    # Sources always belong to a study; participant is empty only for an imported text no
    # case claimed.
    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="sources")
    instrument = models.ForeignKey(Instrument, on_delete=models.RESTRICT, null=True,
                                   blank=True, related_name="sources")
    kind = models.CharField(max_length=13, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300)
    text = models.TextField(_("text"), max_length=500000)
    # Where a copy came from, so that adding the same post twice adds it once.
    origin_id = models.PositiveBigIntegerField(null=True, blank=True)
    # A shared diary entry stays in the study only while its author shares it.
    journal_entry = models.ForeignKey("practice.JournalEntry", on_delete=models.CASCADE,
                                      null=True, blank=True, related_name="+")
    audio = models.FileField(_("audio recording"), upload_to=audio_path, blank=True,
                             max_length=300)
    created_at = models.DateTimeField(default=timezone.now)
    guid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        ordering = ["study", "participant", "instrument", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["study", "kind", "origin_id"],
                                    condition=models.Q(origin_id__isnull=False),
                                    name="one_copy_per_origin"),
            models.UniqueConstraint(fields=["instrument", "participant"],
                                    condition=models.Q(kind__in=["questionnaire", "interview"]),
                                    name="one_transcript_per_instrument"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("research:source",
                       args=[self.study.community.slug, self.study.slug, self.pk])


class Theme(models.Model):
    """A code of the study's codebook: deductive (from the literature) or inductive (emerged
    from the data), nested under a parent theme or not."""

    class Origin(models.TextChoices):
        DEDUCTIVE = "deductive", _("Deductive: from the literature")
        INDUCTIVE = "inductive", _("Inductive: emerged from the data")

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="themes")
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True,
                               related_name="children", verbose_name=_("part of"))
    name = models.CharField(_("name"), max_length=200)
    origin = models.CharField(_("origin"), max_length=9, choices=Origin.choices,
                              default=Origin.INDUCTIVE)
    reference = models.CharField(_("reference"), max_length=500, blank=True,
                                 help_text=_("Where a deductive theme comes from, e.g. "
                                             "Wick (2000)."))
    definition = models.TextField(_("definition"), blank=True, max_length=5000)
    colour = models.CharField(_("colour"), max_length=7, default="#1f6f8b")
    memo = models.TextField(_("memo"), blank=True, max_length=20000)
    position = models.PositiveIntegerField(default=0)
    guid = models.UUIDField(default=uuid.uuid4, editable=False)

    class Meta:
        ordering = ["study", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["study", "guid"], name="one_theme_guid"),
            models.CheckConstraint(condition=models.Q(colour__regex=r"^#[0-9a-fA-F]{6}$"),
                                   name="theme_colour_is_hex"),
        ]

    def __str__(self) -> str:
        return self.name


class Passage(models.Model):
    """A span of a source, from ``start`` to ``end`` (code points, end exclusive)."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="passages")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    memo = models.TextField(_("memo"), blank=True, max_length=20000)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    guid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        ordering = ["source", "start", "end"]
        constraints = [
            models.UniqueConstraint(fields=["source", "start", "end"], name="one_passage_per_span"),
            models.CheckConstraint(condition=models.Q(end__gt=models.F("start")),
                                   name="passage_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.source_id}[{self.start}:{self.end}]"

    @property
    def quote(self) -> str:
        return self.source.text[self.start:self.end]


class Coding(models.Model):
    """One coder's code on one passage. Coders code apart; agreement compares them."""

    passage = models.ForeignKey(Passage, on_delete=models.CASCADE, related_name="codings")
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="codings")
    # Empty for coding imported from another tool (its coder's name is kept) or once the
    # coder erased their account.
    coder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                              blank=True, related_name="research_codings")
    coder_name = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    guid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["passage", "theme", "coder"],
                                               name="one_coding_per_coder")]
