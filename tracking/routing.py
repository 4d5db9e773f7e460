"""The workers' part of an invoice's life: routing after a deposit, availability to the buyer,
tacit validation of A9/A12 invoices, late-payment detection, and the sweeper that makes sure no
invoice stays in a transient status.

Every function here is idempotent: it loads by id, returns early when the work is done, and
changes status only through ``invoice_transition`` (compare-and-set), so that a task run twice
(message re-delivered after a worker was killed) changes nothing the second time.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Exists, Min, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from common.tasks import task_send
from invoices.checks import invoice_check
from invoices.choices import FRAMEWORKS_WITH_MOE, FRAMEWORKS_WITH_VALIDATOR, DocumentRole
from invoices.lifecycle.machine import TRANSITION_FIELDS, StatusConflict, TransitionError, invoice_transition
from invoices.lifecycle.models import ActorRole, StatusEvent
from invoices.lifecycle.reasons import REASON_MAX_LENGTH, ReasonCode
from invoices.lifecycle.statuses import (
    AVAILABILITY_STATUSES,
    AWAITING_PAYMENT,
    ROUTING_STATUSES,
    TRANSIENT_STATUSES,
)
from invoices.lifecycle.statuses import InvoiceStatus as S
from invoices.models import Document, Invoice
from invoices.services import invoice_generate_document
from notifications.services import notifications_sweep

logger = logging.getLogger(__name__)

# Reference §1.3: the prime contractor or mandataire has 15 days to validate; then tacit.
TACIT_VALIDATION_DAYS = 15


def _system_transition(
    *,
    invoice_id: int,
    to: str,
    expected: str,
    comment: str = "",
    reason_code: str = "",
    row: dict[str, Any] | None = None,
) -> StatusEvent | None:
    """A worker's transition; losing a race to another worker is not an error."""
    try:
        return invoice_transition(
            invoice_id=invoice_id,
            to=to,
            role=ActorRole.SYSTEM,
            expected=expected,
            comment=comment,
            reason_code=reason_code,
            row=row,
        )
    except StatusConflict:
        return None


def _reason_code_for(errors: list) -> str:
    codes = " ".join(str(getattr(e, "code", "")).upper() for e in errors)
    for needle, reason in (
        ("DOUBLON", ReasonCode.DOUBLON),
        ("DUPLICATE", ReasonCode.DOUBLON),
        ("SERVICE", ReasonCode.CODE_ROUTAGE_ERR),
        ("ENGAGEMENT", ReasonCode.CMD_ERR),
        ("SIRET", ReasonCode.SIRET_ERR),
        ("DESTINATAIRE", ReasonCode.DEST_ERR),
        ("RECIPIENT", ReasonCode.DEST_ERR),
        ("TVA", ReasonCode.TX_TVA_ERR),
        ("VAT", ReasonCode.TX_TVA_ERR),
        ("TOTAL", ReasonCode.MONTANTTOTAL_ERR),
        ("MONTANT", ReasonCode.MONTANTTOTAL_ERR),
    ):
        if needle in codes:
            return reason
    return ReasonCode.NON_CONFORME


def rejection_comment(errors: list) -> str:
    """The errors in one French sentence of at most 255 characters (the history's limit)."""
    messages = [str(getattr(e, "message", "") or e) for e in errors]
    text = " ; ".join(m.strip().rstrip(".") for m in messages if m.strip())
    text = _("Contrôles à l'acheminement : %(errors)s.") % {"errors": text}
    if len(text) > REASON_MAX_LENGTH:
        text = text[: REASON_MAX_LENGTH - 1].rstrip() + "…"
    return text


def invoice_step_enqueue(*, status: str, invoice_id: int) -> None:
    """Enqueue the worker step that moves an invoice on from ``status``, if any."""
    if status in ROUTING_STATUSES:
        task_send("tracking.invoice_route", invoice_id)
    elif status in AVAILABILITY_STATUSES:
        task_send("tracking.invoice_make_available", invoice_id)


def follow_up_enqueue(*, invoice_id: int, status: str) -> None:
    """The work of a task was already done by an earlier run, which may have been killed after
    its commit but before enqueuing what follows (the message is then delivered again): enqueue
    the next step and the notifications not yet made. Idempotent tasks only; no data change."""
    invoice_step_enqueue(status=status, invoice_id=invoice_id)
    for event_id in StatusEvent.objects.filter(invoice_id=invoice_id, notified_at__isnull=True).values_list(
        "pk", flat=True
    ):
        task_send("tracking.status_event_notify", event_id)


# What the automatic steps read of an invoice besides what its transitions read: a chain
# (``tracking.dispatch``) reads them once and passes the row from step to step (issue #17).
STEP_FIELDS = (*TRANSITION_FIELDS, "framework", "validator_id", "document_by_portal")


def invoice_step_row(*, invoice_id: int, invoice: Any = None) -> dict[str, Any] | None:
    """The invoice's ``STEP_FIELDS``, for ``invoice_route`` and ``invoice_make_available``.
    ``invoice``: the instance this unit of work deposited a moment ago (a flow's), whose fields
    are what it wrote: taken from it, not read again (a stale one loses the compare-and-set)."""
    if invoice is not None and invoice.pk == invoice_id:
        return {name: _field_path(invoice, name) for name in STEP_FIELDS}
    return Invoice.objects.filter(pk=invoice_id).values(*STEP_FIELDS).first()


def step_writes_document(row: dict[str, Any]) -> bool:
    """The invoice's availability generates its legal document (sent without a file of its own:
    web form, API data): storage I/O, which no transaction may hold (``tracking.dispatch``)."""
    return bool(row["document_by_portal"])


def _field_path(instance: Any, path: str) -> Any:
    """``instance``'s value for a ``values()`` path (``recipient__category``): None past a null."""
    value = instance
    for name in path.split("__"):
        value = getattr(value, name) if value is not None else None
    return value


def invoice_route(
    *, invoice_id: int, follow_up: bool = True, checked: bool = False, row: dict[str, Any] | None = None
) -> StatusEvent | None:
    """DEPOSEE → EN_COURS_ACHEMINEMENT (or A_VALIDER_1 for A9/A12, or REJETEE when the checks
    re-run on the stored invoice fail); VALIDEE_1 / tacit validation → EN_COURS_ACHEMINEMENT.
    ``follow_up=False`` inside a chain run by ``tracking.dispatch``, which gives the ``row`` it
    read (``invoice_step_row``, kept up to date by each transition)."""
    # Only the fields that choose the route: ``invoice_check`` reads the whole invoice itself.
    row = row if row is not None else invoice_step_row(invoice_id=invoice_id)
    if row is None:
        return None
    status = row["status"]
    if status not in ROUTING_STATUSES:
        if follow_up:
            follow_up_enqueue(invoice_id=invoice_id, status=status)  # already routed
        return None
    if status != S.DEPOSEE:
        return _system_transition(invoice_id=invoice_id, to=S.EN_COURS_ACHEMINEMENT, expected=status, row=row)
    # The recipient or its service may have been closed since the deposit: checks run again,
    # unless the deposit's checks ran in this same unit of work (``checked``: a flow's task).
    errors = [] if checked else invoice_check(invoice_id=invoice_id)
    if errors:
        return _system_transition(
            invoice_id=invoice_id,
            to=S.REJETEE,
            expected=S.DEPOSEE,
            comment=rejection_comment(errors),
            reason_code=_reason_code_for(errors),
            row=row,
        )
    to = S.EN_COURS_ACHEMINEMENT
    if row["framework"] in FRAMEWORKS_WITH_VALIDATOR and row["validator_id"]:
        to = S.A_VALIDER_1
    elif row["framework"] in FRAMEWORKS_WITH_MOE and row["validator_id"]:
        # Works: the maître d'œuvre checks the contractor's draft before the maître d'ouvrage.
        to = S.A_VALIDER_MOE
    return _system_transition(invoice_id=invoice_id, to=to, expected=S.DEPOSEE, row=row)


def invoice_make_available(
    *, invoice_id: int, follow_up: bool = True, row: dict[str, Any] | None = None
) -> StatusEvent | None:
    """EN_COURS_ACHEMINEMENT → MISE_A_DISPOSITION, once the legal document of a web-form invoice
    exists (generated here, idempotently). ``follow_up=False`` inside a chain run by
    ``tracking.dispatch``, which dispatches what follows itself and gives its ``row``."""
    row = row if row is not None else invoice_step_row(invoice_id=invoice_id)
    if row is None:
        return None
    status = row["status"]
    if status != S.EN_COURS_ACHEMINEMENT:
        if follow_up:
            follow_up_enqueue(invoice_id=invoice_id, status=status)  # already available
        return None
    if step_writes_document(row):
        # Sent without a file of its own (web form, API data): its Factur-X is generated here,
        # by its one owner, before anyone can see it (idempotent).
        invoice_generate_document(invoice_id=invoice_id)
    return _system_transition(
        invoice_id=invoice_id, to=S.MISE_A_DISPOSITION, expected=S.EN_COURS_ACHEMINEMENT, row=row
    )


def validations_tacit_approve(*, now: datetime | None = None, limit: int = 500) -> int:
    """A9/A12 invoices left 15 days without the validator's answer are validated tacitly."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=TACIT_VALIDATION_DAYS)
    ids = list(
        Invoice.objects.filter(status=S.A_VALIDER_1, status_changed_at__lte=cutoff)
        .order_by("status_changed_at")
        .values_list("pk", flat=True)[:limit]
    )
    done = 0
    for invoice_id in ids:
        try:
            event = invoice_transition(
                invoice_id=invoice_id,
                to=S.ABSENCE_VALIDATION_1_HORS_DELAI,
                role=ActorRole.SYSTEM,
                expected=S.A_VALIDER_1,
                comment=_("Validation tacite : le valideur n'a pas répondu sous %(days)d jours.")
                % {"days": TACIT_VALIDATION_DAYS},
            )
        except TransitionError:
            continue  # the validator answered meanwhile
        done += event is not None
    return done


def overdue_candidates(*, today: date | None = None, window_days: int = 7, limit: int = 10_000) -> list[int]:
    """Invoices that became overdue in the last ``window_days`` days (the window lets a missed
    daily run catch up; the notifications are deduplicated per invoice). Uses the
    (status, due_date) index."""
    today = today or timezone.localdate()
    return list(
        Invoice.objects.filter(
            status__in=AWAITING_PAYMENT,
            due_date__lt=today,
            due_date__gte=today - timedelta(days=window_days),
        )
        .order_by("due_date", "pk")
        .values_list("pk", flat=True)[:limit]
    )


def lifecycle_sweep(
    *, now: datetime | None = None, grace: timedelta | None = None, limit: int = 1000
) -> dict[str, int]:
    """Re-enqueue what a lost message or a killed worker left behind: status events not
    dispatched (their chain is run and notified), invoices in a transient status, invoices past
    routing without their legal document, e-mails and digests not sent. Everything re-enqueued
    is idempotent, so an early re-enqueue only costs a task that finds the work done."""
    now = now or timezone.now()
    grace = grace if grace is not None else timedelta(seconds=settings.CHORUS_SWEEP_GRACE_SECONDS)
    cutoff = now - grace
    events = dict(
        StatusEvent.objects.filter(notified_at__isnull=True, at__lt=cutoff)
        .values("invoice_id")
        .annotate(first=Min("pk"))
        .order_by()
        .values_list("invoice_id", "first")[:limit]
    )
    stuck = list(
        Invoice.objects.filter(status__in=TRANSIENT_STATUSES)
        .filter(Q(status_changed_at__lt=cutoff) | Q(status_changed_at__isnull=True, deposited_at__lt=cutoff))
        .values_list("pk", "status")[:limit]
    )
    for event_id in events.values():
        task_send("tracking.status_event_dispatch", event_id)
    for invoice_id, status in stuck:
        if invoice_id not in events:  # its event's dispatch runs the chain
            invoice_step_enqueue(status=status, invoice_id=invoice_id)
    documents = invoices_without_document(cutoff=cutoff, limit=limit)
    for invoice_id in documents:
        task_send("tracking.invoice_document_ensure", invoice_id)
    mails = notifications_sweep(now=now, grace=grace, limit=limit)
    if stuck or events or mails or documents:
        logger.info(
            "Sweep: %d invoices, %d events, %d documents, %d e-mails re-enqueued",
            len(stuck),
            len(events),
            len(documents),
            mails,
        )
    return {"invoices": len(stuck), "events": len(events), "documents": len(documents), "emails": mails}


# Legal documents are looked for among the deposits of the last days only (the index on
# ``deposited_at``): older ones were checked by the sweeps of those days.
DOCUMENT_SWEEP_WINDOW = timedelta(days=3)


def invoices_without_document(*, cutoff: datetime, limit: int = 1000) -> list[int]:
    """Invoices routed (past the transient statuses) and deposited before ``cutoff`` that have
    no legal document: a worker was killed between the availability and the document, or the
    generation failed (issue #19 §9: no invoice stays without its PDF)."""
    return list(
        Invoice.objects.filter(deposited_at__lt=cutoff, deposited_at__gte=cutoff - DOCUMENT_SWEEP_WINDOW)
        .exclude(status__in=[S.BROUILLON, *TRANSIENT_STATUSES])
        .exclude(Exists(Document.objects.filter(invoice=OuterRef("pk"), role=DocumentRole.INVOICE)))
        .values_list("pk", flat=True)[:limit]
    )


def invoice_document_ensure(*, invoice_id: int) -> bool:
    """Generate the legal document of a sent invoice that has none (idempotent)."""
    invoice_generate_document(invoice_id=invoice_id)
    return Document.objects.filter(invoice_id=invoice_id, role=DocumentRole.INVOICE).exists()
