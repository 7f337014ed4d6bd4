from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunitiesConfig(AppConfig):
    name = "praxis.communities"
    verbose_name = _("Communities")

    def ready(self) -> None:
        # What communities keeps of a person, and forgets when they erase their account.
        from praxis.accounts.hooks import account_erased
        from praxis.communities import personal_data
        from praxis.core.personal_data import sections

        for section in personal_data.SECTIONS:
            sections.register(section)
        account_erased.register(personal_data.forget_erased_member)
