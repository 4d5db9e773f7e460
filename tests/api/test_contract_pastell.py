"""Contract with Pastell's Chorus Pro connector (libriciel/pastell, ``CPPWrapper``): the bodies it
sends and the fields it reads back, on every endpoint it calls (issue 12)."""

from __future__ import annotations

import pytest

from invoices.lifecycle.statuses import InvoiceStatus as S
from tests.tracking.factories import advance, make_invoice

from . import contract as C

F, T, ST = "/cpro/factures/v1/", "/cpro/transverses/v1/", "/cpro/structures/v1/"
BUYER = "TECH-BEAUFORT"


@pytest.fixture
def received(api, acme, beaufort):
    from entities.models import Service

    finances = Service.objects.get(structure=beaufort, code="FINANCES")
    return advance(make_invoice(supplier=acme, recipient=beaufort, service=finances), S.MISE_A_DISPOSITION)


def test_pastell_lists_received_invoices_page_by_page(api, received, beaufort):
    # Given the body Pastell sends for each type of payment request
    for kind, expected in (("FACTURE", [received.pk]), ("FACTURE_TRAVAUX", [])):
        body = {
            "typeDemandePaiement": kind,
            "paramRecherche": {
                "nbResultatsParPage": 1000,
                "pageResultatDemandee": 1,
                "nbResultatsMaximum": 999999,
            },
            "factureTelechargeeParDestinataire": False,
            "listeFournisseurs": [{"idFournisseur": 1_000_000_000 + received.supplier_id}],
            "idDestinataire": beaufort.pk,
            "idServiceExecutant": received.recipient_service_id,
            "periodeDateHeureEtatCourantDu": "2020-01-01",
            "periodeDateHeureEtatCourantAu": "2099-01-07T23:59:59",
        }
        answer = api.call(F + "rechercher/recipiendaire", body, account=BUYER).json()
        # Then it reads the invoices, then pageCourante and pages at the top (or 20000 when empty)
        assert [row["idFacture"] for row in answer["listeFactures"]] == expected
        if expected:
            assert answer["codeRetour"] == 0 and answer["pageCourante"] == 1 and answer["pages"] == 1
        else:
            assert answer["codeRetour"] == 20000


def test_pastell_reads_history_downloads_and_processes(api, received):
    history = api.call(
        F + "consulter/historique", {"idFacture": received.pk, "nbResultatsMaximum": 50}, account=BUYER
    )
    C.assert_decodes(history.json(), C.HISTORIQUE)
    answer = api.call(
        F + "traiter/recue",
        {"idFacture": received.pk, "nouveauStatut": "SERVICE_FAIT", "motif": "", "numeroDPMandat": ""},
        account=BUYER,
    ).json()
    assert answer["codeRetour"] == 0 and answer["nouveauStatut"] == "SERVICE_FAIT"


def test_pastell_finds_structures_and_services(api, beaufort):
    actives = api.call(T + "recuperer/structures/actives/destinataire", {}, account=BUYER).json()
    C.assert_decodes(actives, C.STRUCTURE_ACTIVE)
    assert actives["listeStructures"][0]["idStructureCPP"] == beaufort.pk
    found = api.call(
        ST + "rechercher",
        {"structure": {"identifiantStructure": beaufort.siret}, "restreindreStructuresPrivees": ""},
        account=BUYER,
    ).json()
    assert found["listeStructures"][0]["idStructureCPP"] == beaufort.pk
    services = api.call(
        ST + "rechercher/services",
        {
            "idStructure": beaufort.pk,
            "parametresRechercherServicesStructure": {
                "nbResultatsParPage": 20,
                "pageResultatDemandee": 1,
                "triColonne": "CodeService",
                "triSens": "Descendant",
            },
        },
        account=BUYER,
    ).json()
    codes = [s["codeService"] for s in services["listeServices"]]
    assert "FINANCES" in codes
    first = services["listeServices"][0]["idService"]
    service = api.call(
        ST + "consulter/service", {"idStructure": beaufort.pk, "idService": first}, account=BUYER
    )
    assert service.status_code == 200 and service.json()["codeRetour"] == 0
