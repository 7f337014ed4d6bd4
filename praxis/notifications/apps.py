from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "praxis.notifications"
    verbose_name = _("Notifications")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # What notifications does when lower apps' use cases fire their hooks (core.hooks).
        from praxis.accounts.hooks import account_erased
        from praxis.communities.hooks import membership_ended
        from praxis.core.email import notice_owed
        from praxis.core.personal_data import sections
        from praxis.discussions.hooks import post_published
        from praxis.notifications import personal_data, services

        notice_owed.register(services.queue_notice)
        post_published.register(services.post_published)
        membership_ended.register(services.forget_departed_member)
        # What notifications keeps of a person, and forgets when they erase their account.
        for section in personal_data.SECTIONS:
            sections.register(section)
        account_erased.register(personal_data.forget_erased_member)
