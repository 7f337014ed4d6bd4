"""Background tasks of the impact app: the worker's schedule runs ``invite_promised`` with
the digest round (``notifications.hooks.periodic_round``, registered in ``apps.ready``)."""

from django_tasks import task

from praxis.impact import promises


def invite_promised_now() -> None:
    """Invites the members whose promised session has passed to tell what happened: once
    each, safe to run twice at once."""
    promises.invite_due()


@task()
def invite_promised() -> int:
    return promises.invite_due()
