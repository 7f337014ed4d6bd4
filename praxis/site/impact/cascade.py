"""Cascade pages: the tree of a community (numbers from its tiers, cohorts and events, drawn
as an SVG with a table beside it), its events, and recording, changing or deleting one. Thin
views that ask the door (``praxis.access.cascade``), then call one service or query; every
page works without JavaScript."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from praxis.access.cascade import (
    EventAccess,
    EventNeed,
    access_event,
    can_record_events,
    can_record_for_others,
    require_can_see_cascade,
)
from praxis.access.community import CommunityAccess
from praxis.impact import cascade as services
from praxis.impact import cascade_queries as queries
from praxis.impact import svg
from praxis.impact.cascade_forms import EventForm, TreeFilterForm
from praxis.site.decorators import community_view, login_on_refusal
from praxis.site.http import AuthenticatedHttpRequest

View = Callable[..., HttpResponseBase]
EVENTS_PER_PAGE = 20


def event_view(need: EventNeed) -> Callable[[View], View]:
    """Resolves ``slug`` and ``event_id`` through ``access_event``."""

    def decorate(view: View) -> View:
        @wraps(view)
        @login_on_refusal
        def wrapper(request: HttpRequest, slug: str, event_id: int, *args: Any,
                    **kwargs: Any) -> HttpResponseBase:
            return view(request, access_event(request.user, slug, event_id, need=need),
                        *args, **kwargs)

        return wrapper

    return decorate


def _context(access: CommunityAccess, **extra: Any) -> dict[str, Any]:
    return {"access": access, "community": access.community, "tab": "impact", **extra}


def _events_url(access: CommunityAccess) -> str:
    return reverse("impact:cascade_events", args=[access.community.slug])


@community_view("see")
@require_GET
def tree(request: HttpRequest, access: CommunityAccess) -> HttpResponse:
    require_can_see_cascade(access)
    form = TreeFilterForm(request.GET or None, community=access.community)
    window = queries.Window()
    status = 200
    if form.is_bound:
        if form.is_valid():
            data = form.cleaned_data
            window = queries.Window(since=data.get("since"), until=data.get("until"),
                                    cohort=data.get("cohort"))
        else:
            status = 400  # the whole community is shown, with what was wrong
    found = queries.cascade_tree(access.community, window)
    return render(request, "impact/cascade_tree.html", _context(
        access, tree=found, drawing=svg.draw(found), form=form, window=window,
        reached_headings=list(queries.REACHED.values()),
        can_record=can_record_events(access),
    ), status=status)


@community_view("see")
@require_GET
def events(request: AuthenticatedHttpRequest, access: CommunityAccess) -> HttpResponse:
    require_can_see_cascade(access)
    mine = request.GET.get("mine") == "1"
    found = queries.community_events(access.community,
                                     trainer_id=request.user.pk if mine else None)
    page = Paginator(found, EVENTS_PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = queries.with_topics(list(page.object_list))
    steward = can_record_for_others(access)
    return render(request, "impact/cascade_events.html", _context(
        access, page=page, mine=mine, steward=steward, user_id=request.user.pk,
        can_record=can_record_events(access),
    ))


@community_view("see")
@require_http_methods(["GET", "POST"])
def event_create(request: AuthenticatedHttpRequest, access: CommunityAccess) -> HttpResponse:
    require_can_see_cascade(access)
    if not can_record_events(access):
        raise PermissionDenied(_("Only members record the training they gave."))
    for_others = can_record_for_others(access)
    data = request.POST if request.method == "POST" else None
    form = EventForm(data, community=access.community, for_others=for_others)
    if data is not None and form.is_valid():
        trainer = form.cleaned_data.get("trainer") if for_others else request.user
        try:
            services.record_event(community=access.community, trainer=trainer or request.user,
                                  draft=form.draft())
        except services.CascadeRuleError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The event is recorded: it counts in the cascade."))
            return redirect(_events_url(access) + "?mine=1" if not for_others
                            else _events_url(access))
    return render(request, "impact/cascade_event_form.html", _context(
        access, form=form, event=None,
    ), status=400 if data is not None else 200)


@event_view("change")
@require_http_methods(["GET", "POST"])
def event_edit(request: AuthenticatedHttpRequest, found: EventAccess) -> HttpResponse:
    access = found.community_access
    data = request.POST if request.method == "POST" else None
    form = EventForm(data, instance=found.event, community=access.community)
    if data is not None and form.is_valid():
        draft = form.draft()
        found.event.refresh_from_db()  # the form wrote its fields on it: the service decides
        found.event.community = access.community
        try:
            services.change_event(event=found.event, draft=draft)
        except services.CascadeRuleError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The event is changed."))
            return redirect(_events_url(access))
    return render(request, "impact/cascade_event_form.html", _context(
        access, form=form, event=found.event,
    ), status=400 if data is not None else 200)


@event_view("change")
@require_http_methods(["GET", "POST"])
def event_delete(request: AuthenticatedHttpRequest, found: EventAccess) -> HttpResponse:
    access = found.community_access
    if request.method == "POST":
        services.delete_event(event=found.event)
        messages.success(request, _("The event is deleted."))
        return redirect(_events_url(access))
    return render(request, "impact/cascade_event_delete.html", _context(
        access, event=found.event))
