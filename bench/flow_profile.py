"""Where a deposit flow's worker time goes (issue #17): prints figures, asserts nothing.

Runs ``cpro.flux.flow_process`` in this process (no broker: the e-mails it enqueues after commit
run eagerly, as in a worker that picks them up at once) on ``--flows`` CII flows deposited by
TECH-ACME, each a single invoice or, with ``--batch N``, a ``.zip`` of N invoices, and prints the
CPU and the SQL queries per invoice, and with ``--profile`` the functions that took the most time
(cProfile, cumulative).

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/chorus_bench_prof
    createdb -h 127.0.0.1 -U postgres chorus_bench_prof
    .venv/bin/python manage.py migrate && .venv/bin/python manage.py seed_demo
    .venv/bin/python bench/flow_profile.py --flows 100 [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chorus.settings.base")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--flows", type=int, default=100)
    parser.add_argument("--batch", type=int, default=1, help="invoices per flow (a .zip when > 1)")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--show-queries", action="store_true", help="one more flow's SQL and who ran it")
    parser.add_argument(
        "--companions", type=int, default=15, help="flows a task takes along (0: one flow per task)"
    )
    args = parser.parse_args()

    if "bench" not in connection.settings_dict["NAME"]:
        sys.exit("Refusing to run: the database name must contain 'bench'.")

    from facturx import get_facturx_xml_from_pdf

    from accounts.models import TechnicalAccount
    from cpro.flux import flow_deposit, flow_process
    from cpro.samples import demo_facturx
    from suppliers.demo import ACME_SIRET

    account = TechnicalAccount.objects.select_related("supplier_structure").get(
        supplier_structure__identifier=ACME_SIRET, login="TECH-ACME"
    )

    from django.contrib.auth import get_user_model

    class Principal:
        supplier = account.supplier_structure
        owner = get_user_model().objects.get(email="fournisseur@chorus.test")

    # Deposit without running the integration (eager tasks would run it at once): the clock
    # below measures flow_process alone, as a worker picking the flows from its queue.
    import cpro.flux

    cpro.flux.task_send = lambda *args, **kwargs: None  # type: ignore[assignment]
    stamp = time.strftime("%Y%m%d%H%M%S")
    flows = []
    for i in range(args.flows):
        files = []
        for j in range(args.batch):
            name, pdf = demo_facturx(number=f"PROF-{stamp}-{i:05d}-{j:04d}")
            files.append((name[:-4] + ".xml", get_facturx_xml_from_pdf(pdf)[1]))
        if args.batch == 1:
            name, content = files[0]
        else:
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w") as bundle:
                for file_name, xml in files:
                    bundle.writestr(file_name, xml)
            name, content = f"lot-{i}.zip", buffer.getvalue()
        flows.append(
            flow_deposit(principal=Principal, content=content, filename=name, syntax="IN_DP_E1_CII_16B").pk
        )
    # Planner statistics, as a live database has them (autovacuum analyzes tables as they grow;
    # this machine's PostgreSQL runs without it): with none, the duplicate check of each deposit
    # reads every invoice the supplier deposited in earlier runs (≈ 5 ms per invoice more here).
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    # The first flow warms the caches (compiled schemas and XSLT), as a worker that has run once,
    # alone; the others are taken as a worker takes them from its queue: each task with up to
    # CHORUS_FLOW_COMPANIONS others waiting (``--companions``), whose own calls then do nothing.
    from django.test import override_settings

    with override_settings(CHORUS_FLOW_COMPANIONS=0):
        flow_process(flow_id=flows.pop(0))
    if args.show_queries:  # before the others: one flow alone, warm
        show_queries(flows.pop(), args.batch)
    taken_along = override_settings(CHORUS_FLOW_COMPANIONS=args.companions)
    taken_along.enable()

    profiler = cProfile.Profile() if args.profile else None
    cpu0, wall0 = time.process_time(), time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        if profiler:
            profiler.enable()
        for flow_id in flows:
            flow_process(flow_id=flow_id)
        if profiler:
            profiler.disable()
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    taken_along.disable()
    n = len(flows) * args.batch
    print(
        f"{len(flows)} flows of {args.batch}, up to {args.companions} taken along: "
        f"CPU {cpu / n * 1000:.1f} ms/invoice, "
        f"wall {wall / n * 1000:.1f} ms/invoice, {len(queries) / n:.1f} queries/invoice"
    )
    if profiler:
        stats = pstats.Stats(profiler)
        stats.sort_stats("cumulative").print_stats(args.top)
        stats.sort_stats("tottime").print_stats(args.top)


def show_queries(flow_id: int, batch: int) -> None:
    """Process one more flow, printing each statement and the innermost line of the project's
    own code that ran it: what a flow costs, statement by statement."""
    import traceback

    from cpro.flux import flow_process

    root = str(Path(__file__).resolve().parent.parent)
    lines: list[str] = []

    def origin(execute, sql, params, many, context):  # Django's execute_wrapper signature
        stack = traceback.extract_stack()[:-1]
        ours = [f for f in stack if f.filename.startswith(root) and "/.venv/" not in f.filename]
        last = ours[-1] if ours else None
        where = f"{Path(last.filename).relative_to(root)}:{last.lineno} {last.name}" if last else "?"
        lines.append(f"{where:60s} {sql[:110]}")
        return execute(sql, params, many, context)

    from django.test import override_settings

    with connection.execute_wrapper(origin), override_settings(CHORUS_FLOW_COMPANIONS=0):
        flow_process(flow_id=flow_id)
    print(f"\n{len(lines)} statements for one flow of {batch}:")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
