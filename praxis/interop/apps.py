from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InteropConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "praxis.interop"
    verbose_name = _("Feeds and exchange")

    def ready(self) -> None:
        # What interop keeps of a person, and forgets when they erase their account.
        from praxis.accounts.hooks import account_erased
        from praxis.core.personal_data import sections
        from praxis.interop import personal_data

        for section in personal_data.SECTIONS:
            sections.register(section)
        account_erased.register(personal_data.forget_erased_member)
