"""The structure a user works on ("espace"): every page acts on the selected one.

A user may belong to several supplier and public structures; the choice is kept in the
session as ``"fournisseur:<id>"`` or ``"acheteur:<id>"``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from accounts.roles import MANAGER_ROLES, MembershipStatus

if TYPE_CHECKING:
    from django.http import HttpRequest

    from entities.models import BuyerMembership, PublicStructure
    from suppliers.models import SupplierMembership, SupplierStructure

SESSION_KEY = "chorus_workspace"
SUPPLIER: Literal["fournisseur"] = "fournisseur"
BUYER: Literal["acheteur"] = "acheteur"


@dataclass(frozen=True)
class Workspace:
    kind: Literal["fournisseur", "acheteur"]
    membership: SupplierMembership | BuyerMembership

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.membership.structure_id}"

    @property
    def structure(self) -> SupplierStructure | PublicStructure:
        return self.membership.structure

    @property
    def is_supplier(self) -> bool:
        return self.kind == SUPPLIER

    @property
    def is_buyer(self) -> bool:
        return self.kind == BUYER

    @property
    def is_manager(self) -> bool:
        return self.membership.role in MANAGER_ROLES


def workspaces_for_user(user) -> list[Workspace]:
    """Every active attachment of ``user``, suppliers first, in a stable order."""
    if not user.is_authenticated:
        return []
    # The reverse relations of the user (this app never imports the structures' apps).
    supplier = (
        user.supplier_memberships.filter(status=MembershipStatus.ACTIVE, structure__active=True)
        .select_related("structure")
        .order_by("structure__name", "pk")
    )
    buyer = (
        user.buyer_memberships.filter(status=MembershipStatus.ACTIVE, structure__active=True)
        .select_related("structure")
        .order_by("structure__name", "pk")
    )
    return [Workspace(SUPPLIER, m) for m in supplier] + [Workspace(BUYER, m) for m in buyer]


def current_workspace(request: HttpRequest) -> Workspace | None:
    """The workspace selected in the session, else the user's first one."""
    workspaces = workspaces_for_user(request.user)
    if not workspaces:
        return None
    wanted = request.session.get(SESSION_KEY)
    for workspace in workspaces:
        if workspace.key == wanted:
            return workspace
    return workspaces[0]


def select_workspace(request: HttpRequest, key: str) -> Workspace | None:
    """Select ``key`` if the user really holds that attachment (never trust the form)."""
    for workspace in workspaces_for_user(request.user):
        if workspace.key == key:
            request.session[SESSION_KEY] = key
            return workspace
    return None
