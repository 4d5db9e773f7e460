"""Celery tasks of the notifications: thin, by id, idempotent, bounded (``tracking.tasks`` says
which failures are retried). Services never import this module: they send tasks by name."""

from __future__ import annotations

from celery import shared_task

from common.tasks import RETRY

from . import services
from .models import EmailState, Notification


@shared_task(name="notifications.notification_send_email", time_limit=60, soft_time_limit=50, **RETRY)
def notification_send_email(notification_id: int) -> bool:
    return services.notification_send_email(notification_id=notification_id)


@shared_task(name="notifications.digest_send", time_limit=120, soft_time_limit=100, **RETRY)
def digest_send(digest_id: int) -> bool:
    return services.digest_send(digest_id=digest_id)


@shared_task(name="notifications.membership_request_notify", time_limit=60, soft_time_limit=50, **RETRY)
def membership_request_notify(model_label: str, membership_id: int) -> int:
    return services.membership_request_notify(model_label=model_label, membership_id=membership_id)


@shared_task(name="notifications.digests_prepare", time_limit=540, soft_time_limit=500, **RETRY)
def digests_prepare() -> int:
    """Gather, for each user with notifications waiting, today's digest (sent by ``digest_send``)."""
    recipients = (
        Notification.objects.filter(email_state=EmailState.IN_DIGEST)
        .values_list("recipient_id", flat=True)
        .distinct()
        .order_by()
    )
    count = 0
    for recipient_id in recipients.iterator(chunk_size=500):
        count += services.digest_prepare(recipient_id=recipient_id) is not None
    return count
