"""A study's sources, their coding, and the codebook."""

from django.urls import path

from praxis.site.research import coding

S = "c/<slug:slug>/research/<slug:study>/"
SOURCE = S + "sources/<int:source_id>/"

urlpatterns = [
    path(S + "sources/", coding.source_list, name="sources"),
    path(S + "sources/community-data/", coding.community_data, name="community_data"),
    path(S + "sources/gather/<int:number>/", coding.gather, name="gather"),
    path(SOURCE, coding.source_detail, name="source"),
    path(SOURCE + "codings/<int:coding_id>/remove/", coding.coding_remove,
         name="coding_remove"),
    path(SOURCE + "passages/<int:passage_id>/memo/", coding.passage_memo,
         name="passage_memo"),
    path(S + "codebook/", coding.codebook, name="codebook"),
    path(S + "codebook/<int:theme_id>/", coding.theme_edit, name="theme_edit"),
]
