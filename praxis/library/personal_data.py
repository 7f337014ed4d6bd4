"""What the library keeps about a person: the resources they added and their reading log
(``core.personal_data``), and what goes of it when they erase their account
(``accounts.hooks.account_erased``): the reading log always; the files they uploaded if
they chose to remove their posts, as a removed post's attached files go. Registered in
``LibraryConfig.ready``."""

from collections.abc import Iterator

from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

from praxis.accounts.hooks import Erasure
from praxis.accounts.models import User
from praxis.communities.models import Community
from praxis.core.personal_data import Absolute, Field, Row, Section
from praxis.library import queries, services
from praxis.library.models import Resource, ResourceRead


def _added(user: User, absolute: Absolute) -> Iterator[Row]:
    resources = (Resource.objects.filter(added_by=user).select_related("community")
                 .order_by("created_at", "pk"))
    for resource in resources.iterator(chunk_size=500):
        yield {
            "title": resource.title, "url": absolute(resource.get_absolute_url()),
            "community": resource.community.name, "kind": resource.get_kind_display(),
            "authors": resource.authors, "year": resource.year, "citation": resource.citation,
            "tags": resource.tag_names, "licence": resource.get_licence_display(),
            "link": resource.url, "file": resource.original_name,
            "created_at": resource.created_at,
        }


ADDED = Section(
    key="library_resources", order=35,
    title=_("What you added to libraries"),
    fields=(
        Field("title", _("title")), Field("url", _("address"), "link"),
        Field("community", _("community")), Field("kind", _("kind")),
        Field("authors", _("authors"), "long"), Field("year", _("year")),
        Field("citation", _("citation"), "long"), Field("tags", _("tags")),
        Field("licence", _("licence")), Field("link", _("web address")),
        Field("file", _("file name")), Field("created_at", _("added"), "when"),
    ),
    rows=_added,
    purpose=_("To share something to read with a community, and say who shared it."),
    retention=_("Until you or the community's facilitators remove it. When you erase your "
                "account a link stays, added by a \"Former member\"; a file you uploaded "
                "stays so too, or goes if you choose to remove your posts."),
    seen_by=_("Whoever may read the community."),
)


def _reads(user: User, absolute: Absolute) -> Iterator[Row]:
    reads = (ResourceRead.objects.filter(user=user)
             .select_related("resource__community").order_by("opened_at", "pk"))
    for read in reads.iterator(chunk_size=500):
        resource = read.resource
        yield {"title": resource.title, "url": absolute(resource.get_absolute_url()),
               "community": resource.community.name, "opened_at": read.opened_at}


READS = Section(
    key="library_reading", order=36,
    title=_("What you opened in libraries"),
    fields=(
        Field("title", _("title")), Field("url", _("address"), "link"),
        Field("community", _("community")), Field("opened_at", _("first opened that day"),
                                                  "when"),
    ),
    rows=_reads,
    purpose=_("To show the community what its members read (\"most read\", how many "
              "members read a resource) and count reading as taking part."),
    retention=_("Until you erase your account, or the resource is removed."),
    seen_by=_("Counted, never listed by name: members see how many read a resource."),
)

SECTIONS = (ADDED, READS)


def forget_erased_member(erasure: Erasure) -> None:
    """Registered on ``accounts.hooks.account_erased``: the person's reading log goes. What
    they added stays for the community, added by their anonymous account (decision 35),
    except, if they chose to remove their posts, the files they uploaded: those go with
    their resources (and the stored files once the erasure is committed), as a removed
    post's attachments do. A link names someone else's work and stays."""
    reads = ResourceRead.objects.filter(user=erasure.user)
    communities = list(Community.objects.filter(
        pk__in=reads.values("resource__community_id").distinct()).only("pk", "created_at"))
    reads.delete()
    # Their readings no longer count in the month's most read lists.
    cache.delete_many([queries.most_read_key(community) for community in communities])
    if not erasure.keep_posts:
        uploads = Resource.objects.filter(added_by=erasure.user, kind=Resource.Kind.FILE)
        for resource in list(uploads.order_by("pk")):
            services.delete_resource(resource=resource)
