"""Django admin pages for structures, services and members; the demo data of seed_demo."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from accounts import demo as accounts_demo
from accounts.models import TechnicalAccount
from accounts.roles import MembershipStatus, Role
from entities import demo as entities_demo
from entities.models import BuyerMembership, PublicCategory, PublicStructure, Service
from suppliers import demo as suppliers_demo
from suppliers.models import SizeCategory, SupplierMembership, SupplierStructure
from suppliers.selectors import supplier_obligation_date
from tests.factories import SupplierMembershipFactory

pytestmark = pytest.mark.django_db

CHANGELISTS = [
    ("suppliers", "supplierstructure"),
    ("suppliers", "bankaccount"),
    ("suppliers", "suppliermembership"),
    ("entities", "publicstructure"),
    ("entities", "service"),
    ("entities", "buyermembership"),
    ("accounts", "technicalaccount"),
]


@pytest.mark.parametrize(("app", "model"), CHANGELISTS)
def test_admin_lists_search_and_filter(client, admin_user, acme, beaufort, alice, carla, app, model):
    client.force_login(admin_user)
    url = reverse(f"admin:{app}_{model}_changelist")
    assert client.get(url).status_code == 200
    assert client.get(url, {"q": "beaufort"}).status_code == 200
    assert client.get(url, {"q": "2149"}).status_code == 200


def test_admin_structure_search_uses_the_directory_keys(client, admin_user, beaufort, quimper):
    client.force_login(admin_user)
    url = reverse("admin:entities_publicstructure_changelist")
    response = client.get(url, {"q": "hospitalier quimper"})
    assert list(response.context["cl"].result_list) == [quimper]
    response = client.get(url, {"q": "214902"})
    assert list(response.context["cl"].result_list) == [beaufort]
    response = client.get(url, {"category__exact": "SANTE"})
    assert list(response.context["cl"].result_list) == [quimper]


def test_admin_edits_keep_search_keys_and_validation(client, admin_user, beaufort):
    client.force_login(admin_user)
    url = reverse("admin:entities_publicstructure_change", args=[beaufort.pk])
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k not in ("created_at", "updated_at")}
    data.update(name="Ville de Beaufort-en-Anjou", city="Beaufort-en-Anjou", category="COLLECTIVITE")
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    beaufort.refresh_from_db()
    assert (beaufort.search_name, beaufort.search_city) == ("VILLE DE BEAUFORT EN ANJOU", "BEAUFORT EN ANJOU")


def test_admin_supplier_form_checks_the_siret(client, admin_user, acme):
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:suppliers_supplierstructure_add"),
        {
            "identifier_type": "SIRET",
            "identifier": "81234567600018",
            "name": "X",
            "country_code": "FR",
            "bank_accounts-TOTAL_FORMS": "0",
            "bank_accounts-INITIAL_FORMS": "0",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "la clé de contrôle ne correspond pas" in response.content.decode()


def test_admin_approves_requests_through_the_service(client, admin_user, acme):
    pending = SupplierMembershipFactory(structure=acme, role=Role.USER, status=MembershipStatus.PENDING)
    client.force_login(admin_user)
    client.post(
        reverse("admin:suppliers_suppliermembership_changelist"),
        {"action": "approve", "_selected_action": [pending.pk]},
    )
    pending.refresh_from_db()
    assert pending.status == MembershipStatus.ACTIVE and pending.decided_by == admin_user


def seed() -> tuple[dict, dict]:
    users = accounts_demo.seed()
    return suppliers_demo.seed(users), entities_demo.seed(users)


def test_demo_structures_match_the_issue_and_are_idempotent():
    seed()
    suppliers, entities = seed()  # twice: nothing duplicated
    acme = suppliers["acme"]
    assert (acme.identifier, acme.headcount, acme.size_category) == ("81234567600017", 120, SizeCategory.PME)
    assert supplier_obligation_date(structure=acme) == date(2019, 1, 1)
    assert acme.bank_accounts.get().iban == "FR7630006000011234567890189"
    assert SupplierMembership.objects.get(structure=acme).user.email == "fournisseur@chorus.test"
    beaufort, quimper, ddfip = entities["beaufort"], entities["quimper"], entities["ddfip"]
    assert beaufort.service_code_required and not beaufort.engagement_required
    assert dict(Service.objects.filter(structure=beaufort).values_list("code", "active")) == {
        "FINANCES": True,
        "TECHNIQUE": True,
        "ARCHIVES": False,
    }
    assert quimper.engagement_required and quimper.category == PublicCategory.SANTE
    assert quimper.payment_delay_days == 50
    assert not (
        ddfip.service_code_required or ddfip.engagement_required or ddfip.engagement_or_service_required
    )
    assert ddfip.category == PublicCategory.ETAT
    assert BuyerMembership.objects.get(structure=beaufort).user.email == "acheteur@chorus.test"
    # ACME, Nordlicht Bürobedarf GmbH (the foreign supplier of issue 13) and Atelier Moreau
    # Architectes (the maître d'œuvre of issue 14)
    assert (SupplierStructure.objects.count(), PublicStructure.objects.count(), Service.objects.count()) == (
        3,
        3,
        3,
    )
    assert not TechnicalAccount.objects.exists()  # the API's demo accounts belong to cpro.demo
