"""Queries on supplier structures and their members."""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet

from accounts.models import User
from accounts.roles import MembershipStatus
from common.identifiers import compact_identifier

from .calendar import obligation_date
from .models import BankAccount, SupplierMembership, SupplierStructure


def supplier_membership_active(*, user: User, structure: SupplierStructure) -> SupplierMembership | None:
    """The user's active attachment to ``structure`` (an active structure), or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        SupplierMembership.objects.select_related("structure")
        .filter(user=user, structure=structure, status=MembershipStatus.ACTIVE, structure__active=True)
        .first()
    )


def user_can_send_invoices(*, user: User, structure: SupplierStructure) -> bool:
    """May ``user`` deposit invoices for ``structure``?

    Every role (principal manager, secondary manager, simple user) can send in this version:
    Chorus Pro's per-space habilitations ("Factures émises"…, reference §3.4 [U]) are not
    modelled yet. Being an active member of an active structure is enough.
    """
    return supplier_membership_active(user=user, structure=structure) is not None


def supplier_structure_find(*, identifier_type: str, identifier: str) -> SupplierStructure | None:
    """The active structure with this identifier (typed with or without spaces or dots)."""
    typed = (identifier or "").strip().upper()
    candidates = {compact_identifier(typed), typed.replace(" ", "")}
    return SupplierStructure.objects.filter(
        identifier_type=identifier_type, identifier__in=candidates, active=True
    ).first()


def supplier_members(*, structure: SupplierStructure) -> QuerySet[SupplierMembership]:
    """Active members, principal manager first (role codes sort in role order)."""
    return (
        SupplierMembership.objects.filter(structure=structure, status=MembershipStatus.ACTIVE)
        .select_related("user")
        .order_by("role", "user__last_name", "user__email", "pk")
    )


def supplier_pending_requests(*, structure: SupplierStructure) -> QuerySet[SupplierMembership]:
    """Requests waiting for a manager ("Approbations"), oldest first."""
    return (
        SupplierMembership.objects.filter(structure=structure, status=MembershipStatus.PENDING)
        .select_related("user")
        .order_by("requested_at", "pk")
    )


def supplier_member_get(*, structure: SupplierStructure, pk: int) -> SupplierMembership | None:
    """A membership of ``structure`` only: an id of another structure is simply not found."""
    return SupplierMembership.objects.select_related("user").filter(structure=structure, pk=pk).first()


def user_supplier_requests(*, user: User) -> QuerySet[SupplierMembership]:
    """The user's own requests that are not (yet) approved."""
    return (
        SupplierMembership.objects.filter(user=user)
        .exclude(status=MembershipStatus.ACTIVE)
        .select_related("structure")
        .order_by("-requested_at")
    )


def supplier_bank_accounts(*, structure: SupplierStructure) -> QuerySet[BankAccount]:
    return BankAccount.objects.filter(structure=structure, active=True).order_by("created_at", "pk")


def supplier_bank_account_get(*, structure: SupplierStructure, pk: int) -> BankAccount | None:
    return BankAccount.objects.filter(structure=structure, pk=pk).first()


def supplier_obligation_date(*, structure: SupplierStructure) -> date | None:
    """From when this supplier must invoice public buyers electronically (ordonnance 2014-697)."""
    return obligation_date(structure.size_category or None, is_public=structure.is_public)
