"""The bare floor of a deposit (issue #17): what the same invoices cost with no Django, no HTTP, no
broker, no lifecycle — only the work no portal can skip.

Per invoice, in ``processes`` worker processes (2: the machine's cores): parse the CII with lxml
(no network, no entities), check it against the official Factur-X EN 16931 XSD, run the official
EN 16931 XSLT (the Schematron compiled by its authors) with SaxonC-HE, count the failed asserts,
and insert one row (number, SHA-256, the XML) into PostgreSQL with psycopg2, one transaction per
invoice (each deposit is durable on its own, as the portal's is). Compilation of the schema and
of the stylesheet happens once per process, before the clock starts.

``--rules portal``: the same, with the rules compiled as the portal runs them
(``invoices.validation.schematron``: each pattern visiting only its rules' nodes, the code lists
parsed once; same SVRL byte for byte, ``tests/validation/test_schematron_flattened.py``). That
module imports no Django either. The floor of issue #17 is the stylesheet as shipped.

No Django import here: ``bench/api.py`` calls ``floor_run`` on the very files it deposited.
Standalone: ``python bench/floor.py --dsn postgres://postgres@127.0.0.1:5432/chorus_bench17 FILE…``
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.resources
import json
import multiprocessing
import os
import time
from pathlib import Path

XSD = "facturx-en16931/Factur-X_EN16931.xsd"
XSLT = "facturx-en16931/FACTUR-X_EN16931.xslt"
SVRL_FAILED = "{http://purl.oclc.org/dsdl/svrl}failed-assert"
TABLE = "bench_floor_invoice"

_state: dict = {}


def _artefacts() -> Path:
    return Path(str(importlib.resources.files("facturx") / "xsd_and_schematron"))


def _init(dsn: str, rules: str = "shipped") -> None:
    """Per process: compile the schema and the stylesheet, open the connection (not timed)."""
    import sys

    import psycopg2
    from lxml import etree
    from saxonche import PySaxonProcessor

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    schema = etree.XMLSchema(etree.parse(str(_artefacts() / XSD), parser))
    processor = PySaxonProcessor(license=False)
    compiler = processor.new_xslt30_processor()
    executable = compiler.compile_stylesheet(stylesheet_file=str(_artefacts() / XSLT))
    connection = psycopg2.connect(dsn)
    _state.update(
        parser=parser, schema=schema, processor=processor, executable=executable, connection=connection
    )
    if rules == "portal":
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
        from invoices.validation import schematron  # lxml and saxonche only, no Django

        path = _artefacts() / XSLT
        schematron.executable(path)  # compiled before the clock, as a warm worker has it
        _state["portal_svrl"] = lambda root: schematron.run_svrl(root, path)


def _one(content: bytes) -> int:
    """Parse, XSD, XSLT, insert; returns the number of failed asserts (0 for a valid invoice)."""
    from lxml import etree

    root = etree.fromstring(content, _state["parser"])
    if not _state["schema"].validate(root):
        raise ValueError(str(_state["schema"].error_log.last_error))
    if "portal_svrl" in _state:
        svrl = _state["portal_svrl"](root)
    else:
        node = _state["processor"].parse_xml(xml_text=etree.tostring(root, encoding="unicode"))
        svrl = _state["executable"].transform_to_string(xdm_node=node).encode()
    failed = sum(1 for _ in etree.fromstring(svrl).iter(SVRL_FAILED))
    number = root.findtext(
        "{urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100}ExchangedDocument/"
        "{urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100}ID"
    )
    connection = _state["connection"]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TABLE} (number, sha256, xml, failed) VALUES (%s, %s, %s, %s)",  # noqa: S608 (constant)
            (number, hashlib.sha256(content).hexdigest(), content, failed),
        )
    connection.commit()
    return failed


def _warm(_: int) -> int:
    return os.getpid()


def floor_run(
    contents: list[bytes], *, dsn: str, processes: int = 2, rules: str = "shipped"
) -> dict[str, float]:
    """Run the floor on ``contents``; returns invoices, seconds, rate and failed asserts."""
    import psycopg2

    with psycopg2.connect(dsn) as connection, connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {TABLE} (id bigserial PRIMARY KEY, number text, "
            "sha256 char(64), xml bytea, failed int, at timestamptz DEFAULT now())"
        )
        cursor.execute(f"TRUNCATE {TABLE}")
    context = multiprocessing.get_context("spawn")  # a fresh interpreter: nothing of Django
    with context.Pool(processes, initializer=_init, initargs=(dsn, rules)) as pool:
        pool.map(_warm, range(processes * 4))  # every process initialised before the clock
        started = time.perf_counter()
        failed = pool.map(_one, contents, chunksize=1)
        elapsed = time.perf_counter() - started
    return {
        "invoices": len(contents),
        "seconds": elapsed,
        "rate": len(contents) / elapsed,
        "failed_asserts": sum(failed),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dsn", required=True)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--json", action="store_true", help="the figures as JSON (for bench/api.py)")
    parser.add_argument(
        "--rules",
        choices=["shipped", "portal"],
        default="shipped",
        help="the official stylesheet as shipped (issue #17's floor) or as the portal compiles it",
    )
    parser.add_argument("files", nargs="+", type=Path)
    args = parser.parse_args()
    result = floor_run(
        [f.read_bytes() for f in args.files], dsn=args.dsn, processes=args.processes, rules=args.rules
    )
    if args.json:
        print(json.dumps(result))
        return
    print(
        f"Plancher : {result['invoices']} factures en {result['seconds']:.1f} s → {result['rate']:.1f}/s "
        f"({args.processes} processus ; {result['failed_asserts']} assertions en échec)"
    )


if __name__ == "__main__":
    main()
