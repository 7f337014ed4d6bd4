from django.urls import path

from praxis.site.communities import views

app_name = "communities"

urlpatterns = [
    path("communities/new/", views.create_community, name="create"),
    path("invitations/<str:token>/", views.invitation, name="invitation"),
    path("c/<slug:slug>/", views.community_detail, name="detail"),
    path("c/<slug:slug>/settings/", views.community_settings, name="settings"),
    path("c/<slug:slug>/privacy/", views.privacy_record, name="privacy_record"),
    path("c/<slug:slug>/join/", views.join, name="join"),
    path("c/<slug:slug>/leave/", views.leave, name="leave"),
    path("c/<slug:slug>/members/", views.member_directory, name="members"),
    path("c/<slug:slug>/members/<int:member_id>/", views.member_edit, name="member_edit"),
    path("c/<slug:slug>/members/<int:member_id>/remove/", views.member_remove,
         name="member_remove"),
    path("c/<slug:slug>/invitations/", views.invitations, name="invitations"),
    path("c/<slug:slug>/invitations/<int:invitation_id>/revoke/", views.invitation_revoke,
         name="invitation_revoke"),
    path("c/<slug:slug>/requests/", views.join_requests, name="join_requests"),
    path("c/<slug:slug>/requests/<int:request_id>/", views.join_request_decide,
         name="join_request_decide"),
    path("c/<slug:slug>/cohorts/", views.cohorts, name="cohorts"),
    path("c/<slug:slug>/cohorts/new/", views.cohort_edit, name="cohort_create"),
    path("c/<slug:slug>/cohorts/<int:cohort_id>/", views.cohort_edit, name="cohort_edit"),
    path("c/<slug:slug>/cohorts/<int:cohort_id>/delete/", views.cohort_delete,
         name="cohort_delete"),
]
