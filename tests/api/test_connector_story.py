"""The story a connector lives: token, deposit of a Factur-X through ``deposer/flux``,
``consulterCRDetaille`` until integrated, ``rechercher/fournisseur`` by ``numeroFluxDepot``,
``consulter/historique``; then the buyer's ``rechercher/recipiendaire`` and ``traiter/recue`` up
to ``MISE_EN_PAIEMENT``; a refused transition answers 20002."""

from __future__ import annotations

import base64
import io
import tarfile

import pytest

from .conftest import CORPUS, Connector

pytestmark = pytest.mark.django_db

# The corpus invoices are valid EN 16931 but name parties that fail the portal's French checks
# (SIRET keys, totals): they are deposited as-is in the rejection stories below. The happy path
# deposits a Factur-X made by the portal itself (``cpro.samples``), ACME → Beaufort, FINANCES.
CORPUS_FACTURX = CORPUS / "facturx" / "valid" / "mustang-validator" / "Facture_F20180027.pdf"
NOT_IN_PROFILE = CORPUS / "facturx" / "valid" / "atgp" / "sample_inofficial_20190125_atgp_factur-x_v_1_0.pdf"


@pytest.fixture
def connector(api):
    return api


@pytest.fixture
def facturx(acme, beaufort):
    from cpro.samples import demo_facturx

    name, content = demo_facturx(
        supplier_identifier=acme.identifier, recipient_siret=beaufort.siret, number="FA-2026-0001"
    )
    return name, content


def deposit(
    connector: Connector, content: bytes, name: str, syntax: str = "IN_DP_E2_CII_FACTURX", **headers: str
) -> dict:
    response = connector.call(
        "/cpro/factures/v1/deposer/flux",
        {
            "fichierFlux": base64.b64encode(content).decode(),
            "nomFichier": name,
            "syntaxeFlux": syntax,
            "avecSignature": False,
        },
        account="TECH-ACME",
        headers=headers,
    )
    assert response.status_code == 200, response.content
    return response.json()


def report(connector: Connector, number: str) -> dict:
    response = connector.call(
        "/cpro/transverses/v1/consulterCRDetaille", {"numeroFluxDepot": number}, account="TECH-ACME"
    )
    assert response.status_code == 200
    return response.json()


def test_deposit_follow_and_pay_a_facturx(connector, facturx, django_capture_on_commit_callbacks):
    # Given a Factur-X deposited as a flux by its seller
    with django_capture_on_commit_callbacks(execute=True):
        deposited = deposit(connector, facturx[1], facturx[0])
    assert deposited["codeRetour"] == 0 and deposited["numeroFluxDepot"].startswith("CPP")
    # When the connector polls the detailed report
    cr = report(connector, deposited["numeroFluxDepot"])
    # Then the flux is integrated with no error
    assert cr["etatCourantDepotFlux"] == "IN_INTEGRE", [e["libelleErreurDP"] for e in cr["listeErreurDP"]]
    assert cr["listeErreurDP"] == [] and cr["listeErreurTechnique"] == []
    # And the invoice is found by its flux number
    found = connector.call(
        "/cpro/factures/v1/rechercher/fournisseur",
        {"numeroFluxDepot": deposited["numeroFluxDepot"]},
        account="TECH-ACME",
    ).json()
    assert found["codeRetour"] == 0 and found["parametresRetour"]["total"] == 1
    row = found["listeFactures"][0]
    assert row["numeroFacture"] == "FA-2026-0001" and row["codeDestinataire"] == "21490244700017"
    invoice_id = row["identifiantFactureCPP"]
    assert row["statut"] == "MISE_A_DISPOSITION"
    # And its history tells DEPOSEE → … → MISE_A_DISPOSITION
    history = connector.call(
        "/cpro/factures/v1/consulter/historique", {"idFacture": invoice_id}, account="TECH-ACME"
    ).json()
    codes = [h["histoStatutCode"] for h in history["historiquesDesStatuts"]["histoStatut"]]
    assert codes[0] == "MISE_A_DISPOSITION" and "DEPOSEE" in codes
    assert history["statutCourantCode"] == "MISE_A_DISPOSITION"

    # When the buyer looks for its received invoices
    received = connector.call(
        "/cpro/factures/v1/rechercher/recipiendaire", {}, account="TECH-BEAUFORT"
    ).json()
    assert [r["idFacture"] for r in received["listeFactures"]] == [invoice_id]
    assert received["total"] == 1 and received["pageCourante"] == 1 and received["pages"] == 1
    detail = connector.call(
        "/cpro/factures/v1/consulter/recipiendaire", {"idFacture": invoice_id}, account="TECH-BEAUFORT"
    ).json()
    assert detail["montantTotal"]["montantTtcTotal"] == 312.0
    # And takes it through to payment
    for status, extra in (
        ("SERVICE_FAIT", {}),
        ("MANDATEE", {"numeroDPMandat": "M-2026-42"}),
        ("MISE_A_DISPOSITION_COMPTABLE", {}),
        ("COMPTABILISEE", {}),
        ("MISE_EN_PAIEMENT", {}),
    ):
        with django_capture_on_commit_callbacks(execute=True):
            answer = connector.call(
                "/cpro/factures/v1/traiter/recue",
                {"idFacture": invoice_id, "nouveauStatut": status, **extra},
                account="TECH-BEAUFORT",
            )
        assert answer.status_code == 200, answer.content
        assert answer.json()["nouveauStatut"] == status
    # Then the history names the technical account that acted
    history = connector.call(
        "/cpro/factures/v1/consulter/historique", {"idFacture": invoice_id}, account="TECH-ACME"
    ).json()["historiquesDesStatuts"]["histoStatut"]
    assert history[0]["histoStatutCode"] == "MISE_EN_PAIEMENT"
    assert history[0]["histoStatutUtilisateurNom"] == "TECH-BEAUFORT"
    # And a transition from a final status is refused with 20002
    refused = connector.call(
        "/cpro/factures/v1/traiter/recue",
        {"idFacture": invoice_id, "nouveauStatut": "SUSPENDUE", "motif": "Pièce manquante"},
        account="TECH-BEAUFORT",
    )
    assert refused.status_code == 400
    assert refused.json()["codeRetour"] == 20002
    assert "Incohérence au niveau du statut" in refused.json()["libelle"]


def test_suspension_without_reason_is_refused_with_20002(
    connector, facturx, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        number = deposit(connector, facturx[1], facturx[0])["numeroFluxDepot"]
    invoice_id = connector.call(
        "/cpro/factures/v1/rechercher/fournisseur", {"numeroFluxDepot": number}, account="TECH-ACME"
    ).json()["listeFactures"][0]["identifiantFactureCPP"]
    refused = connector.call(
        "/cpro/factures/v1/traiter/recue",
        {"idFacture": invoice_id, "nouveauStatut": "SUSPENDUE"},
        account="TECH-BEAUFORT",
    )
    assert refused.json()["codeRetour"] == 20002
    assert "motif" in refused.json()["libelle"].lower()


def test_rejected_flux_lists_errors_in_french_with_rule_ids(connector, django_capture_on_commit_callbacks):
    # A Factur-X with attributes outside its profile: refused by the validation rules
    with django_capture_on_commit_callbacks(execute=True):
        number = deposit(connector, NOT_IN_PROFILE.read_bytes(), NOT_IN_PROFILE.name)["numeroFluxDepot"]
    cr = report(connector, number)
    assert cr["etatCourantDepotFlux"] == "IN_REJETE"
    first = cr["listeErreurDP"][0]
    assert first["libelleErreurDP"].startswith("[FX-HORS-PROFIL]")
    assert first["numeroDP"] == "FA-2017-0010"


def test_corpus_invoice_to_unknown_recipient_is_rejected_by_the_business_checks(
    connector, django_capture_on_commit_callbacks
):
    # A valid EN 16931 Factur-X whose buyer SIRET is not a valid, known public structure
    with django_capture_on_commit_callbacks(execute=True):
        number = deposit(connector, CORPUS_FACTURX.read_bytes(), CORPUS_FACTURX.name)["numeroFluxDepot"]
    cr = report(connector, number)
    assert cr["etatCourantDepotFlux"] == "IN_REJETE"
    codes = {e["codeErreurDP"] for e in cr["listeErreurDP"]}
    assert "CPRO-DESTINATAIRE-INCONNU" in codes
    assert all(e["libelleErreurDP"].startswith("[") for e in cr["listeErreurDP"])


def test_tar_gz_batch_is_partially_integrated(connector, facturx, django_capture_on_commit_callbacks):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in (facturx, (NOT_IN_PROFILE.name, NOT_IN_PROFILE.read_bytes())):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    with django_capture_on_commit_callbacks(execute=True):
        number = deposit(connector, buffer.getvalue(), "lot.tar.gz")["numeroFluxDepot"]
    cr = report(connector, number)
    assert cr["etatCourantDepotFlux"] == "IN_INTEGRE_PARTIEL"
    assert {e["numeroDP"] for e in cr["listeErreurDP"]} == {"FA-2017-0010"}


def test_idempotency_key_replays_the_first_deposit(connector, facturx, django_capture_on_commit_callbacks):
    from invoices.models import DepositFlow

    with django_capture_on_commit_callbacks(execute=True):
        first = deposit(connector, facturx[1], facturx[0], **{"Idempotency-Key": "cle-1"})
        again = deposit(connector, facturx[1], facturx[0], **{"Idempotency-Key": "cle-1"})
    assert first["numeroFluxDepot"] == again["numeroFluxDepot"]
    assert DepositFlow.objects.count() == 1
    # The same key with another body is refused
    other = connector.call(
        "/cpro/factures/v1/deposer/flux",
        {
            "fichierFlux": base64.b64encode(NOT_IN_PROFILE.read_bytes()).decode(),
            "nomFichier": "autre.pdf",
            "syntaxeFlux": "IN_DP_E2_CII_FACTURX",
        },
        account="TECH-ACME",
        headers={"Idempotency-Key": "cle-1"},
    )
    assert other.status_code == 400 and other.json()["codeRetour"] == 20005


def test_bad_base64_and_unknown_syntax_are_400(connector):
    bad = connector.call(
        "/cpro/factures/v1/deposer/flux",
        {"fichierFlux": "pas du base64 !", "nomFichier": "f.pdf", "syntaxeFlux": "IN_DP_E2_CII_FACTURX"},
        account="TECH-ACME",
    )
    assert bad.status_code == 400 and bad.json()["codeRetour"] == 20006
    syntax = connector.call(
        "/cpro/factures/v1/deposer/flux",
        {"fichierFlux": "JVBERi0=", "nomFichier": "f.pdf", "syntaxeFlux": "IN_DP_E9_INCONNU"},
        account="TECH-ACME",
    )
    assert syntax.status_code == 400 and syntax.json()["listeErreurs"][0]["champ"] == "syntaxeFlux"


def test_a_buyer_account_cannot_deposit(connector):
    response = connector.call(
        "/cpro/factures/v1/deposer/flux",
        {"fichierFlux": "JVBERi0=", "nomFichier": "f.pdf", "syntaxeFlux": "IN_DP_E2_CII_FACTURX"},
        account="TECH-BEAUFORT",
    )
    assert response.status_code == 403 and response.json()["codeRetour"] == 40304
