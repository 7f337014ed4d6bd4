from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from praxis.accounts.forms import AdminUserChangeForm, AdminUserCreationForm
from praxis.accounts.models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = AdminUserChangeForm
    add_form = AdminUserCreationForm
    ordering = ["email"]
    list_display = ["email", "display_name", "institution", "region", "is_staff", "is_active"]
    list_filter = ["is_staff", "is_superuser", "is_active", "locale",
                   ("erased_at", admin.EmptyFieldListFilter)]
    search_fields = ["email", "display_name", "institution", "region"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Profile"), {"fields": ("display_name", "institution", "region", "bio")}),
        (_("Preferences"), {"fields": ("locale", "timezone", "digest", "low_bandwidth")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups",
                                        "user_permissions")}),
        (_("Dates"), {"fields": ("last_login", "date_joined", "erased_at")}),
    )
    # Set only by the member erasing their account (docs/privacy.md).
    readonly_fields = ["erased_at"]
    add_fieldsets = (
        (None, {"classes": ("wide",),
                "fields": ("email", "display_name", "password1", "password2")}),
    )
