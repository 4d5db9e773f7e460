"""Document-level allowances (BG-20) and charges (BG-21): a supplier's software grants a discount
on the whole invoice or adds freight. The portal reads them, counts them exactly as EN 16931 does
(BR-CO-11..13, BR-S-08), stores them, shows them and writes them back in its own Factur-X."""

from __future__ import annotations

from decimal import Decimal

import pytest

from invoices.amounts import AllowanceChargeAmount, LineAmount, compute_totals
from invoices.checks import invoice_data_check
from invoices.choices import Channel, DocumentRole
from invoices.data import AllowanceChargeData, invoice_data_from_parsed
from invoices.models import InvoiceAllowanceCharge
from invoices.services import invoice_deposit, invoice_preview_documents
from invoices.validation import validate_document
from tests.invoices.conftest import CORPUS, valid_data
from tests.invoices.en16931 import blocking, schematron_failures, xsd_errors

# Valid corpus invoices (EN 16931 rules pass) with document-level allowances and/or charges.
WITH_ALLOWANCES_CHARGES = [
    "cii/valid/en16931-examples/CII_business_example_01.xml",
    "cii/valid/en16931-examples/CII_example2.xml",
    "cii/valid/en16931-examples/CII_example3.xml",
    "cii/valid/mustang-validator/ZUGFeRD-invoice_rabatte_3_abschlag_duepayableamount.xml",
    "cii/valid/zugferd-corpus-mustang/testout-ZF2PushChargesAllowances.xml",
    "cii/valid/zugferd-corpus-mustang/testout-ZF2PushRelativeChargesAllowances.xml",
    "cii/valid/zugferd-corpus-xml-rechnung/EN16931_Rabatte.cii.xml",
    "cii/valid/zugferd-corpus-xml-rechnung/EN16931_Rechnungskorrektur.cii.xml",
    "ubl/valid/en16931-examples/guide-example2.xml",
    "ubl/valid/en16931-examples/issue116.xml",
    "ubl/valid/en16931-testfiles/BIS_Billing_30-Rabatter_och_avgifter.xml",
    "ubl/valid/zugferd-corpus-xml-rechnung/EN16931_Rabatte.ubl.xml",
    "ubl/valid/xrechnung-testsuite/04.03a-INVOICE_ubl.xml",
    "facturx/valid/zugferd-2.1-symtrax/EN16931/zugferd_2p1_EN16931_Rabatte.pdf",
    "facturx/valid/akretion-fixtures/invoice_EN16931.pdf",
]


def _rows(rows) -> set[tuple[str, Decimal, Decimal, Decimal]]:
    return {(r.category, r.rate.normalize(), r.base, r.amount) for r in rows}


@pytest.mark.parametrize("relative", WITH_ALLOWANCES_CHARGES)
def test_corpus_totals_with_allowances_and_charges_are_the_declared_ones(relative):
    # Given a valid corpus invoice with document-level allowances or charges
    content = (CORPUS / relative).read_bytes()
    verdict = validate_document(content=content, filename=relative.rsplit("/", 1)[-1])
    assert verdict.ok, [(i.rule_id, i.message) for i in verdict.errors]
    parsed = verdict.parsed
    assert parsed.allowances_charges
    # When the portal reads it and computes its totals
    data = invoice_data_from_parsed(parsed, channel=Channel.UPLOAD_PORTAIL)
    totals = data.totals()
    # Then every total is the one the file declares (BR-CO-10..16)
    assert totals.total_ht == parsed.total_ht  # BT-109 = Σ BT-131 − BT-107 + BT-108
    assert totals.allowances_total == (parsed.allowances_total or 0)  # BT-107
    assert totals.charges_total == (parsed.charges_total or 0)  # BT-108
    assert totals.total_vat == parsed.total_vat
    assert totals.total_ttc == parsed.total_ttc
    assert totals.total_ttc - (parsed.prepaid or 0) == parsed.amount_due
    # And so is the VAT breakdown, whose bases include the allowances and charges (BR-S-08…)
    assert _rows(totals.vat_rows) == {
        (r.category, r.rate.normalize(), r.base, r.amount) for r in parsed.vat_breakdown
    }


def test_cii_allowance_and_charge_are_read_with_their_vat_and_reason():
    content = (CORPUS / "cii/valid/en16931-examples/CII_example2.xml").read_bytes()
    parsed = validate_document(content=content, filename="CII_example2.xml").parsed
    allowance, charge = parsed.allowances_charges
    assert (allowance.is_charge, allowance.amount, allowance.reason, allowance.reason_code) == (
        False,
        Decimal("100"),
        "Promotion discount",
        "95",
    )
    assert (allowance.vat_category, allowance.vat_rate) == ("S", Decimal("25"))
    assert (charge.is_charge, charge.amount, charge.reason, charge.vat_category) == (
        True,
        Decimal("100"),
        "Freight",
        "S",
    )


def test_ubl_reads_only_the_document_level_allowances():
    # guide-example2 has price-level allowances too (cac:Price/cac:AllowanceCharge): not BG-20
    content = (CORPUS / "ubl/valid/en16931-examples/guide-example2.xml").read_bytes()
    parsed = validate_document(content=content, filename="guide-example2.xml").parsed
    assert [(a.is_charge, a.amount) for a in parsed.allowances_charges] == [
        (False, Decimal("100.00")),
        (True, Decimal("100.00")),
    ]


def test_allowance_and_charge_change_the_base_of_their_own_rate_only():
    lines = [
        LineAmount(category="S", rate=Decimal("20"), rate_manual=False, net=Decimal("100.00")),
        LineAmount(category="S", rate=Decimal("5.5"), rate_manual=False, net=Decimal("50.00")),
    ]
    adjustments = [
        AllowanceChargeAmount(
            is_charge=False, category="S", rate=Decimal("20"), rate_manual=False, amount=Decimal("10.00")
        ),
        AllowanceChargeAmount(
            is_charge=True, category="S", rate=Decimal("5.5"), rate_manual=False, amount=Decimal("4.00")
        ),
    ]
    totals = compute_totals(lines=lines, allowances_charges=adjustments)
    assert totals.lines_total == Decimal("150.00")  # BT-106
    assert (totals.allowances_total, totals.charges_total) == (Decimal("10.00"), Decimal("4.00"))
    assert totals.total_ht == Decimal("144.00")  # BR-CO-13
    assert [(r.rate, r.base, r.amount) for r in totals.vat_rows] == [
        (Decimal("20"), Decimal("90.00"), Decimal("18.00")),
        (Decimal("5.5"), Decimal("54.00"), Decimal("2.97")),
    ]
    assert totals.total_ttc == Decimal("164.97")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "relative",
    [
        "cii/valid/zugferd-corpus-xml-rechnung/EN16931_Rabatte.cii.xml",
        "ubl/valid/en16931-examples/guide-example2.xml",
        "facturx/valid/zugferd-2.1-symtrax/EN16931/zugferd_2p1_EN16931_Rabatte.pdf",
    ],
)
def test_chorus_checks_do_not_refuse_the_totals_of_an_invoice_with_allowances(relative, acme, alice):
    # Before BG-20/BG-21 were read, these files were refused as CPRO-TOTAUX
    content = (CORPUS / relative).read_bytes()
    parsed = validate_document(content=content, filename=relative.rsplit("/", 1)[-1]).parsed
    data = invoice_data_from_parsed(parsed, channel=Channel.UPLOAD_PORTAIL)
    codes = {error.code for error in invoice_data_check(data=data, supplier=acme, actor=alice)}
    assert "CPRO-TOTAUX" not in codes and "CPRO-REMISE-FRAIS-MONTANT" not in codes


@pytest.mark.django_db
def test_a_declared_allowance_total_that_disagrees_is_refused(acme, alice):
    content = (CORPUS / "cii/valid/zugferd-corpus-xml-rechnung/EN16931_Rabatte.cii.xml").read_bytes()
    parsed = validate_document(content=content, filename="EN16931_Rabatte.cii.xml").parsed
    data = invoice_data_from_parsed(parsed, channel=Channel.UPLOAD_PORTAIL)
    data.declared_allowances_total = (data.declared_allowances_total or 0) + Decimal("1.00")
    errors = invoice_data_check(data=data, supplier=acme, actor=alice)
    wrong = [e for e in errors if e.code == "CPRO-TOTAUX"]
    assert [e.bt for e in wrong] == ["BT-107"]
    assert "total des remises sur la facture" in wrong[0].message


@pytest.mark.django_db
def test_negative_allowance_and_foreign_rate_are_refused_in_french(acme, alice, beaufort):
    data = valid_data(
        allowances_charges=[
            AllowanceChargeData(amount=Decimal("-5"), vat_rate=Decimal("20"), reason="Remise fidélité"),
            AllowanceChargeData(amount=Decimal("5"), vat_rate=Decimal("19"), is_charge=True, reason="Port"),
        ]
    )
    errors = {e.field: e for e in invoice_data_check(data=data, supplier=acme, actor=alice)}
    assert errors["allowances_charges-0-amount"].code == "CPRO-REMISE-FRAIS-MONTANT"
    assert errors["allowances_charges-0-amount"].message.startswith("Remise sur la facture n° 1 :")
    rate = errors["allowances_charges-1-vat_rate"]
    assert (rate.code, rate.bt) == ("CPRO-TAUX-TVA", "BT-103")
    assert rate.message.startswith("Frais sur la facture n° 2 : le taux de TVA 19 %")


def _with_allowance_and_charge(**overrides):
    return valid_data(
        allowances_charges=[
            AllowanceChargeData(
                amount=Decimal("10.00"), vat_rate=Decimal("20"), reason="Remise commerciale", reason_code="95"
            ),
            AllowanceChargeData(
                amount=Decimal("7.50"), vat_rate=Decimal("5.5"), is_charge=True, reason="Frais de port"
            ),
        ],
        **overrides,
    )


@pytest.mark.django_db
def test_generated_facturx_with_allowance_and_charge_passes_en16931(acme, beaufort):
    # Given an invoice with a 10 € allowance at 20 % and 7.50 € of freight at 5.5 %
    data = _with_allowance_and_charge()
    # When the portal writes its CII XML and Factur-X
    xml, pdf = invoice_preview_documents(supplier=acme, data=data)
    # Then the XML passes the Factur-X EN 16931 XSD and the EN 16931 rules (BR-CO-11..13, BR-33…)
    assert xsd_errors(xml) == []
    assert blocking(schematron_failures(xml)) == []
    assert pdf.startswith(b"%PDF")
    # And reading it back gives the same allowances, charges and totals
    parsed = validate_document(content=pdf, filename="apercu.pdf").parsed
    assert [(a.is_charge, a.amount, a.vat_rate, a.reason) for a in parsed.allowances_charges] == [
        (False, Decimal("10.00"), Decimal("20.00"), "Remise commerciale"),
        (True, Decimal("7.50"), Decimal("5.50"), "Frais de port"),
    ]
    totals = data.totals()
    assert (parsed.allowances_total, parsed.charges_total) == (Decimal("10.00"), Decimal("7.50"))
    assert (parsed.total_ht, parsed.total_vat, parsed.total_ttc) == (
        totals.total_ht,
        totals.total_vat,
        totals.total_ttc,
    )


@pytest.mark.django_db
def test_deposited_allowances_are_stored_and_shown(
    client, acme, alice, beaufort, django_capture_on_commit_callbacks
):
    # Given an invoice with an allowance and a charge, deposited through the API data channel
    with django_capture_on_commit_callbacks(execute=True):
        invoice = invoice_deposit(
            supplier=acme, data=_with_allowance_and_charge(), actor=alice, channel=Channel.SAISIE_API
        )
    # Then they are stored in order, with their VAT category
    stored = list(InvoiceAllowanceCharge.objects.filter(invoice=invoice))
    assert [(s.position, s.is_charge, s.amount, s.vat_category) for s in stored] == [
        (1, False, Decimal("10.00"), "S"),
        (2, True, Decimal("7.50"), "S"),
    ]
    assert invoice.total_ht == Decimal("205.20") - Decimal("10.00") + Decimal("7.50")  # BR-CO-13
    # And the Factur-X the portal wrote at deposit is its legal document (its SHA-256 the fingerprint)
    assert invoice.documents.filter(role=DocumentRole.INVOICE).exists()
    # And the invoice page shows them, with the sum of the lines before them
    client.force_login(alice)
    body = client.get(f"/factures/{invoice.pk}/").content.decode()
    assert "Remises et frais sur l" in body
    assert "Remise commerciale" in body and "Frais de port" in body
    assert "Somme des lignes HT" in body
