"""Draft and send are two different things: a draft is stored and sent to no one; sending runs
every check in one transaction, writes the first history row and the fingerprint."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from invoices.checks import InvoiceRejected, invoice_check
from invoices.lifecycle.models import StatusEvent
from invoices.lifecycle.statuses import InvoiceStatus
from invoices.models import Invoice
from invoices.selectors import invoice_get_for_user
from invoices.services import invoice_deposit, invoice_draft_save, invoice_send
from tests.factories import SupplierMembershipFactory, SupplierStructureFactory, UserFactory
from tests.invoices.conftest import valid_data

pytestmark = pytest.mark.django_db


def test_draft_is_stored_not_sent_and_invisible_to_the_recipient(world):
    # Given alice saves a draft addressed to Beaufort
    draft = invoice_draft_save(supplier=world["acme"], data=valid_data(), actor=world["alice"])
    # Then it is a draft, with no deposit date, fingerprint or history
    assert draft.status == InvoiceStatus.BROUILLON
    assert draft.deposited_at is None and draft.fingerprint == ""
    assert not StatusEvent.objects.filter(invoice=draft).exists()
    # and with the server's amounts
    assert (draft.total_ht, draft.total_vat, draft.total_ttc) == (
        Decimal("205.20"),
        Decimal("30.05"),
        Decimal("235.25"),
    )
    # Alice sees it; carla, the buyer of Beaufort, does not
    assert invoice_get_for_user(user=world["alice"], invoice_id=draft.pk) is not None
    assert invoice_get_for_user(user=world["carla"], invoice_id=draft.pk) is None


def test_draft_may_be_incomplete_and_keeps_what_was_typed(world):
    # Given a draft without number, date, and with an unknown recipient SIRET and service
    data = valid_data(number="", invoice_date=None, recipient_siret="21490244700018", service_code="CANTINE")
    draft = invoice_draft_save(supplier=world["acme"], data=data, actor=world["alice"])
    # Then it is stored, and what was typed is shown again rather than lost
    from invoices.data import invoice_data_from_invoice

    again = invoice_data_from_invoice(Invoice.objects.get(pk=draft.pk))
    assert (again.recipient_siret, again.service_code) == ("21490244700018", "CANTINE")
    # but it cannot be sent
    with pytest.raises(InvoiceRejected) as refused:
        invoice_send(invoice=draft, actor=world["alice"])
    assert {e.code for e in refused.value.errors} >= {
        "CPRO-NUMERO-REQUIS",
        "CPRO-DATE-REQUISE",
        "CPRO-DESTINATAIRE-INCONNU",
    }
    assert Invoice.objects.get(pk=draft.pk).status == InvoiceStatus.BROUILLON


def test_draft_can_be_edited_until_it_is_sent(world):
    draft = invoice_draft_save(supplier=world["acme"], data=valid_data(), actor=world["alice"])
    edited = invoice_draft_save(
        supplier=world["acme"], data=valid_data(number="F-2026-0099"), actor=world["alice"], invoice=draft
    )
    assert edited.pk == draft.pk and edited.number == "F-2026-0099"
    invoice_send(invoice=edited, actor=world["alice"])
    with pytest.raises(InvoiceRejected) as refused:
        invoice_draft_save(
            supplier=world["acme"], data=valid_data(number="autre"), actor=world["alice"], invoice=draft
        )
    assert refused.value.errors[0].code == "CPRO-NON-MODIFIABLE"
    assert Invoice.objects.get(pk=draft.pk).number == "F-2026-0099"


def test_sending_a_draft_deposits_it_in_one_transaction(world, django_capture_on_commit_callbacks):
    draft = invoice_draft_save(supplier=world["acme"], data=valid_data(), actor=world["alice"])
    before = timezone.now()
    # When alice sends it
    with django_capture_on_commit_callbacks() as callbacks:
        invoice = invoice_send(invoice=draft, actor=world["alice"])
    # Then it is DEPOSEE, with deposit date, year, fingerprint of its CII XML and parties' snapshot
    assert invoice.status == InvoiceStatus.DEPOSEE
    assert invoice.deposited_at >= before and invoice.invoice_year == invoice.invoice_date.year
    assert len(invoice.fingerprint) == 64
    assert invoice.parties["buyer"]["siret"] == "21490244700017"
    assert invoice.parties["buyer"]["service_code"] == "FINANCES"
    assert invoice.recipient_service.code == "FINANCES"
    # its first history row is the deposit, by alice as supplier
    event = StatusEvent.objects.get(invoice=invoice)
    assert (event.status, event.previous_status, event.actor, event.actor_role) == (
        "DEPOSEE",
        "BROUILLON",
        world["alice"],
        "FOURNISSEUR",
    )
    # the workflow's dispatch is scheduled after commit: it routes the invoice, generates its
    # Factur-X (one owner: the workflow's availability step) and makes it available
    assert len(callbacks) >= 1
    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.MISE_A_DISPOSITION
    assert invoice.documents.filter(role="FACTURE").exists()
    # and now carla, buyer of Beaufort, sees it; david (Quimper) and bob (bakery) do not
    assert invoice_get_for_user(user=world["carla"], invoice_id=invoice.pk) is not None
    assert invoice_get_for_user(user=world["david"], invoice_id=invoice.pk) is None
    assert invoice_get_for_user(user=world["bob"], invoice_id=invoice.pk) is None


def test_refused_send_leaves_the_draft_untouched(world):
    draft = invoice_draft_save(supplier=world["acme"], data=valid_data(service_code=""), actor=world["alice"])
    updated_at = draft.updated_at
    with pytest.raises(InvoiceRejected) as refused:
        invoice_send(invoice=draft, actor=world["alice"])
    assert [e.code for e in refused.value.errors] == ["CPRO-SERVICE-REQUIS"]
    draft.refresh_from_db()
    assert (draft.status, draft.updated_at, draft.fingerprint) == (InvoiceStatus.BROUILLON, updated_at, "")
    assert not StatusEvent.objects.filter(invoice=draft).exists()


def test_sending_twice_is_refused_as_already_sent(world):
    draft = invoice_draft_save(supplier=world["acme"], data=valid_data(), actor=world["alice"])
    invoice_send(invoice=draft, actor=world["alice"])
    with pytest.raises(InvoiceRejected) as refused:
        invoice_send(invoice=draft, actor=world["alice"])
    assert refused.value.errors[0].code == "CPRO-DEJA-TRANSMISE"
    assert StatusEvent.objects.filter(invoice=draft).count() == 1


def test_only_members_may_send_a_draft(world):
    draft = invoice_draft_save(supplier=world["acme"], data=valid_data(), actor=world["alice"])
    with pytest.raises(InvoiceRejected) as refused:
        invoice_send(invoice=draft, actor=world["bob"])
    assert [e.code for e in refused.value.errors] == ["CPRO-DROIT-ENVOI"]
    with pytest.raises(InvoiceRejected):
        invoice_draft_save(supplier=world["acme"], data=valid_data(), actor=world["bob"])


# --- Duplicates -----------------------------------------------------------------------------


def test_same_number_same_year_is_a_duplicate_and_the_original_is_untouched(world):
    original = invoice_send(
        invoice=invoice_draft_save(supplier=world["acme"], data=valid_data(), actor=world["alice"]),
        actor=world["alice"],
    )
    snapshot = Invoice.objects.filter(pk=original.pk).values().get()
    # When alice sends another invoice with the same number in the same year
    second = invoice_draft_save(
        supplier=world["acme"], data=valid_data(service_code="TECHNIQUE"), actor=world["alice"]
    )
    with pytest.raises(InvoiceRejected) as refused:
        invoice_send(invoice=second, actor=world["alice"])
    # Then it is refused as a duplicate, on the number field
    error = refused.value.errors[0]
    assert (error.code, error.field, error.bt, error.value) == (
        "CPRO-DOUBLON",
        "number",
        "BT-1",
        "F-2026-0001",
    )
    assert "nouveau numéro" in error.message
    # and the original invoice is exactly as it was
    assert Invoice.objects.filter(pk=original.pk).values().get() == snapshot
    assert Invoice.objects.get(pk=second.pk).status == InvoiceStatus.BROUILLON


def test_duplicate_deposit_by_api_is_refused_by_the_database_even_without_the_check(world, monkeypatch):
    invoice_deposit(supplier=world["acme"], data=valid_data(), actor=world["alice"], channel="SAISIE_API")
    # Given the duplicate pre-check is skipped (as when two requests pass it at the same time)
    import invoices.checks

    monkeypatch.setattr(invoices.checks, "_check_duplicate", lambda *args, **kwargs: None)
    with pytest.raises(InvoiceRejected) as refused:
        invoice_deposit(supplier=world["acme"], data=valid_data(), actor=world["alice"], channel="SAISIE_API")
    assert [e.code for e in refused.value.errors] == ["CPRO-DOUBLON"]
    assert Invoice.objects.filter(number="F-2026-0001").count() == 1


def test_same_number_is_allowed_another_year_for_another_supplier_and_for_drafts(world):
    acme, alice = world["acme"], world["alice"]
    invoice_deposit(supplier=acme, data=valid_data(), actor=alice, channel="SAISIE_PORTAIL")
    last_year = valid_data(
        invoice_date=valid_data().invoice_date.replace(year=valid_data().invoice_date.year - 1)
    )
    invoice_deposit(supplier=acme, data=last_year, actor=alice, channel="SAISIE_PORTAIL")
    other = SupplierStructureFactory(vat_number="FR44403052111")
    member = UserFactory()
    SupplierMembershipFactory(user=member, structure=other)
    invoice_deposit(supplier=other, data=valid_data(), actor=member, channel="SAISIE_PORTAIL")
    invoice_draft_save(supplier=acme, data=valid_data(), actor=alice)
    invoice_draft_save(supplier=acme, data=valid_data(), actor=alice)
    assert Invoice.objects.filter(number="F-2026-0001").count() == 5


# --- Credit notes and billing frameworks ---------------------------------------------------


def test_credit_note_references_the_invoice_it_corrects(world):
    original = invoice_deposit(
        supplier=world["acme"], data=valid_data(), actor=world["alice"], channel="SAISIE_PORTAIL"
    )
    # Given a credit note without the original number: refused
    with pytest.raises(InvoiceRejected) as refused:
        invoice_deposit(
            supplier=world["acme"],
            data=valid_data(kind="AVOIR", number="AV-1"),
            actor=world["alice"],
            channel="SAISIE_PORTAIL",
        )
    assert [e.code for e in refused.value.errors] == ["CPRO-AVOIR-ORIGINE"]
    # When it names the original invoice
    credit = invoice_deposit(
        supplier=world["acme"],
        data=valid_data(kind="AVOIR", number="AV-1", original_invoice_number="F-2026-0001"),
        actor=world["alice"],
        channel="SAISIE_PORTAIL",
    )
    # Then it is linked to it, with the original's date in the snapshot (BT-26)
    assert credit.original_invoice == original
    assert credit.parties["original_invoice"] == {
        "number": "F-2026-0001",
        "date": original.invoice_date.isoformat(),
    }


def test_credit_note_for_an_invoice_not_on_the_portal_is_accepted_unlinked(world):
    credit = invoice_deposit(
        supplier=world["acme"],
        data=valid_data(kind="AVOIR", number="AV-2", original_invoice_number="PAPIER-2019-7"),
        actor=world["alice"],
        channel="SAISIE_PORTAIL",
    )
    assert credit.original_invoice is None and credit.original_invoice_number == "PAPIER-2019-7"


def test_a2_requires_the_invoice_to_be_already_paid(world):
    data = valid_data(framework="A2_FACTURE_FOURNISSEUR_DEJA_PAYEE")
    with pytest.raises(InvoiceRejected) as refused:
        invoice_deposit(supplier=world["acme"], data=data, actor=world["alice"], channel="SAISIE_PORTAIL")
    assert [(e.code, e.field) for e in refused.value.errors] == [("CPRO-A2-NON-PAYEE", "prepaid_amount")]
    data.prepaid_amount = Decimal("235.25")
    invoice = invoice_deposit(
        supplier=world["acme"], data=data, actor=world["alice"], channel="SAISIE_PORTAIL"
    )
    assert invoice.amount_due == 0 and invoice.prepaid_amount == Decimal("235.25")


@pytest.mark.parametrize("framework", ["A9_FACTURE_SOUSTRAITANT", "A12_FACTURE_COTRAITANT"])
def test_a9_and_a12_require_a_known_validator(world, framework):
    # Given the prime contractor / mandataire is the bakery
    acme, alice, bakery = world["acme"], world["alice"], world["bakery"]
    for identifier, code in (
        ("", "CPRO-VALIDEUR-REQUIS"),
        ("40000000000009", "CPRO-VALIDEUR-INCONNU"),
        (acme.identifier, "CPRO-VALIDEUR-INVALIDE"),
    ):
        with pytest.raises(InvoiceRejected) as refused:
            invoice_deposit(
                supplier=acme,
                data=valid_data(framework=framework, validator_identifier=identifier),
                actor=alice,
                channel="SAISIE_PORTAIL",
            )
        assert [(e.code, e.field) for e in refused.value.errors] == [(code, "validator_identifier")]
    invoice = invoice_deposit(
        supplier=acme,
        data=valid_data(framework=framework, validator_identifier=bakery.identifier),
        actor=alice,
        channel="SAISIE_PORTAIL",
    )
    # Then the validator is recorded, and its members see the invoice they validate
    assert invoice.validator == bakery
    assert invoice_get_for_user(user=world["bob"], invoice_id=invoice.pk) is not None


def test_works_frameworks_are_storable_and_routable(world):
    invoice = invoice_deposit(
        supplier=world["acme"],
        data=valid_data(framework="A5_ETAT_ACOMPTE_FOURNISSEUR"),
        actor=world["alice"],
        channel="SAISIE_PORTAIL",
    )
    assert invoice.framework == "A5_ETAT_ACOMPTE_FOURNISSEUR"
    assert invoice_check(invoice_id=invoice.pk) == []


# --- The worker's re-check -----------------------------------------------------------------


def test_invoice_check_reruns_routing_checks_on_a_stored_invoice(world):
    invoice = invoice_deposit(
        supplier=world["acme"], data=valid_data(), actor=world["alice"], channel="SAISIE_PORTAIL"
    )
    # The invoice does not count as its own duplicate
    assert invoice_check(invoice_id=invoice.pk) == []
    # When the service is closed meanwhile
    service = invoice.recipient_service
    service.active = False
    service.save()
    assert [e.code for e in invoice_check(invoice_id=invoice.pk)] == ["CPRO-SERVICE-INACTIF"]
    # or the recipient is deactivated
    beaufort = world["beaufort"]
    beaufort.active = False
    beaufort.save()
    assert [e.code for e in invoice_check(invoice_id=invoice.pk)] == ["CPRO-DESTINATAIRE-INCONNU"]


def test_buyer_restricted_to_a_service_sees_only_that_service(world, django_capture_on_commit_callbacks):
    from entities.models import BuyerMembership, Service

    # (made available to Beaufort by the workflow after commit)
    with django_capture_on_commit_callbacks(execute=True):
        invoice = invoice_deposit(
            supplier=world["acme"], data=valid_data(), actor=world["alice"], channel="SAISIE_PORTAIL"
        )
    membership = BuyerMembership.objects.get(user=world["carla"])
    membership.services.set([Service.objects.get(structure=world["beaufort"], code="TECHNIQUE")])
    assert invoice_get_for_user(user=world["carla"], invoice_id=invoice.pk) is None
    membership.services.add(invoice.recipient_service)
    assert invoice_get_for_user(user=world["carla"], invoice_id=invoice.pk) is not None


def test_deposit_date_is_today_even_for_an_older_invoice(world):
    data = valid_data(invoice_date=timezone.localdate() - dt.timedelta(days=40))
    invoice = invoice_deposit(
        supplier=world["acme"], data=data, actor=world["alice"], channel="SAISIE_PORTAIL"
    )
    assert timezone.localdate(invoice.deposited_at) == timezone.localdate()
