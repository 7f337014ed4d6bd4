"""Background tasks of the impact app: the worker's schedule runs ``invite_promised`` with
the digest round (``notifications.tasks.PERIODIC``, registered in ``apps.ready``)."""

from django_tasks import task

from praxis.impact import promises


def invite_promised_now() -> int:
    """Invites the members whose promised session has passed to tell what happened: once
    each, safe to run twice at once."""
    return promises.invite_due()


@task()
def invite_promised() -> int:
    return invite_promised_now()
