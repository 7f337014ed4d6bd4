from django.urls import path

from praxis.site.notifications import views

app_name = "notifications"

urlpatterns = [
    path("notifications/", views.email_settings, name="settings"),
    path("notifications/places/<int:subscription_id>/forget/", views.forget_place,
         name="forget_place"),
    path("notifications/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("c/<slug:slug>/t/<topicslug:topic_slug>/email/", views.topic_mode, name="topic_mode"),
    path("c/<slug:slug>/threads/<int:thread_id>/email/", views.thread_mode, name="thread_mode"),
    path("inbound/email/", views.inbound_email, name="inbound_email"),
    path("outbox/", views.outbox, name="outbox"),
    path("outbox/<int:email_id>/", views.outbox_email, name="outbox_email"),
    path("outbox/<int:email_id>/html/", views.outbox_email_html, name="outbox_email_html"),
]
