from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImpactConfig(AppConfig):
    name = "praxis.impact"
    verbose_name = _("Impact")

    def ready(self) -> None:
        # Promises' invitations go out with the worker's digest round (promises part).
        from praxis.impact.tasks import invite_promised_now
        from praxis.notifications.hooks import periodic_round

        periodic_round.register(invite_promised_now)
        # What impact keeps of a person, and forgets when they erase their account (stories
        # part: praxis.impact.personal_data).
        from praxis.accounts.hooks import account_erased
        from praxis.core.personal_data import sections
        from praxis.impact import personal_data

        for section in personal_data.SECTIONS:
            sections.register(section)
        account_erased.register(personal_data.forget_erased_member)
