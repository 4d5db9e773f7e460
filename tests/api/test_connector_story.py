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

# Two happy paths: a Factur-X made by the portal itself (``cpro.samples``), ACME → Beaufort,
# FINANCES; and a real corpus Factur-X (akretion's EN 16931 sample, with document-level allowances
# and charges), once its buyer (BT-47) is in the directory and its seller (BT-30) is the
# depositing structure. Corpus files whose parties are unknown are rejected by the business checks.
AKRETION_FACTURX = CORPUS / "facturx" / "valid" / "akretion-fixtures" / "invoice_EN16931.pdf"
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
    connector: Connector,
    content: bytes,
    name: str,
    syntax: str = "IN_DP_E2_CII_FACTURX",
    account: str = "TECH-ACME",
    **headers: str,
) -> dict:
    response = connector.call(
        "/cpro/factures/v1/deposer/flux",
        {
            "fichierFlux": base64.b64encode(content).decode(),
            "nomFichier": name,
            "syntaxeFlux": syntax,
            "avecSignature": False,
        },
        account=account,
        headers=headers,
    )
    assert response.status_code == 200, response.content
    return response.json()


def report(connector: Connector, number: str, account: str = "TECH-ACME") -> dict:
    response = connector.call(
        "/cpro/transverses/v1/consulterCRDetaille", {"numeroFluxDepot": number}, account=account
    )
    assert response.status_code == 200
    return response.json()


def report_when_processed(connector: Connector, number: str, account: str, tries: int = 5) -> dict:
    """Poll ``consulterCRDetaille`` as a connector does, until the flux leaves the waiting state."""
    for _ in range(tries):
        cr = report(connector, number, account=account)
        if cr["etatCourantDepotFlux"] != "IN_DEPOT_PORTAIL_EN_ATTENTE_TRAITEMENT_SE_CPP":
            return cr
    return cr


@pytest.fixture
def corpus_parties(oauth_app):
    """The akretion Factur-X's buyer (BT-47 987654321, service SERVEXEC) in the directory, and its
    seller (BT-30 123456782) as a supplier structure with a technical account. The corpus numbers
    are SIRENs, not SIRETs: the directory holds what it holds."""
    from accounts.services import technical_account_create
    from tests.factories import PublicStructureFactory, ServiceFactory, SupplierStructureFactory

    from .conftest import TECH_PASSWORD

    buyer = PublicStructureFactory(siret="987654321", name="Acheteur public du corpus")
    ServiceFactory(structure=buyer, code="SERVEXEC", name="Service exécutant")
    seller = SupplierStructureFactory(identifier="123456782", name="Vendeur du corpus")
    technical_account_create(structure=seller, actor=None, login="TECH-CORPUS", password=TECH_PASSWORD)
    technical_account_create(structure=buyer, actor=None, login="TECH-ACHETEUR", password=TECH_PASSWORD)
    return seller, buyer


def invoice_number() -> str:
    from invoices.validation import validate_document

    verdict = validate_document(content=AKRETION_FACTURX.read_bytes(), filename=AKRETION_FACTURX.name)
    return verdict.parsed.number


def test_deposit_and_follow_a_corpus_facturx(connector, corpus_parties, django_capture_on_commit_callbacks):
    seller, buyer = corpus_parties
    content = AKRETION_FACTURX.read_bytes()
    # Given a real Factur-X EN 16931 deposited as a flux by its seller's technical account
    with django_capture_on_commit_callbacks(execute=True):
        deposited = deposit(connector, content, AKRETION_FACTURX.name, account="TECH-CORPUS")
    assert deposited["codeRetour"] == 0
    number = deposited["numeroFluxDepot"]
    # When the connector polls the detailed report until the flux is processed
    cr = report_when_processed(connector, number, account="TECH-CORPUS")
    # Then it is integrated, with no error
    assert cr["etatCourantDepotFlux"] == "IN_INTEGRE", [e["libelleErreurDP"] for e in cr["listeErreurDP"]]
    assert cr["listeErreurDP"] == [] and cr["listeErreurTechnique"] == []
    # And the invoice is found by its flux number, addressed to the corpus buyer
    found = connector.call(
        "/cpro/factures/v1/rechercher/fournisseur", {"numeroFluxDepot": number}, account="TECH-CORPUS"
    ).json()
    assert found["codeRetour"] == 0 and found["parametresRetour"]["total"] == 1
    row = found["listeFactures"][0]
    assert row["numeroFacture"] == invoice_number()
    assert row["codeDestinataire"] == buyer.siret
    invoice_id = row["identifiantFactureCPP"]
    # And its history starts with the deposit
    history = connector.call(
        "/cpro/factures/v1/consulter/historique", {"idFacture": invoice_id}, account="TECH-CORPUS"
    ).json()
    codes = [h["histoStatutCode"] for h in history["historiquesDesStatuts"]["histoStatut"]]
    assert "DEPOSEE" in codes and history["statutCourantCode"] == codes[0] == row["statut"]
    # And the legal document is the deposited file, byte for byte
    from invoices.choices import DocumentRole
    from invoices.models import Invoice

    invoice = Invoice.objects.get(pk=invoice_id)
    assert invoice.supplier == seller and invoice.allowances_charges.count() == 8
    with invoice.documents.get(role=DocumentRole.INVOICE).file.open("rb") as handle:
        assert handle.read() == content
    # And another supplier's account does not see this flux: it answers exactly like an unknown one
    path = "/cpro/transverses/v1/consulterCRDetaille"
    other = connector.call(path, {"numeroFluxDepot": number}, account="TECH-ACME")
    unknown = connector.call(path, {"numeroFluxDepot": "CPP20260101FFFFFFFFFF"}, account="TECH-ACME")
    assert other.status_code == unknown.status_code == 400
    assert other.json()["codeRetour"] == unknown.json()["codeRetour"] != 0


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
    # A valid Factur-X (its @schemeID outside the profile is only a warning, issue 13) whose seller
    # is not ACME: refused by the business checks
    with django_capture_on_commit_callbacks(execute=True):
        number = deposit(connector, NOT_IN_PROFILE.read_bytes(), NOT_IN_PROFILE.name)["numeroFluxDepot"]
    cr = report(connector, number)
    assert cr["etatCourantDepotFlux"] == "IN_REJETE"
    first = cr["listeErreurDP"][0]
    assert first["libelleErreurDP"].startswith("[CPRO-FOURNISSEUR-DIFFERENT]")
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
    # (IETF Idempotency-Key draft: 422 Unprocessable Content, with the clear codeRetour)
    assert other.status_code == 422 and other.json()["codeRetour"] == 20005


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


def test_a_cii_declared_as_facturx_is_refused_with_the_right_syntax(
    connector, corpus_parties, django_capture_on_commit_callbacks
):
    # Given the CII XML of the corpus invoice, declared as a Factur-X flux
    from facturx import get_xml_from_pdf

    _name, xml = get_xml_from_pdf(AKRETION_FACTURX.read_bytes(), check_xsd=False)
    with django_capture_on_commit_callbacks(execute=True):
        number = deposit(connector, xml, "facture.xml", account="TECH-CORPUS")["numeroFluxDepot"]
    # Then the flux is rejected and the report names the syntax to declare
    cr = report(connector, number, account="TECH-CORPUS")
    assert cr["etatCourantDepotFlux"] == "IN_REJETE"
    [error] = cr["listeErreurDP"]
    assert error["codeErreurDP"] == "CPRO-FLUX-SYNTAXE"
    assert error["libelleErreurDP"].startswith("[CPRO-FLUX-SYNTAXE] Le document « facture.xml »")
    assert "syntaxeFlux=IN_DP_E1_CII_16B" in error["libelleErreurDP"]
    # And declared with its own syntax, the same file is integrated
    with django_capture_on_commit_callbacks(execute=True):
        number = deposit(connector, xml, "facture.xml", syntax="IN_DP_E1_CII_16B", account="TECH-CORPUS")[
            "numeroFluxDepot"
        ]
    assert report(connector, number, account="TECH-CORPUS")["etatCourantDepotFlux"] == "IN_INTEGRE"


def test_a_plain_pdf_in_a_flux_is_refused_and_opens_no_draft(connector, django_capture_on_commit_callbacks):
    # Given a PDF without structured data (the portal's own certificate-like PDF)
    import weasyprint

    from invoices.models import Invoice

    pdf = weasyprint.HTML(string="<p>Facture F-1 — SIRET 21490244700017</p>").write_pdf()
    with django_capture_on_commit_callbacks(execute=True):
        number = deposit(connector, pdf, "scan.pdf")["numeroFluxDepot"]
    # Then the flux is rejected with a technical error that says to use deposer/pdf
    cr = report(connector, number)
    assert cr["etatCourantDepotFlux"] == "IN_REJETE"
    [error] = cr["listeErreurTechnique"]
    assert error["codeErreur"] == "CPRO-FLUX-NON-STRUCTURE"
    assert error["libelleErreur"].startswith("scan.pdf : [CPRO-FLUX-NON-STRUCTURE]")
    assert "deposer/pdf" in error["libelleErreur"]
    # And unlike the portal's upload, no draft was opened for it
    assert not Invoice.objects.exists()
