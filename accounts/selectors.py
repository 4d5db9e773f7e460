"""Queries on accounts: technical accounts of the API."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, TypeVar

from django.contrib.auth.hashers import check_password, make_password
from django.db.models import Manager
from django.utils import timezone

from .models import MembershipBase, TechnicalAccount, structure_field
from .roles import MembershipStatus

if TYPE_CHECKING:
    from entities.models import BuyerMembership, PublicStructure
    from suppliers.models import SupplierMembership, SupplierStructure

    from .models import User

M = TypeVar("M", bound=MembershipBase)


def technical_account_authenticate(*, login: str, password: str) -> TechnicalAccount | None:
    """The technical account for these credentials if it is active, not expired and its
    structure is active; None otherwise (the caller does not learn which check failed)."""
    account = (
        TechnicalAccount.objects.select_related("supplier_structure", "public_structure")
        .filter(login=login or "")
        .first()
    )
    if account is None:
        # Hash anyway so that an unknown login takes as long as a wrong password.
        make_password(password)
        return None
    if not check_password(password or "", account.password):
        return None
    if not account.active or account.expires_at <= timezone.now():
        return None
    structure = account.supplier_structure or account.public_structure
    if structure is None or not structure.active:
        return None
    return account


def technical_account_for_structure(
    *, structure: SupplierStructure | PublicStructure
) -> TechnicalAccount | None:
    return TechnicalAccount.objects.filter(**structure_field(structure)).first()


def technical_account_expires_soon(*, account: TechnicalAccount, days: int = 15) -> bool:
    """OCA reminds the structure 15 days before the technical password expires (reference §3.4)."""
    return account.expires_at <= timezone.now() + timedelta(days=days)


def user_pending_requests(
    *, user: User, limit: int = 50
) -> tuple[list[SupplierMembership], list[BuyerMembership]]:
    """The user's requests to join supplier and public structures that are not approved yet
    ("Mes demandes"), through the memberships' reverse relations of the user."""
    return (
        _not_approved(user.supplier_memberships, limit=limit),
        _not_approved(user.buyer_memberships, limit=limit),
    )


def _not_approved(manager: Manager[M], *, limit: int) -> list[M]:
    return list(
        manager.exclude(status=MembershipStatus.ACTIVE)
        .select_related("structure")
        .order_by("-requested_at")[:limit]
    )
