"""Celery tasks of the lifecycle: thin, by id, idempotent, bounded.

Only transient failures (database connection, broker, SMTP) are retried, with exponential
backoff; a business refusal moves the invoice to its status and is never retried. Time limits
on every task; ``acks_late`` + ``reject_on_worker_lost`` (settings) so a killed worker loses
nothing: the message is delivered again and the second run finds the work done.
"""

from __future__ import annotations

import smtplib
from typing import Any

from celery import shared_task
from django.db import InterfaceError, OperationalError
from kombu.exceptions import OperationalError as BrokerError

TRANSIENT = (
    OperationalError,
    InterfaceError,
    BrokerError,
    smtplib.SMTPException,
    ConnectionError,
    TimeoutError,
)
RETRY: dict[str, Any] = {
    "autoretry_for": TRANSIENT,
    "retry_backoff": 5,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 12,
    "acks_late": True,
    "reject_on_worker_lost": True,
}


@shared_task(name="tracking.invoice_route", time_limit=120, soft_time_limit=100, **RETRY)
def invoice_route(invoice_id: int) -> str | None:
    from .routing import invoice_route as route

    event = route(invoice_id=invoice_id)
    return event.status if event else None


@shared_task(name="tracking.invoice_make_available", time_limit=300, soft_time_limit=240, **RETRY)
def invoice_make_available(invoice_id: int) -> str | None:
    from .routing import invoice_make_available as make_available

    event = make_available(invoice_id=invoice_id)
    return event.status if event else None


@shared_task(name="tracking.status_event_notify", time_limit=60, soft_time_limit=50, **RETRY)
def status_event_notify(event_id: int) -> int:
    from .notices import status_event_notify as notify

    return notify(event_id=event_id)


@shared_task(name="tracking.notification_send_email", time_limit=60, soft_time_limit=50, **RETRY)
def notification_send_email(notification_id: int) -> bool:
    from .notifications import notification_send_email as send

    return send(notification_id=notification_id)


@shared_task(name="tracking.digest_send", time_limit=120, soft_time_limit=100, **RETRY)
def digest_send(digest_id: int) -> bool:
    from .notifications import digest_send as send

    return send(digest_id=digest_id)


@shared_task(name="tracking.invoice_overdue_notify", time_limit=60, soft_time_limit=50, **RETRY)
def invoice_overdue_notify(invoice_id: int) -> int:
    from .notices import invoice_overdue_notify as notify

    return notify(invoice_id=invoice_id)


# --- Periodic (tracking.schedule) ---------------------------------------------------------------


@shared_task(name="tracking.validations_tacit_approve", time_limit=600, soft_time_limit=540, **RETRY)
def validations_tacit_approve() -> int:
    from .routing import validations_tacit_approve as approve

    return approve()


@shared_task(name="tracking.invoices_overdue_detect", time_limit=600, soft_time_limit=540, **RETRY)
def invoices_overdue_detect() -> int:
    """Fan out: one small task per newly overdue invoice."""
    from .routing import overdue_candidates

    ids = overdue_candidates()
    for invoice_id in ids:
        invoice_overdue_notify.delay(invoice_id)
    return len(ids)


@shared_task(name="tracking.digests_prepare", time_limit=600, soft_time_limit=540, **RETRY)
def digests_prepare() -> int:
    """Gather, for each user with notifications waiting, today's digest (sent by ``digest_send``)."""
    from .models import EmailState, Notification
    from .notifications import digest_prepare

    recipients = (
        Notification.objects.filter(email_state=EmailState.IN_DIGEST)
        .values_list("recipient_id", flat=True)
        .distinct()
        .order_by()
    )
    count = 0
    for recipient_id in recipients.iterator(chunk_size=500):
        count += digest_prepare(recipient_id=recipient_id) is not None
    return count


@shared_task(name="tracking.lifecycle_sweep", time_limit=300, soft_time_limit=240, **RETRY)
def lifecycle_sweep() -> dict[str, int]:
    from .routing import lifecycle_sweep as sweep

    return sweep()
