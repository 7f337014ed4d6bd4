"""Value-creation stories: the community's impact page lists them."""

from django.urls import path

from praxis.site.impact import stories

S = "c/<slug:slug>/impact/stories/<int:story_id>/"

urlpatterns = [
    path("c/<slug:slug>/impact/", stories.story_list, name="stories"),
    path("c/<slug:slug>/impact/stories/new/", stories.story_create, name="story_create"),
    path(S, stories.story_detail, name="story"),
    path(S + "edit/", stories.story_edit, name="story_edit"),
    path(S + "delete/", stories.story_delete, name="story_delete"),
    path(S + "acknowledge/", stories.story_acknowledge, name="story_acknowledge"),
    path(S + "evidence/", stories.evidence_add, name="evidence_add"),
    path(S + "evidence/<int:evidence_id>/remove/", stories.evidence_remove,
         name="evidence_remove"),
    path(S + "evidence/<int:evidence_id>/file/", stories.evidence_file, name="evidence_file"),
]
