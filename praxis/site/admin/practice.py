"""Practice in the back office: session plans, their versions, feedback requests and feedback,
to look things up (they are written on the community's pages, where the rules are kept).

The reflection diary is not here, nor are critical friendships: a private entry is its
author's alone, and the back office asks no door (decision 42). A diary entry is also named
without its title wherever Django lists objects (``JournalEntry.__str__``), so the "what else
is deleted" page of a community or an account shows none of it either."""

from django.contrib import admin

from praxis.practice.models import Feedback, FeedbackRequest, PlanVersion, SessionPlan
from praxis.site.admin.communities import ReadOnlyStewardAdmin


@admin.register(SessionPlan)
class SessionPlanAdmin(ReadOnlyStewardAdmin):
    superusers_may_delete = True
    list_display = ["title", "community", "author", "created_at", "updated_at"]
    # Only communities with plans in this (steward-scoped) list: a private community the
    # steward does not run is not named in the sidebar.
    list_filter = [("community", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["title"]
    list_select_related = ["community", "author"]


@admin.register(PlanVersion)
class PlanVersionAdmin(ReadOnlyStewardAdmin):
    community_path = "plan__community"
    list_display = ["title", "number", "plan", "created_at"]
    search_fields = ["title", "plan__title"]
    list_select_related = ["plan"]
    exclude = ["answers"]


@admin.register(FeedbackRequest)
class FeedbackRequestAdmin(ReadOnlyStewardAdmin):
    community_path = "version__plan__community"
    list_display = ["version", "audience", "asked_by", "created_at", "closed_at"]
    list_filter = ["audience"]
    list_select_related = ["version", "asked_by"]
    exclude = ["asked"]


@admin.register(Feedback)
class FeedbackAdmin(ReadOnlyStewardAdmin):
    superusers_may_delete = True
    community_path = "version__plan__community"
    list_display = ["version", "author", "source", "created_at", "acted_on_at"]
    list_filter = ["source"]
    list_select_related = ["version", "author"]
