"""A study's exchange with QDA software (REFI-QDA): ``exchange.py``."""

from django.urls import path

from praxis.site.research import exchange

S = "c/<slug:slug>/research/<slug:study>/exchange/"

urlpatterns = [
    path(S, exchange.exchange, name="exchange"),
    path(S + "project.qdpx", exchange.export_qdpx, name="export_qdpx"),
    path(S + "codebook.qdc", exchange.export_qdc, name="export_qdc"),
    path(S + "import/project/", exchange.import_qdpx, name="import_qdpx"),
    path(S + "import/codebook/", exchange.import_qdc, name="import_qdc"),
]
