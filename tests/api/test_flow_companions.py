"""A burst of single-invoice flows: the worker's task takes the other flows waiting with its own,
in one unit of work (issue #17), and each flow still gets its own report; batches are left to
their own task."""

from __future__ import annotations

import io
import threading
import zipfile

import pytest
from django.db import connection, connections, transaction

from cpro.flux import flow_process
from cpro.samples import demo_facturx
from invoices.choices import FlowStatus
from invoices.lifecycle.statuses import InvoiceStatus as S
from invoices.models import DepositFlow, Invoice
from notifications.models import Notification
from tests.api.test_deposit_cost import deposit_flow, deposit_zip

pytestmark = pytest.mark.django_db


def single_flows(api, acme, beaufort, count: int, prefix: str = "FA-RAFALE") -> list[DepositFlow]:
    flows = []
    for i in range(count):
        name, content = demo_facturx(
            supplier_identifier=acme.identifier, recipient_siret=beaufort.siret, number=f"{prefix}-{i}"
        )
        flows.append(deposit_flow(api, content, name))
    return flows


def test_one_task_integrates_the_flows_waiting_with_its_own(
    api, acme, alice, beaufort, carla, django_capture_on_commit_callbacks
):
    # Given ACME's software deposited three flows in a burst, their tasks still in the queue
    first, second, third = single_flows(api, acme, beaufort, 3)
    # When the worker runs the second flow's task
    with django_capture_on_commit_callbacks(execute=True):
        assert flow_process(flow_id=second.pk) == FlowStatus.INTEGRE
    # Then the three flows are integrated, each with its own report
    for flow in (first, second, third):
        flow.refresh_from_db()
        assert flow.status == FlowStatus.INTEGRE and flow.invoice_errors == [] and flow.processed_at
    # and their invoices made available, each told to ACME and to Beaufort
    invoices = Invoice.objects.filter(flow__in=[first, second, third])
    assert sorted(invoices.values_list("status", flat=True)) == [S.MISE_A_DISPOSITION] * 3
    assert Notification.objects.filter(invoice__in=invoices).count() == 6
    # and the two other tasks, when their turn comes, find their flow done and do nothing
    assert flow_process(flow_id=first.pk) is None
    assert flow_process(flow_id=third.pk) is None
    assert invoices.count() == 3


def test_the_number_of_flows_taken_along_is_bounded(api, acme, beaufort, settings):
    # Given a worker set to take at most one other flow, and three flows waiting
    settings.CHORUS_FLOW_COMPANIONS = 1
    first, second, third = single_flows(api, acme, beaufort, 3, prefix="FA-BORNE")
    # When the third flow's task runs
    flow_process(flow_id=third.pk)
    # Then it took the oldest other flow along, and left the second one to its own task
    statuses = dict(DepositFlow.objects.values_list("pk", "status"))
    assert statuses[first.pk] == statuses[third.pk] == FlowStatus.INTEGRE
    assert statuses[second.pk] == FlowStatus.EN_ATTENTE
    assert DepositFlow.objects.get(pk=second.pk).claimed_at is None


def test_a_batch_is_never_taken_along(api, acme, beaufort):
    # Given a .zip of two invoices waiting, then a single flow
    batch = deposit_zip(api, supplier=acme, buyer=beaufort, prefix="FA-LOT-SEUL", count=2)
    (single,) = single_flows(api, acme, beaufort, 1, prefix="FA-SEUL")
    # When the single flow's task runs
    flow_process(flow_id=single.pk)
    # Then the batch is still waiting, unclaimed, for its own task (its 500 invoices are a task)
    batch.refresh_from_db()
    assert batch.status == FlowStatus.EN_ATTENTE and batch.claimed_at is None


def test_a_batch_under_a_single_files_name_is_given_back(
    api, acme, beaufort, monkeypatch, django_capture_on_commit_callbacks
):
    # Given a .zip deposited under the name of an XML file, then a single flow
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("a.xml", b"<x/>")
    disguised = deposit_flow(api, archive.getvalue(), "facture.xml")
    (single,) = single_flows(api, acme, beaufort, 1, prefix="FA-DEGUISE")
    sent = []
    monkeypatch.setattr("cpro.flux.task_send", lambda *args, **kwargs: sent.append(args))
    # When the single flow's task runs and takes it along, then finds it is a batch
    with django_capture_on_commit_callbacks(execute=True):
        assert flow_process(flow_id=single.pk) == FlowStatus.INTEGRE
    # Then it gives it back untouched, and sends its message again for a task of its own
    disguised.refresh_from_db()
    assert disguised.status == FlowStatus.EN_ATTENTE and disguised.claimed_at is None
    assert ("cpro.flow_process", disguised.pk) in sent


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SKIP LOCKED is PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_a_flow_another_worker_is_claiming_is_skipped_not_waited_for(api, acme, beaufort, monkeypatch):
    # Given two flows waiting, one of them locked by another worker claiming it at this moment
    monkeypatch.setattr("cpro.flux.task_send", lambda *args, **kwargs: None)
    locked, free = single_flows(api, acme, beaufort, 2, prefix="FA-VERROU")
    (mine,) = single_flows(api, acme, beaufort, 1, prefix="FA-MIEN")
    holding, release = threading.Event(), threading.Event()

    def other_worker() -> None:
        try:
            with transaction.atomic():
                DepositFlow.objects.select_for_update().get(pk=locked.pk)
                holding.set()
                release.wait(10)
        finally:
            connections.close_all()

    thread = threading.Thread(target=other_worker)
    thread.start()
    assert holding.wait(10)
    try:
        # When this worker's task runs meanwhile
        assert flow_process(flow_id=mine.pk) == FlowStatus.INTEGRE
    finally:
        release.set()
        thread.join()
    # Then it took the free flow along, and left the locked one to the other worker
    assert DepositFlow.objects.get(pk=free.pk).status == FlowStatus.INTEGRE
    assert DepositFlow.objects.get(pk=locked.pk).status == FlowStatus.EN_ATTENTE
