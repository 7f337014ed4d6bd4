"""Routes for reactions, flags, moderation and search (namespace "discussions")."""

from django.urls import path

from praxis.site.discussions import moderation_views as views
from praxis.site.discussions import search_views

urlpatterns: list = [
    path("c/<slug:slug>/posts/<int:post_id>/react/", views.react, name="react"),
    path("c/<slug:slug>/posts/<int:post_id>/flag/", views.flag, name="flag"),
    path("c/<slug:slug>/posts/<int:post_id>/hide/", views.post_hide, name="post_hide"),
    path("c/<slug:slug>/posts/<int:post_id>/restore/", views.post_restore,
         name="post_restore"),
    path("c/<slug:slug>/posts/<int:post_id>/flags/dismiss/", views.flags_dismiss,
         name="flags_dismiss"),
    path("c/<slug:slug>/threads/<int:thread_id>/moderate/", views.thread_moderate,
         name="thread_moderate"),
    path("c/<slug:slug>/moderation/", views.moderation_queue, name="moderation"),
    path("c/<slug:slug>/search/", search_views.community_search, name="community_search"),
    path("search/", search_views.site_search, name="search"),
]
