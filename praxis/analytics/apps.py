from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "praxis.analytics"
    verbose_name = _("Analytics")

    def ready(self) -> None:
        # Activity written after the fact makes the months it falls in stale.
        from praxis.accounts.hooks import account_erased
        from praxis.analytics.months import forget_erased, mark_changed
        from praxis.analytics.rounds import settle_in_round
        from praxis.core.history import activity_rewritten
        from praxis.notifications.hooks import periodic_round

        activity_rewritten.register(mark_changed)
        account_erased.register(forget_erased)
        periodic_round.register(settle_in_round)
