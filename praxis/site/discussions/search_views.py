"""The search pages: site-wide (and the header's form) and within one community."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from praxis.access import access_community, readable_communities
from praxis.communities.models import Community
from praxis.core import params, throttle
from praxis.discussions import search as engine
from praxis.site.discussions.moderation_views import signed_in_or_login
from praxis.site.limits import over_limit

COMMUNITY_CHOICES_SHOWN = 200


def _kind(request: HttpRequest) -> str:
    return params.choice(request.GET.get("kind"), engine.KINDS)


def _render(request: HttpRequest, *, community: Community | None, context: dict
            ) -> HttpResponse:
    query = params.text(request.GET.get("q"), max_length=engine.MAX_QUERY_LENGTH)
    if query and (refused := over_limit(request, throttle.SEARCHES_PER_ADDRESS)):
        return refused
    kind = _kind(request)
    page = params.page_number(request.GET.get("page"), last=engine.MAX_PAGE)
    results = engine.search(readable_communities(request.user), query, community=community,
                            kinds=[kind] if kind else None, page=page,
                            any_word=request.GET.get("any") == "1")
    keep = request.GET.copy()
    keep.pop("page", None)
    if results.any_word:
        keep["any"] = "1"
    return render(request, "discussions/search.html", {
        **context,
        "query": query,
        "kind": kind,
        "kinds": list(engine.KIND_LABELS.items()),
        "results": results,
        "query_without_page": keep.urlencode(),
        "max_length": engine.MAX_QUERY_LENGTH,
    })


@require_GET
def site_search(request: HttpRequest) -> HttpResponse:
    """Everything the person may read; optionally one of those communities."""
    readable = readable_communities(request.user).order_by("name")
    slug = params.text(request.GET.get("community"), max_length=100)
    chosen = readable.filter(slug=slug).first() if slug else None
    return _render(request, community=chosen, context={
        "community_choices": readable.only("slug", "name")[:COMMUNITY_CHOICES_SHOWN],
        "chosen_community": chosen,
        "searching_community": bool(slug),
    })


@require_GET
@signed_in_or_login
def community_search(request: HttpRequest, slug: str) -> HttpResponse:
    access = access_community(request.user, slug, need="read")
    return _render(request, community=access.community,
                   context={"access": access, "community": access.community})
