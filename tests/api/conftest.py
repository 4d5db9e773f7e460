"""The API cast: one OAuth application, one technical account per structure of the fixed cast.

``api`` is a connector: ``api.call(path, body, account="acme")`` sends the Bearer token and the
``cpro-account`` header of that structure's technical account, as a real client does.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from accounts.services import technical_account_create
from cpro.services import access_token_issue, oauth_application_create

TECH_PASSWORD = "Mot-de-passe-technique-2026!"
CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"


def account_header(login: str, password: str = TECH_PASSWORD) -> str:
    return base64.b64encode(f"{login}:{password}".encode()).decode()


class Connector:
    def __init__(self, client: Client, token: str) -> None:
        self.client = client
        self.token = token

    def call(
        self,
        path: str,
        body: Any = None,
        *,
        account: str | None = "TECH-ACME",
        raw: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> Any:
        extra = {"HTTP_AUTHORIZATION": f"Bearer {self.token}"}
        if account:
            extra["HTTP_CPRO_ACCOUNT"] = account_header(account)
        for name, value in (headers or {}).items():
            extra["HTTP_" + name.upper().replace("-", "_")] = value
        data = raw if raw is not None else json.dumps({} if body is None else body)
        return self.client.post(path, data=data, content_type="application/json;charset=utf-8", **extra)


@pytest.fixture
def oauth_app(admin_user):
    application, _secret = oauth_application_create(
        owner=admin_user, name="ERP de test", client_id="erp-test", client_secret="secret-du-client-erp"
    )
    return application


@pytest.fixture
def tech_accounts(acme, bakery, beaufort, quimper):
    out = {}
    for login, structure in (
        ("TECH-ACME", acme),
        ("TECH-BOULANGERIE", bakery),
        ("TECH-BEAUFORT", beaufort),
        ("TECH-QUIMPER", quimper),
    ):
        out[login], _ = technical_account_create(
            structure=structure, actor=None, login=login, password=TECH_PASSWORD
        )
    return out


@pytest.fixture
def api(client, oauth_app, tech_accounts):
    issued = access_token_issue(application=oauth_app)
    return Connector(client, issued.access_token)


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    """Rate-limit counters live in the cache, keyed by OAuth client: a test never inherits the
    calls of the previous one (Schemathesis sends many)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
