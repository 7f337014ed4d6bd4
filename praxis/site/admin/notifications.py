"""The outbox and the inbound log in the back office: for site admins, read-only (they may
delete old rows)."""

from django.contrib import admin
from django.http import HttpRequest

from praxis.notifications.models import InboundEmail, OutboundEmail


class SiteAdminLog(admin.ModelAdmin):
    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return self.has_module_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(OutboundEmail)
class OutboundEmailAdmin(SiteAdminLog):
    list_display = ["created_at", "to_address", "kind", "subject", "status", "attempts"]
    list_filter = ["status", "kind"]
    search_fields = ["to_address", "subject"]
    date_hierarchy = "created_at"


@admin.register(InboundEmail)
class InboundEmailAdmin(SiteAdminLog):
    list_display = ["received_at", "sender", "channel", "outcome", "reason", "size"]
    list_filter = ["outcome", "reason", "channel"]
    search_fields = ["sender", "message_id"]
    date_hierarchy = "received_at"
