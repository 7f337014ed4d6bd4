"""A study's analysis (``analysis.py``): the case-by-theme grid and its cells, a theme's
quotes, inter-coder agreement, and the grid and quotes as files."""

from django.urls import path

from praxis.site.research import analysis

S = "c/<slug:slug>/research/<slug:study>/"

urlpatterns = [
    path(S + "grid/", analysis.grid_page, name="grid"),
    path(S + "grid/<str:code>/<int:theme_id>/", analysis.grid_cell, name="grid_cell"),
    path(S + "grid.csv", analysis.grid_csv, name="grid_csv"),
    path(S + "grid.xlsx", analysis.grid_xlsx, name="grid_xlsx"),
    path(S + "themes/<int:theme_id>/quotes/", analysis.theme_quotes, name="theme_quotes"),
    path(S + "quotes.docx", analysis.quotes_docx, name="quotes_docx"),
    path(S + "quotes.odt", analysis.quotes_odt, name="quotes_odt"),
    path(S + "agreement/", analysis.agreement_page, name="agreement"),
]
