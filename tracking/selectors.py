"""Queries of the lifecycle: history, follow-up of one invoice, notifications, preferences.

Every list is bounded (keyset on the id, newest first) and every count capped.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from common.pagination import recent_page
from invoices.lifecycle.machine import allowed_targets
from invoices.lifecycle.models import ActorRole, StatusEvent
from invoices.lifecycle.payment import Lateness, invoice_lateness
from invoices.lifecycle.statuses import InvoiceStatus as S
from invoices.models import Invoice
from invoices.selectors import invoices_visible_to_validator
from tracking.inbox.selectors import Filters, apply_filters, bounded_count

TIMELINE_MAX = 200
UNREAD_CAP = 99
PAGE_SIZE = 20


def invoice_timeline(*, invoice_id: int) -> list[StatusEvent]:
    """The history of an invoice, oldest first (``consulter/historique``)."""
    return list(StatusEvent.objects.filter(invoice_id=invoice_id).order_by("at", "id")[:TIMELINE_MAX])


def last_reason_event(events: list[StatusEvent]) -> StatusEvent | None:
    """The latest unfavourable event (suspension, rejection, recycling) with its reason."""
    for event in reversed(events):
        if event.status in (S.SUSPENDUE, S.REJETEE, S.A_RECYCLER, S.REFUSEE_1, S.REFUSEE_MOE):
            return event
    return None


@dataclass(frozen=True)
class FollowUp:
    """What the invoice page shows of an invoice's life, for one side."""

    events: list[StatusEvent]
    lateness: Lateness
    reason_event: StatusEvent | None
    can_complete: bool
    can_recycle: bool
    can_acknowledge: bool
    rejection_acknowledged: bool
    buyer_targets: list[str]
    supplier_side: bool
    # The maître d'œuvre's validation of a works document (its TRANSMISE_MOA row), shown to the
    # maître d'ouvrage as « Validé par le maître d'œuvre … le … ».
    moe_validation: StatusEvent | None = None


def invoice_followup(*, invoice: Any, role: str = ActorRole.SUPPLIER) -> FollowUp:
    events = invoice_timeline(invoice_id=invoice.pk)
    current_reason = None
    if invoice.status in (S.SUSPENDUE, S.REJETEE, S.A_RECYCLER, S.REFUSEE_1, S.REFUSEE_MOE):
        current_reason = last_reason_event(events)
    supplier = role == ActorRole.SUPPLIER
    return FollowUp(
        events=events,
        lateness=invoice_lateness(invoice),
        reason_event=current_reason,
        can_complete=supplier and invoice.status == S.SUSPENDUE,
        can_recycle=supplier and invoice.status == S.A_RECYCLER,
        can_acknowledge=supplier
        and invoice.status == S.REJETEE
        and invoice.rejection_acknowledged_at is None,
        rejection_acknowledged=invoice.status == S.REJETEE and invoice.rejection_acknowledged_at is not None,
        buyer_targets=allowed_targets(status=invoice.status, role=ActorRole.BUYER)
        if role == ActorRole.BUYER
        else [],
        supplier_side=supplier,
        moe_validation=next((e for e in reversed(events) if e.status == S.TRANSMISE_MOA), None),
    )


def supplier_invoice_get(*, structure_id: int, invoice_id: int) -> Any:
    """An invoice of the supplier structure ``structure_id`` (None for any other: 404)."""

    return (
        Invoice.objects.select_related("supplier", "recipient", "recipient_service")
        .filter(pk=invoice_id, supplier_id=structure_id)
        .first()
    )


# The maître d'œuvre's delay to accept or correct the contractor's draft statement and send the
# progress-payment statement on. Décret n° 2013-269 du 29 mars 2013, art. 9 II (Légifrance
# LEGIARTI000027249091): « le contrat conclu avec le maître d'œuvre … indique le délai dans lequel
# celui-ci doit effectuer ses interventions. Pour les opérations qui interviennent après la date
# à laquelle le délai de paiement a commencé à courir, ce délai d'intervention ne peut excéder
# quinze jours » — now codified in the Code de la commande publique. [V-3p] 15 days is the legal
# maximum; the MOE's contract may set less, which the portal does not know, so it uses the
# maximum. The payment delay runs from the draft's receipt: arrival at A_VALIDER_MOE.
MOE_REVIEW_DAYS = 15


def moe_review_due(invoice: Any) -> date | None:
    """The day by which the maître d'œuvre must answer, for a document waiting for it."""
    if invoice.status != S.A_VALIDER_MOE or invoice.status_changed_at is None:
        return None
    return timezone.localdate(invoice.status_changed_at) + timedelta(days=MOE_REVIEW_DAYS)


def moe_review_overdue(invoice: Any, *, today: date | None = None) -> bool:
    due = moe_review_due(invoice)
    return due is not None and (today or timezone.localdate()) > due


# --- The validator's dashboard (A9 / A12 validators and the maître d'œuvre) ---------------------

# Waiting for the validator's decision (A9/A12 validator, or the MOE of a works document).
VALIDATOR_PENDING = (S.A_VALIDER_1, S.A_VALIDER_MOE)
# The validator's own decisions: the only rows the machine writes with the VALIDATOR role
# (A_VALIDER_1 → VALIDEE_1 / REFUSEE_1, A_VALIDER_MOE → TRANSMISE_MOA / REFUSEE_MOE). A tacit
# validation (ABSENCE_VALIDATION_1_HORS_DELAI) is the system's, not a decision of the structure.
VALIDATOR_DECISIONS = (S.VALIDEE_1, S.REFUSEE_1, S.TRANSMISE_MOA, S.REFUSEE_MOE)
VALIDATOR_REFUSALS = (S.REFUSEE_1, S.REFUSEE_MOE)
VALIDATOR_PAGE_SIZE = 50

TAB_TO_PROCESS = "a_traiter"
TAB_PROCESSED = "traites"
TAB_ALL = "tous"


@dataclass(frozen=True)
class ValidatorFilters:
    """The criteria of the validator's dashboard; the default is its work list."""

    tab: str = TAB_TO_PROCESS
    supplier: str = ""  # the titulaire's name (contains) or SIRET/identifier (prefix)
    contract: str = ""  # the contract (market_number) or engagement number, exact
    framework: str = ""
    overdue: bool = False  # past the MOE's delay (MOE_REVIEW_DAYS)
    number: str = ""  # part of the invoice number


def _decided_by_validator() -> Exists:
    return Exists(
        StatusEvent.objects.filter(
            invoice=OuterRef("pk"), actor_role=ActorRole.VALIDATOR, status__in=VALIDATOR_DECISIONS
        )
    )


def _validator_queryset(*, structure_id: int, filters: ValidatorFilters) -> QuerySet[Invoice]:
    # One read rule for the validator side (invoices.selectors); every filter below narrows the
    # structure's own documents, read through the index invoice_validator_status.
    qs = invoices_visible_to_validator(validator=structure_id)
    if filters.tab == TAB_PROCESSED:
        # Decided by this structure (its history row) and not waiting for it again (a recycled
        # A9 invoice comes back to A_VALIDER_1 with its earlier decision in the history).
        qs = qs.filter(_decided_by_validator()).exclude(status__in=VALIDATOR_PENDING)
    elif filters.tab != TAB_ALL:
        qs = qs.filter(status__in=VALIDATOR_PENDING)
    if filters.supplier:
        text = filters.supplier.strip()
        compact = text.replace(" ", "").replace(".", "")
        # Joined rather than looked up first (tracking.inbox.supplier_ids_matching caps the
        # suppliers it finds): the structure's documents are few enough to join their supplier.
        query = Q(supplier__name__icontains=text)
        if compact.isalnum():
            query |= Q(supplier__identifier__startswith=compact.upper())
        qs = qs.filter(query)
    if filters.contract:
        qs = qs.filter(
            Q(market_number__iexact=filters.contract) | Q(engagement_number__iexact=filters.contract)
        )
    if filters.framework:
        qs = qs.filter(framework=filters.framework)
    if filters.overdue:
        # moe_review_overdue: received before the start of (today − MOE_REVIEW_DAYS), local time.
        limit_day = timezone.localdate() - timedelta(days=MOE_REVIEW_DAYS)
        qs = qs.filter(
            status=S.A_VALIDER_MOE,
            status_changed_at__lt=timezone.make_aware(datetime.combine(limit_day, time.min)),
        )
    if filters.number:
        qs = qs.filter(number__icontains=filters.number.strip())
    return qs


def validator_invoices(
    *,
    structure_id: int,
    before: int | None = None,
    limit: int = VALIDATOR_PAGE_SIZE,
    filters: ValidatorFilters | None = None,
) -> list[Any]:
    """The documents of validator structure ``structure_id`` (A9/A12 invoices, the MOE's works
    documents), newest first, keyset on the id (``before``: the last id of the previous page).
    By default its work list (waiting for its decision); ``filters`` choose another tab and
    narrow it. Two queries whatever the page size: the rows, then their decisions.

    Each row carries ``moe_due``/``moe_overdue`` (the MOE's delay), ``decision``: the
    structure's last decision (a ``StatusEvent``: status, date, reason) or None, and
    ``decision_refused``."""

    filters = filters or ValidatorFilters()
    qs = _validator_queryset(structure_id=structure_id, filters=filters)
    if before is not None:
        qs = qs.filter(pk__lt=before)
    rows: list[Any] = list(qs.select_related("supplier", "recipient").order_by("-pk")[:limit])
    decisions: dict[int, StatusEvent] = {}
    if filters.tab != TAB_TO_PROCESS and rows:
        for event in StatusEvent.objects.filter(
            invoice_id__in=[row.pk for row in rows],
            actor_role=ActorRole.VALIDATOR,
            status__in=VALIDATOR_DECISIONS,
        ).order_by("at", "id"):
            decisions[event.invoice_id] = event  # the last one wins
    today = timezone.localdate()
    for row in rows:
        # The MOE's legal delay and its overdue indicator (the page's "À traiter avant" column).
        row.moe_due = moe_review_due(row)
        row.moe_overdue = moe_review_overdue(row, today=today)
        row.decision = None if row.status in VALIDATOR_PENDING else decisions.get(row.pk)
        row.decision_refused = row.decision is not None and row.decision.status in VALIDATOR_REFUSALS
    return rows


def validator_invoices_by_ids(*, structure_id: int, ids: Iterable[int]) -> list[Any]:
    """The documents among ``ids`` addressed to validator ``structure_id`` (a bulk selection:
    another structure's id is simply absent)."""
    return list(invoices_visible_to_validator(validator=structure_id).filter(pk__in=list(ids)).order_by("pk"))


def validator_invoice_get(*, structure_id: int, invoice_id: int) -> Any:

    return (
        Invoice.objects.select_related("supplier", "recipient", "recipient_service")
        .filter(pk=invoice_id, validator_id=structure_id)
        .exclude(status=S.BROUILLON)
        .first()
    )


# --- The supplier's sent invoices ------------------------------------------------------------

SENT_PAGE_SIZE = 50
# Waiting for the supplier: complete, recycle, or acknowledge the rejection.
SUPPLIER_ACTION_STATUSES = (S.SUSPENDUE, S.A_RECYCLER, S.REJETEE)


def sent_invoices(
    *, supplier_id: int, filters: Any = None, after: str | None = None, limit: int = SENT_PAGE_SIZE
) -> tuple[list[Any], str | None]:
    """A page of the invoices a supplier sent (drafts are listed apart), newest first, keyset
    on the index ``invoice_supplier_recent`` (supplier, -created_at, -id)."""

    qs = Invoice.objects.filter(supplier_id=supplier_id).exclude(status=S.BROUILLON)
    qs = apply_filters(qs, filters or Filters())
    return recent_page(qs.select_related("recipient", "recipient_service"), cursor=after, limit=limit)


def sent_status_counts(*, supplier_id: int) -> list[tuple[str, str, int, bool]]:
    """(status, label, count, capped) of a supplier's sent invoices, each count bounded."""

    result = []
    for status in S.values:
        if status == S.BROUILLON:
            continue
        n, capped = bounded_count(Invoice.objects.filter(supplier_id=supplier_id, status=status))
        if n:
            result.append((status, str(S(status).label), n, capped))
    return result
