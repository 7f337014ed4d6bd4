from django.urls import path, register_converter

from praxis.site.topics import views


class TopicSlugConverter:
    """Topic web addresses keep their Persian (or any) letters: ``allow_unicode`` slugs."""

    regex = r"[-\w]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(TopicSlugConverter, "topicslug")

app_name = "topics"

T = "c/<slug:slug>/t/<topicslug:topic_slug>/"

urlpatterns = [
    path("c/<slug:slug>/topics/", views.topic_list, name="list"),
    path("c/<slug:slug>/topics/archive/", views.topic_archive, name="archive"),
    path("c/<slug:slug>/topics/new/", views.topic_create, name="create"),
    path("c/<slug:slug>/proposals/", views.proposals, name="proposals"),
    path("c/<slug:slug>/proposals/new/", views.proposal_create, name="propose"),
    path("c/<slug:slug>/proposals/<int:proposal_id>/", views.proposal_detail, name="proposal"),
    path("c/<slug:slug>/proposals/<int:proposal_id>/support/", views.proposal_support,
         name="proposal_support"),
    path("c/<slug:slug>/proposals/<int:proposal_id>/approve/", views.proposal_approve,
         name="proposal_approve"),
    path("c/<slug:slug>/proposals/<int:proposal_id>/decline/", views.proposal_decline,
         name="proposal_decline"),
    path(T, views.topic_detail, name="detail"),
    path(T + "article/", views.seed_article, name="seed_article"),
    path(T + "edit/", views.topic_edit, name="edit"),
    path(T + "questions/", views.topic_questions, name="questions"),
    path(T + "questions/<int:thread_id>/move/", views.question_move, name="question_move"),
    path(T + "run/", views.topic_run, name="run"),
    path(T + "open/", views.topic_open, name="open"),
    path(T + "close/", views.topic_close, name="close"),
    path(T + "extend/", views.topic_extend, name="extend"),
    path(T + "archive/", views.topic_archive_topic, name="archive_topic"),
    path(T + "synthesis/", views.topic_synthesis, name="synthesis"),
    path(T + "participation/", views.topic_participation, name="participation"),
]
