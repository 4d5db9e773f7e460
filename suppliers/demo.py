"""Demo supplier structure of ``seed_demo`` (idempotent: created or reset to these values)."""

from __future__ import annotations

from accounts.models import User
from accounts.roles import MembershipStatus, Role

from .calendar import size_category
from .models import BankAccount, IdentifierType, SupplierMembership, SupplierStructure

ACME_SIRET = "81234567600017"
ACME_VAT = "FR19812345676"
ACME_IBAN = "FR7630006000011234567890189"
ACME_HEADCOUNT = 120  # a PME (décret 2008-1354): e-invoicing mandatory since 1 January 2019

# The maître d'œuvre of the demo works contract (issue 14): an architects' firm.
MOREAU_SIRET = "51234567900017"

# A supplier established in another EU country (``UE_HORS_FRANCE``: identified by its VAT number).
NORDLICHT_VAT = "DE136469057"


def seed(users: dict[str, User]) -> dict[str, SupplierStructure]:
    acme, _ = SupplierStructure.objects.update_or_create(
        identifier_type=IdentifierType.SIRET,
        identifier=ACME_SIRET,
        defaults={
            "name": "ACME Fournitures",
            "address": "12 rue des Artisans",
            "postcode": "49000",
            "city": "Angers",
            "country_code": "FR",
            "vat_number": ACME_VAT,
            "headcount": ACME_HEADCOUNT,
            "size_category": size_category(headcount=ACME_HEADCOUNT),
            "size_category_set_by_admin": False,
            "active": True,
        },
    )
    BankAccount.objects.update_or_create(
        structure=acme,
        iban=ACME_IBAN,
        defaults={"label": "Compte principal", "bic": "BNPAFRPPXXX", "active": True},
    )
    SupplierMembership.objects.update_or_create(
        user=users["supplier"],
        structure=acme,
        defaults={"role": Role.PRINCIPAL, "status": MembershipStatus.ACTIVE},
    )
    nordlicht = _seed_nordlicht(users)
    return {"acme": acme, "nordlicht": nordlicht, "moreau": _seed_moreau(users)}


def _seed_moreau(users: dict[str, User]) -> SupplierStructure:
    """Atelier Moreau Architectes, maître d'œuvre of ACME's works contract with the Commune de
    Beaufort-en-Anjou, and its user ``moe@chorus.test`` (its technical account TECH-MOREAU is
    seeded by ``cpro.demo``)."""
    moreau, _ = SupplierStructure.objects.update_or_create(
        identifier_type=IdentifierType.SIRET,
        identifier=MOREAU_SIRET,
        defaults={
            "name": "Atelier Moreau Architectes",
            "address": "5 place du Ralliement",
            "postcode": "49100",
            "city": "Angers",
            "country_code": "FR",
            "active": True,
        },
    )
    SupplierMembership.objects.update_or_create(
        user=users["moe"],
        structure=moreau,
        defaults={"role": Role.PRINCIPAL, "status": MembershipStatus.ACTIVE},
    )
    return moreau


def _seed_nordlicht(users: dict[str, User]) -> SupplierStructure:
    """Nordlicht Bürobedarf GmbH (DE136469057) and its principal manager: the README's foreign
    supplier, relied on by outside checks (its technical account TECH-NORDLICHT is seeded with the
    other API accounts by ``cpro.demo``)."""
    nordlicht, _ = SupplierStructure.objects.update_or_create(
        identifier_type=IdentifierType.UE_HORS_FRANCE,
        identifier=NORDLICHT_VAT,
        defaults={
            "name": "Nordlicht Bürobedarf GmbH",
            "address": "Hafenstraße 12",
            "postcode": "20457",
            "city": "Hamburg",
            "country_code": "DE",
            "vat_number": NORDLICHT_VAT,
            "active": True,
        },
    )
    SupplierMembership.objects.update_or_create(
        user=users["foreign_supplier"],
        structure=nordlicht,
        defaults={"role": Role.PRINCIPAL, "status": MembershipStatus.ACTIVE},
    )
    return nordlicht
