"""What notifications do when other apps' records change."""

from typing import Any

from django.db.models.signals import post_delete
from django.dispatch import receiver

from praxis.communities.models import Membership
from praxis.notifications.models import Subscription


@receiver(post_delete, sender=Membership, dispatch_uid="notifications.forget_departed_choices")
def forget_departed_members_choices(sender: type[Membership], instance: Membership,
                                    **kwargs: Any) -> None:
    """A member who leaves (or is removed) keeps no email choices in that community, so none
    linger on their settings page or come back if they join again."""
    Subscription.objects.filter(user_id=instance.user_id,
                                community_id=instance.community_id).delete()
