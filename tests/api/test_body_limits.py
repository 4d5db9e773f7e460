"""The API announces the body size it really accepts (issue 19, point 4).

Decision: one file of at most 20 MiB per call (28 MiB of JSON), announced in the guide, the
OpenAPI schema and the error message, rather than 120 MB bodies: a JSON body is held in memory
about four times over by the web worker; the 120 MB of Chorus Pro cap an invoice *and* its
attachments, which the API receives over several calls (ajouter/fichier)."""

from __future__ import annotations

import base64
import json

import pytest
from django.conf import settings

from cpro.api.base import DEPOSIT_MAX_BODY
from invoices.validation.limits import MAX_API_FILE_BYTES

pytestmark = pytest.mark.django_db
MiB = 1024 * 1024
FLUX = "/cpro/factures/v1/deposer/flux"


def _flux_body(size: int) -> bytes:
    content = b"%PDF-1.7\n" + b"0" * (size - 9)
    return json.dumps(
        {
            "fichierFlux": base64.b64encode(content).decode(),
            "nomFichier": "gros.pdf",
            "syntaxeFlux": "IN_DP_E2_CII_FACTURX",
        }
    ).encode()


def test_the_announced_limit_fits_under_the_servers_own_limit():
    # The API's own check answers before Django's generic "body too big"
    assert DEPOSIT_MAX_BODY < settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    assert DEPOSIT_MAX_BODY >= MAX_API_FILE_BYTES * 4 / 3


def test_a_body_over_the_limit_is_refused_with_the_limit_stated(api):
    # Given a 22 MiB file (30 MiB of base64 once in JSON)
    response = api.call(FLUX, raw=_flux_body(22 * MiB))
    # Then the API refuses it and says what it accepts
    assert response.status_code == 400
    body = response.json()
    assert body["codeRetour"] == 20001
    assert "20 Mo" in body["libelle"]


def test_a_file_at_the_limit_is_taken(api):
    # Given a file just under 20 MiB
    response = api.call(FLUX, raw=_flux_body(MAX_API_FILE_BYTES - 1024))
    # Then the flux is received (its validation follows, as for any flux)
    assert response.status_code == 200, response.json()
    assert response.json()["numeroFluxDepot"]


def test_the_limit_is_announced_in_the_schema_and_the_guide(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    assert "20 Mo" in schema["info"]["description"]
    request = schema["components"]["schemas"]["DeposerFluxRequest"]["properties"]["fichierFlux"]
    assert "20 Mo" in request["description"]
    assert "20 Mo" in client.get("/api/demarrer/").content.decode()
