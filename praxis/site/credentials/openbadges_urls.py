"""The Open Badges documents (``openbadges.py``): public, no sign-in."""

from django.urls import path

from praxis.site.credentials import openbadges

urlpatterns = [
    path("credentials/<str:public_id>/ob3.json", openbadges.ob3_json, name="ob3_json"),
    path("credentials/<str:public_id>/ob3.jwt", openbadges.ob3_jwt, name="ob3_jwt"),
    path("credentials/<str:public_id>/ob2.json", openbadges.ob2_json, name="ob2_json"),
    path("credentials/programmes/<str:public_id>/badge.json", openbadges.badge_json,
         name="badge_json"),
    path("credentials/programmes/<str:public_id>/badge.svg", openbadges.badge_svg,
         name="badge_svg"),
    path("credentials/issuers/<str:issuer_id>.json", openbadges.issuer_json, name="issuer_json"),
    path("credentials/issuers/<str:issuer_id>/keys.json", openbadges.issuer_keys,
         name="issuer_keys"),
    path("credentials/issuers/<str:issuer_id>/keys/<str:kid>.json", openbadges.issuer_key,
         name="issuer_key"),
    path("credentials/issuers/<str:issuer_id>/status.jwt", openbadges.status_jwt,
         name="status_jwt"),
    path("credentials/issuers/<str:issuer_id>/status.json", openbadges.status_json,
         name="status_json"),
]
