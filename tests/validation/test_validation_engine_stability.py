"""The portal validates invoices all day in long-lived web and Celery workers: SaxonC must give
the same verdicts on the thousandth document as on the first, from any thread, after a fork,
without its memory creeping up. (The factur-x authors left saxonche for a Saxon HTTP server
after crashes in threaded servers, akretion/pyfrctc#3: these tests guard our version.)"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from lxml import etree

from invoices.validation import schematron, validate_document
from invoices.validation.detect import detect_xml
from invoices.validation.resources import xslt_path
from invoices.validation.safety import parse_xml
from invoices.validation.types import DocumentFormat, Profile

# The corpus lives beside the repository; CHORUS_CORPUS points to it from a worktree elsewhere.
CORPUS = Path(
    os.environ.get("CHORUS_CORPUS") or Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
)
if not CORPUS.is_dir():
    pytest.skip(f"corpus not found at {CORPUS}", allow_module_level=True)

SAMPLE = (
    "cii/valid/en16931-examples/CII_example1.xml",  # EN 16931, 20 lines
    "cii/valid/mustang-validator/validV2Basic.xml",  # BASIC
    "cii/valid/mustang-validator/roundingDifferenceIsInTolerance.xml",  # EXTENDED
    "ubl/valid/en16931-examples/ubl-tc434-example2.xml",
    "ubl/valid/en16931-testfiles/CreditNote-Max_content.xml",
    "facturx/valid/zugferd-2.1-symtrax/BASIC-WL/zugferd_2p1_BASIC-WL_Einfach.pdf",  # BASIC WL
    "facturx/valid/mustang-validator/Facture_F20180027.pdf",
    "invalid/ubl/zugferd-corpus/not_validating_full_invoice_based_onTest_EeISI_300_CENfullmodel.ubl.xml",
    "invalid/cii/mustang-validator/invalidV2.xml",  # XSD + rules errors
    "invalid/unit-tests/en16931-ubl-invoice/BR-CO-15__t05_error.xml",
)


# What a pool process compiles as it starts: UBL, and CII in each Factur-X profile.
WARM_TARGETS = ((DocumentFormat.UBL_INVOICE, None), *((DocumentFormat.CII, p) for p in Profile))


def fingerprint(relative: str) -> tuple[str, tuple[tuple[str, str, str, str], ...]]:
    verdict = validate_document((CORPUS / relative).read_bytes(), Path(relative).name)
    issues = (*verdict.errors, *verdict.warnings)
    return verdict.format.value, tuple(
        (issue.rule_id, issue.severity, issue.location, issue.value) for issue in issues
    )


def rss_mib() -> float:
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * 4096 / 2**20


def test_verdicts_stay_identical_over_hundreds_of_validations_in_one_process() -> None:
    # Given the verdict of each sample document, after warm-up
    reference = {relative: fingerprint(relative) for relative in SAMPLE}
    baseline = rss_mib()
    # When the same process validates them 30 more times each (300 documents)
    for _ in range(30):
        for relative in SAMPLE:
            # Then every verdict is the same as the first
            assert fingerprint(relative) == reference[relative], relative
    # And resident memory has not crept up (Saxon's heap is collected, nothing leaks)
    assert rss_mib() - baseline < 150


def test_validations_from_several_threads_match_sequential_ones() -> None:
    # Given sequential verdicts
    reference = {relative: fingerprint(relative) for relative in SAMPLE}
    # When four threads validate the samples concurrently, ten times over
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(fingerprint, SAMPLE * 10))
    # Then every concurrent verdict equals the sequential one
    assert results == [reference[relative] for relative in SAMPLE * 10]


def _child(relative: str, queue: multiprocessing.Queue) -> None:
    queue.put(fingerprint(relative))


def test_a_forked_worker_validates_like_its_parent() -> None:
    # Given a parent process that has already run Saxon (as a preloaded gunicorn master or a
    # Celery prefork parent might)
    relative = SAMPLE[0]
    expected = fingerprint(relative)
    # When a forked child validates the same invoice
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_child, args=(relative, queue))
    child.start()
    result = queue.get(timeout=120)
    child.join(timeout=30)
    # Then it builds its own Saxon processor and reaches the same verdict
    assert child.exitcode == 0
    assert result == expected


def _svrl_findings(svrl: bytes) -> list[tuple[str, str, str, str]]:
    report = etree.fromstring(svrl)
    return sorted(
        (
            etree.QName(node).localname,
            node.get("id") or "",
            node.get("location") or "",
            " ".join((node.findtext(f"{schematron.SVRL}text") or "").split()),
        )
        for node in report.iter(f"{schematron.SVRL}failed-assert", f"{schematron.SVRL}successful-report")
    )


@pytest.mark.parametrize(
    "relative",
    [
        "facturx/xml/akretion-fixtures/factur-x-minimum.xml",
        "facturx/xml/akretion-fixtures/factur-x-basicwl.xml",
        "facturx/xml/akretion-fixtures/factur-x-basic.xml",
        "cii/valid/en16931-examples/CII_example1.xml",
        "cii/valid/en16931-examples/XRechnung-O.xml",  # code-list failures (codedb lookups)
        "invalid/cii/mustang-validator/invalidV2.xml",  # EXTENDED, code-list failures
        "cii/valid/zugferd-corpus-xml-rechnung/EN16931_ElektronischeAdresse.cii.xml",
    ],
)
def test_preloaded_code_lists_give_the_same_findings_as_the_official_stylesheet(
    relative: str,
) -> None:
    # Given a CII document and the official Factur-X stylesheet of its profile
    root = parse_xml((CORPUS / relative).read_bytes())
    detected = detect_xml(root)
    path = xslt_path(detected.format, detected.profile)
    # When it runs as shipped (document('…_codedb.xml') re-read on every transform) and as we
    # run it (the code list parsed once and passed as a parameter, the patterns flattened)
    shipped = _svrl_findings(schematron.run_svrl(root, path, preload_codedb=False, flatten=False))
    ours = _svrl_findings(schematron.run_svrl(root, path))
    # Then the findings are identical
    assert ours == shipped


def test_a_pool_process_compiles_the_rules_as_it_starts_while_a_first_invoice_is_checked(
    monkeypatch,
) -> None:
    from chorus.celery import _warm_up_validation

    # Given the verdicts of a warm process, then a pool process whose stylesheets are not compiled
    reference = {relative: fingerprint(relative) for relative in SAMPLE[:4]}
    runtime = schematron._get_runtime()
    monkeypatch.setattr(runtime, "executables", {})
    # When the worker signals the process's start (Celery's worker_process_init), and a first
    # invoice arrives while the stylesheets compile in the background
    thread = _warm_up_validation()
    first = {relative: fingerprint(relative) for relative in SAMPLE[:4]}
    thread.join(120)
    # Then every stylesheet was compiled once, and the first verdicts are those of a warm process
    assert not thread.is_alive()
    compiled = {(xslt_path(fmt, profile), True, True) for fmt, profile in WARM_TARGETS}
    assert set(runtime.executables) >= compiled
    assert first == reference
