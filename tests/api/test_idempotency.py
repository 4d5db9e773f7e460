"""Idempotency keys belong to one technical account: two suppliers behind the same connector (the
same OAuth application) never receive each other's stored answers."""

from __future__ import annotations

import base64

from cpro.samples import demo_facturx
from invoices.models import DepositFlow

FLUX = "/cpro/factures/v1/deposer/flux"


def flux_body(content: bytes, name: str) -> dict:
    return {
        "fichierFlux": base64.b64encode(content).decode(),
        "nomFichier": name,
        "syntaxeFlux": "IN_DP_E2_CII_FACTURX",
        "avecSignature": False,
    }


def test_the_same_key_from_two_suppliers_deposits_twice_and_leaks_nothing(
    api, acme, bakery, beaufort, django_capture_on_commit_callbacks
):
    # Given one connector (one OAuth application) used by ACME and by the bakery, and one file
    name, content = demo_facturx(
        supplier_identifier=acme.identifier, recipient_siret=beaufort.siret, number="FA-2026-0101"
    )
    body = flux_body(content, name)
    # When both send it with the same Idempotency-Key
    with django_capture_on_commit_callbacks(execute=True):
        first = api.call(FLUX, body, account="TECH-ACME", headers={"Idempotency-Key": "cle-partagee"})
        second = api.call(FLUX, body, account="TECH-BOULANGERIE", headers={"Idempotency-Key": "cle-partagee"})
    # Then each gets its own flow: the bakery is not answered with ACME's deposit
    assert first.status_code == 200 and second.status_code == 200
    assert "Idempotent-Replayed" not in second
    assert first.json()["numeroFluxDepot"] != second.json()["numeroFluxDepot"]
    flows = DepositFlow.objects.order_by("pk")
    assert [f.supplier_id for f in flows] == [acme.pk, bakery.pk]
    # And ACME's retry with that key still replays ACME's own answer
    again = api.call(FLUX, body, account="TECH-ACME", headers={"Idempotency-Key": "cle-partagee"})
    assert again["Idempotent-Replayed"] == "true"
    assert again.json()["numeroFluxDepot"] == first.json()["numeroFluxDepot"]


def test_a_refused_request_releases_its_key(api):
    # Given a deposit refused for its content (not base64)
    refused = api.call(
        FLUX,
        {"fichierFlux": "pas du base64 !", "nomFichier": "f.pdf", "syntaxeFlux": "IN_DP_E2_CII_FACTURX"},
        headers={"Idempotency-Key": "cle-2"},
    )
    assert refused.status_code == 400
    # When the connector fixes the file and retries with the same key
    fixed = api.call(
        FLUX,
        {"fichierFlux": "JVBERi0=", "nomFichier": "f.pdf", "syntaxeFlux": "IN_DP_E2_CII_FACTURX"},
        headers={"Idempotency-Key": "cle-2"},
    )
    # Then the key is free again: the new body is taken, not refused as "another request"
    assert fixed.status_code == 200, fixed.content
