"""A user never sees nor changes a structure they do not belong to: another structure's ids
answer exactly like unknown ones (404). Two suppliers (alice@ACME, bob@Boulangerie) and two
buyers (carla@Beaufort, david@Quimper)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.roles import MembershipStatus, Role
from accounts.services import technical_account_create
from entities.models import BuyerMembership
from suppliers.models import BankAccount, SupplierMembership
from tests.factories import BuyerMembershipFactory, SupplierMembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

SUPPLIER_PAGES = [
    "suppliers:structure_detail",
    "suppliers:structure_update",
    "suppliers:bank_account_add",
    "suppliers:approvals",
    "suppliers:technical_account",
]
BUYER_PAGES = ["entities:structure_detail", "entities:approvals", "entities:technical_account"]
SUPPLIER_MEMBER_ACTIONS = [
    "member_approve",
    "member_refuse",
    "member_role",
    "member_remove",
    "member_transfer",
]


@pytest.mark.parametrize("name", SUPPLIER_PAGES + BUYER_PAGES)
def test_user_without_structure_gets_404_on_structure_pages(as_user, name):
    assert as_user(UserFactory()).get(reverse(name)).status_code == 404


@pytest.mark.parametrize("name", SUPPLIER_PAGES + BUYER_PAGES)
def test_anonymous_is_sent_to_login(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and "/compte/login/" in response["Location"]


@pytest.mark.parametrize("name", BUYER_PAGES)
def test_supplier_gets_404_on_buyer_pages(as_user, alice, acme, name):
    assert as_user(alice, f"fournisseur:{acme.pk}").get(reverse(name)).status_code == 404


@pytest.mark.parametrize("name", SUPPLIER_PAGES)
def test_buyer_gets_404_on_supplier_pages(as_user, carla, beaufort, name):
    assert as_user(carla, f"acheteur:{beaufort.pk}").get(reverse(name)).status_code == 404


def test_each_supplier_sees_only_its_own_structure(as_user, client, alice, acme, bob, bakery):
    as_user(alice, f"fournisseur:{acme.pk}")
    page = client.get(reverse("suppliers:structure_detail")).content.decode()
    assert "ACME Fournitures" in page and "Boulangerie Martin" not in page and "bob@" not in page
    # Selecting Bob's structure in the session is ignored: Alice is not a member
    as_user(alice, f"fournisseur:{bakery.pk}")
    page = client.get(reverse("suppliers:structure_detail")).content.decode()
    assert "ACME Fournitures" in page and "Boulangerie Martin" not in page


@pytest.mark.parametrize("action", SUPPLIER_MEMBER_ACTIONS)
def test_supplier_cannot_act_on_members_of_another_structure(as_user, alice, acme, bob, bakery, action):
    # Given a pending request and a simple member at Bob's bakery
    pending = SupplierMembershipFactory(structure=bakery, role=Role.USER, status=MembershipStatus.PENDING)
    member = SupplierMembershipFactory(structure=bakery, role=Role.USER)
    client = as_user(alice, f"fournisseur:{acme.pk}")
    for target in (pending, member, SupplierMembership.objects.get(user=bob)):
        # Then Alice's attempt answers like an unknown id, and nothing changes
        response = client.post(reverse(f"suppliers:{action}", args=[target.pk]), {"role": Role.SECONDARY})
        assert response.status_code == 404
        unknown = client.post(reverse(f"suppliers:{action}", args=[999_999]), {"role": Role.SECONDARY})
        assert unknown.status_code == 404
    assert SupplierMembership.objects.get(pk=pending.pk).status == MembershipStatus.PENDING
    assert SupplierMembership.objects.get(pk=member.pk).role == Role.USER
    assert SupplierMembership.objects.get(user=bob).role == Role.PRINCIPAL


def test_supplier_cannot_deactivate_the_iban_of_another_structure(as_user, alice, acme, bob, bakery):
    account = BankAccount.objects.create(structure=bakery, iban="FR7630006000011234567890189")
    response = as_user(alice, f"fournisseur:{acme.pk}").post(
        reverse("suppliers:bank_account_deactivate", args=[account.pk])
    )
    assert response.status_code == 404
    account.refresh_from_db()
    assert account.active


def test_supplier_cannot_cancel_another_users_request(as_user, alice, acme, bakery):
    request = SupplierMembershipFactory(structure=bakery, role=Role.USER, status=MembershipStatus.PENDING)
    response = as_user(alice).post(reverse("suppliers:my_request_cancel", args=[request.pk]))
    assert response.status_code == 404
    assert SupplierMembership.objects.filter(pk=request.pk).exists()


def test_each_buyer_sees_only_its_own_structure(as_user, client, carla, beaufort, david, quimper):
    as_user(carla, f"acheteur:{beaufort.pk}")
    page = client.get(reverse("entities:structure_detail")).content.decode()
    assert "Commune de Beaufort-en-Anjou" in page and "Quimper" not in page
    as_user(david, f"acheteur:{quimper.pk}")
    page = client.get(reverse("entities:structure_detail")).content.decode()
    assert "Centre hospitalier de Quimper" in page and "Beaufort" not in page


@pytest.mark.parametrize("action", [*SUPPLIER_MEMBER_ACTIONS, "member_services"])
def test_buyer_cannot_act_on_members_of_another_structure(as_user, carla, beaufort, david, quimper, action):
    pending = BuyerMembershipFactory(structure=quimper, role=Role.USER, status=MembershipStatus.PENDING)
    client = as_user(carla, f"acheteur:{beaufort.pk}")
    for target in (pending, BuyerMembership.objects.get(user=david)):
        response = client.post(reverse(f"entities:{action}", args=[target.pk]), {"role": Role.SECONDARY})
        assert response.status_code == 404
    assert BuyerMembership.objects.get(pk=pending.pk).status == MembershipStatus.PENDING
    assert BuyerMembership.objects.get(user=david).role == Role.PRINCIPAL


def test_supplier_cannot_use_buyer_member_actions_on_a_buyer(as_user, alice, acme, carla):
    target = BuyerMembership.objects.get(user=carla)
    response = as_user(alice, f"fournisseur:{acme.pk}").post(
        reverse("entities:member_remove", args=[target.pk])
    )
    assert response.status_code == 404
    assert BuyerMembership.objects.filter(pk=target.pk).exists()


def test_technical_account_of_another_structure_is_never_shown(as_user, alice, acme, bob, bakery):
    technical_account_create(structure=bakery, actor=bob, login="TECH-BOULANGERIE")
    page = (
        as_user(alice, f"fournisseur:{acme.pk}").get(reverse("suppliers:technical_account")).content.decode()
    )
    assert "TECH-BOULANGERIE" not in page


def test_pending_member_has_no_access_yet(as_user, acme):
    pending = SupplierMembershipFactory(structure=acme, role=Role.USER, status=MembershipStatus.PENDING)
    client = as_user(pending.user, f"fournisseur:{acme.pk}")
    assert client.get(reverse("suppliers:structure_detail")).status_code == 404


def test_buyer_structure_page_has_no_n_plus_one(as_user, carla, beaufort, django_assert_max_num_queries):
    for _ in range(8):
        membership = BuyerMembershipFactory(structure=beaufort, role=Role.USER)
        membership.services.set(beaufort.services.all()[:2])
    client = as_user(carla, f"acheteur:{beaufort.pk}")
    with django_assert_max_num_queries(18):
        response = client.get(reverse("entities:structure_detail"))
    assert response.status_code == 200
    assert response.content.decode().count("FINANCES") >= 9
