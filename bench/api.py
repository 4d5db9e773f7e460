"""API benchmark: prints figures, asserts nothing (issue #7, « Speed »).

Prerequisites (the same environment for the server, the workers and this script; a database and a
Redis DB of the benchmark's own, because phase 2 writes a million synthetic rows):

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/chorus_bench
    export CELERY_BROKER_URL=redis://127.0.0.1:6379/9 CACHE_URL=rediscache://127.0.0.1:6379/9
    export CPRO_RATE_LIMIT_PER_MINUTE=100000 DEBUG=false ALLOWED_HOSTS=127.0.0.1,localhost
    createdb -h 127.0.0.1 -U postgres chorus_bench
    .venv/bin/python manage.py migrate && .venv/bin/python manage.py seed_demo
    .venv/bin/gunicorn chorus.wsgi:application --bind 127.0.0.1:8791 --workers 3 &
    .venv/bin/celery -A chorus worker --concurrency 2 --loglevel=WARNING &
    .venv/bin/python bench/api.py --base-url http://127.0.0.1:8791 --deposits 200 --clients 8 \
        --seed-invoices 1000000 --search-queries 200

1. Deposit: ``--deposits`` invoices (ACME Fournitures → Commune de Beaufort-en-Anjou, built by
   ``cpro.samples.demo_facturx`` before the clock starts, distinct numbers; the CII XML by
   default, ``--format facturx`` for the PDFs) through ``deposer/flux`` from ``--clients``
   concurrent connectors (TECH-ACME); prints deposits/s accepted by the API, p50/p95 of
   ``deposer/flux``, then invoices/s ``MISE_A_DISPOSITION`` end to end (goal ≥ 50/s on 2 cores),
   the flows' own integration time, and where the CPU went; then the bare floor on the same
   files (``bench/floor.py``, 2 processes, no Django) and the ratio (goal ≥ 0.3).
2. Search: ``--seed-invoices`` tops the table up to that many invoices addressed to Beaufort, in
   PostgreSQL directly (``INSERT … SELECT generate_series`` in batches, then ``ANALYZE``), spread
   over two years, two suppliers and nine statuses; then times ``rechercher/recipiendaire``
   (TECH-BEAUFORT) for five query shapes and prints p50/p95 per shape and overall (goal p95 <
   100 ms), with ``--explain`` the PostgreSQL plan of each shape.
"""

from __future__ import annotations

import argparse
import base64
import os
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chorus.settings.base")

import django

django.setup()

import requests  # noqa: E402
from django.core.management import call_command  # noqa: E402

TECH_PASSWORD = "Demo-Tech-2026!"
CLK_TCK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


# --- HTTP helpers -------------------------------------------------------------------------------
def token(base: str) -> str:
    response = requests.post(
        f"{base}/api/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": "demo-client",
            "client_secret": "demo-client-secret",
            "scope": "openid",
        },
        timeout=30,
    )
    response.raise_for_status()
    return response.json()["access_token"]


def headers(access_token: str, login: str) -> dict[str, str]:
    account = base64.b64encode(f"{login}:{TECH_PASSWORD}".encode()).decode()
    return {
        "Authorization": f"Bearer {access_token}",
        "cpro-account": account,
        "Content-Type": "application/json;charset=utf-8",
    }


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100) of ``values``."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(p / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


# --- CPU accounting from /proc (no psutil in the virtualenv) -------------------------------------
def _proc_tree(root: int) -> list[int]:
    """``root`` and all its descendants (gunicorn master + workers, celery + prefork children)."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents.setdefault(int(fields[1]), []).append(int(entry))
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo += parents.get(pid, [])
    return tree


def _cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime + stime
    return total / CLK_TCK


def _run_queue_wait(pids: list[int]) -> float:
    """Seconds these processes spent runnable but waiting for a CPU (/proc/<pid>/schedstat, 2nd
    field): on a shared machine, the time lost to other people's processes."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/schedstat") as handle:
                total += int(handle.read().split()[1])
        except (OSError, IndexError, ValueError):
            continue
    return total / 1e9


def _system_busy() -> tuple[float, float]:
    """(busy, total) jiffies of the whole machine, from /proc/stat."""
    with open("/proc/stat") as handle:
        values = [int(v) for v in handle.readline().split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


def _database_backends() -> list[int]:
    """PIDs of the PostgreSQL backends serving this benchmark's database (same machine)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")
        return [row[0] for row in cursor.fetchall()]


class CpuMeter:
    """CPU seconds of each watched process tree, of this database's PostgreSQL backends, and the
    machine's busy share, over a phase (the machine is shared: the rest is other people's work)."""

    def __init__(self, watched: dict[str, int]) -> None:
        self.watched = {name: _proc_tree(pid) for name, pid in watched.items() if pid}
        self.before = {name: _cpu_seconds(pids) for name, pids in self.watched.items()}
        self.waits = {name: _run_queue_wait(pids) for name, pids in self.watched.items()}
        self.backends = {pid: _cpu_seconds([pid]) for pid in _database_backends()}
        self.system = _system_busy()
        self.client = time.process_time()

    def report(self, elapsed: float) -> None:
        busy, total = _system_busy()
        share = (busy - self.system[0]) / max(1, total - self.system[1])
        busy_seconds = (busy - self.system[0]) / CLK_TCK
        print(
            f"  CPU machine ({os.cpu_count()} cœurs) occupée à {share * 100:.0f} % pendant {elapsed:.1f} s "
            f"({busy_seconds:.1f} s CPU)"
        )
        ours = time.process_time() - self.client
        for name, pids in self.watched.items():
            # Re-read the tree: gunicorn or celery may have replaced a child meanwhile.
            tree = _proc_tree(pids[0])
            used = _cpu_seconds(tree) - self.before[name]
            waited = _run_queue_wait(tree) - self.waits[name]
            ours += used
            print(
                f"  CPU {name} : {used:.1f} s ({used / elapsed * 100:.0f} % d'un cœur), "
                f"{waited:.1f} s à attendre un cœur libre"
            )
        print(f"  CPU du client de bench : {time.process_time() - self.client:.1f} s")
        # A backend that ended during the phase is not counted: a lower bound.
        database = sum(_cpu_seconds([pid]) - self.backends.get(pid, 0) for pid in _database_backends())
        ours += database
        print(f"  CPU PostgreSQL (connexions de cette base, minorant) : {database:.1f} s")
        print(f"  CPU du reste (Redis, autres processus de la machine) : {busy_seconds - ours:.1f} s")


# --- Phase 1: deposits --------------------------------------------------------------------------
SYNTAX = {"cii": "IN_DP_E1_CII_16B", "facturx": "IN_DP_E2_CII_FACTURX"}


def generate(n: int, fmt: str) -> list[tuple[str, bytes]]:
    """``n`` valid French invoices ACME → Beaufort, each its own number: the Factur-X of
    ``cpro.samples.demo_facturx``, or (``cii``) the CII XML it embeds."""
    from facturx import get_facturx_xml_from_pdf

    from cpro.samples import demo_facturx

    stamp = time.strftime("%Y%m%d%H%M%S")
    files = [demo_facturx(number=f"BENCH-{stamp}-{i:06d}") for i in range(n)]
    if fmt == "facturx":
        return files
    return [(name.removesuffix(".pdf") + ".xml", get_facturx_xml_from_pdf(pdf)[1]) for name, pdf in files]


def run_floor(contents: list[bytes], database: dict, rules: str = "shipped") -> dict:
    """``bench/floor.py`` in a fresh interpreter (no Django imported anywhere in it), on the same
    files; its figures come back as JSON on its last line."""
    import json
    import subprocess
    import tempfile

    dsn = (
        f"host={database['HOST'] or '127.0.0.1'} port={database['PORT'] or 5432} "
        f"dbname={database['NAME']} user={database['USER']}"
    )
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for i, content in enumerate(contents):
            path = Path(folder) / f"{i:06d}.xml"
            path.write_bytes(content)
            paths.append(str(path))
        result = subprocess.run(
            [
                sys.executable,
                str(Path(__file__).resolve().parent / "floor.py"),
                "--json",
                "--rules",
                rules,
                "--dsn",
                dsn,
                *paths,
            ],
            capture_output=True,
            text=True,
            check=True,
        )
    return json.loads(result.stdout.strip().splitlines()[-1])


def load() -> str:
    return "load average " + " / ".join(f"{v:.1f}" for v in os.getloadavg())


def bench_deposits(
    base: str, n: int, clients: int, watched: dict[str, int], timeout: int, fmt: str, floor: bool
) -> None:
    from django.conf import settings

    from invoices.choices import FlowStatus
    from invoices.models import DepositFlow, Invoice

    print(
        f"\n== Dépôt : {n} {'CII' if fmt == 'cii' else 'Factur-X'}, {clients} clients concurrents "
        f"({load()}) ==",
        flush=True,
    )
    started = time.perf_counter()
    files = generate(n, fmt)
    generation = time.perf_counter() - started
    print(
        f"Génération préalable (hors chrono) : {generation:.1f} s, {generation / n * 1000:.0f} ms/PDF, "
        f"{sum(len(c) for _, c in files) / n / 1024:.0f} Kio/PDF",
        flush=True,
    )
    session_headers = headers(token(base), "TECH-ACME")
    numbers = [name.rsplit(".", 1)[0] for name, _ in files]
    sessions: dict[int, requests.Session] = {}  # one keep-alive session per thread, like a connector

    def deposit(item: tuple[str, bytes]) -> tuple[float, str]:
        session = sessions.setdefault(threading.get_ident(), requests.Session())
        name, content = item
        t0 = time.perf_counter()
        response = session.post(
            f"{base}/cpro/factures/v1/deposer/flux",
            headers=session_headers,
            json={
                "fichierFlux": base64.b64encode(content).decode(),
                "nomFichier": name,
                "syntaxeFlux": SYNTAX[fmt],
            },
            timeout=120,
        )
        elapsed = time.perf_counter() - t0
        response.raise_for_status()
        return elapsed, response.json()["numeroFluxDepot"]

    meter = CpuMeter(watched)
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        results = list(pool.map(deposit, files))
    accepted = time.perf_counter() - started
    latencies = [r[0] for r in results]
    flows = [r[1] for r in results]
    print(
        f"Dépôts acceptés par l'API : {n} en {accepted:.1f} s → {n / accepted:.1f} dépôts/s ; "
        f"deposer/flux p50 {ms(statistics.median(latencies))}, p95 {ms(percentile(latencies, 95))}, "
        f"max {ms(max(latencies))}",
        flush=True,
    )
    done = 0
    while True:
        # The flow's worker deposits the invoice; routing then makes it available in later tasks
        # (tracking.invoice_route…): wait for the status, or for every flow to end without one.
        done = Invoice.objects.filter(number__in=numbers, status="MISE_A_DISPOSITION").count()
        pending = DepositFlow.objects.filter(number__in=flows, status=FlowStatus.EN_ATTENTE).count()
        in_flight = Invoice.objects.filter(
            number__in=numbers, status__in=["DEPOSEE", "EN_COURS_ACHEMINEMENT"]
        ).count()
        if done >= n or (pending == 0 and in_flight == 0):
            break
        if time.perf_counter() - started > timeout:
            print(
                f"Abandon : {done}/{n} mises à disposition après {timeout} s "
                f"({pending} flux en attente, {in_flight} factures en cours)."
            )
            break
        time.sleep(0.25)
    total = time.perf_counter() - started
    end_to_end = done / total
    print(
        f"De bout en bout : {done}/{n} factures MISE_A_DISPOSITION en {total:.1f} s → "
        f"{end_to_end:.1f} factures/s (objectif ≥ 50/s) ({load()})",
        flush=True,
    )
    meter.report(total)
    if floor and fmt == "cii":
        bare = run_floor([content for _name, content in files], settings.DATABASES["default"])
        print(
            f"Plancher nu (lxml + XSD + XSLT EN 16931 officielle par Saxon + INSERT PostgreSQL, "
            f"2 processus sans Django) : {bare['invoices']} factures en {bare['seconds']:.1f} s → "
            f"{bare['rate']:.1f} factures/s ({bare['failed_asserts']} assertions en échec) ({load()})"
        )
        ratio = end_to_end / bare["rate"]
        print(f"Rapport bout en bout / plancher : {ratio:.2f} (objectif ≥ 0,3)", flush=True)
        # The same floor with the rules compiled as the portal runs them (same SVRL): what is left
        # of the portal's own overhead once the rules cost the same on both sides.
        portal = run_floor(
            [content for _name, content in files], settings.DATABASES["default"], rules="portal"
        )
        print(
            f"Plancher avec les règles compilées comme le portail les exécute (motifs aplatis, listes "
            f"de codes préchargées) : {portal['rate']:.1f} factures/s ; rapport "
            f"{end_to_end / portal['rate']:.2f} ({load()})",
            flush=True,
        )
    processed = DepositFlow.objects.filter(number__in=flows).exclude(status=FlowStatus.EN_ATTENTE)
    by_status: dict[str, int] = {}
    waits = []
    for flow in processed.only("status", "created_at", "processed_at"):
        by_status[flow.status] = by_status.get(flow.status, 0) + 1
        waits.append((flow.processed_at - flow.created_at).total_seconds())
    print(f"Flux : {by_status}")
    if waits:
        print(f"  dépôt → flux intégré : p50 {ms(statistics.median(waits))}, p95 {ms(percentile(waits, 95))}")
    available = Invoice.objects.filter(number__in=numbers, status="MISE_A_DISPOSITION").values_list(
        "status_changed_at", "flow__created_at"
    )
    spans = [(changed - created).total_seconds() for changed, created in available]
    if spans:
        print(
            f"  dépôt → MISE_A_DISPOSITION par facture : p50 {ms(statistics.median(spans))}, "
            f"p95 {ms(percentile(spans, 95))}, max {ms(max(spans))}"
        )
    rejected = processed.exclude(status=FlowStatus.INTEGRE).first()
    if rejected is not None:
        print(
            f"  exemple de flux non intégré {rejected.number} : {rejected.technical_errors or ''} "
            f"{rejected.invoice_errors or ''}"[:600]
        )


# --- Phase 2: search ----------------------------------------------------------------------------
SEED_STATUSES = (
    [  # weights of a year of traffic: most invoices end paid
        "MISE_EN_PAIEMENT"
    ]
    * 9
    + ["MISE_A_DISPOSITION"] * 3
    + ["SERVICE_FAIT"] * 2
    + ["MANDATEE", "COMPTABILISEE", "MISE_A_DISPOSITION_COMPTABLE", "SUSPENDUE", "REJETEE", "A_RECYCLER"]
)


def seed_invoices(rows: int, batch: int = 200_000) -> None:
    """Top ``invoices_invoice`` up to ``rows`` invoices addressed to Beaufort, in SQL (≈ 10 s per
    100,000 rows here: sixteen indexes to maintain). Synthetic numbers ``SYN-000000001``…, one
    invoice every 63 s back from now (two years for a million), alternately from ACME and the
    Boulangerie, Beaufort's FINANCES service."""
    from django.db import connection

    from entities.demo import BEAUFORT_SIRET
    from entities.models import PublicStructure, Service
    from invoices.models import Invoice
    from suppliers.demo import ACME_SIRET
    from suppliers.models import SupplierStructure

    if connection.vendor != "postgresql":
        raise SystemExit("--seed-invoices demande PostgreSQL (DATABASE_URL).")
    recipient = PublicStructure.objects.get(siret=BEAUFORT_SIRET)
    service = Service.objects.filter(structure=recipient, code="FINANCES").first()
    suppliers = list(SupplierStructure.objects.exclude(identifier=ACME_SIRET).order_by("pk")[:1])
    supplier_ids = [SupplierStructure.objects.get(identifier=ACME_SIRET).pk] + [s.pk for s in suppliers]
    existing = Invoice.objects.filter(number__startswith="SYN-").count()
    total_now = Invoice.objects.filter(recipient=recipient).count()
    missing = rows - total_now
    print(f"\n== Amorçage : {total_now} factures pour Beaufort, objectif {rows} ==", flush=True)
    if missing <= 0:
        return
    started = time.perf_counter()
    sql = """
        INSERT INTO invoices_invoice (
            kind, framework, number, invoice_date, invoice_year, supplier_service_code,
            validator_service_code, engagement_number, market_number, currency, vat_regime,
            vat_exemption_reason, payment_mode, iban, total_ht, total_vat, total_ttc, global_discount,
            global_discount_reason, prepaid_amount, amount_due, original_invoice_number, comment,
            channel, source_format, status, status_changed_at, deposited_at, fingerprint, due_date,
            paused_days, mandate_number, downloaded_by_recipient, created_at, updated_at, parties,
            recipient_id, recipient_service_id, supplier_id, document_by_portal)
        SELECT 'FACTURE', 'A1_FACTURE_FOURNISSEUR', 'SYN-' || lpad(g::text, 9, '0'), d::date,
            extract(year FROM d)::int, '', '', '', '', 'EUR', 'TVA_SUR_DEBIT', '', 'VIREMENT', '',
            ht, round(ht * 0.2, 2), ht + round(ht * 0.2, 2), 0, '', 0, ht + round(ht * 0.2, 2), '', '',
            'UPLOAD_API', 'FACTURX', (%(statuses)s::text[])[1 + g %% %(nstatuses)s],
            d + interval '3 days', d, '', (d + interval '30 days')::date, 0, '', g %% 3 = 0, d, d, '{}',
            %(recipient)s, %(service)s, (%(suppliers)s::bigint[])[1 + g %% %(nsuppliers)s], false
        FROM (
            SELECT g, now() - g * interval '63 seconds' AS d,
                round((10 + (g::bigint * 7919) %% 50000)::numeric, 2) AS ht
            FROM generate_series(%(first)s, %(last)s) AS g
        ) AS s
    """
    with connection.cursor() as cursor:
        for first in range(existing + 1, existing + missing + 1, batch):
            last = min(first + batch - 1, existing + missing)
            cursor.execute(
                sql,
                {
                    "statuses": SEED_STATUSES,
                    "nstatuses": len(SEED_STATUSES),
                    "recipient": recipient.pk,
                    "service": service.pk if service else None,
                    "suppliers": supplier_ids,
                    "nsuppliers": len(supplier_ids),
                    "first": first,
                    "last": last,
                },
            )
            elapsed = time.perf_counter() - started
            print(f"  {last - existing}/{missing} insérées ({elapsed:.0f} s)", flush=True)
        # VACUUM too: the visibility map lets the capped COUNT run as an index-only scan, as it does
        # in production once autovacuum has passed (right after a bulk load it has not yet).
        cursor.execute("VACUUM (ANALYZE) invoices_invoice")
    print(f"Amorçage : {missing} factures en {time.perf_counter() - started:.0f} s (VACUUM ANALYZE compris)")


def search_shapes() -> dict[str, dict[str, Any]]:
    from django.utils import timezone

    today = timezone.localdate()
    return {
        "sans filtre": {},
        "par statut": {"statutCourant": ["SUSPENDUE"]},
        "période de dépôt (1 mois)": {
            "periodeDateDepotDu": str(today - timedelta(days=200)),
            "periodeDateDepotAu": str(today - timedelta(days=170)),
        },
        "par numéro": {"numeroFacture": "SYN-000424242"},
        "page 2": {"paramRecherche": {"nbResultatsParPage": 50, "pageResultatDemandee": 2}},
    }


def bench_search(base: str, queries: int, show_plans: bool, watched: dict[str, int]) -> None:
    from invoices.models import Invoice

    print(f"\n== Recherche : {Invoice.objects.count()} factures en base ==", flush=True)
    session = requests.Session()
    session_headers = headers(token(base), "TECH-BEAUFORT")
    shapes = search_shapes()
    url = f"{base}/cpro/factures/v1/rechercher/recipiendaire"
    for body in shapes.values():  # warm-up: connections, caches, first plans
        session.post(url, headers=session_headers, json=body, timeout=60).raise_for_status()
    latencies: dict[str, list[float]] = {name: [] for name in shapes}
    totals: dict[str, Any] = {}
    meter = CpuMeter(watched)
    started = time.perf_counter()
    names = list(shapes)
    for i in range(queries):
        name = names[i % len(names)]
        t0 = time.perf_counter()
        response = session.post(url, headers=session_headers, json=shapes[name], timeout=60)
        latencies[name].append(time.perf_counter() - t0)
        response.raise_for_status()
        payload = response.json()
        totals[name] = (payload.get("total"), len(payload.get("listeFactures") or []))
    every = [v for values in latencies.values() for v in values]
    for name, values in latencies.items():
        print(
            f"  {name:28} p50 {ms(statistics.median(values)):>8}, p95 {ms(percentile(values, 95)):>8} "
            f"(total {totals[name][0]}, {totals[name][1]} lignes)"
        )
    print(
        f"rechercher/recipiendaire, {queries} requêtes : p50 {ms(statistics.median(every))}, "
        f"p95 {ms(percentile(every, 95))} (objectif p95 < 50 ms)"
    )
    meter.report(time.perf_counter() - started)
    if show_plans:
        print_plans(shapes)


def print_plans(shapes: dict[str, dict[str, Any]]) -> None:
    """EXPLAIN ANALYZE of the SQL the view runs for each shape, captured from the view itself."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIClient

    client = APIClient()
    access = token_local()
    for name, body in shapes.items():
        with CaptureQueriesContext(connection) as captured:
            client.post(
                "/cpro/factures/v1/rechercher/recipiendaire",
                body,
                format="json",
                HTTP_HOST="127.0.0.1",
                **{
                    f"HTTP_{k.upper().replace('-', '_')}": v
                    for k, v in headers(access, "TECH-BEAUFORT").items()
                    if k != "Content-Type"
                },
            )
        for query in captured.captured_queries:
            sql = query["sql"]
            if "invoices_invoice" not in sql:
                continue
            print(f"\n--- {name} ({query['time']} s) ---\n{sql[:400]}…")
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
                print("\n".join(row[0] for row in cursor.fetchall()))


def token_local() -> str:
    from rest_framework.test import APIClient

    response = APIClient().post(
        "/api/oauth/token",
        {
            "grant_type": "client_credentials",
            "client_id": "demo-client",
            "client_secret": "demo-client-secret",
            "scope": "openid",
        },
        HTTP_HOST="127.0.0.1",
    )
    return response.json()["access_token"]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--base-url", default=os.environ.get("SITE_URL", "http://127.0.0.1:8000"))
    parser.add_argument("--deposits", "--invoices", type=int, default=200, dest="deposits")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seed-invoices", "--search-rows", type=int, default=1_000_000, dest="seed")
    parser.add_argument("--search-queries", type=int, default=200)
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE of each search shape")
    parser.add_argument("--gunicorn-pid", type=int, default=0, help="to measure its CPU (and workers')")
    parser.add_argument(
        "--celery-pid",
        type=int,
        default=[],
        action="append",
        help="to measure its CPU (and children's); repeat for several workers",
    )
    parser.add_argument(
        "--format",
        choices=["cii", "facturx"],
        default="cii",
        help="deposit CII XML (IN_DP_E1_CII_16B, the issue's case) or Factur-X PDFs",
    )
    parser.add_argument("--no-floor", action="store_true", help="skip the bare floor (bench/floor.py)")
    parser.add_argument("--timeout", type=int, default=1800, help="seconds to wait for MISE_A_DISPOSITION")
    parser.add_argument("--skip-deposits", action="store_true")
    parser.add_argument("--skip-search", action="store_true")
    args = parser.parse_args()
    base = args.base_url.rstrip("/")
    print(f"Chorus bench API — {time.strftime('%Y-%m-%d %H:%M:%S %Z')}, {os.cpu_count()} cœurs, {base}")
    call_command("seed_demo", verbosity=0)
    if not args.skip_deposits:
        watched = {"gunicorn": args.gunicorn_pid}
        watched.update({f"celery {i + 1}": pid for i, pid in enumerate(args.celery_pid)})
        bench_deposits(
            base, args.deposits, args.clients, watched, args.timeout, args.format, not args.no_floor
        )
    if not args.skip_search:
        seed_invoices(args.seed)
        bench_search(base, args.search_queries, args.explain, {"gunicorn": args.gunicorn_pid})


if __name__ == "__main__":
    main()
