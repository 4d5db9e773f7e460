"""``seed_demo`` creates the works contract's actors exactly as the README says, and its
statements at the steps of the maître d'œuvre's circuit (idempotent)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password
from django.core.management import call_command

from accounts.models import TechnicalAccount
from invoices.lifecycle.statuses import InvoiceStatus as S
from invoices.models import Invoice
from suppliers.models import SupplierStructure


@pytest.mark.django_db(transaction=True)
def test_seed_demo_has_the_moe_and_the_works_statements():
    call_command("seed_demo")
    call_command("seed_demo")
    moreau = SupplierStructure.objects.get(identifier="51234567900017")
    assert moreau.name == "Atelier Moreau Architectes"
    user = get_user_model().objects.get(email="moe@chorus.test")
    assert user.check_password("Demo-Moe-2026!")
    assert user.supplier_memberships.filter(structure=moreau).exists()
    account = TechnicalAccount.objects.get(login="TECH-MOREAU")
    assert account.supplier_structure_id == moreau.pk and check_password("Demo-Tech-2026!", account.password)
    statements = Invoice.objects.filter(validator=moreau, supplier__name="ACME Fournitures")
    assert {i.recipient_service.code for i in statements} == {"TECHNIQUE"}
    assert {i.status for i in statements} == {
        S.A_VALIDER_MOE,
        S.REFUSEE_MOE,
        S.MISE_A_DISPOSITION,
        S.MISE_EN_PAIEMENT,
    }
    assert statements.count() == 4
