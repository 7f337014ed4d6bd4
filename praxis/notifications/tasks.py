"""Background tasks (Django's tasks API): the worker started by `make worker` runs them."""

from collections.abc import Callable

from django_tasks import task

from praxis.core.audit import forget_old_events
from praxis.core.throttle import forget_old_attempts
from praxis.notifications import services

# Jobs of higher apps run with every digest round (this app may not import them): each
# registers itself in its AppConfig.ready; each must be safe to run twice at once.
PERIODIC: list[Callable[[], object]] = []


@task()
def fan_out_post(post_id: int) -> int:
    return services.fan_out_post(post_id)


@task()
def deliver_email(email_id: int) -> str:
    return services.deliver(email_id)


@task()
def send_due_digests() -> int:
    """Also the housekeeping of the outbox and of old attempt counts: the worker's scheduler
    enqueues it every few minutes."""
    services.sweep_outbox()
    forget_old_attempts()
    forget_old_events()
    for job in PERIODIC:
        job()
    return services.send_due_digests()
