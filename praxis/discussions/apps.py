from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiscussionsConfig(AppConfig):
    name = "praxis.discussions"
    verbose_name = _("Discussions")

    def ready(self) -> None:
        # A new topic's question and apply threads are discussions (core.hooks).
        from praxis.discussions import services
        from praxis.topics.hooks import topic_created

        topic_created.register(services.open_topic_threads)

        # What discussions keeps of a person, and forgets when they erase their account.
        from praxis.accounts.hooks import account_erased
        from praxis.core.personal_data import sections
        from praxis.discussions import personal_data

        for section in personal_data.SECTIONS:
            sections.register(section)
        account_erased.register(personal_data.forget_erased_member)
