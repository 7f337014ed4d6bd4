"""The cascade: its tree, its events, recording one (``praxis.site.impact.cascade``)."""

from django.urls import path

from praxis.site.impact import cascade

C = "c/<slug:slug>/impact/cascade/"

urlpatterns = [
    path(C, cascade.tree, name="cascade"),
    path(C + "events/", cascade.events, name="cascade_events"),
    path(C + "events/new/", cascade.event_create, name="cascade_event_create"),
    path(C + "events/<int:event_id>/edit/", cascade.event_edit, name="cascade_event_edit"),
    path(C + "events/<int:event_id>/delete/", cascade.event_delete,
         name="cascade_event_delete"),
]
