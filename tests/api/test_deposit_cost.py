"""The cost of one deposit through ``deposer/flux`` (issue #17): one task integrates the flow and
runs each invoice's automatic chain (routing, availability), each step with its history row;
the supplier and the buyer are told once each; the SQL queries of the whole unit of work are
counted, so that a per-invoice query creeping back in fails here."""

from __future__ import annotations

import base64

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cpro.flux import flow_process
from invoices.lifecycle.models import StatusEvent
from invoices.lifecycle.statuses import InvoiceStatus as S
from invoices.models import DepositFlow, Invoice
from notifications.models import Notification

# The whole unit of work of one single-invoice flow: claim, read, check, deposit (invoice, lines,
# VAT lines, document, history), report, two transitions (the deposit's checks are not run again
# at routing in the same task), the notifications of the chain, and the two e-mails, each looking
# for other e-mails waiting for the same person (SQLite, savepoints included). 62 before routing
# skipped the re-check, 58 before the deposit reused the verdict of its own checks, 55 before a
# first claim skipped the look-up of what the flow already deposited and the notices of a fresh
# chain inserted without savepoints, 49 before the chain read the invoice once for its two steps,
# 45 before each audience's query brought its members' notification preferences; one more
# since the task looks for other flows waiting, to take them along (``test_flow_companions``);
# 44 before the two steps and their notices shared one transaction (no savepoint each).
QUERIES_PER_DEPOSIT = 40
# The same flow committed step by step as a worker runs it, its e-mails included: the deposit
# hands its history event and its instance to the chain and the notices (no look-up of the
# event, no read of the invoice's row nor of its structures), and the look-up of flows waiting;
# the two steps and their notices commit together (40 when each had its own transaction).
FRESH_QUERIES_PER_DEPOSIT = 36


def deposit_flow(api, content: bytes, name: str) -> DepositFlow:
    response = api.call(
        "/cpro/factures/v1/deposer/flux",
        {
            "fichierFlux": base64.b64encode(content).decode(),
            "nomFichier": name,
            "syntaxeFlux": "IN_DP_E2_CII_FACTURX",
            "avecSignature": False,
        },
    )
    assert response.status_code == 200, response.content
    return DepositFlow.objects.get(number=response.json()["numeroFluxDepot"])


def deposit_zip(api, *, supplier, buyer, prefix: str, count: int) -> DepositFlow:
    """A .zip of ``count`` CII invoices from ``supplier`` to ``buyer``, deposited by its software
    (the integration task not run yet)."""
    import io
    import zipfile

    from facturx import get_facturx_xml_from_pdf

    from cpro.samples import demo_facturx

    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as bundle:
        for i in range(count):
            name, pdf = demo_facturx(
                supplier_identifier=supplier.identifier, recipient_siret=buyer.siret, number=f"{prefix}-{i}"
            )
            bundle.writestr(name.removesuffix(".pdf") + ".xml", get_facturx_xml_from_pdf(pdf)[1])
    response = api.call(
        "/cpro/factures/v1/deposer/flux",
        {
            "fichierFlux": base64.b64encode(archive.getvalue()).decode(),
            "nomFichier": "lot.zip",
            "syntaxeFlux": "IN_DP_E1_CII_16B",
        },
    )
    assert response.status_code == 200, response.content
    return DepositFlow.objects.get(number=response.json()["numeroFluxDepot"])


@pytest.mark.parametrize("nth", [1, 2])
def test_one_flow_is_one_unit_of_work_with_a_bounded_number_of_queries(
    api, acme, alice, beaufort, carla, nth, django_capture_on_commit_callbacks
):
    from cpro.samples import demo_facturx

    # Given ACME's software deposited its nth Factur-X flow of the day (the earlier ones
    # integrated, this one's task not run yet)
    for i in range(nth):
        name, content = demo_facturx(
            supplier_identifier=acme.identifier, recipient_siret=beaufort.siret, number=f"FA-COUT-{i}"
        )
        flow = deposit_flow(api, content, name)
        if i < nth - 1:
            with django_capture_on_commit_callbacks(execute=True):
                flow_process(flow_id=flow.pk)
    mail.outbox.clear()
    # When the worker runs the last flow's task
    with CaptureQueriesContext(connection) as queries:
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            assert flow_process(flow_id=flow.pk) == "IN_INTEGRE"
    # Then its invoice went DEPOSEE → EN_COURS_ACHEMINEMENT → MISE_A_DISPOSITION in that task,
    invoice = Invoice.objects.get(flow=flow)
    assert invoice.status == S.MISE_A_DISPOSITION
    history = StatusEvent.objects.filter(invoice=invoice).order_by("pk").values_list("status", flat=True)
    assert list(history) == [
        S.DEPOSEE,
        S.EN_COURS_ACHEMINEMENT,
        S.MISE_A_DISPOSITION,
    ]
    # with no task sent per status (the deposit's dispatch ran in this task): after commit, only
    # the two e-mails are enqueued
    after_commit = [getattr(c, "func", c).__qualname__ for c in callbacks]
    assert "_dispatch" not in after_commit
    assert after_commit.count("notification_create.<locals>.<lambda>") == 2
    # and each person was told once: Alice "déposée et mise à disposition", Carla "nouvelle facture"
    told = Notification.objects.filter(invoice=invoice)
    assert sorted(told.values_list("recipient__email", "title")) == [
        ("alice@acme.test", f"Facture {invoice.number} : Déposée et mise à disposition"),
        ("carla@beaufort.test", f"Nouvelle facture à traiter : {invoice.number}"),
    ]
    assert sorted(m.to[0] for m in mail.outbox) == ["alice@acme.test", "carla@beaufort.test"]
    # in a bounded number of queries, the same for the first and the second flow of the day
    assert len(queries) <= QUERIES_PER_DEPOSIT, "\n".join(q["sql"][:160] for q in queries.captured_queries)


def test_the_invoices_of_a_batch_share_their_lookups(
    api, acme, alice, beaufort, carla, django_capture_on_commit_callbacks
):
    """Issue #17, "structure lookups cached per batch": a .zip of three invoices to the same
    buyer reads the buyer, its service and both audiences once, not three times."""
    # Given ACME's software deposits a .zip of three CII invoices to Beaufort's FINANCES service
    flow = deposit_zip(api, supplier=acme, buyer=beaufort, prefix="FA-LOT", count=3)
    # When the worker integrates it
    with CaptureQueriesContext(connection) as queries:
        with django_capture_on_commit_callbacks(execute=True):
            assert flow_process(flow_id=flow.pk) == "IN_INTEGRE"
    # Then the three invoices are available
    assert Invoice.objects.filter(flow=flow, status=S.MISE_A_DISPOSITION).count() == 3

    # and the buyer, its service and the two audiences were each read once for the batch
    def reads(table: str) -> int:
        return sum(
            1
            for q in queries.captured_queries
            if q["sql"].startswith("SELECT") and f'FROM "{table}"' in q["sql"]
        )

    assert reads("entities_publicstructure") == 1
    assert reads("entities_service") == 1
    assert reads("suppliers_suppliermembership") == 1
    assert reads("entities_buyermembership") == 1


def test_a_committed_flow_reads_its_fresh_invoice_once(
    transactional_db, api, acme, alice, beaufort, carla, monkeypatch
):
    """As a real worker runs it (each step committed, not inside a test transaction): the deposit
    hands its event and its instance to the chain, which reads the invoice once for routing and
    availability, and the notices do not read it again."""
    from cpro.samples import demo_facturx

    # Given ACME's software deposited a Factur-X flow, its task waiting in the queue
    monkeypatch.setattr("cpro.flux.task_send", lambda *args, **kwargs: None)
    name, content = demo_facturx(
        supplier_identifier=acme.identifier, recipient_siret=beaufort.siret, number="FA-COUT-FRAIS"
    )
    flow = deposit_flow(api, content, name)
    monkeypatch.undo()
    # When the worker runs its task
    with CaptureQueriesContext(connection) as queries:
        assert flow_process(flow_id=flow.pk) == "IN_INTEGRE"
    # Then the invoice is available, with its three history rows and one notice per audience,
    invoice = Invoice.objects.get(flow=flow)
    assert invoice.status == S.MISE_A_DISPOSITION
    assert StatusEvent.objects.filter(invoice=invoice, notified_at__isnull=False).count() == 3
    assert Notification.objects.filter(invoice=invoice).count() == 2
    # and the invoice was read once, by the duplicate check before the deposit: the chain takes
    # its row from the instance the deposit wrote
    invoice_reads = [
        q["sql"] for q in queries.captured_queries if q["sql"].startswith('SELECT "invoices_invoice"')
    ]
    assert len(invoice_reads) == 1, "\n".join(invoice_reads)
    # nor was its deposit event looked up again
    assert not [q for q in queries.captured_queries if 'MIN("tracking_statusevent"."id")' in q["sql"]]
    listing = "\n".join(q["sql"][:160] for q in queries.captured_queries)
    assert len(queries) <= FRESH_QUERIES_PER_DEPOSIT, listing


def test_a_batch_reads_its_audiences_preferences_with_them(
    api, acme, alice, beaufort, carla, django_capture_on_commit_callbacks
):
    """The members' notification preferences come with each audience's query, once per batch,
    and are obeyed: nothing for who chose nothing, the daily digest for who chose it."""
    from notifications.models import EmailState, NotificationMode
    from notifications.services import notification_preference_set

    # Given Alice wants nothing about ACME's invoices and Carla a daily digest of Beaufort's
    notification_preference_set(user=alice, structure=acme, mode=NotificationMode.NOTHING)
    notification_preference_set(user=carla, structure=beaufort, mode=NotificationMode.DAILY_DIGEST)
    # and ACME's software deposits a .zip of two CII invoices to Beaufort
    flow = deposit_zip(api, supplier=acme, buyer=beaufort, prefix="FA-PREF", count=2)
    mail.outbox.clear()
    # When the worker integrates it
    with CaptureQueriesContext(connection) as queries:
        with django_capture_on_commit_callbacks(execute=True):
            assert flow_process(flow_id=flow.pk) == "IN_INTEGRE"
    # Then Alice was told nothing, Carla has both invoices waiting for her digest, no e-mail left
    told = Notification.objects.filter(invoice__flow=flow)
    assert not told.filter(recipient=alice).exists()
    assert (
        list(told.filter(recipient=carla).values_list("email_state", flat=True)) == [EmailState.IN_DIGEST] * 2
    )
    assert mail.outbox == []
    # and no preference was read apart from the audiences' own queries
    assert not [
        q for q in queries.captured_queries if q["sql"].startswith('SELECT "tracking_notificationpreference"')
    ]


def test_a_batch_counts_a_busy_buyers_new_invoices_once(
    api, acme, beaufort, carla, settings, django_capture_on_commit_callbacks
):
    """The cap of new-invoice e-mails a day (issue #18 §5) is read once per batch, which counts
    its own notifications as it makes them: the 6th invoice of a .zip of 8 goes to the digest."""
    from notifications.models import EmailState

    settings.NOTIFICATIONS_NEW_INVOICE_EMAILS_PER_DAY = 5
    # Given ACME's software deposits a .zip of eight CII invoices to Beaufort
    flow = deposit_zip(api, supplier=acme, buyer=beaufort, prefix="FA-CAP", count=8)
    # When the worker integrates it
    with CaptureQueriesContext(connection) as queries:
        with django_capture_on_commit_callbacks(execute=True):
            assert flow_process(flow_id=flow.pk) == "IN_INTEGRE"
    # Then Carla, who never chose, gets the first five by e-mail and three in her daily digest
    states = list(
        Notification.objects.filter(invoice__flow=flow, recipient=carla)
        .order_by("pk")
        .values_list("email_state", flat=True)
    )
    assert states == [EmailState.SENT] * 5 + [EmailState.IN_DIGEST] * 3
    # and her notifications of the day were counted once for the whole batch
    counts = [q for q in queries.captured_queries if q["sql"].startswith("SELECT COUNT(*)")]
    assert len(counts) == 1, "\n".join(q["sql"][:160] for q in counts)
