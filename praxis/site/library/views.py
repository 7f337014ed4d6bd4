"""The library's pages: thin views that ask the door (``praxis.access.library``), then call
one service or query and render. Every page works without JavaScript: actions are POST
forms, a citation to copy is in a read-only text box."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from praxis.access.library import (
    LibraryAccess,
    LibraryNeed,
    access_library,
    access_resource,
)
from praxis.library import citations, queries, services
from praxis.library.forms import ResourceForm
from praxis.library.models import Resource, Tag
from praxis.site.decorators import login_on_refusal
from praxis.site.http import AuthenticatedHttpRequest
from praxis.topics.models import Topic

View = Callable[..., HttpResponseBase]
PER_PAGE = 20
HOME_RECENT = 8
TOPICS_PER_PAGE = 30


def library_view(need: LibraryNeed) -> Callable[[View], View]:
    """Resolves ``slug`` through ``access_library`` and hands the view a LibraryAccess."""

    def decorate(view: View) -> View:
        @wraps(view)
        @login_on_refusal
        def wrapper(request: HttpRequest, slug: str, *args: Any,
                    **kwargs: Any) -> HttpResponseBase:
            return view(request, access_library(request.user, slug, need=need),
                        *args, **kwargs)

        return wrapper

    return decorate


def resource_view(need: LibraryNeed) -> Callable[[View], View]:
    """Resolves ``slug`` and ``resource_id`` through ``access_resource``."""

    def decorate(view: View) -> View:
        @wraps(view)
        @login_on_refusal
        def wrapper(request: HttpRequest, slug: str, resource_id: int, *args: Any,
                    **kwargs: Any) -> HttpResponseBase:
            access, resource = access_resource(request.user, slug, resource_id, need=need)
            return view(request, access, resource, *args, **kwargs)

        return wrapper

    return decorate


def _context(access: LibraryAccess, **extra: Any) -> dict[str, Any]:
    return {"access": access.community_access, "library": access,
            "community": access.community, "tab": "library", **extra}


def _seeding_topics(community_id: int) -> QuerySet[Topic]:
    return (Topic.objects.filter(community_id=community_id, seed_resource__isnull=False)
            .only("id", "slug", "title", "starts_at", "community_id", "seed_resource_id")
            .order_by("-starts_at", "-pk"))


@library_view("read")
@require_GET
def library_home(request: HttpRequest, access: LibraryAccess) -> HttpResponse:
    """The newest resources, the most read this month, the tags and the topics."""
    community = access.community
    recent = list(queries.resources(community)[:HOME_RECENT + 1])
    topics = list(_seeding_topics(community.pk).select_related("seed_resource")
                  .only("id", "slug", "title", "starts_at", "community_id",
                        "seed_resource__id", "seed_resource__title")[:HOME_RECENT])
    return render(request, "library/home.html", _context(
        access, recent=recent[:HOME_RECENT], more=len(recent) > HOME_RECENT,
        most_read=queries.most_read(community), tags=list(queries.tags_in_use(community)),
        topics=topics, page_name="home"))


@library_view("read")
@require_GET
def resource_list(request: HttpRequest, access: LibraryAccess) -> HttpResponse:
    page = Paginator(queries.resources(access.community), PER_PAGE).get_page(
        request.GET.get("page"))
    return render(request, "library/list.html", _context(
        access, page=page, heading=_("All resources"), page_name="all"))


@library_view("read")
@require_GET
def by_tag(request: HttpRequest, access: LibraryAccess, tag_slug: str) -> HttpResponse:
    tag = Tag.objects.filter(community=access.community, slug=tag_slug).first()
    if tag is None:
        raise Http404
    page = Paginator(queries.resources(access.community).filter(tags=tag), PER_PAGE).get_page(
        request.GET.get("page"))
    return render(request, "library/list.html", _context(
        access, page=page, tag=tag, page_name="tag",
        heading=_("Tagged “%(tag)s”") % {"tag": tag.name}))


@library_view("read")
@require_GET
def by_topic(request: HttpRequest, access: LibraryAccess) -> HttpResponse:
    """The topics that started from a resource, newest first, each with its article."""
    topics = (_seeding_topics(access.community.pk)
              .prefetch_related(Prefetch("seed_resource", queryset=Resource.objects.only(
                  "id", "title", "citation", "kind", "community_id", "authors", "year"))))
    page = Paginator(topics, TOPICS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "library/by_topic.html", _context(
        access, page=page, page_name="topics"))


@resource_view("read")
@require_GET
def resource_detail(request: HttpRequest, access: LibraryAccess,
                    resource: Resource) -> HttpResponse:
    topics = list(Topic.objects.filter(seed_resource=resource)
                  .only("id", "slug", "title", "starts_at", "community_id")
                  .order_by("-starts_at"))
    for topic in topics:
        topic.community = access.community
    tags = list(resource.tags.all())
    for tag in tags:
        tag.community = access.community
    return render(request, "library/resource.html", _context(
        access, resource=resource, topics=topics, tags=tags,
        apa=citations.apa_html(resource), bibtex=citations.bibtex(resource),
        ris=citations.ris(resource), doi_url=citations.doi_url(resource.doi),
        readers=queries.reader_count(resource),
        can_edit=access.can_edit(resource), page_name="resource"))


@resource_view("read")
@require_GET
def resource_open(request: HttpRequest, access: LibraryAccess,
                  resource: Resource) -> HttpResponseBase:
    """Opens the resource (its link, or its file) and logs a member's reading."""
    if access.reader_id is not None:
        services.record_read(resource=resource, reader=request.user)  # type: ignore[arg-type]
    if resource.kind == Resource.Kind.LINK:
        return redirect(resource.url)
    return file_response(resource)


def file_response(resource: Resource) -> FileResponse:
    """A stored document, as an attachment under its original name (never a public URL)."""
    if resource.kind != Resource.Kind.FILE or not resource.file:
        raise Http404
    try:
        handle = resource.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    return FileResponse(handle, as_attachment=True,
                        filename=resource.original_name or resource.file.name.rsplit("/")[-1],
                        content_type=resource.content_type or "application/octet-stream")


def _citation_file(text: str, content_type: str, resource: Resource,
                   extension: str) -> HttpResponse:
    response = HttpResponse(text, content_type=content_type)
    name = citations.bibtex_key(resource)
    response["Content-Disposition"] = f'attachment; filename="{name}.{extension}"'
    return response


@resource_view("read")
@require_GET
def resource_bibtex(request: HttpRequest, access: LibraryAccess,
                    resource: Resource) -> HttpResponse:
    return _citation_file(citations.bibtex(resource), citations.BIBTEX_CONTENT_TYPE, resource,
                          "bib")


@resource_view("read")
@require_GET
def resource_ris(request: HttpRequest, access: LibraryAccess,
                 resource: Resource) -> HttpResponse:
    return _citation_file(citations.ris(resource), citations.RIS_CONTENT_TYPE, resource, "ris")


@library_view("add")
@require_http_methods(["GET", "POST"])
def resource_add(request: AuthenticatedHttpRequest, access: LibraryAccess) -> HttpResponse:
    form = ResourceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["kind"] == ResourceForm.FILE:
                resource = services.add_file(
                    community=access.community, added_by=request.user, upload=data["file"],
                    title=data["title"], citation=data["citation"], details=form.details,
                    tags=data["tags"])
            else:
                resource = services.add_link(
                    community=access.community, added_by=request.user, title=data["title"],
                    url=data["url"], citation=data["citation"], details=form.details,
                    tags=data["tags"])
        except ValidationError as error:
            form.add_error("file", error)
        else:
            resource.community = access.community
            messages.success(request, _("The resource is in the library."))
            return redirect(resource)
    return render(request, "library/form.html", _context(
        access, form=form, page_name="add", heading=_("Add a resource")))


@resource_view("edit")
@require_http_methods(["GET", "POST"])
def resource_edit(request: HttpRequest, access: LibraryAccess,
                  resource: Resource) -> HttpResponse:
    is_link = resource.kind == Resource.Kind.LINK
    form = ResourceForm(request.POST or None, adding=False, link=is_link,
                        initial=ResourceForm.initial_for(resource))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.update_resource(resource=resource, title=data["title"],
                                 citation=data["citation"], url=data.get("url") or "",
                                 details=form.details, tags=data["tags"])
        messages.success(request, _("The resource has been corrected."))
        return redirect(resource)
    return render(request, "library/form.html", _context(
        access, form=form, resource=resource, page_name="edit",
        heading=_("Correct “%(title)s”") % {"title": resource.title}))


@resource_view("edit")
@require_POST
def resource_delete(request: HttpRequest, access: LibraryAccess,
                    resource: Resource) -> HttpResponse:
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("Tick the box to confirm the removal."))
        return redirect("library:edit", access.community.slug, resource.pk)
    services.delete_resource(resource=resource)
    messages.success(request, _("The resource has been removed from the library."))
    return redirect("library:home", access.community.slug)

