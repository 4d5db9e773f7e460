"""Benchmark of the directory import and search on PostgreSQL (prints figures; not a test).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/chorus_bench .venv/bin/python bench/directory.py

It migrates that database, generates a directory export of 150,000 structures (the size of the
real one) and a services file, then times ``directory_import``:
1. the first import (every row created),
2. the same files again (every row unchanged: checked, not rewritten),
3. an export where 10 % of the structures and services changed (updated in place),
and finally the latency of typical directory searches, with the plan PostgreSQL chose. For each
import it prints the wall time of each phase (``ImportReport.timings``), the CPU time of this
process (reading and checking the rows) and of its PostgreSQL backend (writing them), and the
load average: the two run at the same time, on the machine's two cores.

The database must be a throw-away one: its name must contain "bench" (it receives 150,000 rows).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chorus.settings.base")

TOWNS = [
    "BEAUFORT EN ANJOU",
    "QUIMPER",
    "BREST",
    "RENNES",
    "NANTES",
    "ANGERS",
    "SAINT MALO",
    "LORIENT",
    "VANNES",
    "MORLAIX",
    "CONCARNEAU",
    "DOUARNENEZ",
    "CHATEAULIN",
    "LANDERNEAU",
    "SAUMUR",
    "CHOLET",
    "LAVAL",
    "LE MANS",
    "TOURS",
    "ORLEANS",
    "BOURGES",
    "LIMOGES",
    "POITIERS",
    "LA ROCHELLE",
    "NIORT",
]
KINDS = [
    ("2", "COMMUNE DE {town}"),
    ("2", "CENTRE COMMUNAL D ACTION SOCIALE DE {town}"),
    ("2", "SYNDICAT INTERCOMMUNAL DES EAUX DE {town}"),
    ("26", "CENTRE HOSPITALIER DE {town}"),
    ("1", "DIRECTION DEPARTEMENTALE DES FINANCES PUBLIQUES {town}"),
    ("1", "LYCEE PUBLIC DE {town}"),
    ("5", "SOCIETE PUBLIQUE LOCALE DE {town}"),
]
SERVICE_NAMES = ["FINANCES", "TECHNIQUE", "ARCHIVES", "ECOLES", "VOIRIE", "URBANISME", "RH", "ACHATS"]


def siret_for(prefix: str, n: int) -> str:
    """A valid, unique SIRET: SIREN = prefix + n on 8 digits + Luhn key, NIC 0001 + key."""
    from stdnum import luhn

    siren8 = prefix + f"{n:0{8 - len(prefix)}d}"
    siren = siren8 + luhn.calc_check_digit(siren8)
    nic4 = "0001"
    return siren + nic4 + luhn.calc_check_digit(siren + nic4)


def generate(
    directory: Path, rows: int, *, changed_share: float = 0.0, seed: int = 42
) -> tuple[Path, Path, int]:
    """Write the structures and services files; return their paths and the number of services."""
    from entities.directory_import import SERVICE_COLUMNS, STRUCTURE_COLUMNS

    rng = random.Random(seed)
    change = random.Random(seed + 1)
    structures = directory / f"annuaire-{changed_share:.2f}.csv"
    services = directory / f"services-{changed_share:.2f}.csv"
    n_services = 0
    with structures.open("w", encoding="utf-8") as s_out, services.open("w", encoding="utf-8") as v_out:
        s_out.write(";".join(STRUCTURE_COLUMNS) + "\n")
        v_out.write(";".join(SERVICE_COLUMNS) + "\n")
        for i in range(rows):
            prefix, pattern = rng.choice(KINDS)
            town = rng.choice(TOWNS)
            siret = siret_for(prefix, i)
            changed = change.random() < changed_share
            name = pattern.format(town=town) + f" {i}"
            flags = [rng.random() < p for p in (0.02, 0.02, 0.9, 0.15, 0.35, 0.05, 0.1, 0.01)]
            if changed:
                flags[4] = not flags[4]  # GestionService flips
            postcode = f"{rng.randint(1, 95):02d}{rng.randint(0, 999):03d}"
            values = [
                "SIRET",
                siret,
                name,
                *("true" if f else "false" for f in flags[:8]),
                "true",
                f"{rng.randint(1, 200)} RUE DE LA MAIRIE",
                "",
                "",
                postcode,
                town,
                "0298000000",
                f"contact{i}@exemple.test",
                "FR",
                "FRANCE",
            ]
            s_out.write(";".join(values) + "\n")
            for code in rng.sample(SERVICE_NAMES, rng.choice((0, 0, 1, 1, 2, 3))):
                label = f"SERVICE {code} {'(modifié)' if changed else ''}".strip()
                v_out.write(f"{siret};{code};{label};false;true;;\n")
                n_services += 1
    return structures, services, n_services


PHASES = (
    ("structures.prefetch", "structures : verrou + lecture des clés et MD5 existants"),
    ("structures.copy", "structures : contrôle des lignes + COPY des nouvelles"),
    ("structures.update", "structures : UPDATE des lignes changées"),
    ("services.prefetch", "services : verrou + lecture des clés et MD5 existants"),
    ("services.copy", "services : contrôle des lignes + COPY des nouveaux"),
    ("services.update", "services : UPDATE des lignes changées"),
    ("commit", "COMMIT (contrôles de clés étrangères différés compris)"),
)


def _backend_cpu() -> float | None:
    """CPU seconds of this connection's PostgreSQL backend, when it runs on this machine."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_import(label: str, structures: Path, services: Path, rows: int, n_services: int) -> float:
    """Run one import, print its figures; return the seconds of the structures file."""
    from entities.directory_import import directory_import

    finished: dict[str, float] = {}

    def progress(name: str, done: int, total: int) -> None:
        if done >= total:
            finished[name] = time.perf_counter()

    load = os.getloadavg()[0]
    backend_before = _backend_cpu()
    python_before = time.process_time()
    started = time.perf_counter()
    report = directory_import(structures_file=structures, services_file=services, progress=progress)
    elapsed = time.perf_counter() - started
    python_cpu = time.process_time() - python_before
    backend_after = _backend_cpu()
    s_time = finished[structures.name] - started
    v_time = elapsed - s_time
    print(
        f"{label}\n"
        f"   structures : {rows:>7} lignes en {s_time:5.1f} s = {rows / s_time:7,.0f} lignes/s "
        f"(créées {report.structures_created}, mises à jour {report.structures_updated}, "
        f"inchangées {report.structures_unchanged})\n"
        f"   services   : {n_services:>7} lignes en {v_time:5.1f} s = {n_services / v_time:7,.0f} lignes/s "
        f"(créés {report.services_created}, mis à jour {report.services_updated}, "
        f"inchangés {report.services_unchanged})\n"
        f"   total      : {rows + n_services:>7} lignes en {elapsed:5.1f} s = "
        f"{(rows + n_services) / elapsed:7,.0f} lignes/s, une transaction, {len(report.rejected)} rejet(s)"
    )
    for key, phase in PHASES:
        if key in report.timings:
            print(f"      {report.timings[key]:6.2f} s  {phase}")
    cpu = f"   CPU : Python {python_cpu:.1f} s"
    if backend_before is not None and backend_after is not None:
        cpu += f", PostgreSQL {backend_after - backend_before:.1f} s"
    print(f"{cpu} ; charge moyenne {load:.1f} → {os.getloadavg()[0]:.1f}")
    return s_time


def time_searches() -> None:
    from django.db import connection

    from entities.selectors import directory_search

    cases = [
        ("nom : « hospitalier quimper »", {"query": "hospitalier quimper"}),
        ("nom : « commune »", {"query": "commune"}),
        ("SIRET exact", {"query": "21490244700017"}),
        ("préfixe SIRET « 2000 »", {"query": "2000"}),
        ("code postal « 29 »", {"postcode": "29"}),
        ("ville « saint malo »", {"city": "saint malo"}),
        ("sans critère (page 1)", {}),
        ("nom + services (JSON)", {"query": "syndicat eaux brest", "with_services": True}),
    ]
    print("\nRecherches dans l'annuaire (20 résultats, 15 essais, médiane / max) :")
    for label, kwargs in cases:
        timings = []
        for _ in range(15):
            started = time.perf_counter()
            directory_search(limit=20, **kwargs)
            timings.append((time.perf_counter() - started) * 1000)
        print(f"  {label:<32} {statistics.median(timings):7.1f} ms  {max(timings):7.1f} ms")
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        directory_search(query="hospitalier quimper", limit=21)
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + captured.captured_queries[-1]["sql"])
        print("\nPlan de « hospitalier quimper » :")
        for (line,) in cursor.fetchall():
            print("  " + line)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=150_000)
    parser.add_argument("--force", action="store_true", help="accept a database whose name lacks 'bench'")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    db = settings.DATABASES["default"]
    if not db["ENGINE"].startswith("django.db.backends.postgresql"):
        sys.exit("Ce banc se lance sur PostgreSQL : DATABASE_URL=postgres://…/chorus_bench")
    if "bench" not in db["NAME"] and not args.force:
        sys.exit(
            f"La base {db['NAME']} va recevoir {args.rows} structures : donnez-lui un nom contenant 'bench'."
        )
    from django.db import connection

    from entities.models import PublicStructure, Service

    call_command("migrate", verbosity=0)
    Service.objects.all().delete()
    PublicStructure.objects.filter(memberships__isnull=True).delete()
    with connection.cursor() as cursor:
        # What autovacuum does after such a delete (it is off on the shared bench server): the
        # first import then writes into an empty table, as in a new database, not beside 150,000
        # dead rows whose index entries each SIRET insertion would have to check (≈ +0.5 s).
        cursor.execute("VACUUM (ANALYZE) entities_service")
        cursor.execute("VACUUM (ANALYZE) entities_publicstructure")

    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        structures, services, n_services = generate(Path(tmp), args.rows)
        changed_s, changed_v, changed_n = generate(Path(tmp), args.rows, changed_share=0.10)
        print(
            f"Fichiers générés : {args.rows} structures, {n_services} services "
            f"({time.perf_counter() - started:.1f} s)\n"
        )
        first = run_import("1. premier import", structures, services, args.rows, n_services)
        again = run_import("2. même fichier à nouveau", structures, services, args.rows, n_services)
        changed = run_import("3. 10 % des lignes changées", changed_s, changed_v, args.rows, changed_n)
        stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        print(f"\nstructures : {first:.1f} s / {again:.1f} s / {changed:.1f} s ({stamp})")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE entities_publicstructure")
        cursor.execute("ANALYZE entities_service")
    time_searches()


if __name__ == "__main__":
    main()
