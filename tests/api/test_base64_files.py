"""Files of API requests in base64 (``cpro.api.fields.b64decode_field``): strict, but line breaks
and spaces are tolerated, as some clients wrap their base64 at 76 characters (MIME)."""

from __future__ import annotations

import base64

import pytest

from invoices.models import DepositFlow

pytestmark = pytest.mark.django_db
FLUX = "/cpro/factures/v1/deposer/flux"
CII = b'<?xml version="1.0" encoding="UTF-8"?><rsm:CrossIndustryInvoice/>' * 4


def _deposit(api, encoded: str):
    return api.call(
        FLUX, {"fichierFlux": encoded, "nomFichier": "facture.xml", "syntaxeFlux": "IN_DP_E1_CII_16B"}
    )


@pytest.mark.parametrize(
    "wrap",
    [
        lambda text: text,
        lambda text: "\r\n".join(text[i : i + 76] for i in range(0, len(text), 76)),
        lambda text: " " + text + "\n",
        lambda text: text[:40] + "\u00a0" + text[40:],  # a non-breaking space pasted from a document
    ],
    ids=["one-line", "mime-76", "surrounding-spaces", "unicode-space"],
)
def test_a_file_in_base64_is_taken_with_or_without_whitespace(api, wrap):
    # Given the file in base64, written as a client may write it
    encoded = wrap(base64.b64encode(CII).decode())
    # When ACME's connector deposits it
    response = _deposit(api, encoded)
    # Then the flow holds exactly the file
    assert response.status_code == 200, response.json()
    flow = DepositFlow.objects.get(number=response.json()["numeroFluxDepot"])
    with flow.file.open("rb") as handle:
        assert handle.read() == CII


@pytest.mark.parametrize(
    "encoded", ["QUJD*", "QUJ", "QUJDé", "-_-_"], ids=["symbol", "padding", "accent", "urlsafe"]
)
def test_a_file_that_is_not_base64_is_refused_with_its_field_named(api, encoded):
    response = _deposit(api, encoded)
    assert response.status_code == 400
    assert response.json()["listeErreurs"] == [{"champ": "fichierFlux", "message": "base64 invalide"}]
