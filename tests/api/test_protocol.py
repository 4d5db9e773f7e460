"""Stories of the protocol itself: token, the two credentials, the envelope, bad input, limits."""

from __future__ import annotations

import base64
import json
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import TechnicalAccount
from cpro.models import AccessToken

from .conftest import account_header

pytestmark = pytest.mark.django_db

TAUX = "/cpro/transverses/v1/recuperer/tauxtva"


def test_connector_gets_a_token_with_client_credentials(client, oauth_app):
    # When a connector posts its client credentials as PISTE expects
    response = client.post(
        "/api/oauth/token",
        {
            "grant_type": "client_credentials",
            "client_id": "erp-test",
            "client_secret": "secret-du-client-erp",
            "scope": "openid",
        },
    )
    # Then it gets a one-hour Bearer token, stored only as a hash
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3600 and body["scope"] == "openid"
    assert not AccessToken.objects.filter(token_hash=body["access_token"]).exists()
    assert AccessToken.objects.filter(application=oauth_app).count() == 1


def test_token_accepts_http_basic_client_authentication(client, oauth_app):
    basic = base64.b64encode(b"erp-test:secret-du-client-erp").decode()
    response = client.post(
        "/api/oauth/token", {"grant_type": "client_credentials"}, HTTP_AUTHORIZATION=f"Basic {basic}"
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("form", "status", "error"),
    [
        (
            {"grant_type": "password", "client_id": "erp-test", "client_secret": "x"},
            400,
            "unsupported_grant_type",
        ),
        ({"grant_type": "client_credentials", "client_id": "erp-test"}, 400, "invalid_request"),
        (
            {"grant_type": "client_credentials", "client_id": "erp-test", "client_secret": "faux"},
            401,
            "invalid_client",
        ),
        (
            {"grant_type": "client_credentials", "client_id": "inconnu", "client_secret": "x"},
            401,
            "invalid_client",
        ),
        (
            {
                "grant_type": "client_credentials",
                "client_id": "erp-test",
                "client_secret": "secret-du-client-erp",
                "scope": "admin",
            },
            400,
            "invalid_scope",
        ),
    ],
)
def test_token_refusals_say_why(client, oauth_app, form, status, error):
    response = client.post("/api/oauth/token", form)
    assert response.status_code == status
    assert response.json()["error"] == error
    assert response.json()["error_description"]


def test_a_deactivated_application_gets_no_token(client, oauth_app):
    oauth_app.active = False
    oauth_app.save()
    response = client.post(
        "/api/oauth/token",
        {
            "grant_type": "client_credentials",
            "client_id": "erp-test",
            "client_secret": "secret-du-client-erp",
        },
    )
    assert response.status_code == 401


def test_every_call_answers_with_the_code_retour_envelope(api):
    response = api.call(TAUX, {})
    assert response.status_code == 200
    body = response.json()
    assert body["codeRetour"] == 0 and body["libelle"]
    assert {"codeTauxTva": "20", "libelleTauxTva": "Taux normal 20 %", "valeurTauxTva": 20.0} in body[
        "listeTauxTva"
    ]


def test_missing_token_is_401_and_says_the_token_is_missing(api):
    response = api.client.post(
        TAUX, "{}", content_type="application/json", HTTP_CPRO_ACCOUNT=account_header("TECH-ACME")
    )
    assert response.status_code == 401
    assert response.json()["codeRetour"] == 40101
    assert "Jeton d'accès absent" in response.json()["libelle"]
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_unknown_token_is_401_invalid(api):
    api.token = "pas-un-vrai-jeton"
    response = api.call(TAUX, {})
    assert response.status_code == 401
    assert response.json()["codeRetour"] == 40102
    assert "invalide" in response.json()["libelle"]


def test_expired_token_is_401_expired(api, oauth_app):
    AccessToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = api.call(TAUX, {})
    assert response.status_code == 401
    assert response.json()["codeRetour"] == 40103
    assert "expiré" in response.json()["libelle"]


def test_valid_token_without_technical_account_is_403(api):
    response = api.call(TAUX, {}, account=None)
    assert response.status_code == 403
    assert response.json()["codeRetour"] == 40301
    assert "Compte technique absent" in response.json()["libelle"]


def test_valid_token_with_wrong_technical_password_is_403(api):
    response = api.call(
        TAUX, {}, headers={"cpro-account": account_header("TECH-ACME", "mauvais")}, account=None
    )
    assert response.status_code == 403
    assert response.json()["codeRetour"] == 40302
    assert "Compte technique invalide" in response.json()["libelle"]


def test_expired_technical_account_is_403_and_says_expired(api):
    TechnicalAccount.objects.filter(login="TECH-ACME").update(expires_at=timezone.now() - timedelta(days=1))
    response = api.call(TAUX, {})
    assert response.status_code == 403
    assert response.json()["codeRetour"] == 40303
    assert "a expiré" in response.json()["libelle"]


def test_changed_technical_password_stops_working_at_once(api):
    # Given a first call that succeeded (the verification is remembered a few minutes)
    assert api.call(TAUX, {}).status_code == 200
    # When the password is renewed
    from accounts.services import technical_account_renew

    technical_account_renew(
        account=TechnicalAccount.objects.get(login="TECH-ACME"),
        actor=None,
        password="Un-autre-mot-de-passe-2026",
    )
    # Then the old one is refused on the very next call
    assert api.call(TAUX, {}).status_code == 403


@pytest.mark.parametrize(
    ("raw", "needle"),
    [
        (b"{pas du json", "JSON valide"),
        (b"[1, 2]", "objet JSON"),
        (b'{"a": NaN}', "JSON valide"),
        (b"\xff\xfe", "JSON valide"),
        (b"[" * 100_000, "JSON valide"),
    ],
)
def test_malformed_json_is_400_with_a_clear_message(api, raw, needle):
    response = api.call(TAUX, raw=raw)
    assert response.status_code == 400
    assert response.json()["codeRetour"] == 20001
    assert needle in response.json()["libelle"]


def test_wrong_type_and_missing_field_name_the_field(api):
    response = api.call("/cpro/structures/v1/consulter", {"idStructure": "abc"})
    assert response.status_code == 400
    body = response.json()
    assert body["codeRetour"] == 20001
    assert body["listeErreurs"][0]["champ"] == "idStructure"
    response = api.call("/cpro/transverses/v1/consulterCRDetaille", {})
    assert response.status_code == 400
    assert response.json()["listeErreurs"][0]["champ"] == "numeroFluxDepot"
    assert "obligatoire" in response.json()["listeErreurs"][0]["message"]


def test_oversized_body_is_400_before_parsing(api):
    body = json.dumps({"codeLangue": "FR", "x": "a" * (2 * 1024 * 1024)})
    response = api.call(TAUX, raw=body.encode())
    assert response.status_code == 400
    assert "dépasse la taille maximale" in response.json()["libelle"]


def test_get_on_a_post_endpoint_is_405_in_the_same_shape(api):
    response = api.client.get(
        TAUX, HTTP_AUTHORIZATION=f"Bearer {api.token}", HTTP_CPRO_ACCOUNT=account_header("TECH-ACME")
    )
    assert response.status_code == 405
    assert "POST" in response.json()["libelle"]


def test_health_check_is_a_get_with_a_token_only(api):
    response = api.client.get("/cpro/transverses/v1/health-check", HTTP_AUTHORIZATION=f"Bearer {api.token}")
    assert response.status_code == 200
    assert response.json()["statusCode"] == "OK"
    assert api.client.get("/cpro/transverses/v1/health-check").status_code == 401


def test_rate_limit_per_oauth_client_answers_429_with_retry_after(api, settings):
    settings.CPRO_RATE_LIMIT_PER_MINUTE = 3
    from django.core.cache import cache

    cache.clear()
    statuses = [api.call(TAUX, {}).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = api.call(TAUX, {})
    assert response.json()["codeRetour"] == 42900
    assert 1 <= int(response["Retry-After"]) <= 60


def test_the_retry_after_of_a_429_is_the_rest_of_the_minute(api, settings, monkeypatch):
    import time
    import types

    from cpro.api import base

    # Given a limit of one call a minute, and a clock 15.5 s into the current minute
    settings.CPRO_RATE_LIMIT_PER_MINUTE = 1
    start = int(time.time() // 60) * 60
    monkeypatch.setattr(base, "time", types.SimpleNamespace(time=lambda: start + 15.5))
    assert api.call(TAUX, {}).status_code == 200
    # When a second call comes
    response = api.call(TAUX, {})
    # Then it is told to come back when the minute ends, 45 s later
    assert response.status_code == 429
    assert response["Retry-After"] == "45"
    assert "45 secondes" in response.json()["libelle"]


def test_csrf_does_not_apply_to_the_api(api):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post(
        TAUX,
        "{}",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {api.token}",
        HTTP_CPRO_ACCOUNT=account_header("TECH-ACME"),
    )
    assert response.status_code == 200
