from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PracticeConfig(AppConfig):
    name = "praxis.practice"
    verbose_name = _("Practice")

    def ready(self) -> None:
        # What practice keeps of a person, and forgets when they erase their account.
        from praxis.accounts.hooks import account_erased
        from praxis.core.personal_data import sections
        from praxis.practice import personal_data

        for section in personal_data.SECTIONS:
            sections.register(section)
        account_erased.register(personal_data.forget_erased_member)
