"""Test settings: the base settings (PostgreSQL + Redis when DATABASE_URL / CELERY_BROKER_URL
are set, as in CI), with fast password hashing and mails kept in memory."""

from __future__ import annotations

from .base import *  # noqa: F403
from .base import env

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Unit tests run tasks in-process even when a broker is configured; the worker tests start
# a real worker on CELERY_BROKER_URL themselves.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = env.path("TEST_MEDIA_ROOT", default="/tmp/chorus-test-media")  # noqa: S108
# The EDI folders and host key of tests that do not set their own (seed_demo, pages).
EDI_ROOT = env.path("EDI_ROOT", default="/tmp/chorus-test-edi")  # noqa: S108
EDI_HOST_KEY = env.path("EDI_HOST_KEY", default="/tmp/chorus-test-edi/host_key")  # noqa: S108
