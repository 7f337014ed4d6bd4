from praxis.discussions import moderation_urls

app_name = "discussions"

urlpatterns: list = [
    # thread, post, reading and attachment pages are added here
]
urlpatterns += moderation_urls.urlpatterns
