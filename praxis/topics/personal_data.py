"""What topics keeps about a person: the topics they proposed, supported and facilitate
(``core.personal_data``), and what goes of it when they erase their account
(``accounts.hooks.account_erased``). Registered in ``TopicsConfig.ready``."""

from collections.abc import Iterator

from django.utils.translation import gettext_lazy as _

from praxis.accounts.hooks import Erasure
from praxis.accounts.models import User
from praxis.core.personal_data import Absolute, Field, Row, Section
from praxis.topics.models import ProposalSupport, Topic, TopicProposal


def _proposals(user: User, absolute: Absolute) -> Iterator[Row]:
    proposals = (TopicProposal.objects.filter(proposed_by=user).select_related("community")
                 .order_by("created_at", "pk"))
    for proposal in proposals.iterator(chunk_size=500):
        yield {
            "kind": str(_("proposed by you")), "title": proposal.title,
            "url": absolute(proposal.get_absolute_url()),
            "community": proposal.community.name, "rationale": proposal.rationale,
            "suggested_facilitator": proposal.suggested_facilitator,
            "suggested_days": proposal.suggested_days, "status": proposal.status,
            "status_name": proposal.get_status_display(), "created_at": proposal.created_at,
        }
    supports = (ProposalSupport.objects.filter(user=user)
                .select_related("proposal__community").order_by("created_at", "pk"))
    for support in supports.iterator(chunk_size=500):
        yield {
            "kind": str(_("supported by you")), "title": support.proposal.title,
            "url": absolute(support.proposal.get_absolute_url()),
            "community": support.proposal.community.name, "created_at": support.created_at,
        }


PROPOSALS = Section(
    key="topic_proposals", order=30,
    title=_("Topics you proposed or supported"),
    fields=(
        Field("kind", _("kind")), Field("title", _("title")), Field("url", _("address"), "link"),
        Field("community", _("community")),
        Field("rationale", _("why it matters in your practice"), "long"),
        Field("suggested_facilitator", _("suggested facilitator")),
        Field("suggested_days", _("suggested length in days")), Field("status", _("status")),
        Field("status_name", _("status (name)")), Field("created_at", _("when"), "when"),
    ),
    rows=_proposals,
    purpose=_("To let members suggest what the community learns next, and stewards decide."),
    retention=_("Until you erase your account (then kept or removed, as your posts)."),
    seen_by=_("The community's members."),
)


def _facilitated(user: User, absolute: Absolute) -> Iterator[Row]:
    topics = (Topic.objects.filter(facilitators=user).select_related("community")
              .order_by("starts_at", "pk"))
    for topic in topics.iterator(chunk_size=500):
        yield {"title": topic.title, "url": absolute(topic.get_absolute_url()),
               "community": topic.community.name, "starts_at": topic.starts_at,
               "ends_at": topic.ends_at}


FACILITATED = Section(
    key="topics_facilitated", order=31,
    title=_("Topics you facilitate"),
    fields=(
        Field("title", _("title")), Field("url", _("address"), "link"),
        Field("community", _("community")), Field("starts_at", _("starts"), "when"),
        Field("ends_at", _("ends"), "when"),
    ),
    rows=_facilitated,
    purpose=_("To show members who runs a topic, and let facilitators run it."),
    retention=_("Until you erase your account."),
    seen_by=_("Whoever may read the community."),
)

SECTIONS = (PROPOSALS, FACILITATED)


def forget_erased_member(erasure: Erasure) -> None:
    """Registered on ``accounts.hooks.account_erased``: the person no longer facilitates any
    topic and supports no proposal. Their proposals follow their choice for their posts:
    kept (signed "Former member"), or removed; a proposal that became a topic stays, as the
    topic's origin, with its rationale erased."""
    user = erasure.user
    ProposalSupport.objects.filter(user=user).delete()
    for topic in Topic.objects.filter(facilitators=user):
        topic.facilitators.remove(user)
    if not erasure.keep_posts:
        proposals = TopicProposal.objects.filter(proposed_by=user)
        proposals.filter(topic__isnull=False).update(rationale="", suggested_facilitator="")
        proposals.filter(topic__isnull=True).delete()
