from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CredentialsConfig(AppConfig):
    name = "praxis.credentials"
    verbose_name = _("Credentials")

    def ready(self) -> None:
        from praxis.analytics.report import register_panel
        from praxis.credentials.report_panel import certificates_panel

        register_panel(certificates_panel)
        # What credentials keep of a person, and forget when they erase their account.
        from praxis.accounts.hooks import account_erased
        from praxis.core.personal_data import sections
        from praxis.credentials import personal_data

        for section in personal_data.SECTIONS:
            sections.register(section)
        account_erased.register(personal_data.forget_erased_member)
