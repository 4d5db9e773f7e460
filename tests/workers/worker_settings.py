"""Settings of the worker processes started by the worker tests (``DJANGO_SETTINGS_MODULE``).

The test settings (PostgreSQL test database and the broker from the environment: Redis or
RabbitMQ), plus a real queue of the test's own. On Redis, a short visibility timeout with a fast
sweep, so that the messages a SIGKILLed worker had taken come back within seconds instead of ten
minutes; RabbitMQ needs nothing of the kind: it re-delivers them as soon as the killed worker's
connection closes.
"""

from __future__ import annotations

import os

from chorus.settings.test import *  # noqa: F403
from chorus.settings.test import CELERY_BROKER_TRANSPORT_OPTIONS, CELERY_BROKER_URL

CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_DEFAULT_QUEUE = os.environ["CHORUS_TEST_QUEUE"]
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        **CELERY_BROKER_TRANSPORT_OPTIONS,
        "visibility_timeout": 5,
        "unacked_restore_interval": 1,
        "unacked_restore_throttle": 1,
        # A worker killed while holding the restore mutex must not block the next one for 5 minutes.
        "unacked_mutex_expire": 5,
    }
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
