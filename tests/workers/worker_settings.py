"""Settings of the worker processes started by the worker tests (``DJANGO_SETTINGS_MODULE``).

The test settings (PostgreSQL test database and the broker from the environment: Redis or
RabbitMQ), plus a real queue of the test's own and a fast sweeper: what a SIGKILLed worker had
taken is recovered by the sweeper of the restarted worker's embedded beat (issue #19 §9). On
Redis the visibility timeout stays production's 10 minutes, so the sweeper, not Redis, recovers
it; RabbitMQ re-delivers a killed worker's messages as soon as its connection closes.
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
        "visibility_timeout": 600,
        # A worker killed while holding the restore mutex must not block the next one for 5 minutes.
        "unacked_mutex_expire": 5,
    }
CHORUS_SWEEP_GRACE_SECONDS = int(os.environ.get("CHORUS_SWEEP_GRACE_SECONDS", "5"))
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# A flow claimed by the killed worker is taken again after this (production: the task's limit).
CHORUS_FLOW_CLAIM_SECONDS = 10
