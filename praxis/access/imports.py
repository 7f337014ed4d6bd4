"""The door for Moodle imports: only the community's stewards, and site admins, may import
into a community or see its imports (their files hold every member's posts and addresses).

As for the community itself, one who may not know the community gets 404; one who may know
it but not import gets PermissionDenied. An import of another community is a 404.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from praxis.access.community import CommunityAccess, access_community
from praxis.accounts.models import AnyUser
from praxis.interop.models import MoodleImport


def may_import(access: CommunityAccess) -> bool:
    return access.can_manage


def access_imports(user: AnyUser, slug: str) -> CommunityAccess:
    """The community whose imports this person may start and see, or a refusal."""
    access = access_community(user, slug, need="see")
    if not may_import(access):
        raise PermissionDenied
    return access


def access_import_run(user: AnyUser, slug: str, run_id: int,
                      ) -> tuple[CommunityAccess, MoodleImport]:
    """One import of the community, for one who may see its imports."""
    access = access_imports(user, slug)
    run = (MoodleImport.objects.select_related("started_by", "community")
           .filter(community=access.community, pk=run_id).first())
    if run is None:
        raise Http404
    return access, run
