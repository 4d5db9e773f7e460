"""Deposit flows (``deposer/flux``): receive a file or a batch, then integrate it in a worker.

``flow_deposit`` stores the file and the ``DepositFlow`` row (state
``IN_DEPOT_PORTAIL_EN_ATTENTE_TRAITEMENT_SE_CPP``) and enqueues ``cpro.flow_process`` after
commit, by id. ``flow_process`` hands each document to ``invoices.intake.document_intake`` (the
portal upload's engine: security, XSD, EN 16931 rules, Chorus Pro checks, deposit), with the
flow's declared syntax and no PDF to complete; the flow ends ``IN_INTEGRE`` (every invoice deposited),
``IN_INTEGRE_PARTIEL`` (some) or ``IN_REJETE`` (none), with ``listeErreurTechnique`` (the file
cannot be read) and ``listeErreurDP`` (an invoice is refused) in full French sentences, each
starting with the rule id (reference §1.4).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import secrets
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import TechnicalAccount
from common.memo import batch_memo, memoized
from common.tasks import task_send
from invoices.choices import Channel, FlowStatus
from invoices.intake import document_intake
from invoices.lifecycle.machine import dispatch_deferred
from invoices.models import DepositFlow
from invoices.validation import BatchError, split_batch
from tracking.dispatch import invoices_dispatch

logger = logging.getLogger(__name__)

ACCEPTED_SYNTAXES = ("IN_DP_E1_CII_16B", "IN_DP_E1_UBL_INVOICE", "IN_DP_E2_CII_FACTURX")
BATCH_SUFFIXES = (".tar.gz", ".tgz", ".zip")
# One issue message is at most this long in a report; a flow lists at most this many issues per
# invoice (a broken file can raise hundreds of rule failures).
MAX_ISSUES_PER_DOCUMENT = 20
# The integration task's time limit (``cpro.tasks``) is below the broker's visibility timeout
# (600 s): a running task is never delivered to a second worker. Its claim lasts longer.
FLOW_TASK_TIME_LIMIT = 540


def _flow_claim_timeout() -> timedelta:
    """How long a claim protects its flow (``CHORUS_FLOW_CLAIM_SECONDS``, default the task's limit
    plus a minute: a live task never loses it; tests of a killed worker shorten it)."""
    return timedelta(seconds=getattr(settings, "CHORUS_FLOW_CLAIM_SECONDS", FLOW_TASK_TIME_LIMIT + 60))


def flow_number() -> str:
    """``numeroFluxDepot``: date plus 40 random bits, unique by construction (and by the
    database's unique constraint)."""
    return f"CPP{timezone.localtime():%Y%m%d}{secrets.token_hex(5).upper()}"


def is_batch(filename: str, content: bytes) -> bool:
    name = filename.lower()
    return name.endswith(BATCH_SUFFIXES) or content[:2] == b"\x1f\x8b" or content[:4] == b"PK\x03\x04"


def flow_deposit(
    *,
    principal: Any,
    content: bytes,
    filename: str,
    syntax: str,
    channel: str = "",
    number: str = "",
) -> Any:
    """Store the flow and schedule its integration. Returns the ``DepositFlow``.

    ``channel`` is the flow's ``modeDepot`` (the API's by default; ``EDI`` for the SFTP drop
    folder). ``number`` lets a caller choose the ``numeroFluxDepot`` beforehand so that a retry
    after a crash finds the flow it already created (the number is unique in the database)."""
    number = number or flow_number()
    # The file is written before the transaction (no storage I/O inside atomic()); a failed
    # insert leaves an orphan file, never a row without its file.
    stored = default_storage.save(f"flux/{timezone.now():%Y/%m}/{number}.bin", ContentFile(content))
    # One INSERT: in autocommit (the API's handler) it needs no transaction of its own, two
    # statements fewer per deposit (issue #17); inside a caller's transaction, a savepoint keeps
    # a duplicate number from breaking it. The task is sent once the row is committed.
    in_transaction = transaction.get_connection().in_atomic_block
    with transaction.atomic() if in_transaction else contextlib.nullcontext():
        flow = DepositFlow.objects.create(
            number=number,
            syntax=syntax,
            channel=channel or Channel.UPLOAD_API,
            status=FlowStatus.EN_ATTENTE,
            filename=filename[:255],
            file=stored,
            sha256=hashlib.sha256(content).hexdigest(),
            supplier=principal.supplier,
            created_by=principal.owner,
        )
    flow_id = flow.pk
    transaction.on_commit(lambda: task_send("cpro.flow_process", flow_id))
    return flow


def _sentence(problem: Any) -> str:
    """« [RULE-ID] message (BT-xx – label : « value ») », the report's French sentence."""
    where = ""
    if problem.bt:
        where = f" ({problem.bt}{' – ' + problem.bt_label if problem.bt_label else ''}"
        where += f" : « {problem.value[:80]} »)" if problem.value else ")"
    return f"[{problem.rule_id}] {problem.message}{where}"


def _sentences(problems: list[Any]) -> list[str]:
    """At most ``MAX_ISSUES_PER_DOCUMENT`` sentences, and how many more there were."""
    sentences = [_sentence(p) for p in problems[:MAX_ISSUES_PER_DOCUMENT]]
    if len(problems) > MAX_ISSUES_PER_DOCUMENT:
        sentences.append(
            _("… et %(n)d autre(s) erreur(s) dans ce document.")
            % {"n": len(problems) - MAX_ISSUES_PER_DOCUMENT}
        )
    return sentences


def _rule_id(sentence: str) -> str:
    return sentence[1 : sentence.index("]")] if sentence.startswith("[") and "]" in sentence else ""


def _dp_error(*, flow: Any, number: str, buyer: str, message: str) -> dict[str, str]:
    return {
        "identifiantFournisseur": flow.supplier.identifier if flow.supplier_id else "",
        "identifiantDestinataire": buyer or "",
        "numeroDP": number or "",
        "codeErreurDP": _rule_id(message),
        "libelleErreurDP": message,
    }


def flow_process(*, flow_id: int) -> str | None:
    """Integrate flow ``flow_id`` (idempotent: a flow already processed is left as it is; after a
    crash, invoices already deposited from this flow are counted, not deposited twice).

    Each document goes through ``invoices.intake.document_intake``, the engine of the portal's
    upload: the same four layers, the same deposit; this function only writes the report.
    Other single flows waiting are taken along (``_flow_companions_claim``); if the task fails
    midway, those it has not finished are taken up once their claim is stale, as a killed
    worker's flow is (``flows_sweep``). Returns the status of flow ``flow_id``, or None when
    another task has it."""

    now = timezone.now()
    first_claim = _flow_claim(flow_id=flow_id, now=now)
    if first_claim is None:
        return None
    companions = _flow_companions_claim(flow_id=flow_id, now=now)
    flows = DepositFlow.objects.select_related("supplier").in_bulk([flow_id, *companions])
    deposited: list[int] = []
    fresh: dict[int, tuple[int, Any]] = {}  # invoice → its deposit event and instance, written here
    status = None
    # The invoices of a batch, and of the flows taken along, share their structures, services
    # and audiences: looked up once.
    with batch_memo():
        for pk in (flow_id, *companions):
            flow = flows[pk]
            with flow.file.open("rb") as handle:
                content = handle.read()
            if pk != flow_id and is_batch(flow.filename, content):
                # A batch under another name: its own message (sent again) takes it alone.
                _flow_release(flow_id=pk, now=now)
                continue
            integrated = _flow_integrate(
                flow=flow,
                content=content,
                now=now,
                first_claim=first_claim if pk == flow_id else True,
                deposited=deposited,
                fresh=fresh,
            )
            if pk == flow_id:
                status = integrated
        # Routing and availability of every invoice deposited, in this unit of work, once every
        # report is written (killed before, the sweeper finds the deposits not dispatched).
        invoices_dispatch(invoice_ids=deposited, fresh=fresh)
    return status


def _flow_claim(*, flow_id: int, now: datetime) -> bool | None:
    """Claim flow ``flow_id`` at ``now`` (compare-and-set): a redelivered message, or a second
    worker, finds it taken and does nothing. True: claimed for the first time; False: a stale
    claim (older than its timeout: its worker died) taken over; None: not ours to process."""
    waiting = DepositFlow.objects.filter(pk=flow_id, status=FlowStatus.EN_ATTENTE)
    if waiting.filter(claimed_at__isnull=True).update(claimed_at=now):
        return True
    if waiting.filter(claimed_at__lt=now - _flow_claim_timeout()).update(claimed_at=now):
        return False
    return None


def _flow_companions_claim(*, flow_id: int, now: datetime) -> list[int]:
    """Claim, with flow ``flow_id``, up to ``CHORUS_FLOW_COMPANIONS`` other flows waiting and never
    claimed, oldest first, whose name is not a batch's.

    Under a burst of single-invoice deposits the queue holds hundreds of them; taken together they
    share their look-ups and notices as a ``.zip``'s invoices do (issue #17: 33 → 24 ms of worker
    CPU per invoice here), and their own messages then find them claimed. Rows another worker is
    claiming at this moment are skipped, not waited for."""
    limit = getattr(settings, "CHORUS_FLOW_COMPANIONS", 0)
    if limit <= 0:
        return []
    waiting = DepositFlow.objects.filter(status=FlowStatus.EN_ATTENTE, claimed_at__isnull=True).exclude(
        pk=flow_id
    )
    for suffix in BATCH_SUFFIXES:
        waiting = waiting.exclude(filename__iendswith=suffix)
    oldest = waiting.order_by("pk").values("pk")[:limit]
    # One statement, UPDATE … RETURNING (the ORM's update() does not say which rows it took):
    # no transaction of its own, one round trip when nothing waits (the common case). The ORM
    # compiles FOR UPDATE only inside a transaction, hence the clause written here.
    select, params = oldest.query.sql_with_params()
    if connection.features.has_select_for_update_skip_locked:
        select += " FOR UPDATE SKIP LOCKED"
    table, quote = DepositFlow._meta.db_table, connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            # Quoted names and the ORM's own compiled SQL with its parameters: nothing interpolated.
            f"UPDATE {quote(table)} SET {quote('claimed_at')} = %s "  # noqa: S608
            f"WHERE {quote('id')} IN ({select}) RETURNING {quote('id')}",
            (connection.ops.adapt_datetimefield_value(now), *params),
        )
        return sorted(row[0] for row in cursor.fetchall())


def _flow_release(*, flow_id: int, now: datetime) -> None:
    """Give back a flow claimed at ``now`` and send its message again."""
    DepositFlow.objects.filter(pk=flow_id, status=FlowStatus.EN_ATTENTE, claimed_at=now).update(
        claimed_at=None
    )
    transaction.on_commit(lambda: task_send("cpro.flow_process", flow_id))


def _flow_integrate(
    *,
    flow: Any,
    content: bytes,
    now: datetime,
    first_claim: bool,
    deposited: list[int],
    fresh: dict[int, tuple[int, Any]],
) -> str:
    """Deposit each document of a flow claimed at ``now`` and write its report; the invoices
    deposited are added to ``deposited`` and ``fresh`` for the caller to dispatch."""
    technical: list[dict[str, str]] = []
    documents: list[tuple[str, bytes]] = []
    if is_batch(flow.filename, content):
        try:
            documents = split_batch(content=content, filename=flow.filename)
        except BatchError as exc:
            technical.append(
                {"codeErreur": exc.code, "libelleErreur": f"[{exc.code}] {exc.message}", "numeroDP": ""}
            )
    else:
        documents = [(flow.filename, content)]
    dp_errors: list[dict[str, str]] = []
    account = _technical_account_of(flow)
    integrated = 0
    for name, data in documents:
        # The deposit's dispatch is not sent as a task per invoice: the caller runs each
        # invoice's automatic chain itself once the reports are written (issue #17: one task per
        # flow). Killed before that, the sweeper finds the deposit events not dispatched.
        with dispatch_deferred() as events:
            outcome = document_intake(
                supplier=flow.supplier,
                actor=account,
                name=name,
                content=data,
                channel=flow.channel or Channel.UPLOAD_API,
                flow=flow,
                declared_syntax=flow.syntax,
                structured_only=True,
                # The flow's report (listeErreurDP) carries errors only: no BR-FR advice.
                advice=False,
                # Nothing of a flow claimed for the first time can be deposited already.
                resumed=not first_claim,
            )
        if outcome.accepted:
            integrated += 1
            deposited.append(outcome.invoice.pk)
            if events:
                fresh[outcome.invoice.pk] = (events[0], outcome.invoice)
            continue
        sentences = _sentences(outcome.errors)
        if not outcome.readable:
            # Nothing of an invoice could be read: a technical error of the file (reference §1.4).
            technical += [
                {"codeErreur": _rule_id(e), "libelleErreur": f"{name} : {e}", "numeroDP": ""}
                for e in sentences
            ]
        else:
            dp_errors += [
                _dp_error(
                    flow=flow, number=outcome.invoice_number, buyer=outcome.recipient_identifier, message=e
                )
                for e in sentences
            ]
    if integrated and (dp_errors or technical):
        status = FlowStatus.INTEGRE_PARTIEL
    elif integrated:
        status = FlowStatus.INTEGRE
    else:
        status = FlowStatus.REJETE
    # Compare-and-set on our claim: a worker that lost it (stale) cannot overwrite the report.
    DepositFlow.objects.filter(pk=flow.pk, status=FlowStatus.EN_ATTENTE, claimed_at=now).update(
        status=status,
        processed_at=timezone.now(),
        technical_errors=technical,
        invoice_errors=dp_errors,
    )
    return status


def _technical_account_of(flow: Any) -> Any:
    """The supplier's technical account acts for the deposits of its flows (the invoice checks
    verify that it belongs to the supplier)."""

    return memoized(
        ("flow_account", flow.supplier_id),
        lambda: TechnicalAccount.objects.filter(supplier_structure_id=flow.supplier_id).first(),
    )


def flows_sweep(
    *, now: datetime | None = None, grace: timedelta = timedelta(minutes=10), limit: int = 500
) -> int:
    """Re-enqueue the flows still waiting after ``grace`` (lost message) or whose claim is stale
    (worker killed mid-flow: its deposits are found again, not made twice). Returns how many."""
    now = now or timezone.now()
    ids = list(
        DepositFlow.objects.filter(status=FlowStatus.EN_ATTENTE)
        .filter(
            Q(claimed_at__isnull=True, created_at__lt=now - grace)
            | Q(claimed_at__lt=now - _flow_claim_timeout())
        )
        .values_list("pk", flat=True)[:limit]
    )
    for flow_id in ids:
        task_send("cpro.flow_process", flow_id)
    return len(ids)
