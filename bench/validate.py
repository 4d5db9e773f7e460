#!/usr/bin/env python
"""Speed and memory of the invoice validation engine. Prints figures; it is not a test.

    python bench/validate.py [--n 5] [--corpus PATH] [--cores 1]

1. Every valid invoice of the corpus (cii/valid, ubl/valid, facturx/valid) is validated once to
   warm up, then N times: milliseconds per invoice (median, p95) for each layer and in total,
   by kind of file, next to the floor, a bare lxml parse + XSD check of the same XML.
2. Peak RSS (ru_maxrss) of a fresh process validating the largest corpus file, and each
   hostile input, one subprocess each. Goal: under 300 MB.
"""

from __future__ import annotations

import argparse
import math
import os
import resource
import statistics
import subprocess
import sys
import time
import zlib
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus"
VALID_FOLDERS = ("cii/valid", "ubl/valid", "facturx/valid")
LAYERS = ("securite", "syntaxe", "en16931", "extraction", "total")
TYPICAL = (
    "cii/valid/en16931-examples/CII_example1.xml",
    "cii/valid/zugferd-corpus-xml-rechnung/EN16931_Einfach.cii.xml",
    "ubl/valid/en16931-examples/ubl-tc434-example1.xml",
    "facturx/valid/zugferd-corpus-xml-rechnung-fx/EN16931_Einfach.pdf",
    "facturx/valid/mustang-validator/Facture_F20180027.pdf",
)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def kind_of(relative: str) -> str:
    if relative.startswith("facturx/"):
        return "Factur-X PDF"
    return "CII XML" if relative.startswith("cii/") else "UBL XML"


def speed(corpus: Path, rounds: int) -> None:
    from lxml import etree

    from invoices.validation import DocumentFormat, validate_document, warm_up, xsd
    from invoices.validation.safety import make_parser

    started = time.perf_counter()
    warm_up()
    print(f"compiling every XSD and XSLT (once per process): {time.perf_counter() - started:.1f} s")

    files = sorted(
        (str(path.relative_to(corpus)), path.read_bytes())
        for folder in VALID_FOLDERS
        for path in (corpus / folder).rglob("*")
        if path.is_file()
    )
    verdicts = {relative: validate_document(data, relative) for relative, data in files}  # warm-up
    timings: dict[tuple[str, str], list[float]] = defaultdict(list)
    floor: dict[str, list[float]] = defaultdict(list)
    per_file: dict[str, list[float]] = defaultdict(list)
    for _ in range(rounds):
        for relative, data in files:
            verdict = validate_document(data, relative)
            for layer in LAYERS:
                value = verdict.timings.get(layer, 0.0)
                timings[(kind_of(relative), layer)].append(value)
                timings[("all", layer)].append(value)
            per_file[relative].append(verdict.timings["total"])
            first = verdicts[relative]
            if first.xml is None or first.format == DocumentFormat.UNSUPPORTED:
                continue
            syntax = DocumentFormat.CII if first.format == DocumentFormat.FACTURX_PDF else first.format
            schema, _ = xsd.schema_for(syntax, first.profile)
            tick = time.perf_counter()
            schema.validate(etree.fromstring(first.xml, make_parser()).getroottree())
            elapsed = (time.perf_counter() - tick) * 1000
            floor[kind_of(relative)].append(elapsed)
            floor["all"].append(elapsed)

    print(f"\n{len(files)} valid corpus files x {rounds} rounds, ms per invoice (median / p95)")
    header = f"{'':14}" + "".join(f"{layer:>17}" for layer in LAYERS) + f"{'bare XSD floor':>17}"
    print(header)
    for kind in ("CII XML", "UBL XML", "Factur-X PDF", "all"):
        cells = "".join(
            f"{statistics.median(values):8.2f} /{percentile(values, 0.95):7.2f}"
            for values in (timings[(kind, layer)] for layer in LAYERS)
        )
        floor_cell = f"{statistics.median(floor[kind]):8.2f} /{percentile(floor[kind], 0.95):7.2f}"
        print(f"{kind:14}{cells}{floor_cell}")
    ratio = statistics.median(timings[("all", "total")]) / statistics.median(floor["all"])
    print(f"full chain / bare XSD floor (medians): x{ratio:.0f}")
    print("\ntypical invoices, total ms (median / p95):")
    for relative in TYPICAL:
        if relative in per_file:
            values = per_file[relative]
            print(f"  {relative:70} {statistics.median(values):7.2f} / {percentile(values, 0.95):7.2f}")


# --- memory: one fresh process per input ------------------------------------------------------


def hostile_input(name: str) -> tuple[bytes, str]:
    from tests.validation import hostile_files as hostile

    builders = {
        "billion-laughs": lambda: (hostile.BILLION_LAUGHS, "facture.xml"),
        "xxe-etc-passwd": lambda: (hostile.XXE_PASSWD, "facture.xml"),
        "doctype-network": lambda: (hostile.DOCTYPE_NETWORK, "facture.xml"),
        "pdf-attachment-2GiB": lambda: (hostile.pdf_bomb_attachment(), "facture.pdf"),
        "pdf-page-2GiB (+text hints)": lambda: (hostile.pdf_bomb_content_stream(), "facture.pdf"),
        "pdf-with-xxe": lambda: (
            hostile.pdf_with_attachment(zlib.compress(hostile.XXE_PASSWD)),
            "facture.pdf",
        ),
        "upload-200MB": lambda: (bytes(200 * hostile.MiB), "facture.pdf"),
        "empty": lambda: (b"", "facture.pdf"),
        "zip-42-nested": lambda: (hostile.zip_nested(), "lot.zip"),
        "zip-entry-25MB": lambda: (hostile.zip_entry_claiming(25 * hostile.MiB), "lot.zip"),
        "zip-lying-sizes": lambda: (hostile.zip_lying_sizes(), "lot.zip"),
        "tar-claims-10GiB": lambda: (hostile.tar_gz_member_claiming(), "lot.tar.gz"),
    }
    return builders[name]()


HOSTILE = (
    "billion-laughs",
    "xxe-etc-passwd",
    "doctype-network",
    "pdf-attachment-2GiB",
    "pdf-page-2GiB (+text hints)",
    "pdf-with-xxe",
    "upload-200MB",
    "empty",
    "zip-42-nested",
    "zip-entry-25MB",
    "zip-lying-sizes",
    "tar-claims-10GiB",
)


def peak_rss_mb() -> float:
    """VmHWM: this process's own high-water mark. (ru_maxrss would not do: Linux carries it
    over fork and exec, so a child started by a big parent reports the parent's peak.)"""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(kind: str, target: str) -> None:
    """Run in a fresh process: validate one input, print 'peak_mb elapsed_ms before_mb outcome'."""
    from invoices.validation import BatchError, read_pdf_text_hints, split_batch, validate_document

    if kind == "file":
        content, name = Path(target).read_bytes(), Path(target).name
    else:
        content, name = hostile_input(target)
    before = peak_rss_mb()
    started = time.perf_counter()
    if name.startswith("lot"):
        try:
            split_batch(content, name)
            outcome = "accepted"
        except BatchError as error:
            outcome = error.code
    else:
        verdict = validate_document(content, name)
        if "hints" in target:
            read_pdf_text_hints(content)
        outcome = ",".join(sorted({issue.rule_id for issue in verdict.errors})) or "ok"
    elapsed = (time.perf_counter() - started) * 1000
    peak = peak_rss_mb()
    print(f"{peak:.0f} {elapsed:.0f} {before:.0f} {outcome}")


def memory(corpus: Path) -> None:
    largest = max(
        (path for folder in VALID_FOLDERS for path in (corpus / folder).rglob("*") if path.is_file()),
        key=lambda path: path.stat().st_size,
    )
    largest_xml = max(
        (path for folder in VALID_FOLDERS for path in (corpus / folder).rglob("*.xml")),
        key=lambda path: path.stat().st_size,
    )
    cases = [
        ("file", str(largest), f"largest file {largest.name} ({largest.stat().st_size // 1024} kB)"),
        (
            "file",
            str(largest_xml),
            f"largest XML {largest_xml.name} ({largest_xml.stat().st_size // 1024} kB)",
        ),
        *(("hostile", name, name) for name in HOSTILE),
    ]
    print("\npeak RSS of a fresh process per input (VmHWM; interpreter, imports and the input")
    print("itself included; 'before' = peak once the input is built, before validating it)")
    print(f"  {'input':66} {'peak MB':>8} {'before MB':>10} {'ms':>7}  outcome")
    for kind, target, label in cases:
        result = subprocess.run(
            [sys.executable, __file__, "--child", kind, target],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        line = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""
        if result.returncode != 0 or not line:
            print(f"  {label:66} FAILED: {result.stderr.strip()[-200:]}")
            continue
        peak, elapsed, before, outcome = line.split(" ", 3)
        print(f"  {label:66} {peak:>8} {before:>10} {elapsed:>7}  {outcome[:60]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=5, help="timed rounds after warm-up")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--cores", type=int, default=1, help="pin to this many cores (0: all)")
    parser.add_argument("--skip-memory", action="store_true")
    parser.add_argument("--skip-speed", action="store_true")
    parser.add_argument("--child", nargs=2, metavar=("KIND", "TARGET"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    if args.cores and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, sorted(os.sched_getaffinity(0))[: args.cores])
        print(f"pinned to {args.cores} core(s): {sorted(os.sched_getaffinity(0))}")
    if not args.skip_speed:
        speed(args.corpus, args.n)
    if not args.skip_memory:
        memory(args.corpus)


if __name__ == "__main__":
    main()
