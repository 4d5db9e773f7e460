"""Sign-up « Vous avez un SIRET / Vous n'avez pas de SIRET»."""

from __future__ import annotations

import pytest
from django.core import mail

from accounts.models import User
from suppliers.models import IdentifierType, SupplierMembership

from .conftest import MARIE_IBAN

pytestmark = pytest.mark.django_db
PASSWORD = "Un-mot-de-passe-solide-2026"


def test_the_home_page_offers_both_ways(client):
    body = client.get("/").content.decode()
    assert "Vous avez un SIRET" in body and "Vous n'avez pas de SIRET" in body
    signup = client.get("/compte/signup/?siret=non").content.decode()
    assert 'id="has_siret_non" name="has_siret" value="non" checked' in signup


def test_a_person_without_siret_gets_a_particulier_structure_with_her_bank_account(client):
    # When Marie signs up without a SIRET, with her address and IBAN
    response = client.post(
        "/compte/signup/",
        {
            "has_siret": "non",
            "first_name": "Marie",
            "last_name": "Lefèvre",
            "email": "marie@exemple.fr",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "address": "12 rue Écuyère",
            "postcode": "14000",
            "city": "Caen",
            "iban": "FR76 3000 6000 0112 3456 7890 189",
        },
    )
    # Then her account comes with a PARTICULIER structure she manages, with her bank account
    assert response.status_code == 302 and len(mail.outbox) == 1
    user = User.objects.get(email="marie@exemple.fr")
    membership = SupplierMembership.objects.select_related("structure").get(user=user)
    structure = membership.structure
    assert structure.identifier_type == IdentifierType.PARTICULIER and structure.identifier.startswith(
        "PART-"
    )
    assert structure.name == "Marie Lefèvre" and structure.city == "Caen" and structure.postcode == "14000"
    assert list(structure.bank_accounts.values_list("iban", flat=True)) == [MARIE_IBAN]


def test_without_siret_the_address_and_iban_are_required(client):
    response = client.post(
        "/compte/signup/",
        {
            "has_siret": "non",
            "first_name": "Marie",
            "last_name": "Lefèvre",
            "email": "marie@exemple.fr",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "address": "",
            "postcode": "",
            "city": "",
            "iban": "FR76 0000",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "address" in errors and "city" in errors and "L'IBAN" in errors["iban"][0]
    assert not User.objects.filter(email="marie@exemple.fr").exists()


def test_with_a_siret_the_sign_up_creates_the_account_alone(client):
    client.post(
        "/compte/signup/",
        {
            "has_siret": "oui",
            "first_name": "Jeanne",
            "last_name": "Robert",
            "email": "jeanne@exemple.fr",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    user = User.objects.get(email="jeanne@exemple.fr")
    assert not SupplierMembership.objects.filter(user=user).exists()
