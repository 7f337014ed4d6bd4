"""Questionnaires and interviews of a study: the builder, sending, answering, responses and
transcripts."""

from django.urls import path

from praxis.site.research import instruments as views

S = "c/<slug:slug>/research/<slug:study>/instruments/"
N = S + "<int:number>/"

urlpatterns = [
    path(S, views.instrument_list, name="instruments"),
    path(S + "new/", views.instrument_create, name="instrument_create"),
    path(N, views.instrument_detail, name="instrument"),
    path(N + "edit/", views.instrument_edit, name="instrument_edit"),
    path(N + "questions/", views.question_add, name="question_add"),
    path(N + "questions/<int:question_id>/", views.question_edit, name="question_edit"),
    path(N + "questions/<int:question_id>/delete/", views.question_delete,
         name="question_delete"),
    path(N + "questions/<int:question_id>/move/", views.question_move, name="question_move"),
    path(N + "send/", views.instrument_send, name="instrument_send"),
    path(N + "close/", views.instrument_close, name="instrument_close"),
    path(N + "answer/", views.answer, name="answer"),
    path(N + "responses/", views.responses, name="responses"),
    path(N + "responses/<str:code>/", views.response_detail, name="response"),
    path(N + "responses/<str:code>/follow-up/", views.follow_up_add, name="follow_up_add"),
    path(N + "transcripts/<str:code>/", views.transcript, name="transcript"),
    path(N + "transcripts/<str:code>/audio/", views.transcript_audio,
         name="transcript_audio"),
]
