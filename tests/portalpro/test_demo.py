"""``seed_demo`` creates the Chorus Portal Pro cast exactly as documented, idempotently."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import check_password
from django.core.management import call_command

from accounts.models import TechnicalAccount, User
from entities.models import FormDesk, PublicStructure
from invoices.choices import Framework
from invoices.frameworks import framework_refusal
from suppliers.models import IdentifierType, SupplierMembership, SupplierStructure


@pytest.mark.django_db(transaction=True)
def test_seed_demo_creates_the_portal_pro_cast_and_is_idempotent(client):
    call_command("seed_demo")
    call_command("seed_demo")
    # Marie Lefèvre, without SIRET, not liable to VAT, one IBAN, can log in
    assert client.login(email="expert@chorus.test", password="Demo-Expert-2026!")
    marie = User.objects.get(email="expert@chorus.test")
    lefevre = SupplierMembership.objects.get(user=marie).structure
    assert lefevre.identifier_type == IdentifierType.PARTICULIER and lefevre.vat_number == ""
    assert lefevre.bank_accounts.filter(active=True).count() == 1
    # The farm of Calvados, with its user and one IBAN, may send TIC/TICGN refunds
    assert client.login(email="exploitant@chorus.test", password="Demo-Exploitant-2026!")
    gaec = SupplierStructure.objects.get(identifier="42345678900019")
    assert gaec.name == "GAEC des Prés Verts" and gaec.postcode.startswith("14")
    assert gaec.bank_accounts.filter(active=True).count() == 1
    assert framework_refusal(supplier=gaec, framework=Framework.A21) is None
    # The farm of Finistère may not
    kerlann = SupplierStructure.objects.get(identifier="43345678700012")
    assert "Finistère (29)" in framework_refusal(supplier=kerlann, framework=Framework.A21).message
    # The court and the customs office receive their forms
    assert PublicStructure.objects.get(siret="17140000500020").form_desk == FormDesk.JUSTICE
    assert PublicStructure.objects.get(siret="13000456700017").form_desk == FormDesk.DOUANE
    # The technical accounts, with the documented password
    for login, structure in (("TECH-LEFEVRE", lefevre), ("TECH-PRESVERTS", gaec), ("TECH-KERLANN", kerlann)):
        account = TechnicalAccount.objects.get(login=login)
        assert account.supplier_structure == structure and account.active
        assert check_password("Demo-Tech-2026!", account.password)
