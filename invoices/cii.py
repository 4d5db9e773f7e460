"""The CII XML (UN/CEFACT D16B, Factur-X 1.0 profile EN 16931) of an invoice entered on the portal.

Built from the stored invoice alone (its fields, lines, VAT breakdown and the ``parties``
snapshot taken when it was sent) so that the same invoice always gives the same bytes: the
deposit computes the fingerprint from these bytes in memory, and the Factur-X PDF generated
after commit embeds them unchanged.

Chorus Pro routing data (reference §4.2, §5.4):
- buyer SIRET in BT-47 (``BuyerTradeParty/SpecifiedLegalOrganization/ID``, schemeID 0009),
- service code in BT-10 (``BuyerReference``), engagement number in BT-13
  (``BuyerOrderReferencedDocument``), market number in BT-12 (``ContractReferencedDocument``),
- seller SIRET in BT-30 (schemeID 0009), the billing framework in BT-23.
Elements follow the order of the Factur-X EN16931 XSD.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from lxml import etree

from .amounts import round_cent, vat_category_for
from .choices import PAYMENT_MEANS_CODE, TYPE_CODE, VatCategory, VatRegime

if TYPE_CHECKING:
    from .models import Invoice, InvoiceAllowanceCharge, InvoiceLine, VatLine

NS_RSM = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
NS_RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
NS_QDT = "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"
NS_UDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
NSMAP = {"rsm": NS_RSM, "qdt": NS_QDT, "ram": NS_RAM, "udt": NS_UDT}

GUIDELINE_EN16931 = "urn:cen.eu:en16931:2017"
SIRET_SCHEME = "0009"  # ISO 6523 ICD of the SIRET
# BT-8 (UNTDID 2475): VAT due on the invoice date ("sur les débits") or when paid
# ("sur les encaissements").
VAT_DUE_DATE_CODE = {VatRegime.TVA_SUR_DEBIT: "5", VatRegime.TVA_SUR_ENCAISSEMENT: "72"}


def _el(parent: etree._Element, ns: str, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    element = etree.SubElement(parent, f"{{{ns}}}{tag}", attrs)
    if text is not None:
        element.text = text
    return element


def _ram(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    return _el(parent, NS_RAM, tag, text, **attrs)


def amount(value: Decimal) -> str:
    return f"{round_cent(value):.2f}"


def quantity_text(value: Decimal) -> str:
    return f"{value.normalize():f}"


def price_text(value: Decimal) -> str:
    normalized = value.normalize()
    exponent = normalized.as_tuple().exponent
    if isinstance(exponent, int) and exponent > -2:
        return f"{value:.2f}"
    return f"{normalized:f}"


def rate_text(value: Decimal) -> str:
    return f"{value:.2f}"


def _date(parent: etree._Element, tag: str, value: str, *, ns_date: str = NS_UDT) -> None:
    """``value`` is an ISO date (YYYY-MM-DD); CII writes it in format 102 (YYYYMMDD)."""
    holder = _ram(parent, tag)
    _el(holder, ns_date, "DateTimeString", value.replace("-", ""), format="102")


def _address(party: etree._Element, data: dict[str, Any]) -> None:
    address = _ram(party, "PostalTradeAddress")
    if data.get("postcode"):
        _ram(address, "PostcodeCode", data["postcode"])
    lines = [
        v for v in (data.get("address"), data.get("address_complement"), data.get("address_complement2")) if v
    ]
    for tag, text in zip(("LineOne", "LineTwo", "LineThree"), lines, strict=False):
        _ram(address, tag, text)
    if data.get("city"):
        _ram(address, "CityName", data["city"])
    _ram(address, "CountryID", data.get("country_code") or "FR")


def _seller(agreement: etree._Element, seller: dict[str, Any]) -> None:
    party = _ram(agreement, "SellerTradeParty")
    if seller.get("identifier_type") != "SIRET":
        _ram(party, "ID", seller["identifier"])  # BT-29
    _ram(party, "Name", seller["name"])  # BT-27
    if seller.get("identifier_type") == "SIRET":
        legal = _ram(party, "SpecifiedLegalOrganization")
        _ram(legal, "ID", seller["identifier"], schemeID=SIRET_SCHEME)  # BT-30
    _address(party, seller)  # BG-5
    if seller.get("vat_number"):
        registration = _ram(party, "SpecifiedTaxRegistration")
        _ram(registration, "ID", seller["vat_number"], schemeID="VA")  # BT-31


def _buyer(agreement: etree._Element, buyer: dict[str, Any]) -> None:
    party = _ram(agreement, "BuyerTradeParty")
    _ram(party, "Name", buyer["name"])  # BT-44
    legal = _ram(party, "SpecifiedLegalOrganization")
    _ram(legal, "ID", buyer["siret"], schemeID=SIRET_SCHEME)  # BT-47: Chorus Pro routing
    _address(party, buyer)  # BG-8


def _line(transaction: etree._Element, line: InvoiceLine, category: str) -> None:
    item = _ram(transaction, "IncludedSupplyChainTradeLineItem")
    document = _ram(item, "AssociatedDocumentLineDocument")
    _ram(document, "LineID", str(line.position))  # BT-126
    product = _ram(item, "SpecifiedTradeProduct")
    if line.reference:
        _ram(product, "SellerAssignedID", line.reference)  # BT-155
    _ram(product, "Name", line.designation)  # BT-153
    agreement = _ram(item, "SpecifiedLineTradeAgreement")
    net_price = _ram(agreement, "NetPriceProductTradePrice")
    _ram(net_price, "ChargeAmount", price_text(line.unit_price))  # BT-146
    delivery = _ram(item, "SpecifiedLineTradeDelivery")
    _ram(delivery, "BilledQuantity", quantity_text(line.quantity), unitCode=line.unit or "C62")  # BT-129/130
    settlement = _ram(item, "SpecifiedLineTradeSettlement")
    tax = _ram(settlement, "ApplicableTradeTax")
    _ram(tax, "TypeCode", "VAT")
    _ram(tax, "CategoryCode", category)  # BT-151
    if category != VatCategory.NOT_SUBJECT:
        _ram(tax, "RateApplicablePercent", rate_text(line.vat_rate))  # BT-152
    if line.discount:
        # BG-27 line allowance; BR-42 requires its reason.
        allowance = _ram(settlement, "SpecifiedTradeAllowanceCharge")
        indicator = _ram(allowance, "ChargeIndicator")
        _el(indicator, NS_UDT, "Indicator", "false")
        _ram(allowance, "ActualAmount", amount(line.discount))  # BT-136
        _ram(allowance, "Reason", "Remise")  # BT-139
    summation = _ram(settlement, "SpecifiedTradeSettlementLineMonetarySummation")
    _ram(summation, "LineTotalAmount", amount(line.total_ht))  # BT-131


def payment_terms_text(parties: dict[str, Any]) -> str:
    days = parties.get("buyer", {}).get("payment_delay_days") or 30
    # Code de la commande publique art. R.2192-10 s. (délai global de paiement) and the legal
    # late-payment mentions (interest at the ECB rate + 8 points, €40 fixed indemnity).
    return (
        f"Délai global de paiement : {days} jours à compter de la réception de la facture "
        "(Code de la commande publique, art. R.2192-10 et suivants). En cas de retard, intérêts "
        "moratoires au taux de la BCE majoré de 8 points et indemnité forfaitaire de 40 € pour "
        "frais de recouvrement."
    )


def _allowance_charge(settlement: etree._Element, item: InvoiceAllowanceCharge) -> None:
    """BG-20 / BG-21 at header level, in the order of the Factur-X EN16931 XSD."""
    node = _ram(settlement, "SpecifiedTradeAllowanceCharge")
    indicator = _ram(node, "ChargeIndicator")
    _el(indicator, NS_UDT, "Indicator", "true" if item.is_charge else "false")
    if item.percent is not None and item.base is not None:
        _ram(node, "CalculationPercent", f"{item.percent.normalize():f}")  # BT-94 / BT-101
        _ram(node, "BasisAmount", amount(item.base))  # BT-93 / BT-100
    _ram(node, "ActualAmount", amount(item.amount))  # BT-92 / BT-99
    if item.reason_code:
        _ram(node, "ReasonCode", item.reason_code)  # BT-98 / BT-105
    # BR-33 / BR-38: a reason or a reason code; the portal always writes a readable reason.
    reason = item.reason or ("Frais" if item.is_charge else "Remise")
    _ram(node, "Reason", reason)  # BT-97 / BT-104
    tax = _ram(node, "CategoryTradeTax")
    _ram(tax, "TypeCode", "VAT")
    _ram(tax, "CategoryCode", item.vat_category)  # BT-95 / BT-102 (BR-32, BR-37)
    if item.vat_category != VatCategory.NOT_SUBJECT:
        _ram(tax, "RateApplicablePercent", rate_text(item.vat_rate))  # BT-96 / BT-103


def invoice_cii_xml(
    *,
    invoice: Invoice,
    lines: Sequence[InvoiceLine],
    vat_lines: Sequence[VatLine],
    allowances_charges: Sequence[InvoiceAllowanceCharge] = (),
) -> bytes:
    """The CII XML of ``invoice``, from the given (in-memory) lines, VAT rows and document-level
    allowances and charges."""
    parties: dict[str, Any] = invoice.parties or {}
    # A fixed order, whatever order the rows were read in: the same invoice, the same bytes.
    lines = sorted(lines, key=lambda line: line.position)
    vat_lines = sorted(vat_lines, key=lambda row: (-row.rate, row.category))
    adjustments = sorted(allowances_charges, key=lambda item: item.position)
    root = etree.Element(f"{{{NS_RSM}}}CrossIndustryInvoice", nsmap=NSMAP)

    context = _el(root, NS_RSM, "ExchangedDocumentContext")
    process = _ram(context, "BusinessProcessSpecifiedDocumentContextParameter")
    _ram(process, "ID", invoice.framework.split("_", 1)[0])  # BT-23: cadre de facturation (A1…)
    guideline = _ram(context, "GuidelineSpecifiedDocumentContextParameter")
    _ram(guideline, "ID", GUIDELINE_EN16931)  # BT-24

    document = _el(root, NS_RSM, "ExchangedDocument")
    _ram(document, "ID", invoice.number)  # BT-1
    _ram(document, "TypeCode", TYPE_CODE[invoice.kind])  # BT-3
    _date(document, "IssueDateTime", invoice.invoice_date.isoformat())  # BT-2
    for note in _notes(invoice, parties):
        included = _ram(document, "IncludedNote")
        _ram(included, "Content", note)  # BT-22

    transaction = _el(root, NS_RSM, "SupplyChainTradeTransaction")
    for line in lines:
        category = vat_category_for(
            rate=line.vat_rate, vat_regime=invoice.vat_regime, declared=line.vat_category
        )
        _line(transaction, line, category)

    agreement = _ram(transaction, "ApplicableHeaderTradeAgreement")
    if parties["buyer"].get("service_code"):
        _ram(agreement, "BuyerReference", parties["buyer"]["service_code"])  # BT-10
    seller = parties["seller"]
    if vat_lines and all(row.category == VatCategory.NOT_SUBJECT for row in vat_lines):
        # BR-O-02: an invoice wholly « not subject to VAT » carries no seller VAT number.
        seller = {**seller, "vat_number": ""}
    _seller(agreement, seller)
    _buyer(agreement, parties["buyer"])
    if invoice.engagement_number:
        order = _ram(agreement, "BuyerOrderReferencedDocument")
        _ram(order, "IssuerAssignedID", invoice.engagement_number)  # BT-13
    if invoice.market_number:
        contract = _ram(agreement, "ContractReferencedDocument")
        _ram(contract, "IssuerAssignedID", invoice.market_number)  # BT-12

    _ram(transaction, "ApplicableHeaderTradeDelivery")

    settlement = _ram(transaction, "ApplicableHeaderTradeSettlement")
    foreign = invoice.currency != "EUR"
    if foreign:
        _ram(settlement, "TaxCurrencyCode", "EUR")  # BT-6: French VAT is accounted in euros
    _ram(settlement, "InvoiceCurrencyCode", invoice.currency)  # BT-5
    if invoice.payment_mode:
        means = _ram(settlement, "SpecifiedTradeSettlementPaymentMeans")
        _ram(means, "TypeCode", PAYMENT_MEANS_CODE[invoice.payment_mode])  # BT-81
        if invoice.iban:
            account = _ram(means, "PayeePartyCreditorFinancialAccount")
            _ram(account, "IBANID", invoice.iban)  # BT-84
    for row in vat_lines:
        tax = _ram(settlement, "ApplicableTradeTax")
        _ram(tax, "CalculatedAmount", amount(row.amount))  # BT-117
        _ram(tax, "TypeCode", "VAT")
        if row.category in (VatCategory.EXEMPT, VatCategory.NOT_SUBJECT):
            _ram(tax, "ExemptionReason", invoice.vat_exemption_reason)  # BT-120 (BR-E-10, BR-O-10)
        _ram(tax, "BasisAmount", amount(row.base))  # BT-116
        _ram(tax, "CategoryCode", row.category)  # BT-118
        due_code = VAT_DUE_DATE_CODE.get(invoice.vat_regime)
        if due_code and row.category == VatCategory.STANDARD:
            _ram(tax, "DueDateTypeCode", due_code)  # BT-8
        if row.category != VatCategory.NOT_SUBJECT:
            _ram(tax, "RateApplicablePercent", rate_text(row.rate))  # BT-119
    for item in adjustments:
        _allowance_charge(settlement, item)
    if invoice.amount_due > 0:
        terms = _ram(settlement, "SpecifiedTradePaymentTerms")
        _ram(terms, "Description", payment_terms_text(parties))  # BT-20 (BR-CO-25)
    summation = _ram(settlement, "SpecifiedTradeSettlementHeaderMonetarySummation")
    _ram(summation, "LineTotalAmount", amount(sum((line.total_ht for line in lines), Decimal(0))))  # BT-106
    allowances = [item.amount for item in adjustments if not item.is_charge]
    charges = [item.amount for item in adjustments if item.is_charge]
    if charges:
        _ram(summation, "ChargeTotalAmount", amount(sum(charges, Decimal(0))))  # BT-108 (BR-CO-12)
    if allowances:
        _ram(summation, "AllowanceTotalAmount", amount(sum(allowances, Decimal(0))))  # BT-107 (BR-CO-11)
    _ram(summation, "TaxBasisTotalAmount", amount(invoice.total_ht))  # BT-109 (BR-CO-13)
    _ram(summation, "TaxTotalAmount", amount(invoice.total_vat), currencyID=invoice.currency)  # BT-110
    if foreign:
        in_euros = round_cent(invoice.total_vat * invoice.exchange_rate)
        _ram(summation, "TaxTotalAmount", amount(in_euros), currencyID="EUR")  # BT-111
    _ram(summation, "GrandTotalAmount", amount(invoice.total_ttc))  # BT-112
    paid = invoice.prepaid_amount + invoice.global_discount
    if paid:
        _ram(summation, "TotalPrepaidAmount", amount(paid))  # BT-113
    _ram(summation, "DuePayableAmount", amount(invoice.amount_due))  # BT-115
    original = parties.get("original_invoice")
    if invoice.original_invoice_number:
        reference = _ram(settlement, "InvoiceReferencedDocument")
        _ram(reference, "IssuerAssignedID", invoice.original_invoice_number)  # BT-25
        if original and original.get("date"):
            _date(reference, "FormattedIssueDateTime", original["date"], ns_date=NS_QDT)  # BT-26

    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _notes(invoice: Invoice, parties: dict[str, Any]) -> list[str]:
    notes = []
    if invoice.comment:
        notes.append(invoice.comment)
    if invoice.global_discount:
        reason = f" ({invoice.global_discount_reason})" if invoice.global_discount_reason else ""
        notes.append(
            f"Remise globale TTC de {amount(invoice.global_discount)} {invoice.currency}{reason}, "
            "déduite du montant à payer."
        )
    validator = parties.get("validator")
    if validator:
        notes.append(
            f"Facture soumise à la validation de {validator['name']} (SIRET {validator['identifier']})."
        )
    if invoice.currency != "EUR" and invoice.exchange_rate:
        notes.append(f"Taux de change : 1 {invoice.currency} = {invoice.exchange_rate.normalize():f} EUR.")
    return notes


def sha256_hex(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()
