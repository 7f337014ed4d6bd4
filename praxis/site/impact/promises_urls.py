"""Promises "I will use this in my training" (promises.py)."""

from django.urls import path

from praxis.site.impact import promises

urlpatterns = [
    path("c/<slug:slug>/impact/promises/", promises.promise_list, name="promises"),
    path("c/<slug:slug>/impact/promises/new/", promises.promise_new, name="promise_new"),
    path("c/<slug:slug>/impact/promises/<int:promise_id>/tell/", promises.promise_tell,
         name="promise_tell"),
    path("c/<slug:slug>/impact/promises/<int:promise_id>/dismiss/", promises.promise_dismiss,
         name="promise_dismiss"),
]
