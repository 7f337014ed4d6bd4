from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImpactConfig(AppConfig):
    name = "praxis.impact"
    verbose_name = _("Impact")

    def ready(self) -> None:
        # Promises' invitations go out with the worker's digest round (promises part).
        from praxis.impact.tasks import invite_promised_now
        from praxis.notifications.tasks import PERIODIC

        if invite_promised_now not in PERIODIC:
            PERIODIC.append(invite_promised_now)
