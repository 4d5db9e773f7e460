"""Which business term (BT) an XML path carries, and the value found at an SVRL location."""

from __future__ import annotations

import re

from lxml import etree

# Path suffixes (local names, no predicates) -> BT, for CII and UBL. Longest match wins.
_SUFFIXES: dict[str, str] = {
    # CII
    "ExchangedDocument/ID": "BT-1",
    "ExchangedDocument/IssueDateTime/DateTimeString": "BT-2",
    "ExchangedDocument/TypeCode": "BT-3",
    "ExchangedDocument/IncludedNote/Content": "BT-22",
    "GuidelineSpecifiedDocumentContextParameter/ID": "BT-24",
    "BusinessProcessSpecifiedDocumentContextParameter/ID": "BT-23",
    "InvoiceCurrencyCode": "BT-5",
    "TaxCurrencyCode": "BT-6",
    "BuyerReference": "BT-10",
    "ContractReferencedDocument/IssuerAssignedID": "BT-12",
    "BuyerOrderReferencedDocument/IssuerAssignedID": "BT-13",
    "InvoiceReferencedDocument/IssuerAssignedID": "BT-25",
    "SellerTradeParty/ID": "BT-29",
    "SellerTradeParty/GlobalID": "BT-29",
    "SellerTradeParty/Name": "BT-27",
    "SellerTradeParty/SpecifiedLegalOrganization/ID": "BT-30",
    "SellerTradeParty/SpecifiedTaxRegistration/ID": "BT-31",
    "SellerTradeParty/URIUniversalCommunication/URIID": "BT-34",
    "SellerTradeParty/PostalTradeAddress/CountryID": "BT-40",
    "BuyerTradeParty/ID": "BT-46",
    "BuyerTradeParty/GlobalID": "BT-46",
    "BuyerTradeParty/Name": "BT-44",
    "BuyerTradeParty/SpecifiedLegalOrganization/ID": "BT-47",
    "BuyerTradeParty/SpecifiedTaxRegistration/ID": "BT-48",
    "BuyerTradeParty/URIUniversalCommunication/URIID": "BT-49",
    "BuyerTradeParty/PostalTradeAddress/CountryID": "BT-55",
    "ShipToTradeParty/PostalTradeAddress/CountryID": "BT-80",
    "ActualDeliverySupplyChainEvent/OccurrenceDateTime/DateTimeString": "BT-72",
    "SpecifiedTradeSettlementPaymentMeans/TypeCode": "BT-81",
    "PayeePartyCreditorFinancialAccount/IBANID": "BT-84",
    "PayeePartyCreditorFinancialAccount/ProprietaryID": "BT-84",
    "SpecifiedTradePaymentTerms/DueDateDateTime/DateTimeString": "BT-9",
    "SpecifiedTradePaymentTerms/Description": "BT-20",
    "SpecifiedTradeSettlementHeaderMonetarySummation/LineTotalAmount": "BT-106",
    "SpecifiedTradeSettlementHeaderMonetarySummation/AllowanceTotalAmount": "BT-107",
    "SpecifiedTradeSettlementHeaderMonetarySummation/ChargeTotalAmount": "BT-108",
    "SpecifiedTradeSettlementHeaderMonetarySummation/TaxBasisTotalAmount": "BT-109",
    "SpecifiedTradeSettlementHeaderMonetarySummation/TaxTotalAmount": "BT-110",
    "SpecifiedTradeSettlementHeaderMonetarySummation/GrandTotalAmount": "BT-112",
    "SpecifiedTradeSettlementHeaderMonetarySummation/TotalPrepaidAmount": "BT-113",
    "SpecifiedTradeSettlementHeaderMonetarySummation/RoundingAmount": "BT-114",
    "SpecifiedTradeSettlementHeaderMonetarySummation/DuePayableAmount": "BT-115",
    "ApplicableHeaderTradeSettlement/ApplicableTradeTax/BasisAmount": "BT-116",
    "ApplicableHeaderTradeSettlement/ApplicableTradeTax/CalculatedAmount": "BT-117",
    "ApplicableHeaderTradeSettlement/ApplicableTradeTax/CategoryCode": "BT-118",
    "ApplicableHeaderTradeSettlement/ApplicableTradeTax/RateApplicablePercent": "BT-119",
    "ApplicableTradeTax/ExemptionReason": "BT-120",
    "ApplicableTradeTax/ExemptionReasonCode": "BT-121",
    "AssociatedDocumentLineDocument/LineID": "BT-126",
    "SpecifiedLineTradeDelivery/BilledQuantity": "BT-129",
    "BilledQuantity/@unitCode": "BT-130",
    "SpecifiedTradeSettlementLineMonetarySummation/LineTotalAmount": "BT-131",
    "NetPriceProductTradePrice/ChargeAmount": "BT-146",
    "GrossPriceProductTradePrice/ChargeAmount": "BT-148",
    "SpecifiedLineTradeSettlement/ApplicableTradeTax/CategoryCode": "BT-151",
    "SpecifiedLineTradeSettlement/ApplicableTradeTax/RateApplicablePercent": "BT-152",
    "SpecifiedTradeProduct/Name": "BT-153",
    # UBL
    "Invoice/ID": "BT-1",
    "CreditNote/ID": "BT-1",
    "Invoice/IssueDate": "BT-2",
    "CreditNote/IssueDate": "BT-2",
    "InvoiceTypeCode": "BT-3",
    "CreditNoteTypeCode": "BT-3",
    "DocumentCurrencyCode": "BT-5",
    "Invoice/DueDate": "BT-9",
    "Invoice/Note": "BT-22",
    "CreditNote/Note": "BT-22",
    "CustomizationID": "BT-24",
    "ProfileID": "BT-23",
    "ContractDocumentReference/ID": "BT-12",
    "OrderReference/ID": "BT-13",
    "BillingReference/InvoiceDocumentReference/ID": "BT-25",
    "AccountingSupplierParty/Party/PartyLegalEntity/RegistrationName": "BT-27",
    "AccountingSupplierParty/Party/PartyLegalEntity/CompanyID": "BT-30",
    "AccountingSupplierParty/Party/PartyTaxScheme/CompanyID": "BT-31",
    "AccountingSupplierParty/Party/EndpointID": "BT-34",
    "AccountingSupplierParty/Party/PostalAddress/Country/IdentificationCode": "BT-40",
    "AccountingCustomerParty/Party/PartyLegalEntity/RegistrationName": "BT-44",
    "AccountingCustomerParty/Party/PartyLegalEntity/CompanyID": "BT-47",
    "AccountingCustomerParty/Party/PartyTaxScheme/CompanyID": "BT-48",
    "AccountingCustomerParty/Party/EndpointID": "BT-49",
    "AccountingCustomerParty/Party/PostalAddress/Country/IdentificationCode": "BT-55",
    "Delivery/ActualDeliveryDate": "BT-72",
    "Delivery/DeliveryLocation/Address/Country/IdentificationCode": "BT-80",
    "PaymentMeans/PaymentMeansCode": "BT-81",
    "PayeeFinancialAccount/ID": "BT-84",
    "LegalMonetaryTotal/LineExtensionAmount": "BT-106",
    "LegalMonetaryTotal/AllowanceTotalAmount": "BT-107",
    "LegalMonetaryTotal/ChargeTotalAmount": "BT-108",
    "LegalMonetaryTotal/TaxExclusiveAmount": "BT-109",
    "TaxTotal/TaxAmount": "BT-110",
    "LegalMonetaryTotal/TaxInclusiveAmount": "BT-112",
    "LegalMonetaryTotal/PrepaidAmount": "BT-113",
    "LegalMonetaryTotal/PayableRoundingAmount": "BT-114",
    "LegalMonetaryTotal/PayableAmount": "BT-115",
    "TaxSubtotal/TaxableAmount": "BT-116",
    "TaxSubtotal/TaxAmount": "BT-117",
    "TaxSubtotal/TaxCategory/ID": "BT-118",
    "TaxSubtotal/TaxCategory/Percent": "BT-119",
    "TaxCategory/TaxExemptionReason": "BT-120",
    "TaxCategory/TaxExemptionReasonCode": "BT-121",
    "InvoiceLine/ID": "BT-126",
    "CreditNoteLine/ID": "BT-126",
    "InvoicedQuantity": "BT-129",
    "CreditedQuantity": "BT-129",
    "InvoicedQuantity/@unitCode": "BT-130",
    "CreditedQuantity/@unitCode": "BT-130",
    "InvoiceLine/LineExtensionAmount": "BT-131",
    "CreditNoteLine/LineExtensionAmount": "BT-131",
    "Price/PriceAmount": "BT-146",
    "ClassifiedTaxCategory/ID": "BT-151",
    "ClassifiedTaxCategory/Percent": "BT-152",
    "Item/Name": "BT-153",
}
_PREDICATE = re.compile(r"\[[^\]]*\]")
_PREFIX = re.compile(r"(^|/)(?:\*:|[\w.-]+:)")
_STAR_NAME = re.compile(r"\*:([\w.-]+)")


def names_only(path: str) -> str:
    """'/*:Invoice[namespace-uri()='…'][1]/cbc:ID[1]' -> '/Invoice/ID'."""
    return _PREFIX.sub(r"\1", _PREDICATE.sub("", path))


def bt_for_path(path: str) -> str:
    plain = names_only(path).rstrip("/")
    best = ""
    for suffix in _SUFFIXES:
        if (plain.endswith("/" + suffix) or plain == suffix) and len(suffix) > len(best):
            best = suffix
    return _SUFFIXES[best] if best else ""


def local_path(element: etree._Element) -> str:
    """'/Invoice/LegalMonetaryTotal/PayableAmount' (local names, whatever the prefixes)."""
    names = [etree.QName(element).localname]
    names.extend(etree.QName(parent).localname for parent in element.iterancestors())
    return "/" + "/".join(reversed(names))


def to_xpath1(location: str) -> str:
    """SVRL locations use XPath 2.0 '*:name' steps; lxml speaks XPath 1.0."""
    return _STAR_NAME.sub(r"*[local-name()='\1']", location)


def value_at(root: etree._Element, location: str, bt: str = "", attribute: str = "") -> str:
    """The text found at an SVRL location (or, for a container, at its child carrying ``bt``;
    or the value of ``attribute`` on the located element)."""
    if not location.startswith("/"):
        return ""
    try:
        found = root.getroottree().xpath(to_xpath1(location))
    except (etree.XPathError, ValueError):
        return ""
    if not isinstance(found, list) or not found:
        return ""
    node = found[0]
    if isinstance(node, str):  # attribute value
        return node[:200]
    if not isinstance(node, etree._Element):
        return ""
    if attribute:
        return (node.get(attribute) or "")[:200]
    if len(node) == 0:
        return (node.text or "").strip()[:200]
    if bt:
        for count, child in enumerate(node.iter(etree.Element)):
            if count > 200:  # bounded: containers can hold thousands of lines
                break
            if len(child) == 0 and bt_for_path(local_path(child)) == bt:
                return (child.text or "").strip()[:200]
    return ""
