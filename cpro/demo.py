"""API demo data of ``seed_demo`` (documented in the README; exact values, idempotent):

- OAuth application ``demo-client`` / ``demo-client-secret`` (owner: the demo administrator);
- technical accounts ``TECH-ACME`` (ACME Fournitures), ``TECH-BEAUFORT`` (Commune de
  Beaufort-en-Anjou), ``TECH-NORDLICHT`` (Nordlicht Bürobedarf GmbH) and ``TECH-MOREAU``
  (Atelier Moreau Architectes, maître d'œuvre), all with the password
  ``Demo-Tech-2026!``.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction

from accounts.models import TechnicalAccount
from accounts.services import technical_account_create, technical_account_renew
from invoices.choices import Framework
from invoices.data import InvoiceData, LineData
from invoices.models import Invoice
from invoices.services import invoice_deposit
from suppliers.models import BankAccount, IdentifierType, SupplierStructure

from .models import OAuthApplication

CLIENT_ID = "demo-client"
CLIENT_SECRET = "demo-client-secret"  # noqa: S105 - documented demo value
TECH_PASSWORD = "Demo-Tech-2026!"  # noqa: S105 - documented demo value
TECH_ACCOUNTS = (
    ("TECH-ACME", "suppliers", "acme"),
    ("TECH-BEAUFORT", "entities", "beaufort"),
    ("TECH-NORDLICHT", "suppliers", "nordlicht"),  # the foreign supplier (issue 13)
    ("TECH-MOREAU", "suppliers", "moreau"),  # the maître d'œuvre (issue 14)
)


def seed(*, users: dict[str, Any], suppliers: dict[str, Any], entities: dict[str, Any]) -> None:

    structures = {"suppliers": suppliers, "entities": entities}
    with transaction.atomic():
        application = OAuthApplication.objects.filter(client_id=CLIENT_ID).first()
        if application is None:
            OAuthApplication.objects.create(
                client_id=CLIENT_ID,
                name="Application de démonstration",
                owner=users["admin"],
                client_secret_hash=make_password(CLIENT_SECRET),
            )
        elif not application.active or not check_password(CLIENT_SECRET, application.client_secret_hash):
            OAuthApplication.objects.filter(pk=application.pk).update(
                active=True, client_secret_hash=make_password(CLIENT_SECRET)
            )
        for login, group, key in TECH_ACCOUNTS:
            structure = structures[group][key]
            field = "supplier_structure" if group == "suppliers" else "public_structure"
            account = TechnicalAccount.objects.filter(**{field: structure}).first()
            if account is None:
                technical_account_create(structure=structure, actor=None, login=login, password=TECH_PASSWORD)
                continue
            if account.login != login:
                TechnicalAccount.objects.filter(pk=account.pk).update(login=login)
                account.refresh_from_db()
            # Renewed on every seed: a fresh year of validity, the documented password, active.
            technical_account_renew(account=account, actor=None, password=TECH_PASSWORD)
            TechnicalAccount.objects.filter(pk=account.pk).update(active=True)
    seed_validation_flow(suppliers=suppliers, entities=entities)


# A subcontractor of ACME and its invoice awaiting ACME's validation (framework A9), so that the
# validator's endpoints (rechercher/valideur, consulter/valideur, traiter/factureAValider,
# corriger/valideur/facture) have something to show to TECH-ACME (issue 12).
SUBCONTRACTOR_SIRET = "82345678500018"
SUBCONTRACTOR_INVOICE = "ST-DEMO-0001"


def seed_validation_flow(*, suppliers: dict[str, Any], entities: dict[str, Any]) -> None:
    import datetime as dt
    from decimal import Decimal

    from django.utils import timezone

    subcontractor, _created = SupplierStructure.objects.update_or_create(
        identifier_type=IdentifierType.SIRET,
        identifier=SUBCONTRACTOR_SIRET,
        defaults={
            "name": "Martin Électricité (sous-traitant d'ACME)",
            "address": "3 impasse des Tilleuls",
            "postcode": "49100",
            "city": "Angers",
            "country_code": "FR",
            "vat_number": "FR72823456785",
            "active": True,
        },
    )
    iban = "FR7630004000031234567890143"
    BankAccount.objects.update_or_create(
        structure=subcontractor, iban=iban, defaults={"label": "Compte courant", "active": True}
    )
    if Invoice.objects.filter(supplier=subcontractor, number=SUBCONTRACTOR_INVOICE).exists():
        return
    acme, beaufort = suppliers["acme"], entities["beaufort"]
    invoice_deposit(
        supplier=subcontractor,
        data=InvoiceData(
            number=SUBCONTRACTOR_INVOICE,
            framework=Framework.A9,
            invoice_date=timezone.localdate() - dt.timedelta(days=2),
            recipient_siret=beaufort.siret,
            service_code="FINANCES",
            validator_identifier=acme.identifier,
            payment_mode="VIREMENT",
            iban=iban,
            lines=[
                LineData(
                    designation="Câblage électrique de la médiathèque (sous-traitance)",
                    quantity=Decimal("1"),
                    unit_price=Decimal("2450.00"),
                    vat_rate=Decimal("20"),
                    unit="LS",
                )
            ],
        ),
        actor=None,
        channel="SAISIE_PORTAIL",
    )
