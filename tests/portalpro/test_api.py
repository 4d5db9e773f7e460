"""The forms of Chorus Portal Pro through the API: ``soumettre`` with ``A3_MEMOIRE_JUSTICE`` (the
requisition in ``references.numeroBonCommande``) and ``A21_DEMANDE_REMBOURSEMENT_TIC`` (one line
per product: quantity = volume, unit price = rate), and their refusals."""

from __future__ import annotations

from decimal import Decimal

import pytest

from accounts.services import technical_account_create
from cpro.services import access_token_issue, oauth_application_create
from invoices.choices import Framework, VatCategory
from invoices.models import Invoice
from tests.api.conftest import TECH_PASSWORD, Connector

pytestmark = pytest.mark.django_db
SOUMETTRE = "/cpro/factures/v1/soumettre"


@pytest.fixture
def connector(client, admin_user, lefevre, gaec, kerlann):
    application, _secret = oauth_application_create(
        owner=admin_user, name="Logiciel de test", client_id="logiciel", client_secret="secret-du-logiciel"
    )
    for login, structure in (("TECH-LEFEVRE", lefevre), ("TECH-PRESVERTS", gaec), ("TECH-KERLANN", kerlann)):
        technical_account_create(structure=structure, actor=None, login=login, password=TECH_PASSWORD)
    return Connector(client, access_token_issue(application=application).access_token)


def memo_body(**references):
    return {
        "modeDepot": "SAISIE_API",
        "numeroFactureSaisi": "MEM-API-001",
        "dateFacture": "2026-11-30",
        "destinataire": {"codeDestinataire": "17140000500020", "codeServiceExecutant": ""},
        "cadreDeFacturation": {"codeCadreFacturation": "A3_MEMOIRE_JUSTICE"},
        "references": {
            "deviseFacture": "EUR",
            "typeFacture": "FACTURE",
            "typeTva": "TVA_SUR_DEBIT",
            "numeroBonCommande": "REQ-2026-00417",
            **references,
        },
        "lignePoste": [
            {
                "lignePosteNumero": 1,
                "lignePosteDenomination": "Interprétariat, audience du 12 novembre",
                "lignePosteQuantite": 3.5,
                "lignePosteUnite": "HUR",
                "lignePosteMontantUnitaireHT": 42,
                "lignePosteTauxTva": "0",
            },
        ],
    }


def tic_body(**overrides):
    body = {
        "modeDepot": "SAISIE_API",
        "numeroFactureSaisi": "TIC-API-2021",
        "dateFacture": "2026-11-30",
        "destinataire": {"codeDestinataire": "13000456700017"},
        "cadreDeFacturation": {"codeCadreFacturation": "A21_DEMANDE_REMBOURSEMENT_TIC"},
        "references": {"deviseFacture": "EUR", "typeFacture": "FACTURE"},
        "lignePoste": [
            {
                "lignePosteNumero": 1,
                "lignePosteReference": "GNR",
                "lignePosteDenomination": "Gazole non routier 2021",
                "lignePosteQuantite": 85.5,
                "lignePosteUnite": "HLT",
                "lignePosteMontantUnitaireHT": 14.96,
                "lignePosteTauxTva": "0",
            },
            {
                "lignePosteNumero": 2,
                "lignePosteReference": "GN_COMBUSTIBLE",
                "lignePosteDenomination": "Gaz naturel combustible 2021",
                "lignePosteQuantite": 12,
                "lignePosteUnite": "MWH",
                "lignePosteMontantUnitaireHT": 7.89,
                "lignePosteTauxTva": "0",
            },
        ],
    }
    body.update(overrides)
    return body


def test_an_interpreter_submits_a_memo_through_the_api(connector, lefevre, caen_court):
    # When Marie's software submits an A3 memo with the requisition as numeroBonCommande
    response = connector.call(SOUMETTRE, memo_body(), account="TECH-LEFEVRE")
    # Then it is deposited to the court without VAT, the requisition kept as order reference
    assert response.status_code == 200, response.json()
    memo = Invoice.objects.get(pk=response.json()["identifiantFactureCPP"])
    assert memo.supplier == lefevre and memo.framework == Framework.A3 and memo.recipient == caen_court
    assert memo.engagement_number == "REQ-2026-00417" and memo.amount_due == Decimal("147.00")
    assert memo.vat_exemption_reason == "TVA non applicable, art. 293 B du CGI"
    assert memo.lines.get().vat_category == VatCategory.NOT_SUBJECT


def test_a_memo_without_requisition_is_refused_through_the_api(connector, lefevre, caen_court):
    response = connector.call(SOUMETTRE, memo_body(numeroBonCommande=""), account="TECH-LEFEVRE")
    assert response.status_code == 400
    payload = response.json()
    assert "réquisition" in payload["libelle"]
    assert any("CPRO-A3-REQUISITION" in e["message"] for e in payload["listeErreurs"])
    assert not Invoice.objects.filter(supplier=lefevre).exists()


def test_a_person_without_siret_cannot_submit_an_ordinary_invoice_or_a_tic_request(
    connector, lefevre, caen_court, customs
):
    # An ordinary invoice (A1)
    body = memo_body()
    body["cadreDeFacturation"]["codeCadreFacturation"] = "A1_FACTURE_FOURNISSEUR"
    response = connector.call(SOUMETTRE, body, account="TECH-LEFEVRE")
    assert response.status_code == 400 and "CPRO-CADRE-PARTICULIER" in str(response.json()["listeErreurs"])
    # A TIC/TICGN refund request
    response = connector.call(SOUMETTRE, tic_body(), account="TECH-LEFEVRE")
    assert response.status_code == 400
    assert "CPRO-CADRE-SIRET-REQUIS" in str(response.json()["listeErreurs"])
    assert not Invoice.objects.filter(supplier=lefevre).exists()


def test_a_farm_submits_its_tic_refund_one_line_per_product(connector, gaec, customs):
    response = connector.call(SOUMETTRE, tic_body(), account="TECH-PRESVERTS")
    assert response.status_code == 200, response.json()
    request = Invoice.objects.get(pk=response.json()["identifiantFactureCPP"])
    assert request.framework == Framework.A21 and request.recipient == customs
    assert request.lines.count() == 2 and request.amount_due == Decimal("1373.76")
    assert request.total_vat == 0 and "hors du champ de la TVA" in request.vat_exemption_reason


def test_a_farm_outside_the_experiment_is_refused_through_the_api(connector, kerlann, customs):
    response = connector.call(SOUMETTRE, tic_body(), account="TECH-KERLANN")
    assert response.status_code == 400
    errors = str(response.json()["listeErreurs"])
    assert "CPRO-A21-DEPARTEMENT" in errors and "Finistère (29)" in errors


def test_a_tic_refund_with_vat_is_refused(connector, gaec, customs):
    body = tic_body()
    body["lignePoste"][0]["lignePosteTauxTva"] = "20"
    response = connector.call(SOUMETTRE, body, account="TECH-PRESVERTS")
    assert response.status_code == 400 and "CPRO-A21-TVA" in str(response.json()["listeErreurs"])
