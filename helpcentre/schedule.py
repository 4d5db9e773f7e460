"""Periodic tasks of the help centre (Celery beat), collected by ``chorus.celery``.

None yet: support requests only change when a user or the support team acts. Plain data, no
model import.
"""

from __future__ import annotations

BEAT_SCHEDULE: dict[str, dict] = {}
