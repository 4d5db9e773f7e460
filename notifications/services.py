"""Notifications: the in-app notification centre and the e-mails, for every part of the portal.

``notification_create`` is the one entry point (the lifecycle, the compliance reminders and the
help centre replies all go through it). It honours each user's preference for the structure
concerned, deduplicates in the database (one notification per status event and recipient, or
per ``dedupe_key``), and sends the e-mail from a Celery task after commit, never inside the
transaction.

E-mails are delivered at least once: a task claims the notification (compare-and-set
A_ENVOYER → EN_COURS), sends, then marks it ENVOYE; the sweeper puts a claim older than a few
minutes back to A_ENVOYER (the worker died mid-way).
"""

from __future__ import annotations

import contextlib
import logging
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import structure_field
from accounts.roles import MANAGER_ROLES, MembershipStatus, Role
from common.memo import memo_add, memo_put, memoized
from common.tasks import task_send
from entities.models import BuyerMembership, PublicStructure
from suppliers.models import SupplierMembership

from .models import Digest, EmailState, Notification, NotificationMode, NotificationPreference

logger = logging.getLogger(__name__)

if TYPE_CHECKING:
    from accounts.models import User


class Kind:
    """Notification kinds of the lifecycle. Other apps use their own strings."""

    STATUS = "statut"
    REJECTION = "rejet"  # always delivered to the principal manager
    TO_PROCESS = "a_traiter"  # buyer: a new or completed invoice
    TO_VALIDATE = "a_valider"  # A9/A12 validator
    OVERDUE = "retard"


# Kinds a principal manager receives even with the preference "nothing" (issue: "except the
# principal manager, who always gets rejections").
ALWAYS_FOR_PRINCIPAL = frozenset({Kind.REJECTION})


def structure_fields(structure: Any) -> dict[str, Any]:
    """``{"supplier_structure": s}`` or ``{"public_structure": s}`` (or ``{}`` for none)."""
    if structure is None:
        return {}
    return structure_field(structure)


def notification_mode(*, user: User, structure: Any, kind: str = "") -> str:
    """The user's preference for ``structure``. Never chosen: every event, except for the
    "new invoice to process" of a buyer who already received
    ``NOTIFICATIONS_NEW_INVOICE_EMAILS_PER_DAY`` of them today: the rest of the day goes to the
    daily digest (issue #18 §5: 1 000 deposits must not mean 1 000 e-mails to one buyer)."""
    fields = structure_fields(structure)
    if not fields:
        return NotificationMode.EVERY_EVENT
    # A preference changes on a person's click, not within a batch: read once per batch.
    ((field, value),) = fields.items()
    mode = memoized(
        _preference_key(user_id=user.pk, field=field, structure_id=value.pk),
        lambda: (
            NotificationPreference.objects.filter(user=user, **fields).values_list("mode", flat=True).first()
        ),
    )
    if mode:
        return mode
    limit = settings.NOTIFICATIONS_NEW_INVOICE_EMAILS_PER_DAY
    if kind == Kind.TO_PROCESS and _new_invoices_today(user) >= limit:
        return NotificationMode.DAILY_DIGEST
    return NotificationMode.EVERY_EVENT


def _preference_key(*, user_id: int, field: str, structure_id: int) -> tuple[str, int, str, int]:
    return ("notification_preference", user_id, field, structure_id)


def members_with_preferences(
    memberships: QuerySet[BuyerMembership] | QuerySet[SupplierMembership], *, structure_id: int
) -> list[User]:
    """The users of ``memberships`` (members of structure ``structure_id``), each one's
    notification preference for that structure read by the same query and kept for the batch,
    where ``notification_mode`` finds it: one query per audience, not one per person (issue #17)."""
    field = "public_structure" if memberships.model is BuyerMembership else "supplier_structure"
    chosen = NotificationPreference.objects.filter(user=OuterRef("user"), **{f"{field}_id": structure_id})
    annotated = memberships.annotate(preference=Subquery(chosen.values("mode")[:1]))
    members: list[Any] = list(annotated.select_related("user"))  # with their annotation
    for member in members:
        key = _preference_key(user_id=member.user_id, field=field, structure_id=structure_id)
        memo_put(key, member.preference)
    return [member.user for member in members]


def _new_invoices_today(user: User) -> int:
    """How many "to process" notifications ``user`` received since midnight (Paris), capped.
    Counted once per batch, which then adds its own (``notification_create``): a flow of 16
    invoices to one buyer reads it once, not 16 times (issue #17)."""
    today = timezone.localdate()
    midnight = timezone.make_aware(datetime.combine(today, time.min))
    cap = settings.NOTIFICATIONS_NEW_INVOICE_EMAILS_PER_DAY
    return memoized(
        _new_invoices_key(user_id=user.pk, day=today),
        lambda: Notification.objects.filter(recipient=user, kind=Kind.TO_PROCESS, created_at__gte=midnight)[
            :cap
        ].count(),
    )


def _new_invoices_key(*, user_id: int, day: date) -> tuple[str, int, date]:
    return ("new_invoices_today", user_id, day)


def is_principal_manager(*, user: User, structure: Any) -> bool:
    model = BuyerMembership if isinstance(structure, PublicStructure) else SupplierMembership
    return model.objects.filter(
        user=user, structure=structure, role=Role.PRINCIPAL, status=MembershipStatus.ACTIVE
    ).exists()


def notification_create(
    *,
    recipient: User,
    kind: str,
    title: str,
    body: str,
    url: str = "",
    invoice: Any = None,
    event: Any = None,
    structure: Any = None,
    send_email: bool = True,
    dedupe_key: str = "",
    created_at: Any = None,
    fresh: bool = False,
) -> Notification | None:
    """Notify ``recipient``; returns the notification, the existing one for the same event or
    ``dedupe_key``, or None when the user's preference for ``structure`` is "nothing".

    ``fresh``: the caller guarantees that nothing was notified yet for this (recipient, event),
    as the status notices do for the events they hold locked, and have de-duplicated; the insert
    then needs no savepoint (two statements fewer per notification, issue #17)."""
    if not recipient.is_active:
        return None
    mode = notification_mode(user=recipient, structure=structure, kind=kind)
    if mode == NotificationMode.NOTHING:
        if not (
            kind in ALWAYS_FOR_PRINCIPAL
            and structure is not None
            and is_principal_manager(user=recipient, structure=structure)
        ):
            return None
        mode = NotificationMode.EVERY_EVENT
    email_state = EmailState.NONE
    if send_email and recipient.email:
        email_state = EmailState.IN_DIGEST if mode == NotificationMode.DAILY_DIGEST else EmailState.PENDING
    try:
        # A savepoint: a duplicate must not break the caller's transaction.
        with contextlib.nullcontext() if fresh else transaction.atomic():
            notification = Notification.objects.create(
                recipient=recipient,
                kind=kind,
                title=title[:255],
                body=body,
                url=url[:500],
                invoice=invoice,
                event=event,
                dedupe_key=dedupe_key[:200],
                email_state=email_state,
                created_at=created_at or timezone.now(),
                **structure_fields(structure),
            )
    except IntegrityError:
        existing = _existing(recipient=recipient, event=event, dedupe_key=dedupe_key)
        if existing is None:
            raise
        notification = existing
        if notification.email_state != EmailState.PENDING:
            return notification
        # Created by an earlier run whose e-mail task may never have been enqueued (killed
        # between commit and enqueue): enqueue again, the send is claimed compare-and-set.
    else:
        if kind == Kind.TO_PROCESS:  # one more for the count this batch read (_new_invoices_today)
            day = timezone.localdate(notification.created_at)
            memo_add(_new_invoices_key(user_id=recipient.pk, day=day))
    if notification.email_state == EmailState.PENDING:
        notification_id, recipient_id = notification.pk, recipient.pk
        transaction.on_commit(
            lambda: notification_email_enqueue(notification_id, batch=True, recipient_id=recipient_id)
        )
    return notification


def _existing(*, recipient: User, event: Any, dedupe_key: str) -> Notification | None:
    qs = Notification.objects.filter(recipient=recipient)
    if event is not None:
        found = qs.filter(event=event).first()
        if found is not None:
            return found
    if dedupe_key:
        return qs.filter(dedupe_key=dedupe_key[:200]).first()
    return None


def _batch_key(recipient_id: int) -> str:
    return f"notifications:email-batch:{recipient_id}"


def notification_email_enqueue(
    notification_id: int, *, batch: bool = False, recipient_id: int | None = None
) -> None:
    """Schedule the e-mail of a committed notification.

    A broker outage is absorbed: the sweeper re-enqueues e-mails left A_ENVOYER. ``batch``: sent
    a few seconds later, so that what else reaches the same person meanwhile leaves in the same
    e-mail (issue #17: e-mails batched per recipient) — and with ``recipient_id``, one task per
    person and window rather than one per notification: while a batch is scheduled for that
    person, the send that it will make picks this notification up (it clears the mark *before*
    it looks for what waits, and this notification is committed before the mark is read)."""
    countdown = settings.NOTIFICATIONS_EMAIL_BATCH_SECONDS if batch else None
    if batch and countdown and recipient_id is not None and not _batch_open(recipient_id, countdown):
        return
    task_send("notifications.notification_send_email", notification_id, countdown=countdown or None)


def _batch_open(recipient_id: int, countdown: float) -> bool:
    """Mark a batch as scheduled for ``recipient_id``; False when one already is. The mark
    outlives the countdown a little; a lost task's notifications go to the sweeper."""
    try:
        return bool(cache.add(_batch_key(recipient_id), 1, timeout=countdown * 2))
    except Exception:  # a cache outage must not cost an e-mail: schedule it on its own
        logger.warning("Cache unavailable: e-mail batch mark not set", exc_info=True)
        return True


def _batch_close(recipient_id: int) -> None:
    try:
        cache.delete(_batch_key(recipient_id))
    except Exception:  # the mark then expires on its own (twice the countdown)
        logger.warning("Cache unavailable: e-mail batch mark not cleared", exc_info=True)


def _absolute(url: str) -> str:
    if not url or url.startswith(("http://", "https://")):
        return url
    return settings.SITE_URL.rstrip("/") + url


# A claim older than this belongs to a task that died (twice the e-mail task's time limit).
CLAIM_TIMEOUT = timedelta(seconds=120)
# At most this many notifications in one batched e-mail (the rest leave in the next one).
EMAIL_BATCH_MAX = 50


def notification_send_email(*, notification_id: int) -> bool:
    """Send the e-mail of one notification (French, plain text + HTML), with the others waiting
    for the same person. True if sent now."""
    return _send_email(notification_id=notification_id, follow=True)


def _send_email(*, notification_id: int, follow: bool) -> bool:
    now = timezone.now()
    claimed = Notification.objects.filter(
        Q(email_state=EmailState.PENDING)
        | Q(email_state=EmailState.SENDING, emailed_at__lt=now - CLAIM_TIMEOUT),
        pk=notification_id,
    ).update(email_state=EmailState.SENDING, emailed_at=now)
    if not claimed:
        # Already sent, in a digest, or being sent by another worker; a batch scheduled for this
        # person ends here all the same (the next notification schedules its own).
        recipient_id = (
            Notification.objects.filter(pk=notification_id).values_list("recipient_id", flat=True).first()
        )
        if recipient_id is None:
            return False
        _batch_close(recipient_id)
        # Notifications that counted on this batch (committed while its mark was set) leave now.
        waiting = (
            Notification.objects.filter(recipient_id=recipient_id, email_state=EmailState.PENDING)
            .order_by("pk")
            .values_list("pk", flat=True)
            .first()
        )
        if waiting is None or not follow:
            return False
        return _send_email(notification_id=waiting, follow=False)
    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    # Before looking for what else waits: a notification committed from now on schedules a send
    # of its own; one committed before is found below.
    _batch_close(notification.recipient_id)
    # Batched per recipient: the other e-mails waiting for this person leave in this one (their
    # own tasks then find nothing to claim), at most EMAIL_BATCH_MAX at a time.
    others = list(
        Notification.objects.filter(recipient_id=notification.recipient_id, email_state=EmailState.PENDING)
        .exclude(pk=notification_id)
        .order_by("pk")
        .values_list("pk", flat=True)[: EMAIL_BATCH_MAX - 1]
    )
    if others:
        Notification.objects.filter(pk__in=others, email_state=EmailState.PENDING).update(
            email_state=EmailState.SENDING, emailed_at=now
        )
    batch = [notification]
    if others:
        batch = list(
            Notification.objects.filter(
                Q(pk=notification_id) | Q(pk__in=others, emailed_at=now), email_state=EmailState.SENDING
            ).order_by("pk")
        )
    ids = [n.pk for n in batch]
    user = notification.recipient
    with translation.override("fr"):
        if len(batch) == 1:
            context = {"notification": notification, "link": _absolute(notification.url), "user": user}
            subject = f"[Chorus] {notification.title}"
            text = render_to_string("notifications/email/notification.txt", context)
            html = render_to_string("notifications/email/notification.html", context)
        else:
            centre = _absolute(reverse("notifications:notifications"))
            items = [(item, _absolute(item.url)) for item in batch]
            context = {"items": items, "user": user, "centre": centre}
            subject = _("[Chorus] %(n)d nouvelles notifications") % {"n": len(batch)}
            text = render_to_string("notifications/email/batch.txt", context)
            html = render_to_string("notifications/email/batch.html", context)
    message = EmailMultiAlternatives(subject, text, to=[user.email])
    message.attach_alternative(html, "text/html")
    try:
        message.send()
    except Exception:
        # Give the claims back so that the retry (transient SMTP failure) can send them.
        Notification.objects.filter(pk__in=ids, email_state=EmailState.SENDING).update(
            email_state=EmailState.PENDING
        )
        raise
    Notification.objects.filter(pk__in=ids, email_state=EmailState.SENDING).update(
        email_state=EmailState.SENT, emailed_at=timezone.now()
    )
    if len(others) == EMAIL_BATCH_MAX - 1:
        # A full e-mail: more may wait for this person, whose notifications counted on this batch
        # (one task per window): the next e-mail leaves now rather than with the sweeper.
        waiting = (
            Notification.objects.filter(
                recipient_id=notification.recipient_id, email_state=EmailState.PENDING
            )
            .order_by("pk")
            .values_list("pk", flat=True)
            .first()
        )
        if waiting is not None:
            notification_email_enqueue(waiting)
    return True


def notification_mark_read(*, user: User, notification_id: int) -> Notification | None:
    """Mark one of ``user``'s notifications read (another user's id is treated as unknown)."""
    notification = Notification.objects.filter(pk=notification_id, recipient=user).first()
    if notification is None:
        return None
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=timezone.now())
    return notification


def notifications_mark_all_read(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())


def notification_preference_set(*, user: User, structure: Any, mode: str) -> NotificationPreference:
    """Record ``user``'s choice for a structure they belong to (the view checks membership)."""
    if mode not in NotificationMode.values:
        raise ValueError(_("Choix de notification inconnu."))
    preference, _created = NotificationPreference.objects.update_or_create(
        user=user, **structure_fields(structure), defaults={"mode": mode}
    )
    return preference


# --- Daily digest ------------------------------------------------------------------------------


def digest_prepare(*, recipient_id: int, day: Any = None) -> Digest | None:
    """Gather ``recipient``'s notifications waiting for the digest into today's digest (once)."""
    day = day or timezone.localdate()
    with transaction.atomic():
        digest, created = Digest.objects.get_or_create(recipient_id=recipient_id, day=day)
        if not created and digest.sent_at is not None:
            return None  # today's digest already left; the rest waits for tomorrow
        attached = Notification.objects.filter(
            recipient_id=recipient_id, email_state=EmailState.IN_DIGEST
        ).update(email_state=EmailState.DIGESTED, digest=digest)
        if not attached and not digest.notifications.exists():
            return None
        digest_id = digest.pk
        transaction.on_commit(lambda: _enqueue_digest(digest_id))
    return digest


def _enqueue_digest(digest_id: int) -> None:
    task_send("notifications.digest_send", digest_id)


# A digest claim older than this belongs to a task that died (twice the digest task's limit).
DIGEST_CLAIM_TIMEOUT = timedelta(seconds=240)


def digest_send(*, digest_id: int) -> bool:
    """Send one digest e-mail; a second run finds it sent (or being sent) and does nothing.

    Claimed first (compare-and-set on ``claimed_at``), marked sent only once the e-mail left: a
    worker killed in between leaves a stale claim that the sweeper (``notifications_sweep``)
    gives back, so a digest is never lost."""
    now = timezone.now()
    claimed = (
        Digest.objects.filter(pk=digest_id, sent_at__isnull=True)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - DIGEST_CLAIM_TIMEOUT))
        .update(claimed_at=now)
    )
    if not claimed:
        return False
    digest = Digest.objects.select_related("recipient").get(pk=digest_id)
    items = list(digest.notifications.order_by("id")[:200])
    total = digest.notifications.count()
    if not items or not digest.recipient.email:
        Digest.objects.filter(pk=digest_id, claimed_at=now).update(sent_at=now)  # nothing to send
        return False
    context = {
        "digest": digest,
        "items": items,
        "total": total,
        "user": digest.recipient,
        "centre": _absolute(reverse("notifications:notifications")),
        "links": {n.pk: _absolute(n.url) for n in items},
    }
    with translation.override("fr"):
        subject = _("[Chorus] Votre récapitulatif du %(day)s (%(n)d notifications)") % {
            "day": digest.day.strftime("%d/%m/%Y"),
            "n": total,
        }
        text = render_to_string("notifications/email/digest.txt", context)
        html = render_to_string("notifications/email/digest.html", context)
    message = EmailMultiAlternatives(subject, text, to=[digest.recipient.email])
    message.attach_alternative(html, "text/html")
    try:
        message.send()
    except Exception:
        # Give the claim back so that the retry (transient SMTP failure) can send it.
        Digest.objects.filter(pk=digest_id, claimed_at=now).update(claimed_at=None)
        raise
    Digest.objects.filter(pk=digest_id, claimed_at=now).update(sent_at=timezone.now())
    return True


def notifications_sweep(*, now: datetime | None = None, grace: timedelta, limit: int = 1000) -> int:
    """Re-enqueue the e-mails and digests whose task was lost (broker outage, worker killed):
    waiting longer than ``grace``, or claimed by a task that died. Returns how many."""
    now = now or timezone.now()
    cutoff = now - grace
    mails = list(
        Notification.objects.filter(
            Q(email_state=EmailState.PENDING, created_at__lt=cutoff)
            | Q(email_state=EmailState.SENDING, emailed_at__lt=cutoff)
        ).values_list("pk", flat=True)[:limit]
    )
    # A claim older than the grace period belongs to a worker that died: give it back.
    Notification.objects.filter(pk__in=mails, email_state=EmailState.SENDING).update(
        email_state=EmailState.PENDING
    )
    for notification_id in mails:
        task_send("notifications.notification_send_email", notification_id)
    digests = list(
        Digest.objects.filter(sent_at__isnull=True, created_at__lt=cutoff)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=cutoff))
        .values_list("pk", flat=True)[:limit]
    )
    for digest_id in digests:
        task_send("notifications.digest_send", digest_id)
    return len(mails) + len(digests)


# --- Membership requests -----------------------------------------------------------------------

MEMBERSHIP_MODELS: dict[str, type[SupplierMembership] | type[BuyerMembership]] = {
    SupplierMembership._meta.label: SupplierMembership,
    BuyerMembership._meta.label: BuyerMembership,
}


def membership_request_notify(*, model_label: str, membership_id: int) -> int:
    """Notify every active manager of the structure of a pending request to join it (Chorus Pro
    §3.4: managers approve attachment requests); returns how many were notified."""
    model = MEMBERSHIP_MODELS[model_label]
    membership = (
        model.objects.select_related("user", "structure")
        .filter(pk=membership_id, status=MembershipStatus.PENDING)
        .first()
    )
    if membership is None:
        return 0
    url = reverse("entities:approvals" if model is BuyerMembership else "suppliers:approvals")
    managers = model.objects.filter(
        structure_id=membership.structure_id, status=MembershipStatus.ACTIVE, role__in=MANAGER_ROLES
    ).select_related("user")
    who = membership.user.get_full_name() or membership.user.email
    sent = 0
    for manager in managers:
        created = notification_create(
            recipient=manager.user,
            kind="RATTACHEMENT_DEMANDE",
            title=_("Demande de rattachement à %(name)s") % {"name": membership.structure.name},
            body=_(
                "%(who)s (%(email)s) demande à rejoindre %(name)s. Approuvez ou refusez la demande "
                "depuis le menu « Approbations »."
            )
            % {"who": who, "email": membership.user.email, "name": membership.structure.name},
            url=url,
            structure=membership.structure,
            dedupe_key=f"rattachement:{model._meta.label_lower}:{membership.pk}:{membership.requested_at:%s}",
        )
        sent += created is not None
    return sent
