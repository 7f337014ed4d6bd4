"""Background tasks of the interop app.

A Moodle import can take far longer than the five minutes a task may run on Redis (RQ's
``DEFAULT_TIMEOUT``), so it has a queue of its own, ``imports``, whose timeout is
``PRAXIS_IMPORT_TIMEOUT_MINUTES``; ``manage.py worker`` listens to both queues.
"""

from django_tasks import task

from praxis.interop.moodle import runs

IMPORTS_QUEUE = "imports"


@task(queue_name=IMPORTS_QUEUE)
def import_moodle(run_id: int) -> str:
    return str(runs.run_import(run_id).status)
