"""The two-tenant matrix: Boulangerie Martin's technical account never reaches ACME's invoices,
flows, files or structure, and CH Quimper's never reaches what is addressed to Beaufort. An
identifier of another structure answers exactly like an unknown identifier (same status, same
body)."""

from __future__ import annotations

import base64

import pytest

from cpro.ids import supplier_cpp_id

pytestmark = pytest.mark.django_db

UNKNOWN_ID = 999_999_999


@pytest.fixture
def acme_invoice(api, acme, beaufort, django_capture_on_commit_callbacks):
    from cpro.samples import demo_facturx

    name, content = demo_facturx(
        supplier_identifier=acme.identifier, recipient_siret=beaufort.siret, number="FA-2026-0100"
    )
    with django_capture_on_commit_callbacks(execute=True):
        flux = api.call(
            "/cpro/factures/v1/deposer/flux",
            {
                "fichierFlux": base64.b64encode(content).decode(),
                "nomFichier": name,
                "syntaxeFlux": "IN_DP_E2_CII_FACTURX",
            },
            account="TECH-ACME",
        ).json()["numeroFluxDepot"]
    row = api.call(
        "/cpro/factures/v1/rechercher/fournisseur", {"numeroFluxDepot": flux}, account="TECH-ACME"
    ).json()["listeFactures"][0]
    attachment = api.call(
        "/cpro/transverses/v1/ajouter/fichier",
        {"pieceJointeFichier": base64.b64encode(b"bon de livraison").decode(), "pieceJointeNom": "bl.txt"},
        account="TECH-ACME",
    ).json()["pieceJointeId"]
    return {"id": row["identifiantFactureCPP"], "flux": flux, "pj": attachment}


def _same_as_unknown(api, path, body_of, account):
    """Call ``path`` with ACME's identifier and with an unknown one: identical answers."""
    theirs = api.call(path, body_of("theirs"), account=account)
    unknown = api.call(path, body_of("unknown"), account=account)
    assert theirs.status_code == unknown.status_code, path
    assert theirs.json() == unknown.json(), path
    return theirs


SUPPLIER_CASES = [
    ("/cpro/factures/v1/consulter/fournisseur", lambda i: {"identifiantFactureCPP": i["id"]}),
    ("/cpro/factures/v1/consulter/historique", lambda i: {"idFacture": i["id"]}),
    ("/cpro/factures/v1/completer", lambda i: {"identifiantFactureCPP": i["id"], "commentaire": "x"}),
    (
        "/cpro/factures/v1/recycler",
        lambda i: {"identifiantFactureCPP": i["id"], "destinataire": {"codeDestinataire": "21490244700017"}},
    ),
    ("/cpro/factures/v1/traiterRejet", lambda i: {"listeDemandePaiement": [{"idDemandePaiement": i["id"]}]}),
    (
        "/cpro/factures/v1/telecharger/groupe",
        lambda i: {"listeFacture": [{"idFacture": i["id"]}], "format": "PDF"},
    ),
    ("/cpro/transverses/v1/consulterCRDetaille", lambda i: {"numeroFluxDepot": i["flux"]}),
    ("/cpro/transverses/v1/consulterCR", lambda i: {"numeroFluxDepot": i["flux"]}),
    ("/cpro/transverses/v1/telecharger/pieceJointe", lambda i: {"pieceJointeId": i["pj"]}),
    ("/cpro/structures/v1/consulter", lambda i: {"idStructure": i["acme_cpp"]}),
    ("/cpro/structures/v1/rechercher/services", lambda i: {"idStructure": i["acme_cpp"]}),
]

BUYER_CASES = [
    ("/cpro/factures/v1/consulter/recipiendaire", lambda i: {"idFacture": i["id"]}),
    ("/cpro/factures/v1/consulter/historique", lambda i: {"idFacture": i["id"]}),
    ("/cpro/factures/v1/traiter/recue", lambda i: {"idFacture": i["id"], "nouveauStatut": "SERVICE_FAIT"}),
    ("/cpro/factures/v1/telecharger/groupe", lambda i: {"listeFacture": [{"idFacture": i["id"]}]}),
]


def _body(factory, invoice, acme, which):
    values = dict(invoice, acme_cpp=supplier_cpp_id(acme.pk))
    if which == "unknown":
        values = {
            "id": UNKNOWN_ID,
            "flux": "CPP00000000INCONNU",
            "pj": UNKNOWN_ID,
            "acme_cpp": supplier_cpp_id(UNKNOWN_ID),
        }
    return factory(values)


@pytest.mark.parametrize(("path", "factory"), SUPPLIER_CASES, ids=[c[0] for c in SUPPLIER_CASES])
def test_other_supplier_sees_acme_ids_as_unknown(api, acme, acme_invoice, path, factory):
    response = _same_as_unknown(
        api, path, lambda w: _body(factory, acme_invoice, acme, w), "TECH-BOULANGERIE"
    )
    assert response.status_code == 400
    assert response.json()["codeRetour"] == 20003


@pytest.mark.parametrize(("path", "factory"), BUYER_CASES, ids=[c[0] for c in BUYER_CASES])
def test_other_buyer_sees_invoices_to_beaufort_as_unknown(api, acme, acme_invoice, path, factory):
    response = _same_as_unknown(api, path, lambda w: _body(factory, acme_invoice, acme, w), "TECH-QUIMPER")
    assert response.status_code == 400
    assert response.json()["codeRetour"] == 20003


def test_searches_return_only_ones_own_invoices(api, acme_invoice):
    theirs = api.call("/cpro/factures/v1/rechercher/fournisseur", {}, account="TECH-BOULANGERIE").json()
    assert theirs["listeFactures"] == [] and theirs["codeRetour"] == 20000
    mine = api.call("/cpro/factures/v1/rechercher/fournisseur", {}, account="TECH-ACME").json()
    assert [r["identifiantFactureCPP"] for r in mine["listeFactures"]] == [acme_invoice["id"]]
    other_buyer = api.call("/cpro/factures/v1/rechercher/recipiendaire", {}, account="TECH-QUIMPER").json()
    assert other_buyer["listeFactures"] == [] and other_buyer["total"] == 0
    buyer = api.call("/cpro/factures/v1/rechercher/recipiendaire", {}, account="TECH-BEAUFORT").json()
    assert [r["idFacture"] for r in buyer["listeFactures"]] == [acme_invoice["id"]]


def test_a_supplier_account_cannot_use_buyer_operations(api, acme_invoice):
    response = api.call(
        "/cpro/factures/v1/traiter/recue",
        {"idFacture": acme_invoice["id"], "nouveauStatut": "SERVICE_FAIT"},
        account="TECH-ACME",
    )
    assert response.status_code == 403 and response.json()["codeRetour"] == 40304


def test_the_buyer_download_sets_the_downloaded_flag(api, acme_invoice):
    body = {"listeFacture": [{"idFacture": acme_invoice["id"]}], "format": "PDF"}
    response = api.call("/cpro/factures/v1/telecharger/groupe", body, account="TECH-BEAUFORT")
    assert response.status_code == 200
    assert base64.b64decode(response.json()["fichierResultat"]).startswith(b"%PDF")
    rows = api.call(
        "/cpro/factures/v1/rechercher/recipiendaire",
        {"factureTelechargeeParDestinataire": True},
        account="TECH-BEAUFORT",
    ).json()["listeFactures"]
    assert [r["idFacture"] for r in rows] == [acme_invoice["id"]]


def test_recipient_search_is_paginated_without_n_plus_one(api, acme_invoice, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        response = api.call(
            "/cpro/factures/v1/rechercher/recipiendaire",
            {"paramRecherche": {"nbResultatsParPage": 10, "pageResultatDemandee": 1}},
            account="TECH-BEAUFORT",
        )
    assert response.json()["nbResultatsParPage"] == 10
