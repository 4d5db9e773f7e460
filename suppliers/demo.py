"""Demo supplier structure of ``seed_demo``."""

from __future__ import annotations

from accounts.models import User
from accounts.roles import MembershipStatus, Role

from .models import IdentifierType, SizeCategory, SupplierMembership, SupplierStructure

ACME_SIRET = "81234567600017"


def seed(users: dict[str, User]) -> dict[str, SupplierStructure]:
    acme, _ = SupplierStructure.objects.update_or_create(
        identifier_type=IdentifierType.SIRET,
        identifier=ACME_SIRET,
        defaults={
            "name": "ACME Fournitures",
            "address": "12 rue des Artisans",
            "postcode": "49000",
            "city": "Angers",
            "vat_number": "FR19812345676",
            "headcount": 120,
            "size_category": SizeCategory.PME,
            "active": True,
        },
    )
    SupplierMembership.objects.update_or_create(
        user=users["supplier"], structure=acme,
        defaults={"role": Role.PRINCIPAL, "status": MembershipStatus.ACTIVE},
    )
    return {"acme": acme}
