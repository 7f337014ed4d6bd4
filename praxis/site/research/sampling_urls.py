"""A study's reproducible sampling (``praxis.site.research.sampling``)."""

from django.urls import path

from praxis.site.research import sampling

S = "c/<slug:slug>/research/<slug:study>/"

urlpatterns = [
    path(S + "sample/", sampling.sample, name="sample"),
    path(S + "sample/<int:draw_id>/invite/", sampling.sample_invite, name="sample_invite"),
]
