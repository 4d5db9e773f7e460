"""What one ``deposer/flux`` call costs the web worker (issue #17): the statements it sends and
what it leaves for the worker. The integration itself is counted in ``test_deposit_cost``."""

from __future__ import annotations

import base64

import pytest

import cpro.flux
from invoices.models import DepositFlow

FLUX = "/cpro/factures/v1/deposer/flux"
CII = b'<?xml version="1.0" encoding="UTF-8"?><rsm:CrossIndustryInvoice/>'


def _body(**fields: object) -> dict[str, object]:
    return {
        "fichierFlux": base64.b64encode(CII).decode(),
        "nomFichier": "facture.xml",
        "syntaxeFlux": "IN_DP_E1_CII_16B",
        "avecSignature": False,
        "idUtilisateurCourant": 0,
        **fields,
    }


@pytest.mark.django_db(transaction=True)  # autocommit, as under gunicorn: no test savepoints
def test_a_deposit_with_an_account_already_verified_sends_three_statements(
    api, oauth_app, monkeypatch, django_assert_num_queries
):
    sent: list[tuple[str, tuple[object, ...]]] = []
    monkeypatch.setattr(cpro.flux, "task_send", lambda name, *args, **kw: sent.append((name, args)))
    # Given ACME's connector made a first call (its password checked once, its use recorded)
    assert api.call(FLUX, _body()).status_code == 200
    # When it deposits a second flow
    with django_assert_num_queries(3) as captured:
        response = api.call(FLUX, _body(nomFichier="deuxieme.xml"))
    # Then three statements ran: the token with its application, the technical account with its
    # structure, the flow's INSERT (no ORDER BY on the two unique look-ups; the application's
    # owner is recorded by its id, its row not read)
    assert response.status_code == 200, response.json()
    tables = ["accesstoken", "technicalaccount", "depositflow"]
    for query, table in zip(captured.captured_queries, tables, strict=True):
        assert table in query["sql"].split("WHERE")[0].lower()
        assert "ORDER BY" not in query["sql"]
    assert "accounts_user" not in captured.captured_queries[0]["sql"]
    flow = DepositFlow.objects.get(number=response.json()["numeroFluxDepot"])
    assert flow.created_by == oauth_app.owner
    # and the integration was enqueued once the row was committed, by id
    assert sent[-1] == ("cpro.flow_process", (flow.pk,))


@pytest.mark.django_db
def test_each_deposit_is_validated_on_its_own_body(api):
    """The input serializer's one shared instance validates every call (``CproView.validated``):
    nothing of a refused body is left for the next call."""
    # Given a body without a file nor a syntax
    refused = api.call(FLUX, {"nomFichier": "facture.xml"})
    assert refused.status_code == 400
    assert [e["champ"] for e in refused.json()["listeErreurs"]] == ["fichierFlux", "syntaxeFlux"]
    # When a complete body follows, it is taken
    taken = api.call(FLUX, _body())
    assert taken.status_code == 200, taken.json()
    # and a body with only a wrong syntax names that field alone
    wrong = api.call(FLUX, _body(syntaxeFlux="IN_DP_E9"))
    assert wrong.status_code == 400
    assert [e["champ"] for e in wrong.json()["listeErreurs"]] == ["syntaxeFlux"]


@pytest.mark.django_db
def test_the_accounts_use_is_recorded_once_an_hour_not_on_every_call(api, tech_accounts, monkeypatch):
    from django.core.cache import cache

    from cpro.api import auth

    recorded: list[str] = []
    real = auth.technical_account_mark_used
    monkeypatch.setattr(
        auth,
        "technical_account_mark_used",
        lambda *, account: recorded.append(account.login) or real(account=account),
    )
    # Given ACME's connector deposits twice
    assert api.call(FLUX, _body()).status_code == 200
    assert api.call(FLUX, _body(nomFichier="deuxieme.xml")).status_code == 200
    # Then its technical account's last use was written once
    assert recorded == ["TECH-ACME"]
    tech_accounts["TECH-ACME"].refresh_from_db()
    assert tech_accounts["TECH-ACME"].last_used_at is not None
    # and again once the hour's mark has expired
    cache.delete(f"cpro:tech-used:{tech_accounts['TECH-ACME'].pk}")
    assert api.call(FLUX, _body(nomFichier="troisieme.xml")).status_code == 200
    assert recorded == ["TECH-ACME", "TECH-ACME"]
