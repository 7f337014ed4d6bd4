from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from praxis.accounts.models import User
from praxis.core import params


class AuthenticatedHttpRequest(HttpRequest):
    """The request of a view that only signed-in people reach (login or permission door)."""

    user: User


def site_url(request: HttpRequest) -> str:
    """The site's address as this request reached it, for links in emails."""
    return request.build_absolute_uri("/")


def safe_next(request: HttpRequest) -> str | None:
    """Where to go back to: the request's ``next`` (posted or in the query) when it is a page
    of this site, else None."""
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


class CountedPaginator(Paginator):
    """A paginator told its total by a counter kept on a parent row, instead of running a
    COUNT over every row it pages through."""

    def __init__(self, object_list: QuerySet[Any] | Sequence[Any], per_page: int, *,
                 count: int) -> None:
        super().__init__(object_list, per_page)
        self.known_count = max(count, 0)

    @property
    def count(self) -> int:  # type: ignore[override]
        return self.known_count


class IdUrl:
    """The addresses of one URL pattern whose last argument is an id, for many ids: reversed
    once, then each made by formatting (a thread page links 50 posts several ways each)."""

    _SENTINEL = "2147483647"

    def __init__(self, name: str, *args: object) -> None:
        address = reverse(name, args=[*args, int(self._SENTINEL)])
        # The id is the last argument, so its last occurrence (a slug may hold digits).
        self._head, _, self._tail = address.rpartition(self._SENTINEL)

    def __call__(self, object_id: int) -> str:
        return f"{self._head}{object_id}{self._tail}"


@dataclass
class OpenEndedPage:
    """A page of a list too costly to count (each row's inclusion is worked out per row):
    it reads one row past the page to know whether another follows, and shows no total."""

    object_list: list[Any]
    number: int
    has_next: bool

    paginator = None  # no total: the pager shows "Page N" alone

    @classmethod
    def of(cls, rows: QuerySet[Any], per_page: int, number: object) -> "OpenEndedPage":
        page = params.page_number(number, last=10_000)
        found = list(rows[(page - 1) * per_page: page * per_page + 1])
        return cls(object_list=found[:per_page], number=page, has_next=len(found) > per_page)

    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.has_previous() or self.has_next

    def previous_page_number(self) -> int:
        return self.number - 1

    def next_page_number(self) -> int:
        return self.number + 1
