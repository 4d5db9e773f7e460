"""A flow whose worker died mid-way is taken up again once its claim is stale, and what it had
already deposited is counted once, never deposited twice (issue #11, broker safety); a flow taken
for the first time skips that look-up (issue #17)."""

from __future__ import annotations

import base64
from datetime import timedelta

from django.utils import timezone

from cpro.flux import flow_process
from invoices.choices import FlowStatus
from invoices.models import DepositFlow, Invoice


def _deposit(api, acme, beaufort, number: str) -> DepositFlow:
    from cpro.samples import demo_facturx

    name, content = demo_facturx(
        supplier_identifier=acme.identifier, recipient_siret=beaufort.siret, number=number
    )
    response = api.call(
        "/cpro/factures/v1/deposer/flux",
        {
            "fichierFlux": base64.b64encode(content).decode(),
            "nomFichier": name,
            "syntaxeFlux": "IN_DP_E2_CII_FACTURX",
        },
    )
    assert response.status_code == 200, response.content
    return DepositFlow.objects.get(number=response.json()["numeroFluxDepot"])


def test_a_flow_taken_up_after_its_worker_died_deposits_nothing_twice(
    api, acme, alice, beaufort, carla, settings, django_capture_on_commit_callbacks
):
    # Given a flow whose worker deposited its invoice, then died before writing the report
    flow = _deposit(api, acme, beaufort, "FA-REPRISE-1")
    with django_capture_on_commit_callbacks(execute=True):
        assert flow_process(flow_id=flow.pk) == FlowStatus.INTEGRE
    DepositFlow.objects.filter(pk=flow.pk).update(status=FlowStatus.EN_ATTENTE, processed_at=None)
    # When a live claim exists, another delivery of the message does nothing
    assert flow_process(flow_id=flow.pk) is None
    # When the claim is stale (older than its timeout) and the message comes again
    settings.CHORUS_FLOW_CLAIM_SECONDS = 60
    stale = timezone.now() - timedelta(seconds=120)
    DepositFlow.objects.filter(pk=flow.pk).update(claimed_at=stale)
    with django_capture_on_commit_callbacks(execute=True):
        assert flow_process(flow_id=flow.pk) == FlowStatus.INTEGRE
    # Then the invoice it had deposited is counted, and exists once
    assert Invoice.objects.filter(number="FA-REPRISE-1").count() == 1
    flow.refresh_from_db()
    assert flow.status == FlowStatus.INTEGRE and flow.invoice_errors == []
