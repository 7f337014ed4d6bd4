"""The security audit log in the back office: site admins read it; nobody edits it, and
nobody deletes from it by hand (the worker forgets events after PRAXIS_AUDIT_DAYS)."""

from django.contrib import admin
from django.http import HttpRequest

from praxis.core.models import AuditEvent
from praxis.site.admin.notifications import SiteAdminLog


@admin.register(AuditEvent)
class AuditEventAdmin(SiteAdminLog):
    list_display = ["created_at", "kind", "actor", "subject", "address"]
    list_filter = ["kind"]
    search_fields = ["subject", "address", "actor__email"]
    date_hierarchy = "created_at"
    list_select_related = ["actor"]

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
