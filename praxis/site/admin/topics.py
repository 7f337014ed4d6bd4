"""Topics in the stewards' back office: to look things up. Topics are created, scheduled,
closed and archived on the community's pages, where the rules (dates in order, question
threads opened, proposers told) are kept; here they are read-only."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from praxis.site.admin.communities import ReadOnlyStewardAdmin
from praxis.topics.models import ProposalSupport, Topic, TopicProposal


@admin.register(Topic)
class TopicAdmin(ReadOnlyStewardAdmin):
    # Deleting a topic deletes its threads and every post in them: site admins only.
    superusers_may_delete = True
    list_display = ["title", "community", "starts_at", "apply_from", "ends_at", "archived_at",
                    "synthesis_published_at"]
    list_filter = [("community", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["title", "summary", "synthesis"]
    date_hierarchy = "starts_at"
    list_select_related = ["community"]
    filter_horizontal = ["facilitators"]


class ProposalSupportInline(admin.TabularInline):
    model = ProposalSupport
    fields = ["user", "created_at"]
    readonly_fields = ["user", "created_at"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(TopicProposal)
class TopicProposalAdmin(ReadOnlyStewardAdmin):
    superusers_may_delete = True
    list_display = ["title", "community", "proposed_by", "status", "created_at", "decided_at"]
    list_filter = ["status", ("community", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["title", "rationale", "proposed_by__display_name", "proposed_by__email"]
    list_select_related = ["community", "proposed_by"]
    inlines = [ProposalSupportInline]
