"""Queries of the notification centre: pages of a user's notifications, the unread count, the
preferences per structure."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from accounts.models import User
from accounts.roles import MembershipStatus, Role
from common.pagination import recent_page
from entities.models import BuyerMembership, PublicStructure
from suppliers.models import SupplierMembership, SupplierStructure

from .models import Notification, NotificationMode, NotificationPreference

PAGE_SIZE = 20
UNREAD_CAP = 99


def notifications_page(
    *, user: User, unread_only: bool = False, before: str | None = None, limit: int = PAGE_SIZE
) -> tuple[list[Notification], str | None]:
    """One page of the user's notifications, newest first (keyset on the index
    ``notification_recipient_recent``), and the cursor of the next page."""
    qs: QuerySet[Notification] = Notification.objects.filter(recipient=user)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return recent_page(qs, cursor=before, limit=limit)


def unread_count(*, user: User, cap: int = UNREAD_CAP) -> int:
    """Unread notifications, counted up to ``cap + 1`` (shown "99+"): bounded on every page."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).order_by()[: cap + 1].count()


@dataclass(frozen=True)
class PreferenceRow:
    key: str  # "fournisseur:<id>" / "acheteur:<id>"
    structure: SupplierStructure | PublicStructure
    is_supplier: bool
    is_principal: bool
    mode: str


def preference_rows(*, user: User) -> list[PreferenceRow]:
    """Each structure the user belongs to, with the current choice (2 + 1 queries)."""
    chosen = {
        (p.supplier_structure_id, p.public_structure_id): p.mode
        for p in NotificationPreference.objects.filter(user=user)
    }
    rows = []
    for m in (
        SupplierMembership.objects.filter(user=user, status=MembershipStatus.ACTIVE)
        .select_related("structure")
        .order_by("structure__name", "pk")
    ):
        rows.append(
            PreferenceRow(
                f"fournisseur:{m.structure_id}",
                m.structure,
                True,
                m.role == Role.PRINCIPAL,
                chosen.get((m.structure_id, None), NotificationMode.EVERY_EVENT),
            )
        )
    for bm in (
        BuyerMembership.objects.filter(user=user, status=MembershipStatus.ACTIVE)
        .select_related("structure")
        .order_by("structure__name", "pk")
    ):
        rows.append(
            PreferenceRow(
                f"acheteur:{bm.structure_id}",
                bm.structure,
                False,
                bm.role == Role.PRINCIPAL,
                chosen.get((None, bm.structure_id), NotificationMode.EVERY_EVENT),
            )
        )
    return rows
