"""Queries on supplier structures and their members."""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet

from accounts.models import User
from accounts.roles import MembershipStatus
from common.identifiers import SIRET_LENGTH, IdentifierType, compact_identifier, siret_prefix_range

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


SEARCH_LIMIT = 10
# Trigrams need 3 characters: shorter words ("DE", "LA") do not narrow a name search.
MIN_WORD = 3
NAME_CANDIDATES = 200


def supplier_structures_search(
    *, query: str, limit: int = SEARCH_LIMIT, exclude_id: int | None = None
) -> list[SupplierStructure]:
    """Active companies identified by a SIRET whose SIRET starts with ``query`` (digits) or whose
    name holds each word of it, at most ``limit`` (≤ 10), for the choice of a validator or maître
    d'œuvre (a validator is found by its SIRET, ``invoices.checks.routing``).

    Private persons (PARTICULIER) and structures without a SIRET are never listed: they cannot be
    named as validator, and a private person's name is not for others to search.

    Bounded for ~900,000 structures, each branch answered by an index:
    - SIRET: a prefix is a range scan of the unique index (identifier_type, identifier), read in
      order ("5123" is 51230000000000 to 51239999999999);
    - name: each word of 3 letters or more is a ``UPPER(name) LIKE '%WORD%'`` answered on
      PostgreSQL by the trigram GIN index of migration 0003; only short words: a prefix. The
      matches are read up to ``NAME_CANDIDATES``, then sorted (see below).
    """
    limit = max(1, min(int(limit), SEARCH_LIMIT))
    qs = SupplierStructure.objects.filter(active=True, identifier_type=IdentifierType.SIRET)
    if exclude_id is not None:
        qs = qs.exclude(pk=exclude_id)
    typed = "".join((query or "").split())
    if typed.isdigit():
        if len(typed) > SIRET_LENGTH:
            return []
        qs = qs.filter(identifier__range=siret_prefix_range(typed)).order_by("identifier")
        return list(qs[:limit])
    words = (query or "").split()
    long_words = [w for w in words if len(w) >= MIN_WORD]
    if long_words:
        for word in long_words:
            qs = qs.filter(name__icontains=word)
    elif words:
        qs = qs.filter(name__istartswith=" ".join(words))
    else:
        return []
    # At most NAME_CANDIDATES matches, unsorted (the scan stops there), then sorted by name: a
    # rare name is found whole and in order; a common word ("BATIMENT") shows 10 of its first
    # matches, and the user types more. Sorting every match of a common word would read and sort
    # a large part of the table on each keystroke.
    candidates = qs.values("pk")[:NAME_CANDIDATES]
    return list(SupplierStructure.objects.filter(pk__in=candidates).order_by("name", "identifier")[:limit])


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
