"""Celery tasks of the EDI app: thin, idempotent, by id (``docs/style.md`` §5-6)."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError as DatabaseError
from kombu.exceptions import OperationalError as BrokerError

from .services import edi_depot_take, edi_returns_purge, edi_sweep

RETRY = {
    "autoretry_for": (DatabaseError, BrokerError),
    "retry_backoff": True,
    "retry_backoff_max": 300,
    "max_retries": 5,
    # A worker killed mid-intake loses nothing: the message comes back and the task is idempotent.
    "acks_late": True,
    "reject_on_worker_lost": True,
}


@shared_task(name="edi.depot_take", time_limit=540, soft_time_limit=500, **RETRY)
def depot_take_task(edi_file_id: int) -> str | None:
    """Turn a file claimed from ``depot/`` into a deposit flow (once)."""

    return edi_depot_take(edi_file_id=edi_file_id)


@shared_task(name="edi.sweep", time_limit=300, soft_time_limit=240, **RETRY)
def sweep_task() -> dict[str, int]:
    """Recover dead claims, write CRs and status files (the SFTP server runs the same cycle
    every second, and also takes the files of ``depot/``; this one keeps ``retour/`` fed when the
    server is stopped)."""

    return edi_sweep(claim=False)


@shared_task(name="edi.purge", time_limit=300, soft_time_limit=240, **RETRY)
def purge_task() -> int:
    """Delete the files of ``retour/`` older than 30 days."""

    return edi_returns_purge()
