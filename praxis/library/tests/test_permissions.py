"""The permission matrix: every library page against every kind of visitor (researchers and
site admins included), in listed, private and public communities."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from praxis.communities.models import Community
from praxis.library import services
from praxis.library.models import ResourceRead
from praxis.library.tests.documents import PDF
from praxis.topics.tests.factories import TopicFactory

LOGIN = "login"
# As in communities.tests.cast.ALL_VISITORS.
VISITORS = ["anonymous", "outsider", "member", "facilitator", "steward", "researcher",
            "site_admin"]
READ = (LOGIN, 403, 200, 200, 200, 200, 200)
OPEN = (LOGIN, 403, 302, 302, 302, 302, 302)

# The member added "own"; the steward added "other". Researchers are members who work in the
# back office: in the library they are members like any other. Site admins run every
# community but are no member: they correct, they do not add.
LISTED = {
    "home": READ, "all": READ, "topics": READ, "tag": READ, "resource": READ,
    "bibtex": READ, "ris": READ, "open": OPEN,
    "open_file": READ,
    "add": (LOGIN, 403, 200, 200, 200, 200, 403),
    "edit": (LOGIN, 403, 200, 200, 200, 403, 200),
    "edit_other": (LOGIN, 403, 403, 200, 200, 403, 200),
    "delete": (LOGIN, 403, 302, 302, 302, 403, 302),
    "delete_other": (LOGIN, 403, 403, 302, 302, 403, 302),
}
# Those outside a private community do not learn it exists.
PRIVATE = {name: (404, 404, *answers[2:]) for name, answers in LISTED.items()}
# Anyone reads a public community's library; adding and correcting stay with its members.
PUBLIC = {
    **LISTED,
    **{name: (200, 200, *READ[2:]) for name in
       ("home", "all", "topics", "tag", "resource", "bibtex", "ris", "open_file")},
    "open": (302, 302, *OPEN[2:]),
}


def _urls(cast) -> dict[str, str]:
    community = cast.community
    own = services.add_link(community=community, added_by=cast.member, title="Loop input",
                            url="https://example.org/loop", tags=["reflection"])
    other = services.add_link(community=community, added_by=cast.steward, title="Other",
                              url="https://example.org/other")
    upload = services.add_file(community=community, added_by=cast.steward,
                               upload=SimpleUploadedFile("a.pdf", PDF), title="A file")
    TopicFactory(community=community, seed_resource=own)
    slug = community.slug

    def url(name: str, resource=None) -> str:
        return reverse(f"library:{name}", args=[slug, resource.pk] if resource else [slug])

    return {
        "home": url("home"), "all": url("all"), "topics": url("topics"),
        "tag": reverse("library:tag", args=[slug, "reflection"]),
        "resource": url("resource", own), "bibtex": url("bibtex", own), "ris": url("ris", own),
        "open": url("open", own), "open_file": url("open", upload), "add": url("add"),
        "edit": url("edit", own), "edit_other": url("edit", other),
        "delete": url("delete", own), "delete_other": url("delete", other),
    }


def _check(matrix, client, urls, visitor_index, label):
    for name, answers in matrix.items():
        url = urls[name]
        # A removal without its confirmation changes nothing: the door answers first.
        response = client.post(url) if name.startswith("delete") else client.get(url)
        expected = answers[visitor_index]
        if expected == LOGIN:
            assert response.status_code == 302, f"{label} {name}: {response.status_code}"
            assert response["Location"].startswith(reverse("accounts:login")), (
                f"{label} {name}: {response['Location']}")
        else:
            assert response.status_code == expected, (
                f"{label} {name}: {response.status_code}, expected {expected}")


@pytest.mark.parametrize("case,visibility,matrix", [
    ("listed", Community.Visibility.LISTED, LISTED),
    ("private", Community.Visibility.PRIVATE, PRIVATE),
    ("public", Community.Visibility.PUBLIC, PUBLIC),
])
@pytest.mark.parametrize("visitor_index,visitor", list(enumerate(VISITORS)))
def test_library_pages_answer_each_visitor_as_the_matrix_says(
    make_cast, as_visitor, case, visibility, matrix, visitor_index, visitor,
):
    cast = make_cast(researchers=True, visibility=visibility)
    urls = _urls(cast)
    client = as_visitor(cast, visitor)
    _check(matrix, client, urls, visitor_index, f"{visitor} ({case})")


def test_only_members_readings_are_logged(make_cast, client):
    cast = make_cast(researchers=True, visibility=Community.Visibility.PUBLIC)
    urls = _urls(cast)
    client.get(urls["open"])  # anonymous
    for who in ("outsider", "site_admin", "member"):
        client.force_login(cast.person(who))
        client.get(urls["open"])
    assert list(ResourceRead.objects.values_list("user", flat=True)) == [cast.member.pk]


def test_a_resource_of_another_community_is_not_found_under_this_one(make_cast, client):
    cast, other = make_cast(), make_cast()
    theirs = services.add_link(community=other.community, added_by=other.member, title="X",
                               url="https://example.org/x")
    client.force_login(cast.steward)
    for name in ("resource", "open", "edit", "bibtex"):
        url = reverse(f"library:{name}", args=[cast.community.slug, theirs.pk])
        assert client.get(url).status_code == 404
