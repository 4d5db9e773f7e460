"""Queries of the API app: OAuth applications and tokens."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from django.contrib.auth.hashers import check_password, make_password
from django.db.models import QuerySet

from accounts.models import User
from entities.models import BuyerMembership, PublicStructure, Service
from invoices.models import DepositFlow, Invoice
from invoices.selectors import (
    invoices_visible_to_buyer,
    invoices_visible_to_supplier,
    invoices_visible_to_validator,
)
from suppliers.models import SupplierMembership, SupplierStructure

from .models import AccessToken, ApiAttachment, OAuthApplication
from .services import token_hash

if TYPE_CHECKING:
    from .api.auth import ApiPrincipal


@cache
def _dummy_hash() -> str:
    """Compared against when the client_id is unknown, so that both failures take the same time."""
    return make_password("client-inconnu")


def oauth_application_authenticate(*, client_id: str, client_secret: str) -> OAuthApplication | None:
    application = OAuthApplication.objects.filter(client_id=client_id, active=True).first()
    if application is None:
        check_password(client_secret, _dummy_hash())
        return None
    if not check_password(client_secret, application.client_secret_hash):
        return None
    return application


def access_token_get(*, token: str) -> AccessToken | None:
    """The token row with its application (one query), whether expired or not. The owner's row
    is not read: a deposit records only its id as ``created_by`` (``ApiPrincipal.owner``).

    ``get`` rather than ``first``: ``token_hash`` is unique, and the ORDER BY that ``first`` adds
    costs ≈ 0.2 ms of SQL compilation on every API call (issue #17)."""
    try:
        return AccessToken.objects.select_related("application").get(token_hash=token_hash(token))
    except AccessToken.DoesNotExist:
        return None


def oauth_applications_for_user(*, user: User) -> QuerySet[OAuthApplication]:
    return OAuthApplication.objects.filter(owner=user).order_by("-created_at", "-pk")


def oauth_applications_all() -> QuerySet[OAuthApplication]:
    return OAuthApplication.objects.select_related("owner").order_by("-created_at", "-pk")


def oauth_application_get_for_user(*, user: User, pk: int) -> OAuthApplication | None:
    """The application if ``user`` owns it (or is an administrator); None otherwise, as unknown."""
    qs = OAuthApplication.objects.select_related("owner").filter(pk=pk)
    if not user.is_staff:
        qs = qs.filter(owner=user)
    return qs.first()


def flow_get_for_supplier(*, number: str, supplier: SupplierStructure | None) -> DepositFlow | None:
    """The deposit flow ``number`` if ``supplier`` deposited it; None (as unknown) otherwise."""

    return DepositFlow.objects.filter(number=number, supplier=supplier).first()


def api_attachment_get(*, principal: ApiPrincipal, pk: int) -> ApiAttachment | None:
    """A file added by the caller's structure; another structure's id answers as unknown."""
    account = principal.account
    if account.supplier_structure_id:
        return ApiAttachment.objects.filter(pk=pk, supplier_id=account.supplier_structure_id).first()
    return ApiAttachment.objects.filter(pk=pk, public_structure_id=account.public_structure_id).first()


def public_structure_by_pk(*, pk: int) -> PublicStructure | None:
    """An active public structure by its ``idStructureCPP`` (directory data, visible to all)."""

    return PublicStructure.objects.filter(pk=pk, active=True).first()


def service_by_pk(*, structure: PublicStructure, pk: int) -> Service | None:

    return Service.objects.filter(pk=pk, structure=structure).first()


def services_page(*, structure: PublicStructure) -> QuerySet[Service]:

    return Service.objects.filter(structure=structure).order_by("code", "pk")


def structure_members(
    *, structure: SupplierStructure | PublicStructure, email: str = "", user_id: int | None = None
) -> QuerySet[BuyerMembership] | QuerySet[SupplierMembership]:
    """Members of ``structure`` (supplier or public), with their user; for public structures the
    services each is restricted to are prefetched (no N+1)."""

    qs: QuerySet[BuyerMembership] | QuerySet[SupplierMembership]
    if isinstance(structure, PublicStructure):
        qs = BuyerMembership.objects.filter(structure=structure).prefetch_related("services")
    else:
        qs = SupplierMembership.objects.filter(structure=structure)
    if email:
        qs = qs.filter(user__email__iexact=email)
    if user_id:
        qs = qs.filter(user_id=user_id)
    return qs.select_related("user").order_by("pk")


# --- Invoices, scoped to the structure of the technical account ---------------------------------
def _with_parties(qs: QuerySet[Invoice]) -> QuerySet[Invoice]:
    return qs.select_related("supplier", "recipient", "recipient_service", "flow", "validator")


# The visibility rules are those of the portal (``invoices.selectors``), one per side.


def invoices_for_supplier(*, supplier: SupplierStructure) -> QuerySet[Invoice]:
    """A supplier's sent invoices (drafts are not part of the API)."""
    return _with_parties(invoices_visible_to_supplier(supplier=supplier))


def invoices_for_recipient(*, recipient: PublicStructure) -> QuerySet[Invoice]:
    return _with_parties(invoices_visible_to_buyer(structure=recipient))


def invoices_for_validator(*, validator: SupplierStructure) -> QuerySet[Invoice]:
    return _with_parties(invoices_visible_to_validator(validator=validator))


def invoice_for_principal(*, principal: ApiPrincipal, pk: int, side: str | None = None) -> Invoice | None:
    """The invoice ``pk`` if the caller's structure may see it (as supplier, recipient or
    validator); None otherwise, exactly as for an unknown id."""
    supplier, recipient = principal.account.supplier_structure, principal.account.public_structure
    if supplier is not None:
        if side in (None, "fournisseur"):
            found = invoices_for_supplier(supplier=supplier).filter(pk=pk).first()
            if found is not None or side == "fournisseur":
                return found
        if side in (None, "valideur"):
            return invoices_for_validator(validator=supplier).filter(pk=pk).first()
        return None
    # technical_account_one_structure: without a supplier structure, the account has a public one.
    if side in (None, "acheteur") and recipient is not None:
        return invoices_for_recipient(recipient=recipient).filter(pk=pk).first()
    return None
