"""The maître d'œuvre decides on a selection from its dashboard (issue 14, point 2 « Web »):
« Valider la sélection », « Refuser la sélection » with one reason for all, each document on
its own (one decided meanwhile does not stop the others), and a summary in French."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from invoices.choices import Framework
from invoices.lifecycle.statuses import InvoiceStatus as S
from invoices.models import Invoice
from tests.tracking.factories import advance, make_invoice
from tracking.services import BULK_MAX, InvalidRequest, invoices_validator_process_bulk

from .moe_documents import decide, to_moe

pytestmark = pytest.mark.django_db
BULK = reverse("tracking:validations_bulk")
LIST = reverse("tracking:validations")


def said(client, response) -> list[tuple[str, str]]:
    """The messages of a bulk decision, as the list it redirects to shows them (then gone)."""
    said = [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]
    client.get(response.url)
    return said


@pytest.fixture
def four(acme, beaufort, moreau):
    return [
        to_moe(supplier=acme, recipient=beaufort, moe=moreau, number=f"PDM-2026-{i}") for i in range(1, 5)
    ]


def test_the_moe_validates_a_selection_and_is_told_what_was_not_done(client, four, maxime, carla):
    # Given four documents waiting, one of which a colleague refuses while the page is open
    decide(four[3], by=maxime, refuse="Doublon de la situation n° 3")
    client.force_login(maxime)
    # When the MOE ticks the four and validates the selection
    response = client.post(
        BULK,
        {"factures": [i.pk for i in four], "action": "VALIDATION", "retour": f"{LIST}?fournisseur=ACME"},
    )
    # Then it comes back to its filtered list with one summary
    assert response.status_code == 302 and response.url == f"{LIST}?fournisseur=ACME"
    ((level, text),) = said(client, response)
    assert level == "warning"
    assert text == (
        "3 documents validés, 1 non traité : PDM-2026-4 — il n'attend plus votre décision "
        "(statut : « Refusée par le maître d'œuvre »)."
    )
    # And the three are transmitted to the maître d'ouvrage, the fourth stays refused
    statuses = dict(Invoice.objects.filter(pk__in=[i.pk for i in four]).values_list("number", "status"))
    assert statuses == {
        "PDM-2026-1": S.TRANSMISE_MOA,
        "PDM-2026-2": S.TRANSMISE_MOA,
        "PDM-2026-3": S.TRANSMISE_MOA,
        "PDM-2026-4": S.REFUSEE_MOE,
    }
    # And they now appear under « Traités »
    processed = client.get(LIST, {"onglet": "traites"}).context["invoices"]
    assert {r.number for r in processed} == set(statuses)


def test_a_bulk_refusal_needs_one_reason_written_on_each_document(client, four, maxime):
    client.force_login(maxime)
    ids = [four[0].pk, four[1].pk]
    # When the MOE refuses the selection without a reason
    response = client.post(BULK, {"factures": ids, "action": "REFUS", "comment": "  "})
    # Then nothing is refused and it is told why, in French
    assert said(client, response) == [
        (
            "error",
            "Indiquez le motif du refus : il est appliqué à chaque document sélectionné "
            "et l'entreprise le lira.",
        )
    ]
    assert set(Invoice.objects.filter(pk__in=ids).values_list("status", flat=True)) == {S.A_VALIDER_MOE}
    # When it gives one
    response = client.post(
        BULK, {"factures": ids, "action": "REFUS", "comment": "Métrés non contradictoires"}
    )
    # Then both are refused with that reason, which the contractor reads in their history
    assert said(client, response) == [("success", "2 documents refusés.")]
    for invoice in Invoice.objects.filter(pk__in=ids):
        assert invoice.status == S.REFUSEE_MOE
        assert invoice.status_events.get(status=S.REFUSEE_MOE).comment == "Métrés non contradictoires"


def test_nothing_ticked_or_no_action_is_a_clear_error(client, four, maxime):
    client.force_login(maxime)
    response = client.post(BULK, {"action": "VALIDATION"})
    assert said(client, response) == [
        ("error", "Cochez au moins un document avant de valider ou de refuser.")
    ]
    response = client.post(BULK, {"factures": [four[0].pk]})
    assert said(client, response) == [("error", "Choisissez de valider ou de refuser la sélection.")]
    assert Invoice.objects.get(pk=four[0].pk).status == S.A_VALIDER_MOE


def test_another_moes_document_in_the_selection_is_left_alone(client, four, acme, beaufort, bakery, maxime):
    # Given a document waiting for another structure, its id slipped into the selection
    theirs = to_moe(supplier=acme, recipient=beaufort, moe=bakery, number="PDM-AUTRE")
    client.force_login(maxime)
    response = client.post(BULK, {"factures": [four[0].pk, theirs.pk], "action": "VALIDATION"})
    # Then only the MOE's own is validated; the other is not even named
    assert said(client, response) == [
        ("warning", "1 document validé, 1 non traité : 1 document introuvable.")
    ]
    assert Invoice.objects.get(pk=theirs.pk).status == S.A_VALIDER_MOE
    assert Invoice.objects.get(pk=four[0].pk).status == S.TRANSMISE_MOA


def test_a_selection_is_capped(client, four, maxime, monkeypatch):
    client.force_login(maxime)
    ids = list(range(1, BULK_MAX + 2))
    response = client.post(BULK, {"factures": ids, "action": "VALIDATION"})
    assert said(client, response) == [("error", f"Sélectionnez au plus {BULK_MAX} documents à la fois.")]
    with pytest.raises(InvalidRequest):
        invoices_validator_process_bulk(
            invoices=[four[0]] * (BULK_MAX + 1), actor=maxime, action="VALIDATION"
        )


def test_the_service_refuses_a_refusal_without_reason_before_touching_anything(four, maxime):
    with pytest.raises(InvalidRequest) as exc:
        invoices_validator_process_bulk(invoices=four, actor=maxime, action="REFUS", comment="")
    assert "comment" in exc.value.errors
    assert not Invoice.objects.filter(status=S.REFUSEE_MOE).exists()


def test_an_a9_prime_contractor_validates_a_selection_too(client, acme, bakery, bob, beaufort):
    # Given two A9 invoices of ACME (subcontractor) waiting for the bakery (prime contractor)
    finances = beaufort.services.get(code="FINANCES")
    invoices = [
        advance(
            make_invoice(
                supplier=acme, recipient=beaufort, service=finances, framework=Framework.A9, validator=bakery
            ),
            S.A_VALIDER_1,
        )
        for _ in range(2)
    ]
    client.force_login(bob)
    # When the prime contractor validates both from the same dashboard
    response = client.post(BULK, {"factures": [i.pk for i in invoices], "action": "VALIDATION"})
    # Then both are validated
    assert said(client, response) == [("success", "2 documents validés.")]
    assert set(Invoice.objects.filter(pk__in=[i.pk for i in invoices]).values_list("status", flat=True)) == {
        S.VALIDEE_1
    }


def test_a_document_decided_between_the_page_and_the_click_is_reported(four, maxime):
    # Given the page loaded a document still waiting, then a colleague validated it
    stale = four[0]
    decide(Invoice.objects.get(pk=stale.pk), by=maxime)
    # When the selection is refused with the stale row
    (result,) = invoices_validator_process_bulk(invoices=[stale], actor=maxime, action="REFUS", comment="Non")
    # Then the machine refuses the change and the reason is kept for the summary
    assert not result.ok and result.message
    assert Invoice.objects.get(pk=stale.pk).status == S.TRANSMISE_MOA
