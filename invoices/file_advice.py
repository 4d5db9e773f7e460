"""The portal's verdict on a deposited file speaks of the file, not of the web form.

A Chorus Pro check says what to change in the form ("choisissez dans l'annuaire"); for a file the
supplier must know which XML element to change and to what. And the same error on many lines
(a rate on 20 lines) is one message listing the lines.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from django.utils.translation import gettext as _

# (CII element, UBL element) of the business terms the Chorus Pro checks name.
ELEMENTS: dict[str, tuple[str, str]] = {
    "BT-1": ("rsm:ExchangedDocument/ram:ID", "cbc:ID"),
    "BT-10": ("ram:BuyerReference", "cbc:BuyerReference"),
    "BT-12": ("ram:ContractReferencedDocument/ram:IssuerAssignedID", "cac:ContractDocumentReference/cbc:ID"),
    "BT-13": ("ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID", "cac:OrderReference/cbc:ID"),
    "BT-25": (
        "ram:InvoiceReferencedDocument/ram:IssuerAssignedID",
        "cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID",
    ),
    "BT-47": (
        'ram:BuyerTradeParty/ram:SpecifiedLegalOrganization/ram:ID (schemeID="0009")',
        'cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyID (schemeID="0009")',
    ),
    "BT-84": (
        "ram:PayeePartyCreditorFinancialAccount/ram:IBANID",
        "cac:PaymentMeans/cac:PayeeFinancialAccount/cbc:ID",
    ),
    "BT-113": ("ram:TotalPrepaidAmount", "cbc:PrepaidAmount"),
    "BT-115": ("ram:DuePayableAmount", "cbc:PayableAmount"),
}

_LINE_FIELD = re.compile(r"^lines-(\d+)-")
_LINE_PREFIX = re.compile(r"^Ligne \d+ : ")


def _element_sentence(bt: str, syntax: str) -> str:
    cii, ubl = ELEMENTS[bt]
    if syntax == "UBL":
        return _("Dans le fichier, corrigez l'élément %(element)s (%(bt)s).") % {"element": ubl, "bt": bt}
    if syntax == "CII":
        return _("Dans le fichier, corrigez l'élément %(element)s (%(bt)s).") % {"element": cii, "bt": bt}
    return _("Dans le fichier, corrigez l'élément %(cii)s (CII) ou %(ubl)s (UBL) (%(bt)s).") % {
        "cii": cii,
        "ubl": ubl,
        "bt": bt,
    }


def _file_message(problem: Any, syntax: str) -> str:
    code, message = problem.rule_id, problem.message
    if code == "CPRO-DESTINATAIRE-REQUIS":
        return (
            _(
                "La facture ne porte pas le SIRET de l'acheteur public destinataire (BT-47) : Chorus Pro ne "
                "peut pas l'acheminer. Ajoutez-le, tel qu'il figure dans l'annuaire des structures "
                "publiques."
            )
            + " "
            + _element_sentence("BT-47", syntax)
        )
    if code == "CPRO-DESTINATAIRE-INCONNU":
        return (
            _(
                "L'acheteur indiqué dans la facture (%(value)s) n'est pas une structure publique active de "
                "l'annuaire : mettez-y le SIRET du destinataire."
            )
            % {"value": problem.value}
            + " "
            + _element_sentence("BT-47", syntax)
        )
    # Form advice ("choisissez … dans la liste") becomes the element to change.
    message = re.sub(r" : choisissez[^.]*\.", ".", message)
    if problem.bt in ELEMENTS:
        message = f"{message} {_element_sentence(problem.bt, syntax)}"
    return message


def file_problems(problems: list[Any], *, syntax: str) -> list[Any]:
    """The Chorus Pro problems of a file, worded for the file, one message per error repeated on
    several lines ("Lignes 1, 2, 5 : …"). ``syntax`` is "CII", "UBL" or "" (both named)."""
    out: list[Any] = []
    grouped: dict[tuple[str, str], list[int]] = {}
    first: dict[tuple[str, str], Any] = {}
    for problem in problems:
        if problem.layer != "chorus":
            out.append(problem)
            continue
        match = _LINE_FIELD.match(problem.field or "")
        if match and _LINE_PREFIX.match(problem.message):
            key = (problem.rule_id, _LINE_PREFIX.sub("", problem.message))
            if key not in grouped:
                grouped[key] = []
                first[key] = problem
                out.append(key)
            grouped[key].append(int(match.group(1)) + 1)
            continue
        out.append(replace(problem, message=_file_message(problem, syntax)))
    result = []
    for item in out:
        if isinstance(item, tuple):
            lines = grouped[item]
            head = (
                _("Ligne %(n)d") % {"n": lines[0]}
                if len(lines) == 1
                else _("Lignes %(list)s") % {"list": ", ".join(str(n) for n in lines)}
            )
            result.append(replace(first[item], message=f"{head} : {item[1]}"))
        else:
            result.append(item)
    return result


_LINE_IN_PATH = re.compile(r"(?:IncludedSupplyChainTradeLineItem|InvoiceLine|CreditNoteLine)[^/]*\[(\d+)\]")


def grouped_issues(issues: list[Any]) -> list[Any]:
    """The validation layers' findings with one message per repeated error: the same rule and
    message on several invoice lines becomes « Lignes 2, 5, 9 : … » (or « … (7 fois) »)."""
    order: list[tuple[str, str]] = []
    by_key: dict[tuple[str, str], list[Any]] = {}
    for issue in issues:
        key = (issue.rule_id, issue.message)
        if key not in by_key:
            by_key[key] = []
            order.append(key)
        by_key[key].append(issue)
    out = []
    for key in order:
        group = by_key[key]
        if len(group) == 1:
            out.append(group[0])
            continue
        lines = sorted(
            {int(m.group(1)) for issue in group if (m := _LINE_IN_PATH.search(issue.location or ""))}
        )
        if len(lines) == len(group):
            head = _("Lignes %(list)s") % {"list": ", ".join(str(n) for n in lines)}
            message = f"{head} : {group[0].message}"
        else:
            message = _("%(message)s (%(n)d fois dans le fichier)") % {
                "message": group[0].message,
                "n": len(group),
            }
        out.append(replace(group[0], message=message))
    return out
