"""The impact dashboard: the community's, and a member's own (``dashboard.py``)."""

from django.urls import path

from praxis.site.impact import dashboard

urlpatterns = [
    path("c/<slug:slug>/impact/dashboard/", dashboard.community_dashboard, name="dashboard"),
    path("c/<slug:slug>/impact/dashboard/mine/", dashboard.my_dashboard, name="my_dashboard"),
]
