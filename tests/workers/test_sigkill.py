"""Reliability proof on the real PostgreSQL and broker (Redis or RabbitMQ): 200 invoices deposited
with a worker running (half of them entered with the form, whose legal PDF the worker
generates); the worker is killed with SIGKILL in the middle; a new one is started as `make
worker` starts it, with the periodic sweeper embedded (`-B`); every invoice reaches
MISE_A_DISPOSITION exactly once, with exactly one history event per transition, one notification
per person for the chain of automatic steps, and its legal document within a minute of the
restart.

The broker's visibility timeout stays at production's 10 minutes: what the killed worker held is
recovered by the sweeper (issue #19 §9), not by Redis re-delivering it (RabbitMQ re-delivers at
once when the killed worker's connection closes).

Skipped (with the reason) when ``DATABASE_URL`` is not PostgreSQL or ``CELERY_BROKER_URL`` is
neither Redis nor RabbitMQ, as on the embedded SQLite default; CI runs it on Redis, then on
RabbitMQ (``CELERY_BROKER_URL=amqp://…``).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from amqp.exceptions import ChannelError
from django.conf import settings as django_settings
from django.db import connection

from chorus.celery import app as celery_app
from invoices.lifecycle.models import StatusEvent
from invoices.lifecycle.statuses import InvoiceStatus as S
from notifications.models import Notification

DATABASE_URL = os.environ.get("DATABASE_URL", "")
BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
BASE_DIR = Path(django_settings.BASE_DIR)
# The celery of the interpreter running the tests (the project virtualenv in `make test`).
CELERY = Path(sys.executable).parent / "celery"
INVOICES = 200
KILL_AFTER = 20  # invoices available when the worker is killed
RECOVERY = 60  # seconds after the restart: every invoice available, with its legal document

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not DATABASE_URL.startswith(("postgres://", "postgresql://"))
        or not BROKER_URL.startswith(("redis://", "amqp://", "pyamqp://")),
        reason="needs the real PostgreSQL and a broker: set DATABASE_URL=postgres://… and "
        "CELERY_BROKER_URL=redis://… or amqp://…",
    ),
]


def wait_for(condition: Callable[[], bool], *, timeout: float, what: str, interval: float = 0.2) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(interval)
    raise AssertionError(f"Timed out after {timeout:.0f} s waiting for {what}")


class Workers:
    """Real ``celery worker`` processes (prefork, 2 children) on the test database and queue."""

    def __init__(self, queue: str, logdir: Path) -> None:
        test_db = connection.settings_dict["NAME"]
        parts = urlsplit(DATABASE_URL)
        self.env = {
            **os.environ,
            "DATABASE_URL": urlunsplit(parts._replace(path=f"/{test_db}")),
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "DJANGO_SETTINGS_MODULE": "tests.workers.worker_settings",
            "CHORUS_TEST_QUEUE": queue,
            "TEST_MEDIA_ROOT": str(django_settings.MEDIA_ROOT),
            "PYTHONPATH": str(BASE_DIR),
            # The sweeper of the embedded beat, fast enough for a test (production: 30 s / 60 s).
            "CHORUS_SWEEP_INTERVAL_SECONDS": "2",
            "CHORUS_SWEEP_GRACE_SECONDS": "5",
        }
        self.queue, self.logdir = queue, logdir
        self.processes: list[subprocess.Popen] = []

    def start(self, name: str, *, beat: bool = False) -> subprocess.Popen:
        """``beat``: the periodic tasks embedded, as ``make worker`` runs them (``-B``)."""
        log = self.logdir / f"{name}.log"
        embedded = ["-B", "--schedule", str(self.logdir / f"{name}-beat-schedule")] if beat else []
        process = subprocess.Popen(
            [
                str(CELERY),
                "-A",
                "chorus",
                "worker",
                "-P",
                "prefork",
                "-c",
                "2",
                "--loglevel=INFO",
                "-Q",
                self.queue,
                "-n",
                f"{name}-{self.queue}@%h",
                "--without-mingle",
                "--without-gossip",
                "--without-heartbeat",
                *embedded,
            ],
            cwd=BASE_DIR,
            env=self.env,
            stdout=log.open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: the main process and its pool children
        )
        self.processes.append(process)
        wait_for(
            lambda: b"ready." in log.read_bytes() or process.poll() is not None,
            timeout=30,
            what=f"worker {name} to start",
        )
        assert process.poll() is None, log.read_text()[-3000:]
        return process

    @staticmethod
    def kill(process: subprocess.Popen, sig: int = signal.SIGKILL) -> None:
        """Kill the worker's whole process group (main process and pool children) at once."""
        if process.poll() is None:
            try:
                os.killpg(process.pid, sig)
            except ProcessLookupError:
                pass
        process.wait(timeout=20)

    def stop_all(self) -> None:
        for process in self.processes:
            self.kill(process)


@pytest.fixture
def broker_queue(settings) -> Iterator[str]:
    """This test's own queue (new, hence empty), on the broker of CELERY_BROKER_URL; the test
    process enqueues there for real (not eagerly)."""
    queue = f"chorus-test-sigkill-{uuid.uuid4().hex[:8]}"
    previous = (celery_app.conf.task_always_eager, celery_app.conf.task_default_queue)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    celery_app.conf.task_always_eager = False
    celery_app.conf.task_default_queue = queue
    try:
        yield queue
    finally:
        celery_app.conf.task_always_eager, celery_app.conf.task_default_queue = previous
        # Drop what is left (e-mails still queued when the workers were stopped). Purge first:
        # on Redis, queue_delete only forgets the bindings this very connection declared.
        with celery_app.connection_for_write() as conn:
            try:
                conn.default_channel.queue_purge(queue)
            except conn.channel_errors:  # RabbitMQ: the queue was never declared (no worker)
                pass
            else:
                conn.default_channel.queue_delete(queue)


def deposit(supplier, actor, beaufort, i: int):
    """A real deposit (checks, first history row, after-commit dispatch), as the upload or the
    API does it: even numbers a PDF kept byte for byte as the legal document, odd numbers entered
    with the form, whose Factur-X the worker generates before making it available."""
    from invoices.choices import Channel
    from invoices.data import InvoiceData, LineData
    from invoices.services import invoice_deposit

    data = InvoiceData(
        number=f"KILL-{i:04d}",
        invoice_date=date.today() - timedelta(days=1),
        recipient_siret=beaufort.siret,
        service_code="FINANCES",
        payment_mode="VIREMENT",
        iban="FR7630006000011234567890189",
        lines=[
            LineData(
                designation="Prestation",
                quantity=Decimal("1"),
                unit_price=Decimal("100"),
                vat_rate=Decimal("20"),
            )
        ],
    )
    if i % 2:
        return invoice_deposit(supplier=supplier, data=data, actor=actor, channel=Channel.SAISIE_PORTAIL)
    original = ("facture.pdf", b"%PDF-1.4\n% facture de test\n%%EOF\n", "application/pdf")
    return invoice_deposit(
        supplier=supplier, data=data, actor=actor, channel=Channel.DEPOT_PDF_API, original=original
    )


@pytest.mark.django_db(transaction=True)
def test_sigkill_in_the_middle_loses_and_duplicates_nothing(
    alice, acme, beaufort, carla, broker_queue, tmp_path
):
    from invoices.choices import DocumentRole
    from invoices.models import Document, Invoice

    workers = Workers(broker_queue, tmp_path)
    started = time.monotonic()
    try:
        # Given a worker running
        first = workers.start("premier")
        # When 200 invoices are deposited (each commit enqueues its routing and notification)
        # and the worker is killed with SIGKILL in the middle, while work is still coming in
        ids: list[int] = []

        def available() -> int:
            return Invoice.objects.filter(pk__in=ids, status=S.MISE_A_DISPOSITION).count()

        at_kill = None
        for i in range(INVOICES):
            ids.append(deposit(acme, alice, beaufort, i).pk)
            if at_kill is None and i % 10 == 9 and available() >= KILL_AFTER:
                Workers.kill(first)
                at_kill = (len(ids), available())
        if at_kill is None:  # a slow machine: the worker had not done enough yet
            wait_for(
                lambda: available() >= KILL_AFTER, timeout=60, what=f"{KILL_AFTER} invoices to be available"
            )
            Workers.kill(first)
            at_kill = (len(ids), available())
        assert at_kill[1] < INVOICES, "the worker finished before it could be killed: nothing was proven"
        deposited = time.monotonic()
        # and a new worker is started, as `make worker` does (the periodic sweeper embedded)
        workers.start("second", beat=True)
        restarted = time.monotonic()

        def with_document() -> int:
            return Document.objects.filter(invoice_id__in=ids, role=DocumentRole.INVOICE).count()

        # which first works through the queue the killed worker left (the machine's speed)
        with celery_app.connection_for_write() as conn:
            channel = conn.default_channel

            def waiting() -> int:  # on Redis and on RabbitMQ alike
                try:
                    return channel.queue_declare(queue=broker_queue, passive=True).message_count
                except ChannelError:  # Redis: an empty queue does not exist
                    return 0

            wait_for(lambda: waiting() == 0, timeout=600, what="the queue to drain")
        drained = time.monotonic()
        # Then within a minute every invoice is available, with its legal document: what the
        # killed worker held (unacknowledged for 10 minutes) is recovered by the sweeper
        wait_for(
            lambda: available() == INVOICES and with_document() == INVOICES,
            timeout=RECOVERY,
            what="every invoice to reach MISE_A_DISPOSITION with its legal document",
        )
        recovered = time.monotonic() - restarted
        after_queue = time.monotonic() - drained
        wait_for(
            lambda: not StatusEvent.objects.filter(invoice_id__in=ids, notified_at__isnull=True).exists(),
            timeout=30,
            what="every status event to be notified",
        )
    finally:
        workers.stop_all()

    # Then every invoice went through each status exactly once
    paths = Counter(
        tuple(StatusEvent.objects.filter(invoice_id=pk).order_by("at", "id").values_list("status", flat=True))
        for pk in ids
    )
    assert paths == {(S.DEPOSEE, S.EN_COURS_ACHEMINEMENT, S.MISE_A_DISPOSITION): INVOICES}
    # with never two notifications of one event for one person, and one per person and chain of
    # automatic steps (issue #17): Alice once per invoice ("déposée et mise à disposition"), Carla
    # once (a new invoice). Only a chain cut by the SIGKILL (at most one per worker process) is
    # told in two parts: what was done before the kill, then the rest.
    events = StatusEvent.objects.filter(invoice_id__in=ids)
    per_event = Counter(Notification.objects.filter(event__in=events).values_list("event_id", "recipient_id"))
    assert set(per_event.values()) == {1}
    per_invoice = Counter(
        Notification.objects.filter(invoice_id__in=ids).values_list("invoice_id", "recipient_id")
    )
    assert {r for _i, r in per_invoice} == {alice.pk, carla.pk}
    assert all(n == 1 for (_i, r), n in per_invoice.items() if r == carla.pk)
    cut = [i for (i, r), n in per_invoice.items() if r == alice.pk and n > 1]
    assert all(n <= 2 for n in per_invoice.values()) and len(cut) <= 2, cut
    assert len({i for i, r in per_invoice if r == alice.pk}) == INVOICES
    # and one legal document each
    assert Document.objects.filter(invoice_id__in=ids, role=DocumentRole.INVOICE).count() == INVOICES
    sys.stderr.write(
        f"\nSIGKILL after {at_kill[0]} deposits, {at_kill[1]} available; all {INVOICES} after "
        f"restart, with their legal documents, {recovered:.1f} s after it ({after_queue:.1f} s after "
        f"the queue was drained); deposits and kill "
        f"{deposited - started:.1f} s, {time.monotonic() - started:.1f} s in all\n"
    )
