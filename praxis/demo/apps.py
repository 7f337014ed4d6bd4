from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo communities (``manage.py seed_demo``): content apart from the product."""

    name = "praxis.demo"
    label = "demo"
    verbose_name = _("Demo")
