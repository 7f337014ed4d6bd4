"""The certificate pages (``pages.py``): a community's programmes and certificates for its
stewards, one's own for members, and the public verification pages."""

from django.urls import path

from praxis.site.credentials import pages

urlpatterns = [
    path("c/<slug:slug>/certificates/", pages.programmes, name="programmes"),
    path("c/<slug:slug>/certificates/mine/", pages.mine, name="mine"),
    path("c/<slug:slug>/certificates/<int:programme_id>/", pages.programme, name="programme"),
    path("c/<slug:slug>/certificates/<int:programme_id>/edit/", pages.programme_edit,
         name="programme_edit"),
    path("c/<slug:slug>/certificates/<int:programme_id>/issue/", pages.issue, name="issue"),
    path("c/<slug:slug>/certificates/issued/<int:certificate_id>/revoke/", pages.revoke,
         name="revoke"),
    path("verify/", pages.verify_form, name="verify_form"),
    path("verify/<str:public_id>/", pages.verify, name="verify"),
    path("verify/<str:public_id>/certificate.pdf", pages.certificate_pdf,
         name="certificate_pdf"),
]
