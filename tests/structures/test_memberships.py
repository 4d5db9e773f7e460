"""Joining a structure, the managers' approvals, roles, and the principal manager always kept."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts.roles import MembershipStatus, Role
from entities import selectors as entity_selectors
from entities import services as entity_services
from entities.models import BuyerMembership
from suppliers import selectors, services
from suppliers.models import SupplierMembership
from tests.factories import BuyerMembershipFactory, SupplierMembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def frank(db):
    return UserFactory(email="frank@exemple.test", first_name="Frank", last_name="Roux")


def test_join_request_waits_for_a_manager_then_gives_access(alice, acme, frank):
    # When Frank asks to join ACME by its SIRET, typed with spaces
    request = services.supplier_membership_request(
        user=frank, identifier_type="SIRET", identifier="812 345 676 00017"
    )
    # Then he is not a member yet
    assert request.status == MembershipStatus.PENDING
    assert selectors.supplier_membership_active(user=frank, structure=acme) is None
    assert not selectors.user_can_send_invoices(user=frank, structure=acme)
    assert list(selectors.supplier_pending_requests(structure=acme)) == [request]
    # When Alice approves him
    approved = services.supplier_membership_approve(membership=request, actor=alice)
    # Then he is a simple user who may send invoices
    assert (approved.status, approved.role, approved.decided_by) == (
        MembershipStatus.ACTIVE,
        Role.USER,
        alice,
    )
    assert selectors.user_can_send_invoices(user=frank, structure=acme)


def test_join_request_for_an_unknown_structure(frank):
    with pytest.raises(ValidationError) as exc:
        services.supplier_membership_request(user=frank, identifier_type="SIRET", identifier="73282932000074")
    assert (
        "Aucune structure active n'a l'identifiant 73282932000074" in exc.value.message_dict["identifier"][0]
    )


def test_a_request_cannot_be_sent_twice_and_members_cannot_ask_again(alice, acme, frank):
    services.supplier_membership_request(user=frank, identifier_type="SIRET", identifier=acme.identifier)
    with pytest.raises(ValidationError, match="attend déjà l'approbation"):
        services.supplier_membership_request(user=frank, identifier_type="SIRET", identifier=acme.identifier)
    with pytest.raises(ValidationError, match="déjà membre"):
        services.supplier_membership_request(user=alice, identifier_type="SIRET", identifier=acme.identifier)


def test_refused_request_can_be_made_again(alice, acme, frank):
    request = services.supplier_membership_request(
        user=frank, identifier_type="SIRET", identifier=acme.identifier
    )
    refused = services.supplier_membership_refuse(membership=request, actor=alice)
    assert refused.status == MembershipStatus.REFUSED
    again = services.supplier_membership_request(
        user=frank, identifier_type="SIRET", identifier=acme.identifier
    )
    assert again.pk == request.pk and again.status == MembershipStatus.PENDING and again.decided_by is None


def test_a_request_is_decided_once(alice, acme, frank):
    request = services.supplier_membership_request(
        user=frank, identifier_type="SIRET", identifier=acme.identifier
    )
    services.supplier_membership_approve(membership=request, actor=alice)
    with pytest.raises(ValidationError, match="déjà été traitée"):
        services.supplier_membership_refuse(membership=request, actor=alice)


def test_simple_users_and_outsiders_cannot_approve(acme, bob, frank):
    user = SupplierMembershipFactory(structure=acme, role=Role.USER).user
    request = services.supplier_membership_request(
        user=frank, identifier_type="SIRET", identifier=acme.identifier
    )
    for actor in (user, bob, frank):
        with pytest.raises(PermissionDenied):
            services.supplier_membership_approve(membership=request, actor=actor)
    request.refresh_from_db()
    assert request.status == MembershipStatus.PENDING


def test_secondary_manager_approves_and_changes_roles(alice, acme, frank):
    secondary = SupplierMembershipFactory(structure=acme, role=Role.SECONDARY).user
    request = services.supplier_membership_request(
        user=frank, identifier_type="SIRET", identifier=acme.identifier
    )
    services.supplier_membership_approve(membership=request, actor=secondary, role=Role.SECONDARY)
    membership = selectors.supplier_membership_active(user=frank, structure=acme)
    assert membership.role == Role.SECONDARY
    demoted = services.supplier_membership_change_role(membership=membership, actor=secondary, role=Role.USER)
    assert demoted.role == Role.USER


def test_principal_manager_cannot_be_demoted_or_removed(alice, acme):
    principal = SupplierMembership.objects.get(user=alice, structure=acme)
    secondary = SupplierMembershipFactory(structure=acme, role=Role.SECONDARY).user
    with pytest.raises(ValidationError, match="toujours garder un gestionnaire principal"):
        services.supplier_membership_change_role(membership=principal, actor=secondary, role=Role.USER)
    with pytest.raises(ValidationError, match="ne peut pas être retiré"):
        services.supplier_membership_remove(membership=principal, actor=secondary)
    with pytest.raises(ValidationError, match="ne peut pas être retiré"):
        services.supplier_membership_remove(membership=principal, actor=alice)  # leaving on her own
    with pytest.raises(ValidationError, match="transférez-lui ce rôle"):
        services.supplier_membership_change_role(membership=principal, actor=alice, role=Role.PRINCIPAL)
    principal.refresh_from_db()
    assert principal.role == Role.PRINCIPAL


def test_principal_role_is_transferred_explicitly(alice, acme, frank):
    target = SupplierMembershipFactory(user=frank, structure=acme, role=Role.USER)
    secondary = SupplierMembershipFactory(structure=acme, role=Role.SECONDARY).user
    # A secondary manager cannot hand over the principal role
    with pytest.raises(PermissionDenied):
        services.supplier_principal_transfer(membership=target, actor=secondary)
    # The principal manager can: she stays a secondary manager
    services.supplier_principal_transfer(membership=target, actor=alice)
    roles = dict(SupplierMembership.objects.filter(structure=acme).values_list("user__email", "role"))
    assert roles["frank@exemple.test"] == Role.PRINCIPAL
    assert roles["alice@acme.test"] == Role.SECONDARY
    assert list(roles.values()).count(Role.PRINCIPAL) == 1


def test_database_refuses_two_principal_managers(alice, acme):
    with pytest.raises(IntegrityError), transaction.atomic():
        SupplierMembershipFactory(structure=acme, role=Role.PRINCIPAL)


def test_manager_removes_a_member_and_a_member_may_leave(alice, acme):
    first = SupplierMembershipFactory(structure=acme, role=Role.USER)
    second = SupplierMembershipFactory(structure=acme, role=Role.USER)
    services.supplier_membership_remove(membership=first, actor=alice)
    services.supplier_membership_remove(membership=second, actor=second.user)
    assert list(SupplierMembership.objects.filter(structure=acme).values_list("user", flat=True)) == [
        alice.pk
    ]


def test_simple_user_cannot_remove_another_member(acme):
    first = SupplierMembershipFactory(structure=acme, role=Role.USER)
    second = SupplierMembershipFactory(structure=acme, role=Role.USER)
    with pytest.raises(PermissionDenied):
        services.supplier_membership_remove(membership=first, actor=second.user)


def test_a_user_may_belong_to_several_structures(alice, acme, bakery, bob):
    request = services.supplier_membership_request(
        user=alice, identifier_type="SIRET", identifier=bakery.identifier
    )
    services.supplier_membership_approve(membership=request, actor=bob)
    assert selectors.user_can_send_invoices(user=alice, structure=acme)
    assert selectors.user_can_send_invoices(user=alice, structure=bakery)


def test_inactive_structure_cannot_be_joined_nor_send(alice, acme, frank):
    acme.active = False
    acme.save(update_fields=["active"])
    assert not selectors.user_can_send_invoices(user=alice, structure=acme)
    with pytest.raises(ValidationError):
        services.supplier_membership_request(user=frank, identifier_type="SIRET", identifier=acme.identifier)


# --- Pages -------------------------------------------------------------------------------------


def test_join_approve_and_role_pages(as_user, client, alice, acme, frank):
    # Frank asks to join through the page
    as_user(frank)
    response = client.post(
        reverse("suppliers:structure_join"),
        {"identifier_type": "SIRET", "identifier": acme.identifier},
        follow=True,
    )
    assert "Votre demande pour rejoindre ACME Fournitures est envoyée" in response.content.decode()
    # The pending request is listed on his dashboard
    assert "ACME Fournitures" in client.get(reverse("dashboard")).content.decode()
    # Alice sees the request in her approvals and approves it as a secondary manager
    as_user(alice, f"fournisseur:{acme.pk}")
    page = client.get(reverse("suppliers:approvals")).content.decode()
    assert "frank@exemple.test" in page
    request = SupplierMembership.objects.get(user=frank)
    client.post(reverse("suppliers:member_approve", args=[request.pk]), {"role": Role.SECONDARY})
    request.refresh_from_db()
    assert (request.status, request.role) == (MembershipStatus.ACTIVE, Role.SECONDARY)
    # then makes him a simple user, then principal manager
    client.post(reverse("suppliers:member_role", args=[request.pk]), {"role": Role.USER})
    request.refresh_from_db()
    assert request.role == Role.USER
    client.post(reverse("suppliers:member_transfer", args=[request.pk]))
    request.refresh_from_db()
    assert request.role == Role.PRINCIPAL


def test_join_page_with_an_unknown_identifier_explains_it(as_user, frank):
    client = as_user(frank)
    response = client.post(
        reverse("suppliers:structure_join"), {"identifier_type": "SIRET", "identifier": "73282932000074"}
    )
    assert (
        "Aucune structure active n'a l'identifiant 73282932000074"
        in response.context["form"].errors["identifier"][0]
    )


def test_demoting_the_principal_from_the_page_is_refused_with_a_message(as_user, client, alice, acme):
    secondary = SupplierMembershipFactory(structure=acme, role=Role.SECONDARY).user
    as_user(secondary, f"fournisseur:{acme.pk}")
    principal = SupplierMembership.objects.get(user=alice)
    response = client.post(
        reverse("suppliers:member_role", args=[principal.pk]), {"role": Role.USER}, follow=True
    )
    assert "toujours garder un gestionnaire principal" in response.content.decode()
    principal.refresh_from_db()
    assert principal.role == Role.PRINCIPAL


def test_user_cancels_a_pending_request(as_user, acme, frank):
    request = services.supplier_membership_request(
        user=frank, identifier_type="SIRET", identifier=acme.identifier
    )
    client = as_user(frank)
    client.post(reverse("suppliers:my_request_cancel", args=[request.pk]))
    assert not SupplierMembership.objects.filter(pk=request.pk).exists()


# --- Buyers ------------------------------------------------------------------------------------


def test_buyer_attachment_with_service_restriction(carla, beaufort, frank):
    # When Frank asks to be attached to Beaufort
    request = entity_services.buyer_membership_request(user=frank, siret="214 902 447 00017")
    assert request.status == MembershipStatus.PENDING
    assert entity_selectors.buyer_membership_active(user=frank, structure=beaufort) is None
    # Carla approves him for the FINANCES service only
    finances = entity_selectors.service_get(structure=beaufort, code="FINANCES")
    entity_services.buyer_membership_approve(membership=request, actor=carla, services=[finances])
    membership = entity_selectors.buyer_membership_active(user=frank, structure=beaufort)
    assert entity_selectors.buyer_visible_services(membership=membership) == [finances.pk]
    # Carla herself sees every service
    own = entity_selectors.buyer_membership_active(user=carla, structure=beaufort)
    assert entity_selectors.buyer_visible_services(membership=own) is None
    # and can lift the restriction
    entity_services.buyer_membership_set_services(membership=membership, actor=carla, services=[])
    assert entity_selectors.buyer_visible_services(membership=membership) is None


def test_buyer_cannot_be_restricted_to_a_service_of_another_structure(carla, beaufort, quimper, frank):
    from tests.factories import ServiceFactory

    foreign = ServiceFactory(structure=quimper, code="URGENCES")
    request = entity_services.buyer_membership_request(user=frank, siret=beaufort.siret)
    with pytest.raises(ValidationError, match="n'existe pas dans cette structure"):
        entity_services.buyer_membership_approve(membership=request, actor=carla, services=[foreign])
    request.refresh_from_db()
    assert request.status == MembershipStatus.PENDING  # nothing half-done


def test_buyer_request_for_unknown_or_invalid_siret(frank):
    with pytest.raises(ValidationError) as exc:
        entity_services.buyer_membership_request(user=frank, siret="21490244700018")
    assert exc.value.message_dict["siret"] == [
        "Le SIRET 21490244700018 est invalide : la clé de contrôle ne correspond pas"
    ]
    with pytest.raises(ValidationError) as exc:
        entity_services.buyer_membership_request(user=frank, siret="73282932000074")
    assert (
        "Aucune structure publique active n'a le SIRET 73282932000074" in exc.value.message_dict["siret"][0]
    )


def test_first_buyer_of_an_imported_structure_is_approved_by_the_administration(quimper, frank, admin_user):
    # Given a structure imported from the directory, with nobody attached yet
    request = entity_services.buyer_membership_request(user=frank, siret=quimper.siret)
    # The administration approves from the admin: he becomes its principal manager
    entity_services.buyer_membership_approve(membership=request, actor=admin_user, by_staff=True)
    assert BuyerMembership.objects.get(pk=request.pk).role == Role.PRINCIPAL
    # and "by_staff" is refused to anyone else
    other = UserFactory()
    second = entity_services.buyer_membership_request(user=other, siret=quimper.siret)
    with pytest.raises(PermissionDenied):
        entity_services.buyer_membership_approve(membership=second, actor=other, by_staff=True)


def test_buyer_pages_attach_approve_and_restrict(as_user, client, carla, beaufort, frank):
    as_user(frank)
    response = client.post(reverse("entities:attach_request"), {"siret": beaufort.siret}, follow=True)
    assert (
        "Votre demande de rattachement à Commune de Beaufort-en-Anjou est envoyée"
        in response.content.decode()
    )
    request = BuyerMembership.objects.get(user=frank)
    as_user(carla, f"acheteur:{beaufort.pk}")
    assert "frank@exemple.test" in client.get(reverse("entities:approvals")).content.decode()
    # An unknown service code is explained and nothing is approved
    response = client.post(
        reverse("entities:member_approve", args=[request.pk]),
        {"role": Role.USER, "services": "FINANCES, INCONNU"},
        follow=True,
    )
    assert "Services inconnus dans Commune de Beaufort-en-Anjou : INCONNU." in response.content.decode()
    request.refresh_from_db()
    assert request.status == MembershipStatus.PENDING
    client.post(
        reverse("entities:member_approve", args=[request.pk]), {"role": Role.USER, "services": "FINANCES"}
    )
    request.refresh_from_db()
    assert request.status == MembershipStatus.ACTIVE
    assert list(request.services.values_list("code", flat=True)) == ["FINANCES"]
    client.post(reverse("entities:member_services", args=[request.pk]), {"services": "FINANCES TECHNIQUE"})
    assert sorted(request.services.values_list("code", flat=True)) == ["FINANCES", "TECHNIQUE"]
    page = client.get(reverse("entities:structure_detail")).content.decode()
    assert "frank@exemple.test" in page and "TECHNIQUE" in page


def test_buyer_principal_is_kept_too(carla, beaufort):
    other = BuyerMembershipFactory(structure=beaufort, role=Role.SECONDARY).user
    principal = BuyerMembership.objects.get(user=carla)
    with pytest.raises(ValidationError, match="toujours garder un gestionnaire principal"):
        entity_services.buyer_membership_change_role(membership=principal, actor=other, role=Role.USER)


def test_managers_are_notified_of_a_request_to_join(alice, acme, django_capture_on_commit_callbacks):
    # Given ACME whose principal manager is Alice
    from notifications.models import Notification
    from suppliers.services import supplier_membership_request
    from tests.factories import UserFactory

    newcomer = UserFactory(email="nouveau@acme.test", first_name="Nina", last_name="Nouvelle")
    # When a newcomer asks to join
    with django_capture_on_commit_callbacks(execute=True):
        supplier_membership_request(user=newcomer, identifier_type="SIRET", identifier=acme.identifier)
    # Then Alice gets a notification pointing to the approvals page, and the newcomer none
    note = Notification.objects.get(recipient=alice)
    assert "Nina Nouvelle" in note.body and note.url == "/fournisseur/structure/approbations/"
    assert not Notification.objects.filter(recipient=newcomer).exists()
