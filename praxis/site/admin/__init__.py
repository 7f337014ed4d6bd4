"""The back office: Django's admin, scoped by the door to the communities a steward runs.

Django discovers this module because ``praxis.site`` is an installed app; each area's admin
lives in its own module below.
"""

from praxis.site.admin import (  # noqa: F401  (each module registers its model admins)
    accounts,
    communities,
    core,
    discussions,
    impact,
    library,
    notifications,
    practice,
    topics,
)
