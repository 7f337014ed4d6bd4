from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResearchConfig(AppConfig):
    name = "praxis.research"
    verbose_name = _("Research")

    def ready(self) -> None:
        # The retention date is kept by the worker's round; a person's erasure withdraws
        # them from every study; leaving a community ends the researcher role there.
        from praxis.accounts.hooks import account_erased
        from praxis.communities.hooks import membership_ended
        from praxis.core.personal_data import sections
        from praxis.notifications.hooks import periodic_round
        from praxis.research import personal_data
        from praxis.research.services import erase_expired_now

        for section in personal_data.SECTIONS:
            sections.register(section)
        account_erased.register(personal_data.forget_erased_member)
        membership_ended.register(personal_data.forget_role)
        periodic_round.register(erase_expired_now)
