"""Background tasks (Django's tasks API): the worker started by `make worker` runs them."""

from django_tasks import task

from praxis.core.audit import forget_old_events
from praxis.core.throttle import forget_old_attempts
from praxis.notifications import services
from praxis.notifications.hooks import periodic_round


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
    periodic_round.fire()
    return services.send_due_digests()
