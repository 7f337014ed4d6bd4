"""Production logs: one line per event."""

import logging


class ClientErrorsOnOneLine(logging.Filter):
    """A refused request (403, 404, 405...) is the visitor's error, not ours: Django logs it
    with the exception's traceback, which buries real errors. It keeps its one line; a 5xx
    keeps its traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.startswith("django.") and getattr(record, "status_code", 500) < 500:
            record.exc_info = None
            record.exc_text = None
        return True
