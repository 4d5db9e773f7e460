"""What happens after a status change commits: notifications and the next worker step.

Runs outside any transaction (called from ``transaction.on_commit``); enqueues Celery tasks by id.
"""

from __future__ import annotations


def status_event_dispatch(*, event_id: int) -> None:
    """Enqueue the notification of ``event_id`` and, for a deposit, the routing chain."""
    # The lifecycle work (tracking.tasks) plugs in here: routing after DEPOSEE, notifications.
    return None
