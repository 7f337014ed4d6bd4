from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiscussionsConfig(AppConfig):
    name = "praxis.discussions"
    verbose_name = _("Discussions")
