from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("Praxis back office")
admin.site.site_title = _("Praxis back office")
admin.site.index_title = _("Communities, members and invitations")

urlpatterns = [
    path("", include("praxis.site.core.urls")),
    path("accounts/", include("praxis.site.accounts.urls")),
    path("admin/", admin.site.urls),
    path("", include("praxis.site.communities.urls")),
    path("", include("praxis.site.topics.urls")),
    path("", include("praxis.site.library.urls")),
    path("", include("praxis.site.discussions.urls")),
    path("", include("praxis.site.interop.urls")),
    path("", include("praxis.site.notifications.urls")),
    path("", include("praxis.site.practice.urls")),
    path("", include("praxis.site.impact.urls")),
    path("", include("praxis.site.analytics.urls")),
    path("", include("praxis.site.credentials.urls")),
    path("", include("praxis.site.research.urls")),
]
