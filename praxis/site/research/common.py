"""What every research page shares: the door for a study, and the context its pages need."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase

from praxis.access.research import StudyAccess, StudyNeed, access_study
from praxis.research.services import record_export
from praxis.site.decorators import login_on_refusal
from praxis.site.interop.offline import attachment_header

View = Callable[..., HttpResponseBase]


def study_view(need: StudyNeed) -> Callable[[View], View]:
    """Resolves ``slug`` and ``study`` through ``access_study`` and hands the view a
    StudyAccess (``need``: "see", "run" or "take_part")."""

    def decorate(view: View) -> View:
        @wraps(view)
        @login_on_refusal
        def wrapper(request: HttpRequest, slug: str, study: str, *args: Any,
                    **kwargs: Any) -> HttpResponseBase:
            return view(request, access_study(request.user, slug, study, need=need),
                        *args, **kwargs)

        return wrapper

    return decorate


def study_context(access: StudyAccess, study_page: str, **extra: Any) -> dict[str, Any]:
    """The context of a page of a study; ``study_page`` marks its tab in the study's nav."""
    return {"access": access.community_access, "study_access": access,
            "community": access.community, "study": access.study, "tab": "research",
            "study_page": study_page, **extra}


def study_download(request: HttpRequest, access: StudyAccess, data: bytes, *, stem: str,
                   extension: str, content_type: str) -> HttpResponse:
    """A file of the study's data: never cached, never indexed, and written to the security
    log as an export (who took which study's data, when)."""
    record_export(study=access.study, user=request.user, file_name=f"{stem}.{extension}")
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = attachment_header(stem, extension)
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
