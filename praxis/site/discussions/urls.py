from django.urls import path

from praxis.site.discussions import moderation_urls, views

app_name = "discussions"

urlpatterns: list = [
    path("c/<slug:slug>/threads/<int:thread_id>/", views.thread_detail, name="thread"),
    path("c/<slug:slug>/t/<str:topic_slug>/threads/new/", views.thread_create,
         name="thread_create"),
    path("c/<slug:slug>/threads/<int:thread_id>/reply/", views.reply, name="reply"),
    path("c/<slug:slug>/posts/<int:post_id>/", views.post_link, name="post"),
    path("c/<slug:slug>/posts/<int:post_id>/edit/", views.post_edit, name="post_edit"),
    path("c/<slug:slug>/posts/<int:post_id>/revisions/", views.post_revisions,
         name="post_revisions"),
    path("c/<slug:slug>/attachments/<int:attachment_id>/", views.attachment, name="attachment"),
    path("c/<slug:slug>/unread/", views.unread, name="unread"),
    path("c/<slug:slug>/read-all/", views.mark_all_read, name="mark_all_read"),
]
urlpatterns += moderation_urls.urlpatterns
