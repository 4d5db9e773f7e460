"""Works documents (CCAG Travaux): ACME deposits draft monthly statements (A4) naming its maître
d'œuvre; the MOE refuses one and validates another; the commune (maître d'ouvrage) sees only the
validated one and takes it to payment. Real services, API and notifications."""

from __future__ import annotations

import pytest

from invoices.lifecycle.machine import BUYER_STATUSES
from invoices.lifecycle.models import ActorRole, StatusEvent
from invoices.lifecycle.statuses import InvoiceStatus as S
from invoices.models import Invoice
from notifications.models import Notification
from tracking.services import invoice_buyer_process

from .conftest import MOE_SIRET

pytestmark = pytest.mark.django_db
F = "/cpro/factures/v1/"


def a4_body(number: str, *, moe: str = MOE_SIRET) -> dict:
    return {
        "modeDepot": "SAISIE_API",
        "numeroFactureSaisi": number,
        "destinataire": {"codeDestinataire": "21490244700017", "codeServiceExecutant": "TECHNIQUE"},
        "cadreDeFacturation": {
            "codeCadreFacturation": "A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR",
            "codeStructureValideur": moe,
        },
        "references": {"deviseFacture": "EUR", "typeFacture": "FACTURE", "typeTva": "TVA_SUR_DEBIT"},
        "lignePoste": [
            {
                "lignePosteDenomination": "Gros œuvre, situation de novembre",
                "lignePosteQuantite": 1,
                "lignePosteMontantUnitaireHT": 12500,
                "lignePosteTauxTva": "TVA20",
            }
        ],
    }


def history(invoice_id: int) -> list[str]:
    return list(
        StatusEvent.objects.filter(invoice_id=invoice_id).order_by("pk").values_list("status", flat=True)
    )


def test_the_moe_statuses_are_never_the_buyers():
    # The maître d'ouvrage never sees a document before its maître d'œuvre validated it.
    for status in (S.A_VALIDER_MOE, S.REFUSEE_MOE, S.TRANSMISE_MOA):
        assert status not in BUYER_STATUSES


def test_a4_story_contractor_moe_moa(
    api, client, alice, acme, carla, beaufort, maxime, moreau, moe_account, django_capture_on_commit_callbacks
):
    # Given ACME deposits two A4 draft monthly statements naming Atelier Moreau as MOE
    ids = []
    for number in ("PDM-2026-11", "PDM-2026-12"):
        with django_capture_on_commit_callbacks(execute=True):
            response = api.call(F + "soumettre", a4_body(number))
        assert response.status_code == 200, response.json()
        ids.append(response.json()["identifiantFactureCPP"])
    refused_id, validated_id = ids
    # Then both wait for the MOE, who is told; the commune sees neither
    for pk in ids:
        assert Invoice.objects.get(pk=pk).status == S.A_VALIDER_MOE
        assert Invoice.objects.get(pk=pk).validator_id == moreau.pk
    assert Notification.objects.filter(recipient=maxime, invoice_id__in=ids, kind="a_valider").count() == 2
    inbox = api.call(F + "rechercher/recipiendaire", {}, account="TECH-BEAUFORT").json()
    assert [row for row in inbox["listeFactures"] if row["idFacture"] in ids] == []
    # And the MOE finds them through consulter/valideur
    seen = api.call(F + "consulter/valideur", {"identifiantFactureCPP": refused_id}, account="TECH-MOREAU")
    assert seen.status_code == 200

    # When the MOE refuses the first one without a reason, it is refused
    body = {"idFacture": refused_id, "action": "REFUS", "typeValideur": "MOE"}
    assert api.call(F + "traiter/factureAValider", body, account="TECH-MOREAU").status_code != 200
    # And with a reason, the document is refused
    with django_capture_on_commit_callbacks(execute=True):
        response = api.call(
            F + "traiter/factureAValider",
            {**body, "motifRefus": "Quantités de béton non constatées contradictoirement"},
            account="TECH-MOREAU",
        )
    assert response.status_code == 200, response.json()
    assert response.json()["statutFacture"] == S.REFUSEE_MOE
    # Then ACME sees REFUSEE_MOE with the reason and was notified
    facture = api.call(F + "consulter/fournisseur", {"identifiantFactureCPP": refused_id}).json()
    assert facture["statut"] == S.REFUSEE_MOE
    note = Notification.objects.filter(recipient=alice, invoice_id=refused_id).order_by("-pk").first()
    assert (
        note is not None and "Quantités de béton" in note.body and "maître d'œuvre" in note.title + note.body
    )
    # and its invoice page says who refused it and why (not "rejected by the recipient")
    client.force_login(alice)
    page = client.get(f"/factures/{refused_id}/").content.decode()
    assert "Document refusé par le maître d'œuvre" in page and "Quantités de béton" in page
    assert "rejetée par le destinataire" not in page

    # When the MOE validates the second one, correcting the amount (reason recorded)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.call(
            F + "traiter/factureAValider",
            {
                "idFacture": validated_id,
                "action": "VALIDATION",
                "typeValideur": "MOE",
                "complementInfo": "État d'acompte arrêté à 12 000 € HT (avancement 48 %)",
            },
            account="TECH-MOREAU",
        )
    assert response.status_code == 200, response.json()
    # Then it is transmitted to the MOA and made available to the commune
    assert history(validated_id) == [
        S.DEPOSEE,
        S.A_VALIDER_MOE,
        S.TRANSMISE_MOA,
        S.EN_COURS_ACHEMINEMENT,
        S.MISE_A_DISPOSITION,
    ]
    assert history(refused_id) == [S.DEPOSEE, S.A_VALIDER_MOE, S.REFUSEE_MOE]
    inbox = api.call(F + "rechercher/recipiendaire", {}, account="TECH-BEAUFORT").json()
    listed = [row["idFacture"] for row in inbox["listeFactures"] if row["idFacture"] in ids]
    assert listed == [validated_id]
    # And a MOE cannot act twice, nor on a document not waiting for it
    again = api.call(
        F + "traiter/factureAValider",
        {"idFacture": validated_id, "action": "VALIDATION", "typeValideur": "MOE"},
        account="TECH-MOREAU",
    )
    assert again.status_code != 200

    # When the commune processes it up to payment
    for to in (S.SERVICE_FAIT, S.MANDATEE, S.MISE_EN_PAIEMENT):
        with django_capture_on_commit_callbacks(execute=True):
            invoice_buyer_process(
                invoice_id=validated_id,
                to=to,
                actor=carla,
                mandate_number="M-2026-118" if to == S.MANDATEE else "",
            )
    # Then every step is in the history, the MOE's correction included
    assert history(validated_id)[-3:] == [S.SERVICE_FAIT, S.MANDATEE, S.MISE_EN_PAIEMENT]
    correction = StatusEvent.objects.get(invoice_id=validated_id, status=S.TRANSMISE_MOA)
    assert "12 000" in correction.comment and correction.actor_role == ActorRole.VALIDATOR
    # And ACME heard of each step
    bodies = " ".join(
        Notification.objects.filter(recipient=alice, invoice_id=validated_id).values_list("body", flat=True)
    )
    for status in (S.A_VALIDER_MOE, S.TRANSMISE_MOA, S.MISE_A_DISPOSITION, S.MISE_EN_PAIEMENT):
        assert str(S(status).label) in bodies
    assert "12 000" in bodies


def test_a_works_document_without_moe_goes_straight_to_the_moa(
    api, acme, beaufort, django_capture_on_commit_callbacks
):
    # Given a works contract without maître d'œuvre, When ACME deposits its A4 without one
    with django_capture_on_commit_callbacks(execute=True):
        response = api.call(F + "soumettre", a4_body("PDM-SANS-MOE", moe=""))
    assert response.status_code == 200, response.json()
    # Then it goes to the commune directly
    assert history(response.json()["identifiantFactureCPP"]) == [
        S.DEPOSEE,
        S.EN_COURS_ACHEMINEMENT,
        S.MISE_A_DISPOSITION,
    ]


def test_an_unknown_moe_is_refused_at_deposit(api, acme, beaufort):
    response = api.call(F + "soumettre", a4_body("PDM-MOE-INCONNU", moe="44306184100047"))
    assert response.status_code != 200
    assert "maîtrise d'œuvre" in response.content.decode()
