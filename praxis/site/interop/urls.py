from django.urls import path

from praxis.site.interop import moodle_urls, offline, views

app_name = "interop"

C = "c/<slug:slug>/"
T = C + "t/<topicslug:topic_slug>/"
PRIVATE = "feeds/<str:token>/"

urlpatterns = [
    path("feeds/", views.my_feeds, name="my_feeds"),
    path(C + "feed.atom", views.community_feed, name="community_feed"),
    path(T + "feed.atom", views.topic_feed, name="topic_feed"),
    path(T + "download.html", offline.topic_offline, name="topic_offline"),
    path(T + "download.pdf", offline.topic_pdf, name="topic_pdf"),
    path(C + "topics.ics", views.topics_calendar, name="topics_calendar"),
    path(PRIVATE + C + "feed.atom", views.community_feed, name="private_community_feed"),
    path(PRIVATE + T + "feed.atom", views.topic_feed, name="private_topic_feed"),
    path(PRIVATE + C + "topics.ics", views.topics_calendar, name="private_topics_calendar"),
]
urlpatterns += moodle_urls.urlpatterns
