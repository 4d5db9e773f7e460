"""A supplier creates its structure, keeps its data and its IBANs up to date."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.roles import MembershipStatus, Role
from suppliers import selectors, services
from suppliers.models import BankAccount, IdentifierType, SizeCategory, SupplierMembership, SupplierStructure
from tests.factories import SupplierMembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_creator_becomes_principal_manager_and_size_category_follows_headcount():
    # Given a new user
    user = UserFactory(email="eve@exemple.test")
    # When she creates her company's structure with 120 employees
    structure = services.supplier_structure_create(
        actor=user,
        identifier_type=IdentifierType.SIRET,
        identifier="812 345 676 00017",
        name="ACME Fournitures",
        vat_number="FR19812345676",
        headcount=120,
        postcode="49000",
    )
    # Then she is its principal manager, and it is a PME obliged since 1 January 2019
    membership = SupplierMembership.objects.get(structure=structure)
    assert (membership.user, membership.role, membership.status) == (
        user,
        Role.PRINCIPAL,
        MembershipStatus.ACTIVE,
    )
    assert structure.identifier == "81234567600017"
    assert structure.size_category == SizeCategory.PME
    assert selectors.supplier_obligation_date(structure=structure) == date(2019, 1, 1)


@pytest.mark.parametrize(
    ("headcount", "category", "since"),
    [
        (3, SizeCategory.MICRO, date(2020, 1, 1)),
        (800, SizeCategory.ETI, date(2018, 1, 1)),
        (12000, SizeCategory.GE, date(2017, 1, 1)),
    ],
)
def test_each_size_category_gets_its_obligation_date(headcount, category, since):
    structure = services.supplier_structure_create(
        actor=UserFactory(),
        identifier_type=IdentifierType.HORS_UE,
        identifier=f"US-{headcount}",
        name="Company",
        headcount=headcount,
        country_code="US",
    )
    assert structure.size_category == category
    assert selectors.supplier_obligation_date(structure=structure) == since


def test_every_wrong_field_gets_its_own_message():
    with pytest.raises(ValidationError) as exc:
        services.supplier_structure_create(
            actor=UserFactory(),
            identifier_type=IdentifierType.SIRET,
            identifier="81234567600018",
            name="",
            vat_number="FR20812345676",
            postcode="4900",
        )
    errors = exc.value.message_dict
    assert errors["identifier"] == [
        "Le SIRET 81234567600018 est invalide : la clé de contrôle ne correspond pas"
    ]
    assert errors["name"] == ["La raison sociale est obligatoire."]
    assert errors["postcode"] == ["Le code postal 4900 est invalide : 5 chiffres attendus."]
    assert errors["vat_number"] == [
        "Le numéro de TVA FR20812345676 est invalide : la clé 20 ne correspond pas au SIREN 812345676"
    ]
    assert not SupplierStructure.objects.exists()


def test_vat_number_must_be_the_structures_own():
    with pytest.raises(ValidationError) as exc:
        services.supplier_structure_create(
            actor=UserFactory(),
            identifier_type=IdentifierType.SIRET,
            identifier="81234567600017",
            name="ACME",
            vat_number="FR39356000000",
        )
    assert exc.value.message_dict["vat_number"] == [
        "Le numéro de TVA FR39356000000 ne correspond pas au SIREN 812345676 de la structure"
    ]


def test_a_structure_cannot_be_created_twice(acme):
    with pytest.raises(ValidationError) as exc:
        services.supplier_structure_create(
            actor=UserFactory(),
            identifier_type=IdentifierType.SIRET,
            identifier="81234567600017",
            name="Copie",
        )
    assert "existe déjà : demandez à la rejoindre" in exc.value.message_dict["identifier"][0]


def test_private_person_gets_a_generated_identifier():
    structure = services.supplier_structure_create(
        actor=UserFactory(), identifier_type=IdentifierType.PARTICULIER, name="Jeanne Dupont"
    )
    assert structure.identifier.startswith("PART-")
    assert len(structure.identifier) == 15


def test_european_structure_uses_its_vat_number_as_identifier_and_country():
    structure = services.supplier_structure_create(
        actor=UserFactory(),
        identifier_type=IdentifierType.UE_HORS_FRANCE,
        identifier="DE136695976",
        name="Muster GmbH",
    )
    assert (structure.vat_number, structure.country_code) == ("DE136695976", "DE")


def test_manager_updates_data_and_the_category_follows(alice, acme):
    services.supplier_structure_update(structure=acme, actor=alice, headcount=6000, city="Nantes")
    acme.refresh_from_db()
    assert (acme.headcount, acme.city, acme.size_category) == (6000, "Nantes", SizeCategory.GE)


def test_category_fixed_by_an_administrator_is_kept(alice, acme):
    SupplierStructure.objects.filter(pk=acme.pk).update(
        size_category=SizeCategory.ETI, size_category_set_by_admin=True
    )
    acme.refresh_from_db()
    services.supplier_structure_update(structure=acme, actor=alice, headcount=5)
    acme.refresh_from_db()
    assert acme.size_category == SizeCategory.ETI


def test_simple_user_cannot_change_the_structure(acme):
    user = SupplierMembershipFactory(structure=acme, role=Role.USER).user
    with pytest.raises(PermissionDenied):
        services.supplier_structure_update(structure=acme, actor=user, name="Piratée")


def test_bank_accounts(alice, acme):
    # When the manager adds an IBAN typed in groups
    account = services.bank_account_add(
        structure=acme, actor=alice, iban="FR76 3000 6000 0112 3456 7890 189", bic="BNPAFRPP"
    )
    assert account.iban == "FR7630006000011234567890189"
    # Then the same IBAN cannot be added twice
    with pytest.raises(ValidationError) as exc:
        services.bank_account_add(structure=acme, actor=alice, iban="FR7630006000011234567890189")
    assert "déjà enregistré" in exc.value.message_dict["iban"][0]
    # And a wrong IBAN and BIC are both explained
    with pytest.raises(ValidationError) as exc:
        services.bank_account_add(structure=acme, actor=alice, iban="FR7630006000011234567890188", bic="XX")
    assert exc.value.message_dict["iban"] == [
        "L'IBAN FR7630006000011234567890188 est invalide : la clé de contrôle ne correspond pas"
    ]
    assert "BIC XX est invalide" in exc.value.message_dict["bic"][0]
    # When it is no longer used, it stays (inactive) and can be added back
    services.bank_account_deactivate(account=account, actor=alice)
    assert not selectors.supplier_bank_accounts(structure=acme).exists()
    again = services.bank_account_add(structure=acme, actor=alice, iban="FR7630006000011234567890189")
    assert again.pk == account.pk and again.active
    assert BankAccount.objects.filter(structure=acme).count() == 1


# --- Pages -------------------------------------------------------------------------------------


def test_create_page_shows_each_error_next_to_its_field(as_user):
    client = as_user(UserFactory())
    response = client.post(
        reverse("suppliers:structure_create"),
        {
            "identifier_type": "SIRET",
            "identifier": "81234567600018",
            "name": "ACME",
            "vat_number": "FR20812345676",
            "country_code": "FR",
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["identifier"] == [
        "Le SIRET 81234567600018 est invalide : la clé de contrôle ne correspond pas"
    ]
    assert "la clé 20 ne correspond pas" in form.errors["vat_number"][0]
    assert "Le SIRET 81234567600018 est invalide" in response.content.decode()


def test_create_page_creates_and_selects_the_structure(as_user):
    user = UserFactory()
    client = as_user(user)
    response = client.post(
        reverse("suppliers:structure_create"),
        {
            "identifier_type": "SIRET",
            "identifier": "81234567600017",
            "name": "ACME Fournitures",
            "country_code": "FR",
            "headcount": "120",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("suppliers:structure_detail")
    page = response.content.decode()
    assert "ACME Fournitures" in page and "Petite ou moyenne entreprise" in page
    assert response.context["membership"].user == user


def test_structure_page_shows_data_iban_and_members_without_n_plus_one(
    as_user, alice, acme, django_assert_max_num_queries
):
    for _ in range(8):
        SupplierMembershipFactory(structure=acme, role=Role.USER)
    BankAccount.objects.create(structure=acme, iban="FR7630006000011234567890189")
    client = as_user(alice, f"fournisseur:{acme.pk}")
    with django_assert_max_num_queries(16):
        response = client.get(reverse("suppliers:structure_detail"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "FR7630006000011234567890189" in page and "alice@acme.test" in page


def test_update_and_bank_account_pages(as_user, alice, acme):
    client = as_user(alice, f"fournisseur:{acme.pk}")
    response = client.post(
        reverse("suppliers:structure_update"),
        {
            "name": "ACME Fournitures SAS",
            "country_code": "FR",
            "postcode": "49000",
            "vat_number": "FR19812345676",
        },
    )
    assert response.status_code == 302
    acme.refresh_from_db()
    assert acme.name == "ACME Fournitures SAS"
    response = client.post(reverse("suppliers:bank_account_add"), {"iban": "FR7630006000011234567890188"})
    assert response.context["form"].errors["iban"] == [
        "L'IBAN FR7630006000011234567890188 est invalide : la clé de contrôle ne correspond pas"
    ]
    response = client.post(reverse("suppliers:bank_account_add"), {"iban": "FR7630006000011234567890189"})
    assert response.status_code == 302
    account = BankAccount.objects.get(structure=acme)
    client.post(reverse("suppliers:bank_account_deactivate", args=[account.pk]))
    account.refresh_from_db()
    assert not account.active


def test_simple_user_sees_the_structure_but_cannot_manage_it(as_user, acme):
    user = SupplierMembershipFactory(structure=acme, role=Role.USER).user
    client = as_user(user, f"fournisseur:{acme.pk}")
    assert client.get(reverse("suppliers:structure_detail")).status_code == 200
    assert client.get(reverse("suppliers:structure_update")).status_code == 403
    assert client.get(reverse("suppliers:approvals")).status_code == 403
    assert client.get(reverse("suppliers:technical_account")).status_code == 403
