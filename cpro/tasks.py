"""Celery tasks of the API: thin, idempotent, by id (``docs/style.md`` §5-6)."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError as DatabaseError
from kombu.exceptions import OperationalError as BrokerError

from . import flux
from .flux import FLOW_TASK_TIME_LIMIT
from .services import access_tokens_purge_expired, idempotency_keys_purge

# Only transient failures are retried; a refused invoice is a result, recorded in the flow report.
RETRY = {
    "autoretry_for": (DatabaseError, BrokerError),
    "retry_backoff": True,
    "retry_backoff_max": 300,
    "max_retries": 5,
    "acks_late": True,
    "reject_on_worker_lost": True,
}


@shared_task(
    name="cpro.flow_process",
    time_limit=FLOW_TASK_TIME_LIMIT,
    soft_time_limit=FLOW_TASK_TIME_LIMIT - 40,
    **RETRY,
)
def flow_process_task(flow_id: int) -> str | None:
    """Integrate a deposited flow (a batch of up to 500 invoices), claimed once."""
    return flux.flow_process(flow_id=flow_id)


@shared_task(name="cpro.flows_sweep", time_limit=120, soft_time_limit=100, **RETRY)
def flows_sweep_task() -> int:
    return flux.flows_sweep()


@shared_task(name="cpro.purge", time_limit=300, soft_time_limit=240, **RETRY)
def purge_task() -> dict[str, int]:
    """Delete expired access tokens and idempotency keys older than a day."""
    return {"tokens": access_tokens_purge_expired(), "idempotency_keys": idempotency_keys_purge()}
