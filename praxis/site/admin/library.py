"""The library in the stewards' back office. Files come in through the site's forms, which
check them by content; here a steward may correct a title or citation."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from praxis.library.models import Resource
from praxis.site.admin.communities import StewardScopedAdmin


@admin.register(Resource)
class ResourceAdmin(StewardScopedAdmin):
    list_display = ["title", "community", "kind", "year", "licence", "created_at"]
    # Only communities with resources in this (steward-scoped) list: a private community the
    # steward does not run is not named in the sidebar.
    list_filter = ["kind", "licence", ("community", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["title", "authors", "citation", "tag_names", "url", "original_name"]
    list_select_related = ["community"]
    # The file itself is not linked: it is served only through the permission-checked pages.
    # Tags are set on the site's form (one row per community); the reading log is not shown
    # here: who read what is counted on the pages, never listed by name.
    fields = ["community", "kind", "title", "work_type", "authors", "year", "source",
              "publisher", "volume", "issue", "pages", "doi", "licence", "citation",
              "tag_names", "url", "original_name", "content_type", "size", "added_by",
              "created_at"]
    readonly_fields = ["community", "kind", "tag_names", "url", "original_name",
                       "content_type", "size", "added_by", "created_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)
