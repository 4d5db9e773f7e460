"""Template helpers of the lifecycle: status badges, the header's unread count, follow-up data."""

from __future__ import annotations

from typing import Any

from django import template

from invoices.lifecycle.models import ActorRole
from invoices.lifecycle.payment import days_late
from invoices.lifecycle.reasons import ReasonCode
from invoices.lifecycle.statuses import InvoiceStatus as S
from invoices.selectors import invoices_visible_to_buyer
from tracking.inbox.selectors import (
    TO_PROCESS_FILTER,
    Filters,
    apply_filters,
    bounded_count,
    membership_service_ids,
)
from tracking.selectors import FollowUp, invoice_followup

register = template.Library()

_BADGE = {
    S.SERVICE_FAIT: "success",
    S.MANDATEE: "success",
    S.MISE_A_DISPOSITION_COMPTABLE: "success",
    S.COMPTABILISEE: "success",
    S.MISE_EN_PAIEMENT: "success",
    S.VALIDEE_1: "success",
    S.ABSENCE_VALIDATION_1_HORS_DELAI: "success",
    S.REJETEE: "error",
    S.REFUSEE_1: "error",
    S.REFUSEE_MOE: "error",
    S.A_VALIDER_MOE: "warning",
    S.TRANSMISE_MOA: "success",
    S.SUSPENDUE: "warning",
    S.A_RECYCLER: "warning",
    S.A_VALIDER_1: "warning",
    S.DEPOSEE: "info",
    S.EN_COURS_ACHEMINEMENT: "info",
    S.MISE_A_DISPOSITION: "info",
    S.COMPLETEE: "new",
}


@register.filter
def status_badge_class(status: str) -> str:
    """DSFR badge modifier of a status (``fr-badge--success``…), empty for a draft."""
    kind = _BADGE.get(status)
    return f"fr-badge--{kind}" if kind else ""


@register.filter
def status_label(status: str) -> str:
    return str(S(status).label) if status in S.values else status


@register.filter
def reason_label(code: str) -> str:
    return str(ReasonCode(code).label) if code in ReasonCode.values else code


@register.simple_tag
def invoice_followup_for(invoice: Any, side: str = "") -> FollowUp:
    """``{% invoice_followup_for invoice as followup %}``: timeline, lateness, actions.

    On the invoices app's page, ``invoice.viewer_is_supplier`` says which side is looking: a
    buyer or a validator opening it sees the history, never the supplier's actions."""
    if side == "acheteur":
        role = ActorRole.BUYER
    elif getattr(invoice, "viewer_is_supplier", True):
        role = ActorRole.SUPPLIER
    else:
        role = ActorRole.VALIDATOR
    return invoice_followup(invoice=invoice, role=role)


@register.filter
def invoice_days_late(invoice: Any) -> int:
    """Days an invoice is (or was paid) late, without any query (for list rows)."""

    if getattr(invoice, "kind", "") == "AVOIR":
        return 0
    return days_late(
        status=invoice.status,
        due_date=invoice.due_date,
        clock_paused_at=invoice.clock_paused_at,
        paid_at=invoice.paid_at,
    )


@register.simple_tag
def buyer_dashboard(workspace: Any) -> dict[str, Any]:
    """Bounded counts of the buyer dashboard block (to process, overdue)."""

    if workspace is None or not workspace.is_buyer:
        return {}
    base = invoices_visible_to_buyer(
        structure=workspace.membership.structure_id, service_ids=membership_service_ids(workspace.membership)
    )
    to_process, to_process_capped = bounded_count(apply_filters(base, Filters(status=TO_PROCESS_FILTER)))
    overdue, overdue_capped = bounded_count(apply_filters(base, Filters(overdue=True)))
    return {
        "to_process": to_process,
        "to_process_capped": to_process_capped,
        "overdue": overdue,
        "overdue_capped": overdue_capped,
    }
