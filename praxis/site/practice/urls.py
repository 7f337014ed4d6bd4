from django.urls import path

from praxis.site.practice import diary, plans

app_name = "practice"

P = "c/<slug:slug>/plans/<int:plan_id>/"
V = P + "v<int:number>/"

urlpatterns = [
    path("c/<slug:slug>/plans/", plans.plan_list, name="plans"),
    path("c/<slug:slug>/plans/new/", plans.plan_create, name="plan_create"),
    path(P, plans.plan_detail, name="plan"),
    path(P + "new-version/", plans.version_create, name="version_create"),
    path(P + "compare/", plans.version_compare, name="compare"),
    path(P + "download.html", plans.plan_offline, name="plan_offline"),
    path(P + "download.pdf", plans.plan_pdf, name="plan_pdf"),
    path(P + "feedback/<int:feedback_id>/acted/", plans.feedback_acted, name="feedback_acted"),
    path(P + "requests/<int:request_id>/close/", plans.request_close, name="request_close"),
    path(V, plans.version_detail, name="version"),
    path(V + "file/", plans.original_file, name="original_file"),
    path(V + "ask/", plans.request_create, name="request_create"),
    path(V + "feedback/", plans.feedback_create, name="feedback"),
    # Critical friends and the reflection diary (diary.py).
    path("diary/", diary.diary, name="diary"),
    path("diary/new/", diary.entry_new, name="entry_new"),
    path("diary/export.html", diary.export_html, name="diary_html"),
    path("diary/export.pdf", diary.export_pdf, name="diary_pdf"),
    path("diary/<int:entry_id>/", diary.entry, name="entry"),
    path("diary/<int:entry_id>/edit/", diary.entry_edit, name="entry_edit"),
    path("diary/<int:entry_id>/delete/", diary.entry_delete, name="entry_delete"),
    path("c/<slug:slug>/reflections/", diary.reflections, name="reflections"),
    path("c/<slug:slug>/friends/", diary.friends, name="friends"),
    path("c/<slug:slug>/friends/invite/", diary.friend_invite, name="friend_invite"),
    path("c/<slug:slug>/friends/<int:friendship_id>/<str:answer>/", diary.friend_answer,
         name="friend_answer"),
]
