from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "praxis.accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        # What a member's data export holds of their account (core.personal_data).
        from praxis.accounts.personal_data import SECTIONS
        from praxis.core.personal_data import sections

        for section in SECTIONS:
            sections.register(section)
