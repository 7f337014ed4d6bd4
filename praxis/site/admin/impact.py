"""Impact in the back office: value-creation stories and cascade events, read-only, to look
things up (they are written on the community's pages, where the rules are kept).

A story is shown by its facts only (community, status, who may read it, dates): never its
title, its words or its evidence, which may be private, its author's alone even for site
admins (as the reflection diary, decision 42). ``ValueStory.__str__`` names it by number, so
the "what else is deleted" page of a community or an account shows none of it either.
Promises and evidence are not here at all."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from praxis.impact.models import CascadeEvent, ValueStory
from praxis.site.admin.communities import ReadOnlyStewardAdmin

STORY_FACTS = ["community", "status", "visibility", "created_at", "updated_at", "told_at",
               "acknowledged_at"]


@admin.register(ValueStory)
class ValueStoryAdmin(ReadOnlyStewardAdmin):
    list_display = ["__str__", *STORY_FACTS]
    list_filter = ["status", "visibility", ("community", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["community"]
    fields = STORY_FACTS  # type: ignore[assignment]
    readonly_fields = STORY_FACTS
    # No search: it would match a private story's words.

    def get_search_results(self, request: HttpRequest, queryset: Any,
                           search_term: str) -> tuple[Any, bool]:
        return queryset, False


@admin.register(CascadeEvent)
class CascadeEventAdmin(ReadOnlyStewardAdmin):
    superusers_may_delete = True
    list_display = ["held_on", "kind", "audience", "people", "community", "trainer", "cohort"]
    list_filter = ["kind", "audience", ("community", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["community", "trainer", "cohort"]
    exclude = ["topics", "resources", "plan_versions"]
