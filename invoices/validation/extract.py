"""Read what a CII or UBL invoice says into a ParsedInvoice. Never raises: missing is None."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from lxml import etree

from .detect import NS_CII, NS_RAM, NS_UBL_CREDITNOTE, NS_UBL_INVOICE
from .types import AllowanceCharge, InvoiceLine, ParsedInvoice, VatBreakdown

NS = {
    "rsm": NS_CII,
    "ram": NS_RAM,
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
}
# UNTDID 1001 codes EN 16931 treats as credit notes.
CREDIT_NOTE_CODES = frozenset({"81", "83", "261", "262", "296", "308", "381", "396", "420", "458", "532"})


def parse_invoice(root: etree._Element) -> ParsedInvoice | None:
    namespace = etree.QName(root).namespace
    if namespace == NS_CII:
        return _parse_cii(root)
    if namespace in (NS_UBL_INVOICE, NS_UBL_CREDITNOTE):
        return _parse_ubl(root, credit_note=namespace == NS_UBL_CREDITNOTE)
    return None


def _text(node: etree._Element | None, path: str) -> str | None:
    if node is None:
        return None
    found = node.find(path, NS)
    if found is None or found.text is None:
        return None
    value = found.text.strip()
    return value or None


def _node(node: etree._Element | None, path: str) -> etree._Element | None:
    return None if node is None else node.find(path, NS)


def _decimal(value: str | None) -> Decimal | None:
    if value is None:
        return None
    try:
        number = Decimal(value.replace(" ", ""))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _date(value: str | None) -> dt.date | None:
    if not value:
        return None
    for pattern in ("%Y%m%d", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(value[:10], pattern).date()
        except ValueError:
            continue
    return None


def _attr(node: etree._Element | None, path: str, name: str) -> str | None:
    found = _node(node, path)
    return None if found is None else (found.get(name) or None)


# --- CII (UN/CEFACT D16B, Factur-X) ---------------------------------------------------------


def _parse_cii(root: etree._Element) -> ParsedInvoice:
    document = _node(root, "rsm:ExchangedDocument")
    transaction = _node(root, "rsm:SupplyChainTradeTransaction")
    agreement = _node(transaction, "ram:ApplicableHeaderTradeAgreement")
    settlement = _node(transaction, "ram:ApplicableHeaderTradeSettlement")
    seller = _node(agreement, "ram:SellerTradeParty")
    buyer = _node(agreement, "ram:BuyerTradeParty")
    totals = _node(settlement, "ram:SpecifiedTradeSettlementHeaderMonetarySummation")
    means = _node(settlement, "ram:SpecifiedTradeSettlementPaymentMeans")
    type_code = _text(document, "ram:TypeCode")
    currency = _text(settlement, "ram:InvoiceCurrencyCode")
    invoice = ParsedInvoice(
        number=_text(document, "ram:ID"),
        issue_date=_date(_text(document, "ram:IssueDateTime/udt:DateTimeString")),
        type_code=type_code,
        is_credit_note=type_code in CREDIT_NOTE_CODES,
        currency=currency,
        buyer_reference=_text(agreement, "ram:BuyerReference"),
        contract_reference=_text(agreement, "ram:ContractReferencedDocument/ram:IssuerAssignedID"),
        purchase_order=_text(agreement, "ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID"),
        preceding_invoice=_text(settlement, "ram:InvoiceReferencedDocument/ram:IssuerAssignedID"),
        seller_name=_text(seller, "ram:Name"),
        seller_siret=_text(seller, "ram:SpecifiedLegalOrganization/ram:ID"),
        seller_siret_scheme=_attr(seller, "ram:SpecifiedLegalOrganization/ram:ID", "schemeID"),
        seller_vat=_cii_vat(seller),
        buyer_name=_text(buyer, "ram:Name"),
        buyer_siret=_text(buyer, "ram:SpecifiedLegalOrganization/ram:ID"),
        buyer_siret_scheme=_attr(buyer, "ram:SpecifiedLegalOrganization/ram:ID", "schemeID"),
        buyer_vat=_cii_vat(buyer),
        iban=_text(means, "ram:PayeePartyCreditorFinancialAccount/ram:IBANID")
        or _text(means, "ram:PayeePartyCreditorFinancialAccount/ram:ProprietaryID"),
        payment_means_code=_text(means, "ram:TypeCode"),
        notes=[
            note.text.strip()
            for note in (document.findall("ram:IncludedNote/ram:Content", NS) if document is not None else [])
            if note.text and note.text.strip()
        ],
        total_ht=_decimal(_text(totals, "ram:TaxBasisTotalAmount")),
        total_vat=_cii_vat_total(totals, currency),
        total_vat_eur=_vat_total_in_euros(
            totals.findall("ram:TaxTotalAmount", NS) if totals is not None else [], currency
        ),
        total_ttc=_decimal(_text(totals, "ram:GrandTotalAmount")),
        allowances_total=_decimal(_text(totals, "ram:AllowanceTotalAmount")),
        charges_total=_decimal(_text(totals, "ram:ChargeTotalAmount")),
        prepaid=_decimal(_text(totals, "ram:TotalPrepaidAmount")),
        amount_due=_decimal(_text(totals, "ram:DuePayableAmount")),
    )
    if settlement is not None:
        invoice.vat_breakdown = [
            VatBreakdown(
                category=_text(tax, "ram:CategoryCode"),
                rate=_decimal(_text(tax, "ram:RateApplicablePercent")),
                base=_decimal(_text(tax, "ram:BasisAmount")),
                amount=_decimal(_text(tax, "ram:CalculatedAmount")),
                exemption_reason=_text(tax, "ram:ExemptionReason") or _text(tax, "ram:ExemptionReasonCode"),
            )
            for tax in settlement.findall("ram:ApplicableTradeTax", NS)
        ]
        invoice.allowances_charges = [
            _cii_allowance_charge(node)
            for node in settlement.findall("ram:SpecifiedTradeAllowanceCharge", NS)
        ]
    if transaction is not None:
        invoice.lines = [
            _cii_line(item) for item in transaction.findall("ram:IncludedSupplyChainTradeLineItem", NS)
        ]
    return invoice


def _cii_vat(party: etree._Element | None) -> str | None:
    if party is None:
        return None
    for registration in party.findall("ram:SpecifiedTaxRegistration/ram:ID", NS):
        if registration.get("schemeID") == "VA" and registration.text:
            return registration.text.strip()
    return None


def _cii_vat_total(totals: etree._Element | None, currency: str | None) -> Decimal | None:
    """BT-110 is the TaxTotalAmount in the invoice currency (BT-111 is the other one)."""
    if totals is None:
        return None
    amounts = totals.findall("ram:TaxTotalAmount", NS)
    for amount in amounts:
        if amount.get("currencyID") in (None, currency):
            return _decimal(amount.text)
    return _decimal(amounts[0].text) if amounts else None


def _vat_total_in_euros(amounts: list[etree._Element], currency: str | None) -> Decimal | None:
    """BT-111: the VAT total in euros of an invoice in another currency (the TaxTotalAmount /
    TaxAmount whose currencyID is EUR)."""
    if not currency or currency == "EUR":
        return None
    for amount in amounts:
        if amount.get("currencyID") == "EUR":
            return _decimal(amount.text)
    return None


def _indicator(value: str | None) -> bool:
    return (value or "").strip().lower() == "true"


def _cii_allowance_charge(node: etree._Element) -> AllowanceCharge:
    """BG-20 / BG-21 in CII: ``ApplicableHeaderTradeSettlement/SpecifiedTradeAllowanceCharge``."""
    return AllowanceCharge(
        is_charge=_indicator(_text(node, "ram:ChargeIndicator/udt:Indicator")),
        amount=_decimal(_text(node, "ram:ActualAmount")),
        base=_decimal(_text(node, "ram:BasisAmount")),
        percent=_decimal(_text(node, "ram:CalculationPercent")),
        vat_category=_text(node, "ram:CategoryTradeTax/ram:CategoryCode"),
        vat_rate=_decimal(_text(node, "ram:CategoryTradeTax/ram:RateApplicablePercent")),
        reason=_text(node, "ram:Reason"),
        reason_code=_text(node, "ram:ReasonCode"),
    )


def _cii_line(item: etree._Element) -> InvoiceLine:
    quantity = _node(item, "ram:SpecifiedLineTradeDelivery/ram:BilledQuantity")
    tax = _node(item, "ram:SpecifiedLineTradeSettlement/ram:ApplicableTradeTax")
    return InvoiceLine(
        id=_text(item, "ram:AssociatedDocumentLineDocument/ram:LineID"),
        name=_text(item, "ram:SpecifiedTradeProduct/ram:Name"),
        quantity=_decimal(quantity.text) if quantity is not None else None,
        unit_code=quantity.get("unitCode") if quantity is not None else None,
        net_price=_decimal(
            _text(item, "ram:SpecifiedLineTradeAgreement/ram:NetPriceProductTradePrice/ram:ChargeAmount")
        ),
        line_total=_decimal(
            _text(
                item,
                "ram:SpecifiedLineTradeSettlement/ram:SpecifiedTradeSettlementLineMonetarySummation"
                "/ram:LineTotalAmount",
            )
        ),
        vat_category=_text(tax, "ram:CategoryCode"),
        vat_rate=_decimal(_text(tax, "ram:RateApplicablePercent")),
    )


# --- UBL 2.1 ---------------------------------------------------------------------------------


def _parse_ubl(root: etree._Element, *, credit_note: bool) -> ParsedInvoice:
    seller = _node(root, "cac:AccountingSupplierParty/cac:Party")
    buyer = _node(root, "cac:AccountingCustomerParty/cac:Party")
    totals = _node(root, "cac:LegalMonetaryTotal")
    means = _node(root, "cac:PaymentMeans")
    currency = _text(root, "cbc:DocumentCurrencyCode")
    type_code = _text(root, "cbc:CreditNoteTypeCode" if credit_note else "cbc:InvoiceTypeCode")
    invoice = ParsedInvoice(
        number=_text(root, "cbc:ID"),
        issue_date=_date(_text(root, "cbc:IssueDate")),
        type_code=type_code,
        is_credit_note=credit_note or type_code in CREDIT_NOTE_CODES,
        currency=currency,
        buyer_reference=_text(root, "cbc:BuyerReference"),
        contract_reference=_text(root, "cac:ContractDocumentReference/cbc:ID"),
        purchase_order=_text(root, "cac:OrderReference/cbc:ID"),
        preceding_invoice=_text(root, "cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID"),
        seller_name=_text(seller, "cac:PartyLegalEntity/cbc:RegistrationName")
        or _text(seller, "cac:PartyName/cbc:Name"),
        seller_siret=_text(seller, "cac:PartyLegalEntity/cbc:CompanyID"),
        seller_siret_scheme=_attr(seller, "cac:PartyLegalEntity/cbc:CompanyID", "schemeID"),
        seller_vat=_ubl_vat(seller),
        buyer_name=_text(buyer, "cac:PartyLegalEntity/cbc:RegistrationName")
        or _text(buyer, "cac:PartyName/cbc:Name"),
        buyer_siret=_text(buyer, "cac:PartyLegalEntity/cbc:CompanyID"),
        buyer_siret_scheme=_attr(buyer, "cac:PartyLegalEntity/cbc:CompanyID", "schemeID"),
        buyer_vat=_ubl_vat(buyer),
        iban=_text(means, "cac:PayeeFinancialAccount/cbc:ID"),
        payment_means_code=_text(means, "cbc:PaymentMeansCode"),
        notes=[note.text.strip() for note in root.findall("cbc:Note", NS) if note.text and note.text.strip()],
        total_ht=_decimal(_text(totals, "cbc:TaxExclusiveAmount")),
        total_vat=_ubl_vat_total(root, currency),
        total_vat_eur=_vat_total_in_euros(root.findall("cac:TaxTotal/cbc:TaxAmount", NS), currency),
        total_ttc=_decimal(_text(totals, "cbc:TaxInclusiveAmount")),
        allowances_total=_decimal(_text(totals, "cbc:AllowanceTotalAmount")),
        charges_total=_decimal(_text(totals, "cbc:ChargeTotalAmount")),
        prepaid=_decimal(_text(totals, "cbc:PrepaidAmount")),
        amount_due=_decimal(_text(totals, "cbc:PayableAmount")),
    )
    invoice.vat_breakdown = [
        VatBreakdown(
            category=_text(subtotal, "cac:TaxCategory/cbc:ID"),
            rate=_decimal(_text(subtotal, "cac:TaxCategory/cbc:Percent")),
            base=_decimal(_text(subtotal, "cbc:TaxableAmount")),
            amount=_decimal(_text(subtotal, "cbc:TaxAmount")),
            exemption_reason=_text(subtotal, "cac:TaxCategory/cbc:TaxExemptionReason")
            or _text(subtotal, "cac:TaxCategory/cbc:TaxExemptionReasonCode"),
        )
        for subtotal in root.findall("cac:TaxTotal/cac:TaxSubtotal", NS)
    ]
    invoice.allowances_charges = [
        _ubl_allowance_charge(node) for node in root.findall("cac:AllowanceCharge", NS)
    ]
    line_tag, quantity_tag = (
        ("cac:CreditNoteLine", "cbc:CreditedQuantity")
        if credit_note
        else ("cac:InvoiceLine", "cbc:InvoicedQuantity")
    )
    invoice.lines = [_ubl_line(line, quantity_tag) for line in root.findall(line_tag, NS)]
    return invoice


def _ubl_vat(party: etree._Element | None) -> str | None:
    if party is None:
        return None
    for scheme in party.findall("cac:PartyTaxScheme", NS):
        if _text(scheme, "cac:TaxScheme/cbc:ID") == "VAT":
            return _text(scheme, "cbc:CompanyID")
    return None


def _ubl_vat_total(root: etree._Element, currency: str | None) -> Decimal | None:
    amounts = root.findall("cac:TaxTotal/cbc:TaxAmount", NS)
    for amount in amounts:
        if amount.get("currencyID") in (None, currency):
            return _decimal(amount.text)
    return _decimal(amounts[0].text) if amounts else None


def _ubl_allowance_charge(node: etree._Element) -> AllowanceCharge:
    """BG-20 / BG-21 in UBL: the document's own ``cac:AllowanceCharge`` (not the lines' nor the
    prices')."""
    return AllowanceCharge(
        is_charge=_indicator(_text(node, "cbc:ChargeIndicator")),
        amount=_decimal(_text(node, "cbc:Amount")),
        base=_decimal(_text(node, "cbc:BaseAmount")),
        percent=_decimal(_text(node, "cbc:MultiplierFactorNumeric")),
        vat_category=_text(node, "cac:TaxCategory/cbc:ID"),
        vat_rate=_decimal(_text(node, "cac:TaxCategory/cbc:Percent")),
        reason=_text(node, "cbc:AllowanceChargeReason"),
        reason_code=_text(node, "cbc:AllowanceChargeReasonCode"),
    )


def _ubl_line(line: etree._Element, quantity_tag: str) -> InvoiceLine:
    quantity = _node(line, quantity_tag)
    return InvoiceLine(
        id=_text(line, "cbc:ID"),
        name=_text(line, "cac:Item/cbc:Name"),
        quantity=_decimal(quantity.text) if quantity is not None else None,
        unit_code=quantity.get("unitCode") if quantity is not None else None,
        net_price=_decimal(_text(line, "cac:Price/cbc:PriceAmount")),
        line_total=_decimal(_text(line, "cbc:LineExtensionAmount")),
        vat_category=_text(line, "cac:Item/cac:ClassifiedTaxCategory/cbc:ID"),
        vat_rate=_decimal(_text(line, "cac:Item/cac:ClassifiedTaxCategory/cbc:Percent")),
    )
