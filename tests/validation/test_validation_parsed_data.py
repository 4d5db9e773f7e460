"""What the portal reads from an accepted invoice (to pre-fill and check the deposit), and how
it words what is wrong."""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal
from pathlib import Path

import pytest

from invoices.validation import (
    DocumentFormat,
    Profile,
    SyntaxFlux,
    Verdict,
    read_pdf_text_hints,
    validate_document,
)
from invoices.validation.hints import hints_from_text

# The corpus lives beside the repository; CHORUS_CORPUS points to it from a worktree elsewhere.
CORPUS = Path(
    os.environ.get("CHORUS_CORPUS") or Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
)
if not CORPUS.is_dir():
    pytest.skip(f"corpus not found at {CORPUS}", allow_module_level=True)


def _upload(relative: str) -> Verdict:
    return validate_document(content=(CORPUS / relative).read_bytes(), filename=Path(relative).name)


def test_official_cii_example_totals_are_read() -> None:
    # Given the CEN's CII_example1 (a Dutch food wholesaler's invoice)
    verdict = _upload("cii/valid/en16931-examples/CII_example1.xml")
    invoice = verdict.parsed
    # Then its header, totals, VAT breakdown and lines are read as Decimals
    assert verdict.format == DocumentFormat.CII and verdict.syntax_flux == SyntaxFlux.CII_16B
    assert invoice.number == "12115118"
    assert invoice.issue_date == dt.date(2015, 1, 9)
    assert invoice.type_code == "380" and not invoice.is_credit_note
    assert invoice.currency == "EUR"
    assert invoice.seller_name == "De Koksmaat" and invoice.buyer_name == "ODIN 59"
    assert invoice.total_ht == Decimal("229.60")
    assert invoice.total_vat == Decimal("20.73")
    assert invoice.total_ttc == Decimal("250.33")
    assert invoice.amount_due == Decimal("250.33")
    assert [(vat.rate, vat.base, vat.amount) for vat in invoice.vat_breakdown] == [
        (Decimal("6"), Decimal("183.23"), Decimal("10.99")),
        (Decimal("21"), Decimal("46.37"), Decimal("9.74")),
    ]
    assert len(invoice.lines) == 20
    first = invoice.lines[0]
    assert (first.id, first.name, first.quantity, first.unit_code) == (
        "1",
        "PATAT FRITES 10MM 10KG",
        Decimal("2"),
        "H87",
    )
    assert (first.net_price, first.line_total, first.vat_category, first.vat_rate) == (
        Decimal("9.95"),
        Decimal("19.90"),
        "S",
        Decimal("6"),
    )
    assert invoice.payment_means_code == "30" and invoice.iban == "NL57 RABO 0107307510"


def test_ubl_credit_note_is_detected_as_a_credit_note() -> None:
    # Given the CEN's UBL credit note example
    verdict = _upload("ubl/valid/en16931-examples/ubl-tc434-creditnote1.xml")
    # Then it is a UBL CreditNote deposited with the UBL flow, and a credit note (381)
    assert verdict.format == DocumentFormat.UBL_CREDITNOTE
    assert verdict.syntax_flux == SyntaxFlux.UBL_INVOICE
    assert verdict.parsed.is_credit_note and verdict.parsed.type_code == "381"
    assert verdict.parsed.total_ttc == Decimal("100.11")
    assert verdict.parsed.vat_breakdown[0].exemption_reason == "Taxes are not applicable"


def test_facturx_basic_buyer_reference_is_the_chorus_service_code() -> None:
    # Given a Factur-X BASIC XML addressed to a French public buyer
    verdict = _upload("facturx/xml/akretion-fixtures/factur-x-basic.xml")
    invoice = verdict.parsed
    # Then BT-10 (service code), BT-13 (engagement) and BT-12 (market) are read
    assert verdict.profile == Profile.BASIC and verdict.structured
    assert invoice.buyer_reference == "SERVEXEC"
    assert invoice.purchase_order == "PO201925478"
    assert invoice.contract_reference == "CT2018120802"
    assert invoice.preceding_invoice == "F20260003"
    # And legal identifiers keep their raw value and scheme (0002 = SIREN, 0009 = SIRET)
    assert (invoice.seller_siret, invoice.seller_siret_scheme) == ("123456782", "0002")
    assert (invoice.buyer_siret, invoice.buyer_siret_scheme) == ("987654321", "0002")
    assert invoice.seller_vat == "FR11123456782"
    assert invoice.allowances_total == Decimal("9.00")
    assert invoice.charges_total == Decimal("14.00")


def test_facturx_pdf_gives_back_its_xml_and_data() -> None:
    # Given a French Factur-X EN 16931 PDF
    verdict = _upload("facturx/valid/mustang-validator/Facture_F20180027.pdf")
    # Then the embedded XML and its data are returned
    assert verdict.format == DocumentFormat.FACTURX_PDF
    assert verdict.syntax_flux == SyntaxFlux.CII_FACTURX
    assert b"<rsm:CrossIndustryInvoice" in verdict.xml[:1000]
    assert verdict.parsed.number == "F20180027"
    assert verdict.parsed.prepaid == Decimal("10.00")
    assert verdict.parsed.amount_due == Decimal("100.00")


def test_refused_credit_note_still_reports_what_it_says() -> None:
    # Given a Factur-X 1.0 BASIC credit note the current rules refuse
    verdict = _upload("facturx/valid/fnfe-factur-x-1.0/Avoir_FR_type381_BASIC.pdf")
    # Then the parsed data are there for the supplier's error page
    assert not verdict.ok
    assert verdict.parsed.is_credit_note
    assert verdict.parsed.preceding_invoice == "FA-2017-0010"


def test_minimal_invoice_leaves_missing_values_at_none() -> None:
    # Given the smallest UBL invoice EN 16931 allows
    invoice = _upload("ubl/valid/en16931-testfiles/Invoice-Min_content_without_VAT.xml").parsed
    # Then absent terms are None, never an exception
    assert invoice.number
    assert invoice.purchase_order is None and invoice.contract_reference is None
    assert invoice.preceding_invoice is None and invoice.iban is None
    assert invoice.allowances_total is None and invoice.prepaid is None


def test_every_error_is_reported_with_business_term_value_and_location() -> None:
    # Given the EeISI UBL invoice whose totals do not add up
    verdict = _upload(
        "invalid/ubl/zugferd-corpus/not_validating_full_invoice_based_onTest_EeISI_300_CENfullmodel.ubl.xml"
    )
    # Then both failing rules are reported, not only the first
    by_rule = {issue.rule_id: issue for issue in verdict.errors}
    assert {"BR-CO-10", "BR-CO-15"} <= set(by_rule)
    issue = by_rule["BR-CO-10"]
    # And each says, in French, which business term and value are wrong, and where
    assert issue.layer == "en16931" and issue.severity == "error"
    assert issue.bt == "BT-106" and issue.bt_label == "Somme des montants HT des lignes"
    assert issue.value == "200"
    assert issue.message.startswith("La somme des montants HT des lignes (BT-106)")
    assert issue.location.startswith("/")
    assert by_rule["BR-CO-15"].bt == "BT-112"
    assert by_rule["BR-CO-15"].bt_label == "Montant total TTC"


def test_schema_errors_are_reported_in_french_with_their_line() -> None:
    # Given a ZUGFeRD 2.0 XML with a ZUGFeRD-only element
    verdict = _upload("invalid/cii/mustang-validator/invalidV2Profile.xml")
    schema_errors = [issue for issue in verdict.errors if issue.rule_id == "XSD"]
    # Then every schema error is listed, in French, located
    assert len(schema_errors) >= 2
    assert all(issue.layer == "syntaxe" for issue in schema_errors)
    assert "n'est pas attendu" in schema_errors[0].message
    assert "(ligne 53)" in schema_errors[0].message
    assert schema_errors[0].location.endswith("ram:TestIndicator")
    # And the business rules still ran on the same file
    assert any(issue.layer == "en16931" for issue in verdict.errors)


def test_code_list_errors_show_the_wrong_value() -> None:
    # Given an invoice whose buyer electronic address uses a withdrawn scheme (9958)
    verdict = _upload("cii/valid/zugferd-corpus-xml-rechnung/EN16931_ElektronischeAdresse.cii.xml")
    [issue] = [issue for issue in verdict.errors if issue.rule_id == "FX-SCH-A-000571"]
    # Then the supplier sees the scheme value and the business term
    assert issue.value == "9958" and issue.bt == "BT-49"
    assert "« 9958 »" in issue.message and "Adresse électronique de l'acheteur" in issue.message


def test_timings_are_reported_per_layer() -> None:
    verdict = _upload("ubl/valid/en16931-examples/ubl-tc434-example1.xml")
    assert {"securite", "syntaxe", "en16931", "extraction", "total"} <= set(verdict.timings)
    assert verdict.timings["total"] >= verdict.timings["en16931"] > 0


# --- plain PDFs: hints for the deposit form ---------------------------------------------------


def test_plain_pdf_text_gives_prefill_candidates() -> None:
    # Given the Hetzner invoice, a PDF without structured data
    content = CORPUS / "other/unstructured-pdf/RE-E-974-Hetzner_2016-01-19_R0005532486.pdf"
    hints = read_pdf_text_hints(content.read_bytes())
    # Then number, date and totals are proposed for the form
    assert hints["text_found"]
    assert hints["invoice_number"] == "R0005532486"
    assert hints["issue_date"] == dt.date(2016, 1, 19)
    assert hints["total_ht"] == Decimal("87.39")
    assert hints["total_vat"] == Decimal("16.61")
    assert hints["total_ttc"] == Decimal("104.00")
    assert hints["siret"] == []  # a German supplier has none


def test_only_siret_numbers_with_a_valid_key_are_proposed() -> None:
    # Given a French invoice text with a valid SIRET, a mistyped one and a phone number
    text = (
        "ACME Fournitures - SIRET : 812 345 676 00017 - Tél. 01 23 45 67 89\n"
        "Client SIRET 81234567600018\nFacture n° FA-2024-0042 du 15/03/2024\n"
        "Total HT 1 000,00 €\nTotal TVA 200,00 €\nTotal TTC 1 200,00 €\n"
    )
    hints = hints_from_text(text)
    # Then only the number passing the Luhn check is kept
    assert hints["siret"] == ["81234567600017"]
    assert hints["invoice_number"] == "FA-2024-0042"
    assert hints["issue_date"] == dt.date(2024, 3, 15)
    assert (hints["total_ht"], hints["total_vat"], hints["total_ttc"]) == (
        Decimal("1000.00"),
        Decimal("200.00"),
        Decimal("1200.00"),
    )


@pytest.mark.parametrize("content", [b"", b"not a pdf", b"%PDF-1.4\n%broken"])
def test_hints_on_unreadable_input_are_empty(content: bytes) -> None:
    hints = read_pdf_text_hints(content)
    assert hints["siret"] == [] and hints["total_ttc"] is None and not hints["text_found"]
