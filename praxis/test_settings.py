"""Settings for the test suite: development defaults, fast hashing, email kept in memory."""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("DEBUG", "true")

from praxis.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
# Background tasks run at once, inside the test.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
                     "QUEUES": ["default", "imports"]}}
# Uploads the tests make (attachments, the demo's photo) go to a folder of their own.
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="praxis-test-media-"))
# Attempt counts in the database, rolled back with each test (Redis would keep them across
# tests); the cache store has its own test.
PRAXIS_THROTTLE_STORE = "database"
