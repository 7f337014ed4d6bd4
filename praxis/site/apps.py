from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SiteConfig(AppConfig):
    """Every way in: the pages, the back office, the email intake and its command. Each asks
    the door (``praxis.access``) and then one app's services or queries."""

    name = "praxis.site"
    label = "site"
    verbose_name = _("Praxis site")
