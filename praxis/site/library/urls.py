from django.urls import path, register_converter

from praxis.site.library import views


class TagSlugConverter:
    """Tag web addresses keep their Persian (or any) letters: ``allow_unicode`` slugs."""

    regex = r"[-\w]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(TagSlugConverter, "tagslug")

app_name = "library"

L = "c/<slug:slug>/library/"
R = L + "<int:resource_id>/"

urlpatterns = [
    path(L, views.library_home, name="home"),
    path(L + "all/", views.resource_list, name="all"),
    path(L + "topics/", views.by_topic, name="topics"),
    path(L + "tags/<tagslug:tag_slug>/", views.by_tag, name="tag"),
    path(L + "add/", views.resource_add, name="add"),
    path(R, views.resource_detail, name="resource"),
    path(R + "open/", views.resource_open, name="open"),
    path(R + "cite.bib", views.resource_bibtex, name="bibtex"),
    path(R + "cite.ris", views.resource_ris, name="ris"),
    path(R + "edit/", views.resource_edit, name="edit"),
    path(R + "delete/", views.resource_delete, name="delete"),
]
