from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LibraryConfig(AppConfig):
    name = "praxis.library"
    verbose_name = _("Library")

    def ready(self) -> None:
        # What the library keeps of a person, and forgets when they erase their account.
        from praxis.accounts.hooks import account_erased
        from praxis.core.personal_data import sections
        from praxis.library import personal_data

        for section in personal_data.SECTIONS:
            sections.register(section)
        account_erased.register(personal_data.forget_erased_member)
