"""Site-wide pages against every kind of visitor: what needs a login asks for one."""

import pytest
from django.urls import reverse

from praxis.communities.tests.cast import VISITORS

PAGES = {
    # page: expected answer for anonymous, then for every signed-in visitor
    "core:home": (200, 200),
    "core:healthz": (200, 200),
    "accounts:login": (200, 302),  # signed-in people are sent on
    "accounts:signup": (200, 302),
    "accounts:password_reset": (200, 200),
    "accounts:profile": ("login", 200),
    "accounts:password_change": ("login", 200),
    "accounts:data_export": ("login", 200),
    "accounts:erase": ("login", 200),
    "accounts:erased": (200, 200),
}


@pytest.mark.parametrize("visitor", VISITORS)
@pytest.mark.parametrize("page,answers", PAGES.items())
def test_site_pages_answer_each_visitor(cast, as_visitor, visitor, page, answers):
    expected = answers[0] if visitor == "anonymous" else answers[1]
    response = as_visitor(cast, visitor).get(reverse(page))
    if expected == "login":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    else:
        assert response.status_code == expected


@pytest.mark.parametrize("visitor", VISITORS)
def test_logging_out_takes_a_post(cast, as_visitor, visitor):
    client = as_visitor(cast, visitor)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.post(reverse("accounts:logout")).status_code == 302
