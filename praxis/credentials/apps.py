from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CredentialsConfig(AppConfig):
    name = "praxis.credentials"
    verbose_name = _("Credentials")

    def ready(self) -> None:
        from praxis.analytics.report import register_panel
        from praxis.credentials.report_panel import certificates_panel

        register_panel(certificates_panel)
