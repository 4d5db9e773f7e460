"""Operations on public structures, their services and their buyer users.

The bulk import of the official directory lives in ``entities.directory_import``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts import services as account_services
from accounts.models import User
from accounts.roles import MANAGER_ROLES, MembershipStatus, Role
from common.identifiers import validate_siret

from .models import BuyerMembership, PublicStructure, Service
from .normalize import search_key
from .selectors import public_structure_get_active


def public_structure_save(*, structure: PublicStructure) -> PublicStructure:
    """Save a structure edited by the administration, with its normalised search keys."""
    structure.siret = validate_siret(structure.siret)
    structure.search_name = search_key(structure.name)
    structure.search_city = search_key(structure.city)
    structure.save()
    return structure


def _check_validity(valid_from: date | None, valid_to: date | None) -> None:
    if valid_from and valid_to and valid_to < valid_from:
        raise ValidationError(
            {"valid_to": [_("La fin de validité ne peut pas précéder son début.")]}, code="dates"
        )


def service_save(*, service: Service) -> Service:
    """Save a service edited by the administration (code unique within its structure)."""
    service.code = (service.code or "").strip()
    if not service.code:
        raise ValidationError({"code": [_("Le code service est obligatoire.")]})
    _check_validity(service.valid_from, service.valid_to)
    service.save()
    return service


# --- Buyers ------------------------------------------------------------------------------------


def buyer_membership_request(*, user: User, siret: str) -> BuyerMembership:
    """Ask to be attached to the active public structure with this SIRET."""

    try:
        siret = validate_siret(siret)
    except ValidationError as exc:
        raise ValidationError({"siret": exc.messages}) from None
    structure = public_structure_get_active(siret=siret)
    if structure is None:
        raise ValidationError(
            {
                "siret": [
                    _("Aucune structure publique active n'a le SIRET %(value)s dans l'annuaire.")
                    % {"value": siret}
                ]
            }
        )
    return account_services.membership_request(model=BuyerMembership, user=user, structure=structure)


def _services_of_structure(structure_id: int, services: Iterable[Service | int]) -> list[int]:
    ids = {s.pk if isinstance(s, Service) else int(s) for s in services}
    found = set(Service.objects.filter(structure_id=structure_id, pk__in=ids).values_list("pk", flat=True))
    if found != ids:
        # A service of another structure answers exactly like an unknown one.
        raise ValidationError({"services": [_("Un des services choisis n'existe pas dans cette structure.")]})
    return sorted(found)


def buyer_membership_approve(
    *,
    membership: BuyerMembership,
    actor: User,
    role: str = Role.USER,
    services: Iterable[Service | int] = (),
    by_staff: bool = False,
) -> BuyerMembership:
    """Approve a buyer's request, optionally restricting them to some services."""
    with transaction.atomic():
        service_ids = _services_of_structure(membership.structure_id, services)
        approved = account_services.membership_approve(
            membership=membership, actor=actor, role=role, by_staff=by_staff
        )
        approved.services.set(service_ids)
    return approved


def buyer_membership_refuse(
    *, membership: BuyerMembership, actor: User, by_staff: bool = False
) -> BuyerMembership:
    return account_services.membership_refuse(membership=membership, actor=actor, by_staff=by_staff)


def buyer_membership_set_services(
    *, membership: BuyerMembership, actor: User, services: Iterable[Service | int]
) -> BuyerMembership:
    """Restrict a buyer to some services (an empty choice means every service)."""
    if not BuyerMembership.objects.filter(
        user=actor,
        structure_id=membership.structure_id,
        status=MembershipStatus.ACTIVE,
        role__in=MANAGER_ROLES,
    ).exists():
        raise PermissionDenied(_("Seuls les gestionnaires de la structure peuvent faire cela."))
    with transaction.atomic():
        service_ids = _services_of_structure(membership.structure_id, services)
        membership.services.set(service_ids)
    return membership


def buyer_membership_change_role(*, membership: BuyerMembership, actor: User, role: str) -> BuyerMembership:
    return account_services.membership_change_role(membership=membership, actor=actor, role=role)


def buyer_membership_remove(*, membership: BuyerMembership, actor: User) -> None:
    account_services.membership_remove(membership=membership, actor=actor)


def buyer_principal_transfer(
    *, membership: BuyerMembership, actor: User, by_staff: bool = False
) -> BuyerMembership:
    return account_services.membership_transfer_principal(
        membership=membership, actor=actor, by_staff=by_staff
    )
