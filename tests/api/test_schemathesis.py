"""Schemathesis against ``/api/schema/`` on a seeded database: every operation of the schema is
fed generated requests (valid ones and, for the body, deliberately wrong ones); the test fails on
any 5xx or any answer the schema does not describe (status, content type, body)."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from .conftest import account_header

pytestmark = pytest.mark.django_db

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES = 15


@pytest.fixture
def keep_test_connection():
    """Like Django's test client: the raw WSGI handler must not close the test's database
    connection at the end of each request (it holds the test transaction). Requested after the
    fixtures that use the test client, which reconnects the handler after each of its calls."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def seeded(api, acme, beaufort, django_capture_on_commit_callbacks, settings):
    """A supplier invoice made available to its buyer, so that ids 1, 2… exist."""
    import base64

    from cpro.samples import demo_facturx

    settings.CPRO_RATE_LIMIT_PER_MINUTE = 1_000_000
    name, content = demo_facturx(
        supplier_identifier=acme.identifier, recipient_siret=beaufort.siret, number="FA-2026-SCHEMA"
    )
    with django_capture_on_commit_callbacks(execute=True):
        api.call(
            "/cpro/factures/v1/deposer/flux",
            {
                "fichierFlux": base64.b64encode(content).decode(),
                "nomFichier": name,
                "syntaxeFlux": "IN_DP_E2_CII_FACTURX",
            },
            account="TECH-ACME",
        )
    return api


def _runner(operation: schemathesis.APIOperation, headers: dict[str, str]):
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def run(case: schemathesis.Case) -> None:
        response = case.call(headers=headers)
        case.validate_response(response, checks=CHECKS)

    return run


def test_api_never_answers_5xx_nor_contradicts_its_schema(seeded, keep_test_connection):
    schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 35
    for operation in operations:
        if operation.path == "/api/oauth/token":
            continue
        for login in ("TECH-ACME", "TECH-BEAUFORT"):
            run = _runner(
                operation, {"Authorization": f"Bearer {seeded.token}", "cpro-account": account_header(login)}
            )
            try:
                run()
            except Exception as exc:
                failures.append(f"{operation.method.upper()} {operation.path} ({login}): {exc}"[:2000])
    assert not failures, "\n\n".join(failures)


def test_token_endpoint_conforms_to_its_schema(oauth_app, keep_test_connection):
    schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
    operation = next(r.ok() for r in schema.get_all_operations() if r.ok().path == "/api/oauth/token")

    @settings(
        max_examples=30,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def run(case: schemathesis.Case) -> None:
        case.validate_response(case.call(), checks=CHECKS)

    run()
