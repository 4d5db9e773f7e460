"""A supplier uploads a broken, non-compliant or foreign file: it is refused, and the verdict
names the rule that fires so the supplier knows what to fix."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest

from invoices.validation import DocumentFormat, Verdict, validate_document

# The corpus lives beside the repository; CHORUS_CORPUS points to it from a worktree elsewhere.
CORPUS = Path(
    os.environ.get("CHORUS_CORPUS") or Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
)
if not CORPUS.is_dir():
    pytest.skip(f"corpus not found at {CORPUS}", allow_module_level=True)


def corpus_files(*folders: str) -> list[str]:
    return sorted(
        str(path.relative_to(CORPUS))
        for folder in folders
        for path in (CORPUS / folder).rglob("*")
        if path.is_file()
    )


def _upload(relative: str) -> Verdict:
    return validate_document(content=(CORPUS / relative).read_bytes(), filename=Path(relative).name)


# Files the source marks as failing that every official artefact we can run accepts. Each was
# checked by hand (and, for the CII ones, against the CEN EN 16931 1.3.16 CII rules of the
# corpus too): the source's failure came from a check that is not an EN 16931 / Factur-X rule.
ACCEPTED_BY_CURRENT_RULES: dict[str, str] = {
    "invalid/facturx/zugferd-corpus-v2-fail/FNFE-factur-x-examples/Avoir_FR_type381_BASICWL.pdf": (
        "its only finding is @currencyID on the amounts, which the Factur-X 1.09 BASIC WL XSD "
        "accepts and EN 16931 does not forbid (a warning); as a BASIC WL it opens a draft to "
        "complete, it is never deposited as structured"
    ),
    "invalid/cii/mustang-validator/invalidArithmetics.xml": (
        "Mustang itself reports it valid with warnings from its own recalculation; no EN 16931 "
        "rule fails (CEN CII rules agree)"
    ),
    "invalid/cii/zugferd-corpus/noNetPriceValidation.xml": (
        "line net amount 316.00 ≠ 400 × 0.10: EN 16931 has no rule BT-131 = BT-129 × BT-146 "
        "(deliberately, because of rounding); only Mustang's recalculation flags it"
    ),
    "invalid/cii/zugferd-corpus/not_validating_full_invoice_based_onTest_EeISI_300_CENfullmodel.cii.xml": (
        "amounts are consistent (its UBL twin fails BR-CO-10/15 because its line amounts "
        "differ); the source gives no reason and the CEN CII rules accept it as well"
    ),
    "invalid/facturx/mustang-validator/attributeBasedXMP_zugferd_2p0_EN16931_Einfach.pdf": (
        "attribute-style XMP is valid RDF and is read; the embedded XML differs from the "
        "'corrected' one Mustang accepts only by a buyer identifier (BT-46), allowed in EN 16931"
    ),
    "invalid/facturx/zugferd-corpus-v2-fail/ZUGFeRD_2_fully_compliant_complete.pdf": (
        "the corrected twin of ZUGFeRD_2.0_fully_compliant_complete (H87 units, VA scheme): XML "
        "and XMP pass; its failure in the source is a PDF/A matter, outside layers 1-3"
    ),
    "invalid/ubl/en16931-examples/BIS3_Invoice_negativ.XML": (
        "a 'negativ' (negative-amount) invoice, which EN 16931 allows; it sits among the CEN "
        "examples and only PEPPOL-specific rules (not shipped by factur-x) could refuse it"
    ),
}

# The rule each notable invalid file must report.
EXPECTED_RULE: dict[str, str] = {
    "invalid/cii/mustang-validator/FAIL_zugferd_2p1_MINIMUM_Rechnung_380.xml": "FORMAT-PROFIL",
    "invalid/cii/mustang-validator/invalidSubInvoiceLineHierarchy.xml": "BR-FXEXT-08",
    "invalid/cii/mustang-validator/invalidV1.xml": "FORMAT-NON-SUPPORTE",
    "invalid/cii/mustang-validator/invalidV2.xml": "XSD",
    "invalid/cii/mustang-validator/invalidV2Profile.xml": "XSD",
    "invalid/cii/mustang-validator/invalidV2Root.xml": "FORMAT-NON-SUPPORTE",
    "invalid/cii/mustang-validator/invalidXRSchemav2.xml": "XSD",
    "invalid/cii/mustang-validator/invalidXRV30_BR-DEC-23.xml": "BR-DEC-23",
    "invalid/cii/mustang-validator/validZREtestZugferd.xml": "BR-CO-25",
    "invalid/cii/mustang-validator/valid_Avoir_FR_type380_minimum_factur-x.xml": "XSD",
    "invalid/cii/mustang-validator/valid_with_VAT_O.xml": "BR-CO-26",
    "invalid/facturx/mustang-validator/XMLinvalidV2PDF.pdf": "XSD",
    "invalid/facturx/mustang-validator/corrupt-factur-x-waytoosmall.pdf": "FORMAT-PDF-ILLISIBLE",
    "invalid/facturx/mustang-validator/corruptedV2PDF.pdf": "FORMAT-PDF-STRUCTURE",
    "invalid/facturx/mustang-validator/invalidXMP-ParseError.pdf": "FX-XMP-ILLISIBLE",
    "invalid/facturx/mustang-validator/invalidXMP.pdf": "FX-XMP-PROFIL",
    "invalid/facturx/zugferd-corpus-v1-fail/Mustangproject/fail1.pdf": "FORMAT-NON-SUPPORTE",
    "invalid/facturx/zugferd-corpus-v2-fail/FNFE-factur-x-examples/Facture_FR_EN16931.pdf": (
        "FX-HORS-PROFIL"
    ),
    "invalid/facturx/zugferd-corpus-v2-fail/FNFE-factur-x-examples/Facture_UE_EN16931.pdf": ("BR-IC-11"),
    "invalid/facturx/zugferd-corpus-v2-fail/Mustangproject/"
    "MustangGnuaccountingBeispielRE-20190610_507a.pdf": "XSD",
    "invalid/facturx/zugferd-corpus-v2-fail/Mustangproject/"
    "factur-x-invalid-xml-encoding-attribute.pdf": "FORMAT-XML-MALFORME",
    "invalid/facturx/zugferd-corpus-v2-fail/ZUGFeRD_2.0_fully_compliant_complete.pdf": "BR-S-02",
    "invalid/facturx/zugferd-corpus-v2-fail/python-factur-x/python-factur-x.pdf": "XSD",
    "invalid/ubl/zugferd-corpus/"
    "not_validating_full_invoice_based_onTest_EeISI_300_CENfullmodel.ubl.xml": "BR-CO-10",
}

INVALID_FILES = corpus_files("invalid/cii", "invalid/ubl", "invalid/facturx")


@pytest.mark.parametrize("relative", INVALID_FILES)
def test_supplier_upload_of_invalid_files_is_refused(relative: str) -> None:
    # Given a file its source marks as failing
    # When a supplier uploads it
    verdict = _upload(relative)
    # Then it is not accepted as a structured invoice (known exceptions aside)
    if relative in ACCEPTED_BY_CURRENT_RULES:
        assert verdict.ok, ACCEPTED_BY_CURRENT_RULES[relative]
        return
    assert not (verdict.ok and verdict.structured), verdict.recognised
    if verdict.format != DocumentFormat.PDF:
        assert verdict.errors
        assert all(issue.message for issue in verdict.errors)
    # And the rule it breaks is named
    if relative in EXPECTED_RULE:
        assert EXPECTED_RULE[relative] in {issue.rule_id for issue in verdict.errors}


def test_pdfa1_without_invoice_attachment_is_a_plain_pdf_to_complete_with_the_form() -> None:
    # Given a PDF/A-1 that carries no XML (PDF/A-1 cannot embed files)
    verdict = _upload("invalid/facturx/mustang-validator/EmptyPDFA1.pdf")
    # Then it is a plain PDF: not structured, the deposit form will complete it
    assert verdict.format == DocumentFormat.PDF
    assert not verdict.structured
    assert verdict.syntax_flux is None and verdict.parsed is None
    assert "formulaire" in verdict.recognised


def test_every_listed_invalid_exception_names_a_corpus_file() -> None:
    assert set(ACCEPTED_BY_CURRENT_RULES) | set(EXPECTED_RULE) <= set(INVALID_FILES)


# --- EN 16931 unit-test fragments: each must report the rule its test set names -------------

with (CORPUS / "invalid/unit-tests/MANIFEST.csv").open(encoding="utf-8") as manifest:
    UNIT_TESTS = [
        (row["file"], row["expect_error"].split(), row["expect_warning"].split())
        for row in csv.DictReader(manifest)
    ]


@pytest.mark.parametrize(
    ("relative", "errors", "warnings"), UNIT_TESTS, ids=[row[0].split("/", 2)[2] for row in UNIT_TESTS]
)
def test_official_rule_unit_tests_report_the_named_rule(
    relative: str, errors: list[str], warnings: list[str]
) -> None:
    # Given a CEN unit-test fragment built to break one rule (it also fails the XSD: it is a
    # fragment, so layer 3 must run even when layer 2 fails)
    verdict = _upload(relative)
    # Then it is refused
    assert not verdict.ok
    # And the rule the CEN test set expects is reported, with its severity
    assert set(errors) <= {issue.rule_id for issue in verdict.errors}
    assert set(warnings) <= {issue.rule_id for issue in verdict.warnings}


# --- formats the portal does not take --------------------------------------------------------

OTHER_FILES = corpus_files("other")


@pytest.mark.parametrize("relative", OTHER_FILES)
def test_supplier_upload_of_foreign_formats_is_refused_as_unsupported(relative: str) -> None:
    # Given ZUGFeRD 1.0, FatturaPA, EDIFACT, an Order-X order or an unstructured PDF
    verdict = _upload(relative)
    if relative.startswith("other/unstructured-pdf/"):
        # Then a plain PDF is not refused but is not a structured invoice either: the portal
        # has it completed with the deposit form
        assert verdict.format == DocumentFormat.PDF
        assert verdict.ok and not verdict.structured
        return
    # Then it is refused as unsupported, saying what was recognised and what is accepted
    assert verdict.format == DocumentFormat.UNSUPPORTED
    [issue] = verdict.errors
    assert issue.rule_id == "FORMAT-NON-SUPPORTE"
    assert issue.message.startswith(f"Fichier reconnu : {verdict.recognised}.")
    assert "Formats acceptés : Factur-X (PDF/A-3) profils BASIC, EN 16931, EXTENDED" in issue.message


@pytest.mark.parametrize(
    ("relative", "recognised"),
    [
        ("other/order-x/ORDER-X_EX01_ORDER_FULL_DATA-COMFORTorder-x.xml", "commande Order-X"),
        ("other/zugferd-1.0/ZUGFeRD_1p0_BASIC_Einfach.pdf", "ZUGFeRD 1.0 (non accepté)"),
        ("other/zugferd-1.0/validV1.xml", "ZUGFeRD 1.0 (non accepté)"),
        ("other/fatturapa/IT01234567890_FPA01.xml", "FatturaPA"),
        ("other/edifact/EDIFACT_EXAMPLE1.TXT", "EDIFACT"),
        ("other/edifact/EDIFACT_EXAMPLE1.xml", "EDIFACT"),
    ],
)
def test_unsupported_message_names_what_was_recognised(relative: str, recognised: str) -> None:
    # When a foreign format is uploaded
    verdict = _upload(relative)
    # Then the supplier reads what the portal recognised
    assert recognised in verdict.recognised
    assert recognised in verdict.errors[0].message
