from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("Praxis back office")
admin.site.site_title = _("Praxis back office")
admin.site.index_title = _("Communities, members and invitations")

urlpatterns = [
    path("", include("praxis.core.urls")),
    path("accounts/", include("praxis.accounts.urls")),
    path("admin/", admin.site.urls),
    path("", include("praxis.communities.urls")),
    path("", include("praxis.topics.urls")),
    path("", include("praxis.discussions.urls")),
    path("", include("praxis.interop.urls")),
    path("", include("praxis.notifications.urls")),
]
