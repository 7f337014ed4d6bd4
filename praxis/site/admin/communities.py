"""The stewards' back office: each steward sees and changes only the communities they run."""

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from praxis.access import stewarded_communities
from praxis.communities.forms import CommunityForm
from praxis.communities.models import Cohort, Community, Invitation, JoinRequest, Membership
from praxis.communities.services import CommunityRuleError, check_keeps_a_steward, role_change_words
from praxis.core import audit


class StewardScopedAdmin(admin.ModelAdmin):
    """Admin pages for stewards (staff accounts): rows limited to the communities they run.

    Site administrators (superusers) see everything. ``community_path`` names the lookup from
    the model to its community.
    """

    community_path = "community"

    def _is_steward(self, request: HttpRequest) -> bool:
        # Asked many times per admin page: decided once per request.
        cached = getattr(request, "_praxis_is_steward", None)
        if cached is None:
            cached = request.user.is_active and request.user.is_staff and (
                request.user.is_superuser or stewarded_communities(request.user).exists()
            )
            request._praxis_is_steward = cached  # type: ignore[attr-defined]
        return bool(cached)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        rows = super().get_queryset(request)
        if request.user.is_superuser:
            return rows
        return rows.filter(**{f"{self.community_path}__in": stewarded_communities(request.user)})

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._is_steward(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._is_steward(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._is_steward(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._is_steward(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._is_steward(request)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest,
                                 **kwargs: Any) -> Any:
        if db_field.name == "community" and not request.user.is_superuser:
            kwargs["queryset"] = stewarded_communities(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ReadOnlyStewardAdmin(StewardScopedAdmin):
    """Back-office pages to look things up: writes happen on the community's pages, where
    the rules are kept. ``superusers_may_delete`` lets site admins delete rows."""

    superusers_may_delete = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.superusers_may_delete and bool(request.user.is_superuser)


class MembershipAdminForm(forms.ModelForm):
    """The back office keeps the site's rule: a community always keeps a steward."""

    class Meta:
        model = Membership
        fields = ["community", "user", "role", "tier", "joined_at"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.instance.pk and "role" in cleaned:
            try:
                check_keeps_a_steward(membership=Membership.objects.get(pk=self.instance.pk),
                                      new_role=cleaned["role"])
            except CommunityRuleError as error:
                raise forms.ValidationError(str(error)) from error
        return cleaned


@admin.register(Community)
class CommunityAdmin(StewardScopedAdmin):
    community_path = "pk"
    form = CommunityForm  # the same slug rules as the site's own form
    list_display = ["name", "slug", "visibility", "join_policy", "created_at"]
    list_filter = ["visibility", "join_policy"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["created_at", "created_by"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        if request.user.is_superuser:
            return Community.objects.all()
        return stewarded_communities(request.user)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # Links to a community are out in the world once it exists: its slug stays.
        return [*self.readonly_fields, "slug"] if obj else self.readonly_fields

    def get_prepopulated_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return {} if obj else self.prepopulated_fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        # New communities come from the site's own page, which makes the creator a steward.
        return bool(request.user.is_superuser)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)


@admin.register(Membership)
class MembershipAdmin(StewardScopedAdmin):
    form = MembershipAdminForm
    list_display = ["user", "community", "role", "tier", "joined_at"]
    list_filter = ["role", "tier", ("community", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["user__email", "user__display_name", "community__name"]
    autocomplete_fields = ["user"]
    list_select_related = ["user", "community"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # Stewards change roles and tiers; they do not browse every account on the site.
        return [] if request.user.is_superuser else ["user", "community", "joined_at"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change and "role" in form.changed_data:
            before = Membership.objects.select_related("user", "community").get(pk=obj.pk)
            audit.record(audit.Kind.ROLE_CHANGED,
                         actor=request.user if request.user.is_authenticated else None,
                         subject=role_change_words(before, obj.role))
        super().save_model(request, obj, form, change)

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Stewards add people by invitation, which proves the address is theirs.
        return bool(request.user.is_superuser)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Removing goes through the community's page, which keeps a steward in place.
        return bool(request.user.is_superuser)


@admin.register(Cohort)
class CohortAdmin(StewardScopedAdmin):
    list_display = ["name", "community", "year"]
    list_filter = [("community", admin.RelatedOnlyFieldListFilter), "year"]
    search_fields = ["name"]
    filter_horizontal = ["members", "trainers"]
    list_select_related = ["community"]

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest,
                                 **kwargs: Any) -> Any:
        if not request.user.is_superuser:
            kwargs["queryset"] = Membership.objects.filter(
                community__in=stewarded_communities(request.user)
            ).select_related("user", "community")
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(Invitation)
class InvitationAdmin(StewardScopedAdmin):
    list_display = ["email", "community", "role", "created_at", "expires_at", "accepted_at",
                    "revoked_at"]
    list_filter = [("community", admin.RelatedOnlyFieldListFilter), "role"]
    search_fields = ["email"]
    readonly_fields = ["token_hash", "created_at", "accepted_at", "accepted_by", "invited_by"]
    list_select_related = ["community"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Invitations must be emailed with their token; the community's Invite page does that.
        return False


@admin.register(JoinRequest)
class JoinRequestAdmin(StewardScopedAdmin):
    list_display = ["user", "community", "status", "created_at", "decided_at"]
    list_filter = ["status", ("community", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["user__email", "user__display_name"]
    readonly_fields = ["created_at", "decided_at", "decided_by"]
    list_select_related = ["user", "community"]

    # Requests are decided on the community's Requests page, which adds the member and
    # tells them; the back office only shows them.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


