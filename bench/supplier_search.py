"""Benchmark of the search of supplier structures (the invoice form's validator / maître d'œuvre
field) on PostgreSQL at 900,000 structures (prints figures; not a test).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/chorus_bench .venv/bin/python bench/supplier_search.py

It migrates that database, inserts the structures with one ``generate_series`` (names made of
common words, one in ten a private person; a second run keeps them), then times typical searches
(median and max of 15) and prints the plan PostgreSQL chose for a name and a SIRET prefix.

The database must be a throw-away one: its name must contain "bench".
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chorus.settings.base")

# Common words of company names, so that a search for one matches a large share of the table.
FILL = """
INSERT INTO suppliers_supplierstructure (identifier_type, identifier, name, address,
    address_complement, postcode, city, country_code, vat_number, email, phone, is_public,
    size_category, size_category_set_by_admin, active, created_at, updated_at)
SELECT CASE WHEN i %% 10 = 0 THEN 'PARTICULIER' ELSE 'SIRET' END,
       (30000000000000 + i::bigint * 7919)::text,
       (ARRAY['Bâtiment', 'Atelier', 'Société', 'Menuiserie', 'Plomberie'])[1 + i %% 5] || ' '
         || (ARRAY['Martin', 'Bernard', 'Moreau', 'Petit', 'Durand', 'Leroy'])[1 + (i / 5) %% 6] || ' '
         || substr(md5(i::text), 1, 8),
       '', '', '75001', 'Paris', 'FR', '', '', '', false, '', false, true, now(), now()
FROM generate_series(1, %s) AS i
ON CONFLICT DO NOTHING
"""


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=900_000)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from suppliers.selectors import supplier_structures_search

    db = settings.DATABASES["default"]
    if not db["ENGINE"].startswith("django.db.backends.postgresql"):
        sys.exit("Ce banc se lance sur PostgreSQL : DATABASE_URL=postgres://…/chorus_bench")
    if "bench" not in db["NAME"]:
        sys.exit(f"La base {db['NAME']} va recevoir {args.rows} structures : nommez-la avec 'bench'.")
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(FILL, [args.rows])
        cursor.execute("ANALYZE suppliers_supplierstructure")
    print(f"{args.rows} structures (déjà là : gardées) ({time.perf_counter() - started:.1f} s)\n")

    cases = [
        ("nom rare : « 3f2a »", "3f2a"),
        ("nom courant : « moreau »", "moreau"),
        ("deux mots : « atelier moreau »", "atelier moreau"),
        ("mot court : « at »", "at"),
        ("préfixe SIRET « 3000 »", "3000"),
        ("SIRET complet", "30000000079190"),
    ]
    print("Recherches (10 résultats, 15 essais, médiane / max) :")
    for label, query in cases:
        timings = []
        for _ in range(15):
            started = time.perf_counter()
            supplier_structures_search(query=query)
            timings.append((time.perf_counter() - started) * 1000)
        print(f"  {label:<34} {statistics.median(timings):7.1f} ms  {max(timings):7.1f} ms")
    for query in ("atelier moreau", "3000"):
        with CaptureQueriesContext(connection) as captured:
            supplier_structures_search(query=query)
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN " + captured.captured_queries[-1]["sql"])
            print(f"\nPlan de « {query} » :")
            for (line,) in cursor.fetchall():
                print("  " + line)


if __name__ == "__main__":
    main()
