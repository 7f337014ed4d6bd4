from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SiteConfig(AppConfig):
    """Every way in: the pages, the back office, the email intake and its command. Each asks
    the door (``praxis.access``) and then one app's services or queries."""

    name = "praxis.site"
    label = "site"
    verbose_name = _("Praxis site")

    def ready(self) -> None:
        # Checked Moodle files kept for "Import it now" go after two days, with the worker's
        # periodic round: registered here, above both interop and notifications, which may
        # not import each other.
        from praxis.interop.moodle.runs import sweep_checked_uploads_now
        from praxis.notifications.hooks import periodic_round

        periodic_round.register(sweep_checked_uploads_now)
