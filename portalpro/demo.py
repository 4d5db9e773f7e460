"""Demo data of Chorus Portal Pro for ``seed_demo`` (idempotent: created or reset to these values;
the exact values are relied on by checks outside this repository):

- Marie Lefèvre, interpreter without a SIRET, not liable to VAT, one IBAN:
  ``expert@chorus.test`` / ``Demo-Expert-2026!``, technical account ``TECH-LEFEVRE``;
- Tribunal judiciaire de Caen (SIRET 17140000500020), receives the memos of court fees;
- GAEC des Prés Verts (SIRET 42345678900019, Calvados), one IBAN: ``exploitant@chorus.test`` /
  ``Demo-Exploitant-2026!``, technical account ``TECH-PRESVERTS``;
- EARL de Kerlann (SIRET 43345678700012, Finistère, outside the experiment), technical account
  ``TECH-KERLANN``;
- Bureau de douane de Caen (SIRET 13000456700017), receives the TIC/TICGN refund requests.

Every technical account has the password ``Demo-Tech-2026!``.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from accounts.demo import demo_user
from accounts.models import TechnicalAccount
from accounts.roles import MembershipStatus, Role
from accounts.services import technical_account_create, technical_account_renew
from entities.models import FormDesk, PublicCategory, PublicStructure
from entities.normalize import search_key
from suppliers.models import BankAccount, IdentifierType, SupplierMembership, SupplierStructure

EXPERT = ("expert@chorus.test", "Demo-Expert-2026!", "Marie", "Lefèvre")
FARMER = ("exploitant@chorus.test", "Demo-Exploitant-2026!", "Paul", "Durand")
TECH_PASSWORD = "Demo-Tech-2026!"  # noqa: S105 - documented demo value

LEFEVRE_ID = "PART-LEFEVRE"
LEFEVRE_IBAN = "FR7630006000011234567890189"
COURT_SIRET = "17140000500020"
GAEC_SIRET = "42345678900019"
GAEC_VAT = "FR82423456789"
GAEC_IBAN = "FR7610107001019876543210113"
KERLANN_SIRET = "43345678700012"
KERLANN_VAT = "FR13433456787"
CUSTOMS_SIRET = "13000456700017"


def _public(siret: str, **defaults: Any) -> PublicStructure:
    defaults["search_name"] = search_key(str(defaults["name"]))
    defaults["search_city"] = search_key(str(defaults.get("city", "")))
    structure, _ = PublicStructure.objects.update_or_create(siret=siret, defaults=defaults)
    return structure


def _supplier(identifier_type: str, identifier: str, **defaults: Any) -> SupplierStructure:
    defaults.setdefault("country_code", "FR")
    defaults.setdefault("active", True)
    structure, _ = SupplierStructure.objects.update_or_create(
        identifier_type=identifier_type, identifier=identifier, defaults=defaults
    )
    return structure


def _member(user: Any, structure: SupplierStructure) -> None:
    SupplierMembership.objects.update_or_create(
        user=user, structure=structure, defaults={"role": Role.PRINCIPAL, "status": MembershipStatus.ACTIVE}
    )


def _bank_account(structure: SupplierStructure, iban: str) -> None:
    BankAccount.objects.update_or_create(
        structure=structure, iban=iban, defaults={"label": "Compte principal", "active": True}
    )
    BankAccount.objects.filter(structure=structure).exclude(iban=iban).update(active=False)


def _technical_account(structure: SupplierStructure, login: str) -> None:
    account = TechnicalAccount.objects.filter(supplier_structure=structure).first()
    if account is None:
        TechnicalAccount.objects.filter(login=login).delete()  # a stale account of another structure
        technical_account_create(structure=structure, actor=None, login=login, password=TECH_PASSWORD)
        return
    if account.login != login:
        TechnicalAccount.objects.filter(pk=account.pk).update(login=login)
        account.refresh_from_db()
    # Renewed on every seed: a fresh year of validity, the documented password, active.
    technical_account_renew(account=account, actor=None, password=TECH_PASSWORD)
    TechnicalAccount.objects.filter(pk=account.pk).update(active=True)


def seed(*, users: dict[str, Any], suppliers: dict[str, Any], entities: dict[str, Any]) -> None:
    with transaction.atomic():
        court = _public(
            COURT_SIRET,
            name="Tribunal judiciaire de Caen",
            category=PublicCategory.ETAT,
            form_desk=FormDesk.JUSTICE,
            active=True,
            service_code_required=False,
            engagement_required=False,
            engagement_or_service_required=False,
            address="Place Gambetta",
            postcode="14000",
            city="Caen",
        )
        customs = _public(
            CUSTOMS_SIRET,
            name="Bureau de douane de Caen",
            category=PublicCategory.ETAT,
            form_desk=FormDesk.DOUANE,
            active=True,
            service_code_required=False,
            engagement_required=False,
            engagement_or_service_required=False,
            address="Quai de Juillet",
            postcode="14000",
            city="Caen",
        )
        expert = demo_user(*EXPERT)
        farmer = demo_user(*FARMER)
        # Marie Lefèvre: no SIRET, no VAT number (not liable to VAT).
        lefevre = _supplier(
            IdentifierType.PARTICULIER,
            LEFEVRE_ID,
            name="Marie Lefèvre",
            address="12 rue Écuyère",
            postcode="14000",
            city="Caen",
            vat_number="",
            email=EXPERT[0],
            is_public=False,
        )
        _bank_account(lefevre, LEFEVRE_IBAN)
        _member(expert, lefevre)
        gaec = _supplier(
            IdentifierType.SIRET,
            GAEC_SIRET,
            name="GAEC des Prés Verts",
            address="La Ferme des Prés",
            postcode="14310",
            city="Villers-Bocage",
            vat_number=GAEC_VAT,
            is_public=False,
        )
        _bank_account(gaec, GAEC_IBAN)
        _member(farmer, gaec)
        kerlann = _supplier(
            IdentifierType.SIRET,
            KERLANN_SIRET,
            name="EARL de Kerlann",
            address="Kerlann",
            postcode="29800",
            city="Landerneau",
            vat_number=KERLANN_VAT,
            is_public=False,
        )
        for structure, login in (
            (lefevre, "TECH-LEFEVRE"),
            (gaec, "TECH-PRESVERTS"),
            (kerlann, "TECH-KERLANN"),
        ):
            _technical_account(structure, login)
    users.update({"expert": expert, "farmer": farmer})
    suppliers.update({"lefevre": lefevre, "gaec": gaec, "kerlann": kerlann})
    entities.update({"court": court, "customs": customs})
