"""The EDI intake survives a SIGKILLed worker: 20 invoices put by SFTP, the worker that turns
them into flows and integrates them is killed with SIGKILL in the middle, a new one is started;
every file becomes exactly one flow, one invoice, one CR, and none is lost.

Real components: the SFTP server (in a thread of the test), a paramiko client, real Celery
workers on ``CELERY_BROKER_URL`` (Redis) and the PostgreSQL test database, started as in
``tests/workers/test_sigkill.py``. Skipped on the embedded SQLite default.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from datetime import timedelta

import pytest

from cpro.flux import flows_sweep
from edi.models import EdiFile, EdiFileKind, EdiFileState
from invoices.lifecycle.statuses import InvoiceStatus as S
from invoices.models import DepositFlow, Invoice
from tests.edi.conftest import put
from tests.workers.test_sigkill import BROKER_URL, DATABASE_URL, Workers, broker_queue, wait_for  # noqa: F401
from tracking.routing import lifecycle_sweep

FILES = 20
KILL_AFTER = 3  # flows ended when the worker is killed

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not DATABASE_URL.startswith(("postgres://", "postgresql://"))
        or not BROKER_URL.startswith("redis://"),
        reason="needs the real PostgreSQL and Redis: set DATABASE_URL and CELERY_BROKER_URL",
    ),
    pytest.mark.django_db(transaction=True),
]


def test_a_worker_killed_mid_intake_loses_and_duplicates_no_edi_file(
    edi_server,
    tech_acme,
    cii,
    carla,
    broker_queue,  # noqa: F811 (the fixture imported above)
    tmp_path,
    monkeypatch,
    settings,
):
    # Given the workers see the same EDI folders as the SFTP server, and one worker is running
    monkeypatch.setenv("EDI_ROOT", str(settings.EDI_ROOT))
    workers = Workers(broker_queue, tmp_path)
    template = cii("EDI-KILL-0000")
    started = time.monotonic()
    try:
        first = workers.start("premier")
        sftp = edi_server.client("TECH-ACME")

        def ended() -> int:
            return DepositFlow.objects.exclude(status=DepositFlow._meta.get_field("status").default).count()

        # When ACME's system puts 20 invoices in depot/ and the worker is killed in the middle
        for i in range(FILES):
            content = template.replace(b"EDI-KILL-0000", f"EDI-KILL-{i:04d}".encode())
            put(sftp, f"depot/facture-{i:04d}.xml", content)
        wait_for(lambda: ended() >= KILL_AFTER, timeout=120, what=f"{KILL_AFTER} flows to end")
        Workers.kill(first)
        at_kill = ended()
        assert at_kill < FILES, "the worker finished before it could be killed: nothing was proven"
        # and a new worker is started, as `make worker` does (the periodic sweepers embedded); the
        # flow the killed worker had claimed is taken again once its claim is stale (10 s here)
        workers.start("second", beat=True)
        settings.CHORUS_FLOW_CLAIM_SECONDS = 10

        def all_ended() -> bool:
            flows_sweep(grace=timedelta(seconds=5))  # what cpro.flows_sweep does every 5 minutes
            return ended() == FILES

        wait_for(all_ended, timeout=180, what="every flow to end", interval=2)
        # (an invoice deposited by the killed worker may have lost its routing message, sent after
        # commit: the lifecycle's sweeper, run by beat every 5 minutes, re-sends it; run it now)
        lifecycle_sweep(grace=timedelta(0))
        wait_for(
            lambda: Invoice.objects.filter(status=S.MISE_A_DISPOSITION).count() == FILES,
            timeout=180,
            what="every invoice to reach MISE_A_DISPOSITION",
        )
        wait_for(
            lambda: len([n for n in sftp.listdir("retour") if "_CR_" in n]) == FILES,
            timeout=60,
            what="one CR per file in retour/",
        )
    finally:
        workers.stop_all()

    # Then each file was taken once: one claim, one flow, one invoice, one CR, all integrated
    assert sftp.listdir("depot") == []
    claims = EdiFile.objects.filter(kind=EdiFileKind.DEPOT)
    assert claims.count() == FILES and set(claims.values_list("state", flat=True)) == {EdiFileState.PRIS}
    assert Counter(DepositFlow.objects.values_list("status", flat=True)) == {"IN_INTEGRE": FILES}
    assert Counter(Invoice.objects.values_list("number", flat=True)) == {
        f"EDI-KILL-{i:04d}": 1 for i in range(FILES)
    }
    assert EdiFile.objects.filter(kind=EdiFileKind.CR).count() == FILES
    assert sorted(n.split("_CR_")[1][:-4] for n in sftp.listdir("retour")) == sorted(
        DepositFlow.objects.values_list("number", flat=True)
    )
    sys.stderr.write(
        f"\nEDI SIGKILL after {at_kill} flows ended; all {FILES} once after restart, "
        f"{time.monotonic() - started:.1f} s in all\n"
    )
