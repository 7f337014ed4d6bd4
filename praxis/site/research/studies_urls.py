"""The research area, a study's overview, consent and participants, and a member's own
participation page."""

from django.urls import path

from praxis.site.research import studies

R = "c/<slug:slug>/research/"
S = R + "<slug:study>/"

urlpatterns = [
    path(R, studies.research_home, name="home"),
    path(R + "researchers/grant/", studies.researcher_grant, name="researcher_grant"),
    path(R + "researchers/<int:user_id>/revoke/", studies.researcher_revoke,
         name="researcher_revoke"),
    path(R + "new/", studies.study_create, name="study_create"),
    path(S, studies.study_detail, name="study"),
    path(S + "edit/", studies.study_edit, name="study_edit"),
    path(S + "consent/", studies.consent_edit, name="consent_edit"),
    path(S + "close/", studies.study_close, name="study_close"),
    path(S + "participants/invite/", studies.invite, name="invite"),
    path(S + "participants/key/", studies.participant_key, name="participant_key"),
    path(S + "take-part/", studies.participation, name="participation"),
    path(S + "take-part/diary/", studies.share_diary, name="share_diary"),
]
