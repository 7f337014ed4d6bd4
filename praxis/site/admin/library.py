"""The library in the stewards' back office. Files come in through the site's forms, which
check them by content; here a steward may correct a title or citation."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from praxis.library.models import Resource
from praxis.site.admin.communities import StewardScopedAdmin


@admin.register(Resource)
class ResourceAdmin(StewardScopedAdmin):
    list_display = ["title", "community", "kind", "original_name", "size", "created_at"]
    list_filter = ["kind", "community"]
    search_fields = ["title", "citation", "url", "original_name"]
    list_select_related = ["community"]
    # The file itself is not linked: it is served only through the permission-checked pages.
    fields = ["community", "kind", "title", "citation", "url", "original_name",
              "content_type", "size", "added_by", "created_at"]
    readonly_fields = ["community", "kind", "url", "original_name", "content_type",
                       "size", "added_by", "created_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)
