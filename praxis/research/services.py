"""Running a study: the researcher role, studies and their consent text, invitations and
consent, withdrawal and the retention date, and the community data a study gathers.

Consent is the rule everything here keeps: a participant's data enters a study only while
they consent to its current text, and withdrawal or the retention date erases it (the
participant row stays, with its code, so that no code is given twice)."""

from collections.abc import Iterable
from datetime import date, datetime, time

from django.db import transaction
from django.db.models import F, Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from praxis.accounts.models import AnyUser, User
from praxis.communities.models import Community, Membership
from praxis.core import audit
from praxis.core.email import absolute_url, send_notice
from praxis.discussions.models import Post
from praxis.impact.models import ValueStory
from praxis.practice.models import JournalEntry, SessionPlan
from praxis.research.models import (
    ConsentVersion,
    Instrument,
    Participant,
    Question,
    Researcher,
    Response,
    SampleDraw,
    Source,
    Study,
)
from praxis.research.pseudonyms import pseudonymise
from praxis.research.queries import is_consenting

# Addresses of the research area that a study's short name would hide.
RESERVED_SLUGS = {"new", "researchers"}


class ResearchRuleError(ValueError):
    """A request the study's rules refuse; the message says why, to the person asking."""


# --- the researcher role ---------------------------------------------------------------

@transaction.atomic
def grant_researcher(*, community: Community, user: User, granted_by: User) -> Researcher:
    """Makes a member a researcher of the community (again: nothing changes)."""
    if not Membership.objects.filter(community=community, user=user).exists():
        raise ResearchRuleError(_("Only members of the community can be its researchers."))
    role, created = Researcher.objects.get_or_create(
        community=community, user=user, defaults={"granted_by": granted_by})
    if created:
        audit.record(audit.Kind.ROLE_CHANGED, actor=granted_by,
                     subject=f"{user.email}: researcher in {community.slug}")
    return role


@transaction.atomic
def revoke_researcher(*, community: Community, user: User, revoked_by: User) -> None:
    if Researcher.objects.filter(community=community, user=user).delete()[0]:
        audit.record(audit.Kind.ROLE_CHANGED, actor=revoked_by,
                     subject=f"{user.email}: no longer researcher in {community.slug}")


def record_export(*, study: Study, user: AnyUser, file_name: str) -> None:
    """Writes to the security log that someone took a file of a study's data."""
    audit.record(audit.Kind.EXPORT, actor=user if user.is_authenticated else None,
                 subject=f"research study {study.slug}: {file_name}")


# --- studies and consent -----------------------------------------------------------------

@transaction.atomic
def create_study(*, community: Community, created_by: User, title: str, slug: str,
                 research_questions: str, ethics_reference: str, retain_until: date,
                 code_prefix: str, consent_text: str) -> Study:
    """A new study with the first version of its consent text."""
    if retain_until <= timezone.localdate():
        raise ResearchRuleError(_("The date to keep personal data until must be in the "
                                  "future."))
    if slug in RESERVED_SLUGS or Study.objects.filter(slug=slug).exists():
        raise ResearchRuleError(_("Another study already has this short name."))
    study = Study.objects.create(
        community=community, created_by=created_by, title=title.strip(), slug=slug,
        research_questions=research_questions.strip(), ethics_reference=ethics_reference,
        retain_until=retain_until, code_prefix=code_prefix.strip())
    ConsentVersion.objects.create(study=study, number=1, text=consent_text.strip())
    return study


def current_consent(study: Study) -> ConsentVersion:
    version = study.consent_versions.order_by("-number").first()
    assert version is not None, "every study is created with a consent text"
    return version


@transaction.atomic
def update_study(*, study: Study, title: str, research_questions: str,
                 ethics_reference: str, retain_until: date, code_prefix: str) -> Study:
    """Changes a study's description. The code prefix changes every citation, so it is
    fixed once anyone has consented."""
    study = Study.objects.select_for_update().get(pk=study.pk)
    code_prefix = code_prefix.strip()
    if (code_prefix != study.code_prefix
            and study.participants.exclude(consent_version=None).exists()):
        raise ResearchRuleError(_("Participants are already cited by their codes: the code "
                                  "prefix can no longer change."))
    study.title, study.research_questions = title.strip(), research_questions.strip()
    study.ethics_reference, study.retain_until = ethics_reference, retain_until
    study.code_prefix = code_prefix
    study.save()
    return study


@transaction.atomic
def revise_consent(*, study: Study, text: str, site_url: str | None = None) -> ConsentVersion:
    """Changes the consent text. A text nobody agreed to yet is corrected in place; once
    someone has agreed, the change is a new version: everyone who consented is asked again
    (by email), and their data is out of the study until they agree to the new text."""
    study = Study.objects.select_for_update().get(pk=study.pk)
    text = text.strip()
    version = current_consent(study)
    if text == version.text:
        return version
    if not Participant.objects.filter(consent_version=version).exists():
        version.text = text
        version.save(update_fields=["text"])
        return version
    version = ConsentVersion.objects.create(study=study, number=version.number + 1, text=text)
    asked_again = Participant.objects.filter(study=study, status=Participant.Status.CONSENTED)
    for participant in asked_again.select_related("user"):
        if participant.user is not None:
            _ask_for_consent(participant, site_url, again=True)
    asked_again.update(status=Participant.Status.INVITED, answered_at=None)
    return version


def _invitation_link(participant: Participant, site_url: str | None) -> str:
    study = participant.study
    return absolute_url(site_url, reverse("research:participation",
                                          args=[study.community.slug, study.slug]))


def _ask_for_consent(participant: Participant, site_url: str | None, *, again: bool) -> None:
    assert participant.user is not None
    send_notice(
        to=participant.user,
        subject_template="research/email/invitation_subject.txt",
        body_template="research/email/invitation.txt",
        context={"study": participant.study, "community": participant.study.community,
                 "recipient": participant.user, "again": again,
                 "link": _invitation_link(participant, site_url)},
    )


@transaction.atomic
def invite_participants(*, study: Study, users: Iterable[User], invited_by: User,
                        site_url: str | None = None) -> list[Participant]:
    """Invites members to take part, each by email and on their participation page; each
    gets the next code. People already invited (whatever they answered) are skipped, and so
    is anyone no longer a member."""
    study = Study.objects.select_for_update().get(pk=study.pk)
    if study.status != Study.Status.OPEN:
        raise ResearchRuleError(_("This study is closed: it invites no one."))
    already = set(study.participants.exclude(user=None).values_list("user_id", flat=True))
    members = set(Membership.objects.filter(community=study.community)
                  .values_list("user_id", flat=True))
    number = study.participants.aggregate(last=Max("number"))["last"] or 0
    invited = []
    for user in users:
        if user.pk in already or user.pk not in members:
            continue
        number += 1
        already.add(user.pk)
        participant = Participant.objects.create(study=study, user=user, number=number)
        _ask_for_consent(participant, site_url, again=False)
        invited.append(participant)
    return invited


def _case_variables(participant: Participant) -> tuple[str, str]:
    study = participant.study
    assert participant.user_id is not None
    membership = Membership.objects.filter(community=study.community,
                                           user_id=participant.user_id).first()
    cohort = (study.community.cohorts.filter(members__id=participant.user_id)
              .order_by(F("year").asc(nulls_last=True), "name").values_list("name", flat=True)
              .first())
    return (membership.tier if membership else ""), (cohort or "")


@transaction.atomic
def answer_invitation(*, participant: Participant, consent: bool,
                      consent_version: int) -> Participant:
    """The member gives or declines consent to the text they read (``consent_version``:
    the version shown to them; a text changed meanwhile must be read again)."""
    participant = Participant.objects.select_for_update().select_related("study").get(
        pk=participant.pk)
    study = participant.study
    if study.status == Study.Status.ERASED:
        raise ResearchRuleError(_("This study has ended."))
    version = current_consent(study)
    if consent_version != version.number:
        raise ResearchRuleError(_("The consent text changed while you were reading it. "
                                  "Please read it again."))
    participant.answered_at = timezone.now()
    if consent:
        if study.status != Study.Status.OPEN:
            raise ResearchRuleError(_("This study is closed: it takes no new participants."))
        participant.status = Participant.Status.CONSENTED
        participant.consent_version = version
        participant.tier, participant.cohort = _case_variables(participant)
    else:
        if participant.status == Participant.Status.CONSENTED:
            raise ResearchRuleError(_("You take part already: to stop, withdraw."))
        participant.status = Participant.Status.DECLINED
    participant.save()
    return participant


def erase_data_of(participants: Iterable[Participant]) -> None:
    """Deletes all a study holds of these participants: their sources with every passage
    and coding, their answers, the follow-up questions asked of them, their recordings."""
    ids = [participant.pk for participant in participants]
    sources = Source.objects.filter(participant_id__in=ids)
    recordings = [name for name in sources.exclude(audio="").values_list("audio", flat=True)]
    sources.delete()
    Response.objects.filter(participant_id__in=ids).delete()
    Question.objects.filter(participant_id__in=ids).delete()
    _delete_files_on_commit(recordings)


def _delete_files_on_commit(names: list[str]) -> None:
    if not names:
        return
    storage = Source._meta.get_field("audio").storage  # type: ignore[attr-defined]

    def delete() -> None:
        for name in names:
            storage.delete(name)

    transaction.on_commit(delete)


@transaction.atomic
def withdraw(*, participant: Participant) -> Participant:
    """The participant stops taking part: everything of theirs leaves the study, from every
    page and export, now. Their code is not given to anyone else."""
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    if participant.status != Participant.Status.CONSENTED:
        raise ResearchRuleError(_("You are not taking part in this study."))
    erase_data_of([participant])
    participant.status = Participant.Status.WITHDRAWN
    participant.answered_at = timezone.now()
    participant.tier = participant.cohort = ""
    participant.save()
    return participant


@transaction.atomic
def erase_personal_data(*, study: Study) -> Study:
    """The retention date: erases every participant's data and who they were; the study
    keeps its description, codebook and instruments (no one's data), and the sampling
    criteria without the list."""
    study = Study.objects.select_for_update().get(pk=study.pk)
    participants = list(study.participants.all())
    erase_data_of(participants)
    imported = Source.objects.filter(study=study)
    _delete_files_on_commit(list(imported.exclude(audio="").values_list("audio", flat=True)))
    imported.delete()
    study.participants.update(user=None, tier="", cohort="")
    SampleDraw.objects.filter(study=study).update(ranking=[])
    study.status = Study.Status.ERASED
    study.erased_at = timezone.now()
    study.save(update_fields=["status", "erased_at"])
    return study


def erase_expired_studies(*, today: date | None = None) -> list[Study]:
    """Erases the personal data of every study whose retention date has come."""
    today = today or timezone.localdate()
    due = Study.objects.filter(retain_until__lte=today).exclude(status=Study.Status.ERASED)
    return [erase_personal_data(study=study) for study in due]


def erase_expired_now() -> None:
    """The worker's round: the retention dates that have come."""
    erase_expired_studies()


@transaction.atomic
def close_study(*, study: Study) -> Study:
    """No new data: no invitations, no new consent, no answers."""
    Study.objects.filter(pk=study.pk, status=Study.Status.OPEN).update(
        status=Study.Status.CLOSED)
    study.refresh_from_db()
    return study


# --- community data as sources -------------------------------------------------------------

def _window(since: date, until: date) -> tuple[datetime, datetime]:
    zone = timezone.get_current_timezone()
    return (datetime.combine(since, time.min, zone),
            datetime.combine(until, time.max, zone))


def _plan_text(plan: SessionPlan) -> str:
    version = plan.versions.order_by("-number").first()
    if version is None:
        return plan.title
    lines = [version.title, "", version.aims]
    for stage in version.stages.all():
        lines += ["", f"{stage.position}. ({_('%(minutes)s min') % {'minutes': stage.minutes}}) "
                       f"{stage.activity}"]
        if stage.materials:
            lines.append(stage.materials)
    return "\n".join(lines).strip()


def _story_text(story: ValueStory) -> str:
    parts = [story.title, story.immediate, story.potential, story.applied, story.realised,
             story.reframing]
    return "\n\n".join(part.strip() for part in parts if part.strip())


def diary_text(entry: JournalEntry) -> str:
    parts = [entry.title] + [str(value) for value in entry.parts.values()]
    return "\n\n".join(part.strip() for part in parts if part and part.strip())


@transaction.atomic
def create_community_instrument(*, study: Study, title: str, since: date,
                                until: date) -> Instrument:
    """A numbered instrument for community data: what participants wrote in a window."""
    if since > until:
        raise ResearchRuleError(_("The window must start before it ends."))
    number = (study.instruments.aggregate(last=Max("number"))["last"] or 0) + 1
    return Instrument.objects.create(study=study, number=number, title=title.strip(),
                                     kind=Instrument.Kind.COMMUNITY, since=since, until=until)


@transaction.atomic
def gather_community_data(*, instrument: Instrument) -> int:
    """Copies into the study, as sources, what each consenting participant wrote in the
    community in the instrument's window: their posts (not hidden), their session plans and
    the value stories they told to the community or its leaders (never a private one or a
    draft). Names of participants in the texts become their codes. Gathering again adds
    only what is new. Returns how many sources were added."""
    study = instrument.study
    if instrument.kind != Instrument.Kind.COMMUNITY or not (instrument.since
                                                             and instrument.until):
        raise ResearchRuleError(_("Only a community data instrument gathers community data."))
    start, end = _window(instrument.since, instrument.until)
    participants = {p.user_id: p for p in Participant.objects.consenting().filter(
        study=study).exclude(user=None)}
    names = participant_names(study, first_names=False)
    added = 0

    def add(participant: Participant, kind: str, origin_id: int, title: str,
            text: str) -> None:
        nonlocal added
        if not text.strip():
            return
        _source, created = Source.objects.get_or_create(
            study=study, kind=kind, origin_id=origin_id,
            defaults={"participant": participant, "instrument": instrument,
                      "title": f"{participant.code} - {title}"[:300],
                      "text": pseudonymise(text, names)})
        added += created

    posts = (Post.objects.filter(author_id__in=participants, is_hidden=False,
                                 thread__topic__community=study.community,
                                 created_at__range=(start, end))
             .select_related("thread").order_by("created_at"))
    for post in posts:
        add(participants[post.author_id], Source.Kind.POST, post.pk, post.thread.title,
            post.body)
    plans = SessionPlan.objects.filter(author_id__in=participants, community=study.community,
                                       created_at__range=(start, end))
    for plan in plans:
        add(participants[plan.author_id], Source.Kind.PLAN, plan.pk, plan.title,
            _plan_text(plan))
    stories = ValueStory.objects.filter(
        author_id__in=participants, community=study.community,
        status=ValueStory.Status.TOLD, told_at__range=(start, end),
        visibility__in=[ValueStory.Visibility.COMMUNITY, ValueStory.Visibility.LEADERS])
    for story in stories:
        add(participants[story.author_id], Source.Kind.STORY, story.pk,
            story.title or _("Value story"), _story_text(story))
    return added


def participant_names(study: Study, *, first_names: bool = True) -> dict[str, str]:
    """Every participant's name in the study with their code: the display name, and (with
    ``first_names``) the first name alone where no other participant shares it. Texts copied
    without a researcher reading them use full names only: a first name there may be
    someone else's."""
    participants = list(Participant.objects.filter(study=study, user__isnull=False)
                        .select_related("user", "study"))
    names: dict[str, str] = {}
    by_first: dict[str, list[tuple[str, str]]] = {}  # first name folded: [(first, code)]
    for participant in participants:
        assert participant.user is not None
        full = " ".join(participant.user.display_name.split())
        if not full:
            continue
        names[full] = participant.code
        first = full.split()[0]
        if first_names and first != full and len(first) > 1:
            by_first.setdefault(first.casefold(), []).append((first, participant.code))
    for found in by_first.values():
        if len({code for _first, code in found}) == 1:
            names.setdefault(found[0][0], found[0][1])
    return names


def shareable_diary_entries(participant: Participant) -> list[JournalEntry]:
    """The participant's diary entries they may share with the study: those they already
    share with friends or the community (a private entry stays private)."""
    return list(JournalEntry.objects.filter(
        author_id=participant.user_id, community=participant.study.community).exclude(
        visibility=JournalEntry.Visibility.PRIVATE).order_by("-written_on", "-pk"))


@transaction.atomic
def share_diary_entries(*, participant: Participant, entry_ids: Iterable[int]) -> None:
    """The participant chooses which diary entries the study may use: the ones chosen are
    copied in (to the study's latest community data instrument), the ones unchosen leave."""
    if not is_consenting(participant):
        raise ResearchRuleError(_("Only participants who take part share diary entries."))
    study = participant.study
    allowed = {entry.pk: entry for entry in shareable_diary_entries(participant)}
    wanted = {pk for pk in entry_ids if pk in allowed}
    shared = Source.objects.filter(participant=participant, kind=Source.Kind.DIARY)
    shared.exclude(origin_id__in=wanted).delete()
    instrument = study.instruments.filter(kind=Instrument.Kind.COMMUNITY).order_by(
        "-number").first()
    have = set(shared.values_list("origin_id", flat=True))
    for pk in sorted(wanted - have):
        entry = allowed[pk]
        Source.objects.create(
            study=study, participant=participant, instrument=instrument,
            kind=Source.Kind.DIARY, origin_id=pk, journal_entry=entry,
            title=f"{participant.code} - {entry.title or _('Diary entry')}"[:300],
            text=pseudonymise(diary_text(entry), participant_names(study, first_names=False)))
