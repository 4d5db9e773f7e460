"""Settings of the worker processes started by the worker tests (``DJANGO_SETTINGS_MODULE``).

The test settings (PostgreSQL test database and Redis from the environment), plus a real queue
of the test's own and a fast sweeper (what a SIGKILLed worker had taken is recovered by it).
"""

from __future__ import annotations

import os

from chorus.settings.test import *  # noqa: F403

CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_DEFAULT_QUEUE = os.environ["CHORUS_TEST_QUEUE"]
# Production's visibility timeout (10 minutes): the messages a SIGKILLed worker had taken are NOT
# delivered again during the test; the sweeper of the restarted worker's embedded beat must
# recover them (issue #19 §9).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 600,
    # A worker killed while holding the restore mutex must not block the next one for 5 minutes.
    "unacked_mutex_expire": 5,
}
CHORUS_SWEEP_GRACE_SECONDS = int(os.environ.get("CHORUS_SWEEP_GRACE_SECONDS", "5"))
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
