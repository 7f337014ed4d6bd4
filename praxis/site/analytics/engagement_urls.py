"""The engagement pages (``engagement.py``): the community's members and activity, their
exports, and a member's own figures."""

from django.urls import path

from praxis.site.analytics import engagement

urlpatterns = [
    path("c/<slug:slug>/analytics/", engagement.members, name="engagement"),
    path("c/<slug:slug>/analytics/engagement.csv", engagement.members_csv,
         name="engagement_csv"),
    path("c/<slug:slug>/analytics/engagement.xlsx", engagement.members_xlsx,
         name="engagement_xlsx"),
    path("c/<slug:slug>/analytics/activity/", engagement.activity_page, name="activity"),
    path("c/<slug:slug>/analytics/mine/", engagement.mine, name="mine"),
]
