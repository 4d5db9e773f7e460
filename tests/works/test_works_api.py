"""``facturesTravaux/v1/rechercher`` from the three sides of a works contract, and the works
roles of ``rechercher/demandePaiement``: the contractor sees its documents, the MOE those naming
it, the MOA only those its MOE validated."""

from __future__ import annotations

import pytest

from invoices.lifecycle.statuses import InvoiceStatus as S

from .test_moe_circuit import F, a4_body

pytestmark = pytest.mark.django_db
W = "/cpro/facturesTravaux/v1/rechercher"
ROW = {
    "idFactureTravaux",
    "numeroFactureTravaux",
    "cadreFacturation",
    "statutFactureTravaux",
    "dateDepot",
    "dateHeureEtatCourant",
    "montantHT",
    "montantTTC",
    "montantValideMOE",
    "numeroMarche",
    "idStructureFournisseur",
    "identifiantStructureFournisseur",
    "idStructureMOE",
    "identifiantStructureMOE",
    "idStructureMOA",
    "identifiantStructureMOA",
    "codeServiceMOA",
}


def numbers(response) -> dict[str, str]:
    assert response.status_code == 200, response.json()
    body = response.json()
    for row in body["listeFacturesTravaux"]:
        assert set(row) == ROW
    return {row["numeroFactureTravaux"]: row["statutFactureTravaux"] for row in body["listeFacturesTravaux"]}


def test_each_side_finds_its_works_documents(
    api, acme, beaufort, moreau, moe_account, django_capture_on_commit_callbacks
):
    # Given two A4 naming the MOE, one validated by it, and a plain invoice
    for number in ("PDM-A", "PDM-B"):
        with django_capture_on_commit_callbacks(execute=True):
            assert api.call(F + "soumettre", a4_body(number)).status_code == 200
    plain = a4_body("FAC-ORDINAIRE")
    plain["cadreDeFacturation"] = {"codeCadreFacturation": "A1_FACTURE_FOURNISSEUR"}
    with django_capture_on_commit_callbacks(execute=True):
        assert api.call(F + "soumettre", plain).status_code == 200
    rows = api.call(W, {"roleUtilisateur": "MOE"}, account="TECH-MOREAU").json()["listeFacturesTravaux"]
    first = next(r for r in rows if r["numeroFactureTravaux"] == "PDM-A")
    with django_capture_on_commit_callbacks(execute=True):
        response = api.call(
            F + "traiter/factureAValider",
            {"idFacture": first["idFactureTravaux"], "action": "VALIDATION", "typeValideur": "MOE"},
            account="TECH-MOREAU",
        )
    assert response.status_code == 200, response.json()
    # Then the contractor sees both works documents (not the plain invoice)
    assert numbers(api.call(W, {})) == {"PDM-A": S.MISE_A_DISPOSITION, "PDM-B": S.A_VALIDER_MOE}
    # And the MOE sees both, filtered by status on demand
    assert numbers(api.call(W, {"roleUtilisateur": "MOE"}, account="TECH-MOREAU")) == {
        "PDM-A": S.MISE_A_DISPOSITION,
        "PDM-B": S.A_VALIDER_MOE,
    }
    assert numbers(
        api.call(
            W, {"roleUtilisateur": "MOE", "statutFactureTravaux": "A_VALIDER_MOE"}, account="TECH-MOREAU"
        )
    ) == {"PDM-B": S.A_VALIDER_MOE}
    # And the MOA only the one its MOE validated
    moa = numbers(api.call(W, {}, account="TECH-BEAUFORT"))
    assert moa == {"PDM-A": S.MISE_A_DISPOSITION}
    row = api.call(W, {}, account="TECH-BEAUFORT").json()["listeFacturesTravaux"][0]
    assert row["identifiantStructureMOE"] == "51234567900017" and row["codeServiceMOA"] == "TECHNIQUE"
    # And a role the structure does not hold finds nothing
    assert numbers(api.call(W, {"roleUtilisateur": "MOA"})) == {}
    # rechercher/demandePaiement knows the works roles too
    listing = api.call(F + "rechercher/demandePaiement", {"roleUtilisateur": "MOA"}, account="TECH-BEAUFORT")
    assert [r["numeroDemandePaiement"] for r in listing.json()["listeDemandePaiement"]] == ["PDM-A"]
    listing = api.call(F + "rechercher/demandePaiement", {"roleUtilisateur": "MOE"}, account="TECH-MOREAU")
    assert sorted(r["numeroDemandePaiement"] for r in listing.json()["listeDemandePaiement"]) == [
        "PDM-A",
        "PDM-B",
    ]
