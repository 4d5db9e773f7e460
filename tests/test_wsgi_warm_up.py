"""A gunicorn worker answers its first requests without importing libraries first (issue #17):
``chorus.wsgi`` loads them once in the master under ``--preload``, before the fork."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOADED = (
    "import json, sys, chorus.wsgi; "
    "print(json.dumps(sorted(m for m in sys.modules if m == 'redis' or m.startswith('kombu.transport.'))))"
)


def test_the_web_tier_imports_its_cache_and_broker_libraries_before_the_fork() -> None:
    # Given the portal configured with Redis as its cache and its broker, as in production
    env = {
        **os.environ,
        "CACHE_URL": "rediscache://127.0.0.1:6379/0",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
    }
    # When gunicorn --preload loads the application
    loaded = subprocess.run(
        [sys.executable, "-c", LOADED], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    # Then redis-py and kombu's Redis transport are imported (≈ 0.2 s each worker paid on its
    # first cache call and its first message)
    modules = json.loads(loaded.stdout.strip().splitlines()[-1])
    assert "redis" in modules and "kombu.transport.redis" in modules
