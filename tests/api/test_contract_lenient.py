"""A connector written for the real PISTE API works here unchanged (issue 12): lenient inputs as
the real server reads them, JSON answers for every error under ``/cpro/``, official defaults of a
``SAISIE_API`` deposit, API field names in errors, and a real PDF for an XML invoice."""

from __future__ import annotations

import base64

import pytest

from cpro.ids import supplier_cpp_id
from invoices.lifecycle.statuses import InvoiceStatus as S
from tests.tracking.factories import advance, make_invoice

from .test_contract_go_connector import soumettre_minimal

F = "/cpro/factures/v1/"


@pytest.fixture
def invoices(api, acme, beaufort, alice):
    from entities.models import Service

    finances = Service.objects.get(structure=beaufort, code="FINANCES")
    made = [
        make_invoice(supplier=acme, recipient=beaufort, service=finances, total_ht=amount)
        for amount in (100, 900)
    ]
    return [advance(invoice, S.MISE_A_DISPOSITION) for invoice in made]


def ids(response) -> list[int]:
    assert response.status_code == 200, response.json()
    return sorted(row["identifiantFactureCPP"] for row in response.json()["listeFactures"])


# --- Every answer under /cpro/ is JSON ------------------------------------------------------------
def test_an_unknown_path_under_cpro_answers_json_404(api):
    # When a connector calls a path that does not exist
    response = api.call("/cpro/factures/v1/nexistepas", {})
    # Then the answer is JSON with the envelope, not Django's HTML page
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["codeRetour"] == 40400 and response.json()["libelle"]


def test_a_wrong_method_answers_json_405(api):
    response = api.client.put("/cpro/factures/v1/soumettre", data="{}", content_type="application/json")
    assert response.status_code in (401, 405)
    assert response["Content-Type"].startswith("application/json")
    assert "codeRetour" in response.json()


def test_a_server_error_answers_json_500(api, monkeypatch):
    # Given an endpoint that fails unexpectedly
    from cpro.api.transverses import lists

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(lists.referentials, "currencies", broken)
    api.client.raise_request_exception = False
    # When a connector calls it
    response = api.call("/cpro/transverses/v1/recuperer/devises", {})
    # Then it reads a JSON 500 with the envelope
    assert response.status_code == 500
    assert response.json()["codeRetour"] == 50000


def test_a_body_above_the_upload_limit_answers_json(api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = api.call("/cpro/transverses/v1/recuperer/devises", {"codeLangue": "x" * 5000})
    assert response.status_code in (400, 413)
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["codeRetour"] == 20001


# --- Zero values mean "not given" ------------------------------------------------------------------
def test_zero_valued_filters_filter_nothing(api, invoices):
    # Given two invoices of 100 and 900 € HT
    everything = ids(api.call(F + "rechercher/fournisseur", {}))
    # When a Go connector sends every filter at its zero value
    zero = {
        "montantHTMin": 0,
        "montantHTMax": 0,
        "rejetTraite": False,
        "cadreFacturation": {},
        "modeDepot": "",
        "statutCourant": None,
        "periodeDateDepotDu": "",
        "typeFacture": "",
        "champInconnu": 1,
    }
    # Then it finds the same invoices as with no filter at all
    assert ids(api.call(F + "rechercher/fournisseur", zero)) == everything == sorted(i.pk for i in invoices)
    # And a real bound still filters
    assert ids(api.call(F + "rechercher/fournisseur", {"montantHTMin": 500})) == [invoices[1].pk]


def test_a_code_is_read_from_an_object_or_a_string(api, invoices):
    as_object = {
        "cadreFacturation": {"codeCadreFacturation": "A1_FACTURE_FOURNISSEUR", "codeServiceValideur": ""}
    }
    as_code = {"cadreFacturation": "A1_FACTURE_FOURNISSEUR"}
    other = {"cadreFacturation": {"codeCadreFacturation": "A2_FACTURE_FOURNISSEUR_DEJA_PAYEE"}}
    assert ids(api.call(F + "rechercher/fournisseur", as_object)) == ids(
        api.call(F + "rechercher/fournisseur", as_code)
    )
    assert len(ids(api.call(F + "rechercher/fournisseur", as_code))) == 2
    assert api.call(F + "rechercher/fournisseur", other).json()["listeFactures"] == []


@pytest.mark.parametrize("direction", ["Ascendant ", "ascendant", " DESCENDANT", "Descendant"])
def test_the_sort_direction_tolerates_case_and_spaces(api, invoices, direction):
    body = {"rechercheFactureParFournisseur": {"triSense": direction, "nbResultatsParPage": 10}}
    assert api.call(F + "rechercher/fournisseur", body).status_code == 200


def test_both_id_spellings_are_read(api, invoices):
    pk = invoices[0].pk
    for body in ({"idFacture": pk}, {"identifiantFactureCPP": pk}):
        response = api.call(F + "consulter/recipiendaire", body, account="TECH-BEAUFORT")
        assert response.status_code == 200 and response.json()["facture"]["identifiantFactureCPP"] == pk
        response = api.call(F + "consulter/fournisseur", body)
        assert (
            response.status_code == 200 and response.json()["facture"]["numeroFacture"] == invoices[0].number
        )


# --- Official defaults of a SAISIE_API deposit ----------------------------------------------------
def deposit_and_read(api, body: dict) -> dict:
    response = api.call(F + "soumettre", body)
    assert response.status_code == 200, response.json()
    pk = response.json()["identifiantFactureCPP"]
    return api.call(F + "consulter/fournisseur", {"identifiantFactureCPP": pk}).json()["facture"]


def test_a_deposit_without_invoice_date_is_dated_on_its_deposit_day(api):
    from django.utils import timezone

    facture = deposit_and_read(api, soumettre_minimal({}))
    assert facture["references"]["dateFacture"] == timezone.localdate().isoformat()
    assert facture["references"]["dateDepot"] == timezone.localdate().isoformat()


@pytest.mark.parametrize(
    ("text", "code", "label"),
    [
        ("heure", "HUR", "heure"),
        ("Lots", "SET", "lot"),
        ("KGM", "KGM", "kilogramme"),
        ("sachet", "C62", "unité"),
    ],
)
def test_a_line_unit_in_words_is_mapped_to_its_un_ece_code(api, text, code, label):
    from invoices.choices import UNITS

    body = soumettre_minimal({})
    body["lignePoste"][0]["lignePosteUnite"] = text
    [line] = deposit_and_read(api, body)["lignesDePoste"]["lignePoste"]
    assert line["lignePosteUniteLibelle"] == label
    assert UNITS[line["lignePosteUniteCode"] - 1][0] == code


def test_a_transfer_without_iban_uses_the_structure_bank_account(api, acme):
    from suppliers.models import BankAccount

    # Given ACME's only valid bank account, listed by recuperer/coordbanc/valides
    account = BankAccount.objects.create(
        structure=acme, iban="FR7630006000011234567890189", label="Principal"
    )
    listed = api.call("/cpro/transverses/v1/recuperer/coordbanc/valides", {}).json()[
        "listeCoordonneeBancaire"
    ]
    assert listed == [{"idCoordonneeBancaire": account.pk, "nomCoordonneeBancaire": "Principal"}]
    # When a transfer is deposited without IBAN, naming that account or not
    body = soumettre_minimal({}) | {"references": {"modePaiement": "VIREMENT"}}
    named = body | {
        "numeroFactureSaisi": "MIN-0002",
        "fournisseur": {"codeCoordonneesBancairesFournisseur": account.pk},
    }
    for sent in (body, named):
        facture = deposit_and_read(api, sent)
        # Then the invoice carries that account's IBAN
        assert facture["fournisseur"]["coordBancairesFournisseurCompteBancaire"] == account.iban
    # And another structure's account is refused as unknown
    response = api.call(
        F + "soumettre",
        body
        | {
            "numeroFactureSaisi": "MIN-3",
            "fournisseur": {"codeCoordonneesBancairesFournisseur": account.pk + 1000},
        },
    )
    assert response.status_code == 400 and response.json()["codeRetour"] == 20003


def test_the_main_attachment_is_read_as_an_object_or_a_list(api):
    pdf = base64.b64encode(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n").decode()
    added = api.call(
        "/cpro/transverses/v1/ajouter/fichier",
        {
            "pieceJointeFichier": pdf,
            "pieceJointeNom": "bl.pdf",
            "pieceJointeExtension": "PDF",
            "pieceJointeTypeMime": "application/pdf",
        },
    ).json()
    pj = {"pieceJointePrincipaleId": added["pieceJointeId"], "pieceJointePrincipaleDesignation": "BL"}
    for number, value in (("PJ-1", pj), ("PJ-2", [pj])):
        facture = deposit_and_read(
            api, soumettre_minimal({}) | {"numeroFactureSaisi": number, "pieceJointePrincipale": value}
        )
        assert any(
            p["pieceJointeDesignation"] == "bl.pdf" for p in facture["listeDesPiecesJointes"]["pieceJointe"]
        )


# --- Errors name the API's fields ---------------------------------------------------------------
def test_errors_name_api_fields_not_form_fields(api):
    # Given a deposit whose declared total disagrees with its lines
    body = soumettre_minimal({}) | {"montantTotal": {"montantHtTotal": 999}}
    response = api.call(F + "soumettre", body)
    # Then the refusal names montantTotal.montantHtTotal, as sent
    assert response.status_code == 400
    fields = {e["champ"] for e in response.json()["listeErreurs"]}
    assert "montantTotal.montantHtTotal" in fields
    assert not any(f.startswith("lines-") or f in {"total_ht", "comment"} for f in fields)
    # And a missing line field is named with its index
    body = soumettre_minimal({})
    del body["lignePoste"][0]["lignePosteQuantite"]
    errors = api.call(F + "soumettre", body).json()["listeErreurs"]
    assert errors[0]["champ"] == "lignePoste[0].lignePosteQuantite"


def test_a_refused_completion_names_the_comment_field(api, acme, beaufort):
    invoice = advance(make_invoice(supplier=acme, recipient=beaufort), S.SUSPENDUE)
    response = api.call(F + "completer", {"identifiantFactureCPP": invoice.pk, "commentaire": ""})
    assert response.status_code == 400
    assert response.json()["listeErreurs"][0]["champ"] == "commentaire"


# --- The validator's flows ----------------------------------------------------------------------
def test_the_supplier_corrects_the_validator_of_its_subcontract_invoice(api, acme, bakery, beaufort):
    # Given the bakery's A9 invoice waiting for ACME's validation
    invoice = advance(
        make_invoice(
            supplier=bakery, recipient=beaufort, framework="A9_FACTURE_SOUSTRAITANT", validator=acme
        ),
        S.A_VALIDER_1,
    )
    assert api.call(F + "consulter/valideur", {"identifiantFactureCPP": invoice.pk}).status_code == 200
    # When the bakery (its supplier) names another validator by SIRET
    from suppliers.models import SupplierStructure

    other = SupplierStructure.objects.create(
        identifier="82345678500018", name="Mandataire", identifier_type="SIRET"
    )
    response = api.call(
        F + "corriger/valideur/facture",
        {
            "idFacture": invoice.pk,
            "identifiantStructure": other.identifier,
            "typeIdentifiantStructure": "SIRET",
            "idStructure": 0,
        },
        account="TECH-BOULANGERIE",
    )
    # Then the invoice goes to the new validator, and ACME no longer sees it
    assert response.status_code == 200, response.json()
    invoice.refresh_from_db()
    assert invoice.validator == other
    assert (
        api.call(F + "consulter/valideur", {"identifiantFactureCPP": invoice.pk}).json()["codeRetour"]
        == 20003
    )
    # And the supplier cannot name itself
    response = api.call(
        F + "corriger/valideur/facture",
        {"idFacture": invoice.pk, "idStructure": supplier_cpp_id(bakery.pk)},
        account="TECH-BOULANGERIE",
    )
    assert response.status_code == 400 and response.json()["codeRetour"] == 20002


# --- Downloads ----------------------------------------------------------------------------------
def test_a_cii_invoice_downloaded_as_pdf_is_a_readable_rendering(
    api, acme, beaufort, django_capture_on_commit_callbacks
):
    from facturx import get_xml_from_pdf

    from cpro.samples import demo_facturx
    from invoices.choices import DocumentRole
    from invoices.models import Document

    # Given an invoice deposited as CII XML
    _name, pdf = demo_facturx(
        supplier_identifier=acme.identifier, recipient_siret=beaufort.siret, number="CII-001"
    )
    _xml_name, xml = get_xml_from_pdf(pdf, check_xsd=False)
    with django_capture_on_commit_callbacks(execute=True):
        flux = api.call(
            F + "deposer/flux",
            {
                "fichierFlux": base64.b64encode(xml).decode(),
                "nomFichier": "f.xml",
                "syntaxeFlux": "IN_DP_E1_CII_16B",
            },
        ).json()
    [row] = api.call(F + "rechercher/fournisseur", {"numeroFluxDepot": flux["numeroFluxDepot"]}).json()[
        "listeFactures"
    ]
    # When the connector downloads it in PDF, as go-choruspro does (one idFacture) or with listeFacture
    for body in (
        {"idFacture": row["identifiantFactureCPP"]},
        {"listeFacture": [{"idFacture": row["identifiantFactureCPP"]}], "format": "PDF"},
    ):
        answer = api.call(F + "telecharger/groupe", body).json()
        content = base64.b64decode(answer["fichierResultat"])
        # Then it gets a real PDF, not the XML under a .pdf name
        assert content.startswith(b"%PDF") and b"CrossIndustryInvoice" not in content[:2000]
    # And the rendering is generated once and kept with the invoice
    assert (
        Document.objects.filter(invoice_id=row["identifiantFactureCPP"], role=DocumentRole.RENDERING).count()
        == 1
    )
    # While PIVOT still answers the XML itself
    pivot = api.call(
        F + "telecharger/groupe",
        {"listeFacture": [{"idFacture": row["identifiantFactureCPP"]}], "format": "PIVOT"},
    ).json()
    assert b"CrossIndustryInvoice" in base64.b64decode(pivot["fichierResultat"])
